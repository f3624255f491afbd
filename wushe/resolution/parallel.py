"""Planning whole kinds in other processes while this one writes.

A pass over the whole registry spends most of its time planning (loading, comparing, clustering,
choosing values) and the rest writing. Each kind's plan reads only that kind's records and golden
records, which no other kind's writes change, so worker processes plan the kinds from their own
connection to the registry while this process writes the plans in dependency order, in its one
transaction: a crash still leaves the registry as it was.

The workers read what is committed, so this is only for callers whose transaction has written
nothing yet to the kinds it resolves (the sync's resolution pass), and only for a registry other
processes can open (a file or a server, not an in-memory database).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import Connection

from wushe.resolution.config import ResolutionConfig

if TYPE_CHECKING:
    from wushe.resolution.resolver import KindPlan

# below this many records, starting worker processes (importing the library anew) costs more than it saves
MIN_RECORDS = 50_000


def shareable(conn: Connection) -> bool:
    """Whether other processes can open the registry this connection is on."""
    url = conn.engine.url
    return url.get_backend_name() != "sqlite" or url.database not in (None, "", ":memory:")


@contextmanager
def planned_elsewhere(conn: Connection, kinds: list[str], records: int, config: ResolutionConfig, now: datetime,
                      workers: int) -> Iterator[dict[str, "Future[KindPlan]"]]:
    """Plans of these whole kinds being made by up to ``workers`` processes, by kind; empty when
    the work is too small to share or the registry cannot be shared (the caller plans in-process)."""
    if workers < 2 or not kinds or records < MIN_RECORDS or not shareable(conn):
        yield {}
        return
    url = conn.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connections or threads
    with ProcessPoolExecutor(max_workers=min(workers, len(kinds)), mp_context=context) as pool:
        futures = {kind: pool.submit(_plan, url, kind, config, now) for kind in kinds}
        try:
            yield futures
        finally:
            for future in futures.values():
                future.cancel()


def _plan(url: str, kind: str, config: ResolutionConfig, now: datetime) -> "KindPlan":
    from wushe.registry.db import make_engine
    from wushe.resolution.resolver import plan_kind

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return plan_kind(conn, kind, None, config, now)
    finally:
        engine.dispose()
