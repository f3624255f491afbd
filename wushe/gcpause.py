"""Pausing Python's cyclic garbage collector around a hot loop.

A batch write allocates hundreds of thousands of short-lived containers (rows, digests, keys) that
reference counting alone frees. Each still counts towards the collector's thresholds, so the
collector runs, a few times a batch, full passes over everything the process holds, the batch in
flight included: a sixth of the write's CPU time, measured. Pausing it for the loop keeps no memory
for long: the collector is paused for the whole process (other threads too) only while some thread
is inside a paused block, and the cyclic garbage left meanwhile goes at the next pass after it.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_depth = 0  # paused blocks now running, in any thread
_was_enabled = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; its state before is restored when the last
    paused block of the process ends, whether the block returns or raises."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
