"""Partners synced in processes of their own.

Reading, validating and storing a partner's delivery is Python work: partners run as threads of
one process share one core, however many the machine has. Here each stream of each partner is
synced by ``sync_partner`` in a worker process (forked from a server with the library imported,
see ``wushe.workers``, opening the registry by its URL and the partners file by its path), up to
``settings.partner_processes`` at a time, the largest deliveries of the last run first: streams
rather than whole partners, so one large partner does not leave the other processes idle at the
end. Every batch is still its own transaction, so nothing about recovery changes; progress events
come back through a queue, and a worker dies with the syncing process (a crash of either is a
crash of the run, which a rerun repairs).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sqlalchemy import Engine, func, select

from wushe.config import Partner, Partners
from wushe.errors import WusheError
from wushe.registry.db import engine_url
from wushe.registry.models import StreamRun
from wushe.sync import crashpoints
from wushe.sync.report import StreamReport
from wushe.workers import environment, pool_context, start_worker

_DONE = None  # the end of the progress events


@dataclass
class _Worker:
    """What a worker process keeps for all the jobs it runs: the registry, the partners file and
    the queue back to the syncing process."""

    engine: Engine
    partners: Partners
    progress: Any


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
    last = _last_fetched(engine, [p.name for p in selected])
    work = sorted(((p, streams) for p in selected for streams in _stream_jobs(p)),
                  key=lambda job: -sum(last.get((job[0].name, s), 0) for s in job[1] or ()))
    workers = min(partners.settings.partner_processes, partners.settings.concurrency, len(work))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                 initargs=(os.getpid(), environment(), engine_url(engine), str(partners.path),
                                           queue)) as pool:
            jobs = [(p, streams, pool.submit(_sync_partner, p.name, run_id, since, streams)) for p, streams in work]
            for partner, streams, job in jobs:
                try:
                    job.result()
                except BrokenProcessPool as exc:  # the system killed a worker (out of memory, say)
                    failed_before_reading(engine, run_id, partner, ", ".join(streams or ["(process)"]),
                                          f"partner {partner.name}: its sync process died ({exc})", progress)
    finally:
        if queue is not None and forwarder is not None:
            queue.put(_DONE)
            forwarder.join()


def _stream_jobs(partner: Partner) -> list[list[str] | None]:
    """The partner's chosen streams, one job each; one job for the whole partner when they cannot
    be told here (the worker then reports why, as a sync in threads would)."""
    from wushe.sync.engine import chosen_streams

    try:
        return [[s.name] for s in chosen_streams(partner, partner.connector())] or [None]
    except WusheError:
        return [None]


def _last_fetched(engine: Engine, partners: list[str]) -> dict[tuple[str, str], int]:
    """Rows each stream delivered in its last run (absent before the first): the biggest start
    first, so the last to finish is a small one."""
    latest = (select(func.max(StreamRun.id).label("id"))
              .where(StreamRun.partner.in_(partners)).group_by(StreamRun.partner, StreamRun.stream).subquery())
    with engine.connect() as conn:
        rows = conn.execute(select(StreamRun.partner, StreamRun.stream, StreamRun.fetched)
                            .join(latest, StreamRun.id == latest.c.id))
        return {(partner, stream): fetched for partner, stream, fetched in rows}


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
                        progress=_worker.progress)
