"""Partners synced in processes of their own.

Reading, validating and storing a partner's delivery is Python work: partners run as threads of
one process share one core, however many the machine has. Here each stream of each partner is
synced by ``sync_partner`` in a worker process (forked from a server with the library imported,
see ``wushe.workers``, opening the registry by its URL and the partners file by its path), up to
``settings.partner_processes`` at a time, the longest first: streams rather than whole partners, so
one large partner does not leave the other processes idle at the end (a worker checks a partner
once, however many of its streams it syncs). A partner may allow fewer of its streams at once
(``parallel_streams``: an API whose rate limit all its streams share), and then another partner's
stream goes first. A stream is expected to take as long as its last read of the same sort: a whole
read (a full export, an incremental stream's first read) as long as the last whole one, a delta as
long as the last delta. Every batch is still its own transaction, so nothing about recovery
changes; progress events come back through a queue, and a worker dies with the syncing process (a
crash of either is a crash of the run, which a rerun repairs).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from typing import Any, Callable, Iterator

from sqlalchemy import Engine, select

from wushe.config import Partner, Partners
from wushe.connector import CheckResult
from wushe.errors import WusheError
from wushe.registry.db import engine_url
from wushe.registry.models import StreamRun, StreamState
from wushe.sync import crashpoints, runs
from wushe.sync.report import StreamReport
from wushe.workers import environment, pool_context, start_worker, submitted

_DONE = None  # the end of the progress events


@dataclass
class _Worker:
    """What a worker process keeps for all the jobs it runs (one run's): the registry, the partners
    file, the queue back to the syncing process, and what checking each partner found."""

    engine: Engine
    partners: Partners
    progress: Any
    checked: dict[str, CheckResult] = field(default_factory=dict)


_worker: _Worker | None = None


def sync_in_processes(engine: Engine, partners: Partners, selected: list[Partner], run_id: str, *,
                      since: dict[str, Any] | None, progress: Any) -> None:
    """Sync ``selected`` partners in worker processes; never raises for a partner's fault (the
    run's stream rows say what each did)."""
    from wushe.sync.engine import failed_before_reading

    context = pool_context()
    queue = context.Queue() if progress else None
    forwarder = threading.Thread(target=_forward, args=(queue, progress), daemon=True) if queue else None
    if forwarder:
        forwarder.start()
    work = _longest_first(engine, _stream_jobs(engine, selected, since))
    workers = min(partners.settings.partner_processes, partners.settings.concurrency, len(work))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                 initargs=(os.getpid(), environment(), engine_url(engine), str(partners.path),
                                           queue)) as pool:
            def submit(j: _Job) -> Future:
                return submitted(pool, _sync_partner, j.partner.name, run_id, since, j.streams)

            for j, job in in_turn(work, workers, submit):
                try:
                    job.result()
                except BrokenProcessPool as exc:  # the system killed a worker (out of memory, say)
                    failed_before_reading(engine, run_id, j.partner, ", ".join(j.streams or ["(process)"]),
                                          f"partner {j.partner.name}: its sync process died ({exc})", progress)
    finally:
        if queue is not None and forwarder is not None:
            queue.put(_DONE)
            forwarder.join()


@dataclass(frozen=True)
class _Job:
    """One stream of a partner to sync in a worker (``streams`` None: the whole partner, when its
    streams cannot be told here; the worker then reports why, as a sync in threads would)."""

    partner: Partner
    streams: list[str] | None
    whole: bool  # read whole: a full export, or a stream without a cursor yet


def _stream_jobs(engine: Engine, selected: list[Partner], since: dict[str, Any] | None) -> list[_Job]:
    """The selected partners' chosen streams, one job each."""
    from wushe.sync.engine import chosen_streams

    with engine.connect() as conn:
        cursors = set(map(tuple, conn.execute(select(StreamState.partner, StreamState.stream)
                                              .where(StreamState.partner.in_([p.name for p in selected])))))
    jobs = []
    for partner in selected:
        try:
            streams = chosen_streams(partner, partner.connector())
        except WusheError:
            streams = []
        for s in streams:  # read from a backfill's start, else from the saved cursor if there is one
            start = since if since is not None else (partner.name, s.name) in cursors
            jobs.append(_Job(partner, [s.name], runs.reads_whole(s, start)))
        if not streams:
            jobs.append(_Job(partner, None, True))
    return jobs


# how far back the runs go that tell how long a stream takes
HISTORY = timedelta(days=60)


def _longest_first(engine: Engine, jobs: list[_Job]) -> list[_Job]:
    """``jobs`` ordered by how long each stream's last read of the same sort (whole or delta) took,
    the longest first, so that the last to finish is a short one. A stream never read that way
    counts as short: a delta after a first whole read is small beside another stream's full export.
    Among those, the larger whole read goes first: its deltas are likely the larger too."""
    names = sorted({j.partner.name for j in jobs})
    query = (select(StreamRun.partner, StreamRun.stream, StreamRun.started_at, StreamRun.finished_at, StreamRun.gate)
             .where(StreamRun.partner.in_(names), StreamRun.status == "succeeded",
                    StreamRun.started_at >= runs.now() - HISTORY)
             .order_by(StreamRun.id.desc()))
    took: dict[tuple[str, str, bool], float] = {}
    with engine.connect() as conn:
        for partner, stream, started, finished, gate in conn.execute(query):
            key = (partner, stream, bool((gate or {}).get("full_read", True)))
            if key not in took and finished is not None:
                took[key] = (finished - started).total_seconds()

    def expected(job: _Job, whole: bool) -> float:
        return sum(took.get((job.partner.name, s, whole), 0.0) for s in job.streams or ())

    return sorted(jobs, key=lambda j: (-expected(j, j.whole), -expected(j, True)))


def in_turn(work: list[_Job], slots: int, submit: Callable[[_Job], Future]) -> Iterator[tuple[_Job, Future]]:
    """Start the jobs in their order, ``slots`` at a time, but no more of one partner's streams at
    once than the partner allows (:meth:`~wushe.config.Partner.parallel_streams`): a job waiting for
    its partner lets the next one of another partner start first. Yields each job as it finishes."""
    waiting = list(work)
    running: dict[Future, _Job] = {}
    busy: Counter[str] = Counter()
    while waiting or running:
        while len(running) < slots:
            j = next((j for j in waiting if busy[j.partner.name] < (j.partner.parallel_streams() or slots)), None)
            if j is None:
                break
            waiting.remove(j)
            future = submit(j)
            running[future] = j
            busy[j.partner.name] += 1
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            j = running.pop(future)
            busy[j.partner.name] -= 1
            yield j, future


def _forward(queue: Any, progress: Any) -> None:
    while (event := queue.get()) is not _DONE:
        progress(event)


def _start_worker(syncing: int, env: dict[str, str], url: str, partners_file: str, queue: Any) -> None:
    """Tie the worker's life to the syncing process's, open the registry and the partners file
    once for every job it will run, and route its progress events home."""
    from wushe.config import load_partners
    from wushe.registry.db import make_engine

    global _worker
    start_worker(env)
    crashpoints.crash_takes_sync(syncing)
    _worker = _Worker(make_engine(url), load_partners(partners_file), queue.put if queue is not None else None)


def _sync_partner(name: str, run_id: str, since: dict[str, Any] | None,
                  streams: list[str] | None) -> list[StreamReport]:
    from wushe.sync.engine import sync_partner

    assert _worker is not None, "runs in a worker started by sync_in_processes"
    partners = _worker.partners
    return sync_partner(_worker.engine, partners.get(name), run_id, partners, streams=streams, since=since,
                        progress=_worker.progress, checked=_worker.checked)
