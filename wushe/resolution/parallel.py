"""Planning kinds in other processes while this one writes.

A resolution pass spends most of its time planning (loading, comparing, clustering, choosing
values) and the rest writing. Each kind's plan reads only that kind's records, golden records and
blocking index, which no other kind's writes change, so worker processes plan the kinds from their
own connection to the registry while this process writes the plans in dependency order, in its
own transaction (or one per kind, see ``resolve_pending``): a crash leaves what is not committed
pending.

The workers read what is committed, so this is only for callers whose transaction has written
nothing yet to the kinds it resolves (the sync's resolution pass), and only for a registry other
processes can open (a file or a server, not an in-memory database).
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterator

from sqlalchemy import Connection

from wushe.errors import WusheError
from wushe.registry.db import engine_url, shareable
from wushe.resolution.config import ResolutionConfig
from wushe.workers import environment, pool_context, start_worker, submitted

if TYPE_CHECKING:
    from wushe.resolution.resolver import KindPlan

# below this many records to plan, sharing the planning saves less than it costs: worker processes to fork,
# each with its own connection and cold caches, and plans to send back
MIN_RECORDS = 50_000
# a touched record brings about this many others into a delta's plan (the candidates it is scored against,
# and the clusters of those close to it)
DELTA_REACH = 5


def workload(jobs: dict[str, list[int] | None], live: dict[str, int]) -> int:
    """About how many records planning these jobs (kind -> touched records, None for the whole
    kind) loads and compares."""
    return sum(live.get(kind, 0) if touched is None else DELTA_REACH * len(touched) for kind, touched in jobs.items())


@contextmanager
def planned_elsewhere(conn: Connection, jobs: dict[str, list[int] | None], records: int, config: ResolutionConfig,
                      now: datetime, workers: int) -> Iterator[dict[str, "Future[KindPlan]"]]:
    """Plans of these jobs (kind -> touched records, None for the whole kind) being made by up to
    ``workers`` processes, by kind; empty when the work (``records``) is too small to share or the
    registry cannot be shared (the caller then plans in-process)."""
    if workers < 2 or len(jobs) < 2 or records < MIN_RECORDS or not shareable(conn.engine):
        yield {}
        return
    url = engine_url(conn.engine)
    context = pool_context()
    # a process per whole kind: what one kind's plan needed is handed back to the system, not kept
    # for the next; deltas are small, and share their processes rather than start one each
    fresh = 1 if any(touched is None for touched in jobs.values()) else None
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context, max_tasks_per_child=fresh,
                             initializer=start_worker, initargs=(environment(),)) as pool:
        futures = {kind: submitted(pool, _plan, url, kind, touched, config, now) for kind, touched in jobs.items()}
        try:
            yield futures
        finally:
            for future in futures.values():
                future.cancel()


def in_writing_order(kinds: list[str], planned: dict[str, "Future[KindPlan]"],
                     referred: Callable[[str], set[str]]) -> Iterator[str]:
    """The kinds (in dependency order) in the order their plans are written: a kind once every kind
    it refers to (``referred``) is written, and among those the first whose plan is made, so the
    syncing process writes a plan that is ready (resources) rather than wait for one that is not
    (volunteers, which no kind refers to). Kinds planned here come in dependency order."""
    left = list(kinds)
    while left:
        ready = [kind for kind in left if not referred(kind) & set(left)]
        elsewhere = [kind for kind in ready if kind in planned]
        if len(elsewhere) < len(ready):
            chosen = next(kind for kind in ready if kind not in planned)
        else:
            wait([planned[kind] for kind in elsewhere], return_when=FIRST_COMPLETED)
            chosen = next(kind for kind in elsewhere if planned[kind].done())
        left.remove(chosen)
        yield chosen


class PlanningError(WusheError):
    """A process planning a kind died (the system killed it, out of memory say): the pass writes
    nothing, and its records stay pending for the next."""


def plan_of(future: "Future[KindPlan]", kind: str) -> "KindPlan":
    """The plan a worker made of ``kind``, once it is made."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise PlanningError(f"the process planning the {kind} records died ({exc}); nothing of this resolution "
                            "pass was written, and its records stay pending for the next run") from exc


def _plan(url: str, kind: str, touched: list[int] | None, config: ResolutionConfig, now: datetime) -> "KindPlan":
    from wushe.gcpause import cyclic_gc_paused
    from wushe.registry.db import make_engine
    from wushe.resolution.resolver import plan_kind
    from wushe.sync.crashpoints import crash_point

    crash_point("planning")
    engine = make_engine(url)
    try:
        with cyclic_gc_paused(), engine.connect() as conn:
            return plan_kind(conn, kind, touched, config, now)
    finally:
        engine.dispose()
