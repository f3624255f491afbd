"""Worker processes are forked from a prepared server, yet behave as freshly started ones."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from wushe.workers import environment, pool_context, start_worker, warm_up


def _imported(module: str) -> bool:
    return module in sys.modules


def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(1, mp_context=pool_context(), initializer=start_worker, initargs=(environment(),))


def test_a_worker_has_the_environment_of_the_moment_its_pool_starts(monkeypatch) -> None:
    """The fork server keeps the environment it started with; a sync's settings and secrets are
    those of the moment the sync runs (a long-running ``wushe serve`` reads them anew each night)."""
    with _pool() as pool:
        pool.submit(os.getpid).result()  # the fork server runs from here on
    monkeypatch.setenv("WUSHE_WORKER_PROBE", "changed since")
    with _pool() as pool:
        assert pool.submit(os.getenv, "WUSHE_WORKER_PROBE").result() == "changed since"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork servers are a Unix feature")
def test_workers_start_with_the_library_and_great_expectations_already_imported() -> None:
    warm_up()
    with _pool() as pool:
        assert pool.submit(_imported, "wushe.resolution.resolver").result()
        assert pool.submit(_imported, "great_expectations").result()  # every partner worker validates


def _tables_built() -> dict[str, int]:
    from wushe.resolution import normalize
    from wushe.taxonomy import taxonomy

    return {"normaliser": normalize._rules.cache_info().currsize, "converter": normalize._converter.cache_info().currsize,
            "taxonomies": taxonomy.cache_info().currsize}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork servers are a Unix feature")
def test_workers_start_with_the_lookup_tables_built_once_by_the_server() -> None:
    """Each planner built the name normaliser's tables at its first use (0.14 s, on the way of the
    plan the syncing process waits for first); forked from the server, they have them already."""
    from wushe.taxonomy import TAXONOMIES

    warm_up()
    with _pool() as pool:
        built = pool.submit(_tables_built).result()
    assert built == {"normaliser": 1, "converter": 1, "taxonomies": len(TAXONOMIES)}


def _collected_in_a_full_pass() -> int:
    import gc

    gc.collect()
    return len(gc.get_objects())


def test_a_workers_full_collections_leave_out_the_library_it_was_forked_with() -> None:
    """A partner worker's cyclic collector walks what the worker made, not the hundreds of thousands
    of objects of the library it inherited (a full pass over them cost a third of a second)."""
    import gc

    with _pool() as pool:
        frozen = pool.submit(gc.get_freeze_count).result()
        walked = pool.submit(_collected_in_a_full_pass).result()
    assert frozen > 50_000 and walked < frozen / 10
