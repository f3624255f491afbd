"""The cyclic collector pauses for a hot loop and is back as it was afterwards, whatever happens."""

from __future__ import annotations

import gc
import threading

import pytest

from wushe.gcpause import cyclic_gc_paused


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_restores_it() -> None:
    with pytest.raises(RuntimeError):
        with cyclic_gc_paused():
            raise RuntimeError("the batch failed")
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_end_when_the_last_one_does() -> None:
    inside, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with cyclic_gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_writer)
    with cyclic_gc_paused():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other writer is still in its batch
    release.set()
    thread.join(5)
    assert gc.isenabled()
