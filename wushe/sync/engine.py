"""Syncing partners: read, validate, store, resolve, one transaction per batch.

For each stream of a partner: the connector reads from the committed cursor; each batch is
validated (quarantine rows written) and stored as source records marked pending, committed
together with the stream's counts and new cursor; once every partner has delivered, one resolution
pass merges what is pending into golden records. A crash anywhere loses at most the
batch in flight, which the rerun reads again from the committed cursor; content hashes make the
re-read a no-op where nothing changed. After a complete read of a full-export stream, the records it
no longer contains are withdrawn, unless the volume gate says the read collapsed.

Plain Python: the CLI calls it directly and the Prefect flows wrap it.
"""

from __future__ import annotations

import gc
import logging
import time
from array import array
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Callable

from sqlalchemy import Engine

from wushe.config import Partner, Partners
from wushe.connector import Batch, CheckResult, Connector, Stream, rows_known
from wushe.errors import ConnectorError, WusheError
from wushe.gcpause import cyclic_gc_paused
from wushe.memory import release_freed_memory
from wushe.registry.db import refresh_statistics, shareable, write_in_steps, write_transaction
from wushe.registry.known_rows import StoredRows
from wushe.registry.sources import (encode_records, keep_seen, mark_seen, remember_row_digests, sort_unchanged,
                                    withdraw_unseen, write_source_records)
from wushe.sync import runs
from wushe.sync.crashpoints import crash_point
from wushe.sync.fingerprint import mapping_key
from wushe.sync.report import StreamReport, SyncReport

log = logging.getLogger("wushe.sync")


class SyncTimeout(WusheError):
    """A partner took longer than its ``timeout_seconds``; it stopped at a batch boundary."""


@dataclass(frozen=True)
class Progress:
    """One step of a sync, for progress displays: a batch committed or a stream finished."""

    partner: str
    stream: str
    fetched: int
    status: str  # "running" while batches arrive, then the stream's final status


ProgressFn = Callable[[Progress], None]
# held around each batch commit, e.g. a slot of a global limit on registry writes (multi-machine)
Guard = Callable[[], AbstractContextManager[Any]]


# How many batches go by between two collections of reference cycles during a stream. A
# collection walks every object still alive, and the readers that produced the batch still hold
# much of it then (a full export's 20,000 rows last read, in their generators' frames): 0.1-0.15 s
# a collection, whatever it finds, a tenth of a night 2's longest stream when made after each batch.
# What a batch leaves in cycles is small (a worker's memory no longer grew, in 15 batches of a first
# night's volunteers, without any collection), so collecting now and then bounds it as well.
COLLECT_EVERY = 8


def sync_stream(
    engine: Engine,
    partner: Partner,
    connector: Connector,
    stream: Stream,
    run_id: str,
    partners: Partners,
    *,
    since: dict[str, Any] | None = None,
    deadline: float | None = None,
    progress: ProgressFn | None = None,
    guard: Guard | None = None,
) -> StreamReport:
    """Sync one stream of one partner; never raises for a partner's fault (the report says it)."""
    from wushe.validation.gates import GateFailure
    from wushe.validation.stage import StreamValidation

    stream_run = runs.start_stream(engine, run_id, partner.name, stream.name)
    state = since if since is not None else runs.load_state(engine, partner.name, stream.name)
    full_read = runs.reads_whole(stream, state)
    check = StreamValidation(partner.name, stream.name, stream.kind, run_id=run_id,
                             gates=partner.gates(partners.settings), full_read=full_read)
    read_started = runs.now()
    fetched = 0
    status, error, transient = "succeeded", None, False
    guard = guard or nullcontext
    try:
        # Mapping and validating a batch allocate a container or more per cell, and a batch is held
        # whole until it is committed: the cyclic collector would pass over the growing batch again
        # and again (at 190,000 merchant rows, 6 of the stream's 15 CPU seconds). Reference counting
        # frees what a batch leaves; the reference cycles it left (a few, small: SQLAlchemy's
        # statements) are collected every COLLECT_EVERY batches, young ones only (see there).
        known = StoredRows(engine, partner.name, stream.kind, stream.name, mapping_key(partner, connector, stream))
        # the stored rows a full export returns unchanged: counted here, not timestamped row by row
        # (a crash loses the count with the read, and the rerun reads the whole export again)
        sighted = array("q") if stream.full_export else None
        with cyclic_gc_paused(), rows_known(known):
            for number, batch in enumerate(connector.read(partner.config, stream, state), 1):
                crash_point("batch-read")
                with guard():
                    _commit_batch(engine, partner, stream, run_id, stream_run, check, batch, sighted)
                crash_point("batch-committed")
                fetched += len(batch)
                del batch
                if number % COLLECT_EVERY == 0:
                    gc.collect(1)
                if progress:
                    progress(Progress(partner.name, stream.name, fetched, "running"))
                if deadline is not None and time.monotonic() > deadline:
                    raise SyncTimeout(f"partner {partner.name}, stream {stream.name}: stopped after "
                                      f"{partner.spec.timeout_seconds:g} s (timeout_seconds); {fetched:,} rows committed")
        with guard(), write_transaction(engine) as conn:
            check.finish(conn)  # the volume gate, before anything is withdrawn
            if stream.full_export:
                gone = withdraw_unseen(conn, partner.name, stream.name, read_started, sighted=sighted, run_id=run_id)
                runs.add_counts(conn, stream_run, withdrawn=len(gone))
                crash_point("stream-finishing")
    except GateFailure as exc:
        status, error = "gated", str(exc)
    except SyncTimeout as exc:
        status, error, transient = "timeout", str(exc), True
    except ConnectorError as exc:
        status, error, transient = "failed", str(exc.bind(partner=partner.name, stream=stream.name)), exc.transient
    except WusheError as exc:
        status, error = "failed", f"partner {partner.name}, stream {stream.name}: {exc}"
    except Exception as exc:  # a bug, not a partner fault: keep the other partners going, say what broke
        log.exception("sync of partner %s, stream %s crashed", partner.name, stream.name)
        status, error = "failed", f"partner {partner.name}, stream {stream.name}: {type(exc).__name__}: {exc}"
    runs.finish_stream(engine, stream_run, status, error=error, gate=check.gate_report())
    if progress:
        progress(Progress(partner.name, stream.name, fetched, status))
    return StreamReport(partner.name, stream.name, status, fetched=fetched, error=error, transient=transient)


def _commit_batch(engine: Engine, partner: Partner, stream: Stream, run_id: str, stream_run: int,
                  check: Any, batch: Batch, sighted: array | None) -> None:
    """Validate, store and move the cursor: all or nothing. Stored changes stay marked pending
    until the resolution pass merges them, so a crash between the two loses nothing. Rows read
    unchanged are added to ``sighted`` where given, else their ``last_seen_at`` moves."""
    with engine.connect() as conn:  # only this stream's own writer changes these rows
        known = sort_unchanged(conn, batch.records, batch.row_digests, stream.name)
    seen = [*known.seen, *batch.unchanged.values()]  # the rows left unmapped are stored rows too
    # outside the transaction: validation needs no database (and rows already held need none),
    # nor does encoding what it lets through
    validated = check.validate(known.changed, unreadable=batch.unreadable, known=seen)
    encoded = encode_records(validated.valid, known.encoded)
    with write_transaction(engine) as conn:
        outcome = check.record(conn, validated)  # raises GateFailure before writing anything
        crash_point("batch-validated")
        written = write_source_records(conn, outcome.valid, run_id=run_id, stream=stream.name,
                                       row_digests=batch.row_digests, encoded=encoded)
        if sighted is None:
            mark_seen(conn, seen, stream=stream.name, run_id=run_id)
        remember_row_digests(conn, known.restamped)
        held_back = outcome.held_back() + [u.source_id for u in batch.unreadable if u.source_id is not None]
        keep_seen(conn, partner.name, stream.kind, [str(i) for i in held_back], run_id=run_id)
        crash_point("batch-stored")
        c = written.counts
        runs.add_counts(conn, stream_run, fetched=len(batch), valid=len(outcome.valid) + len(seen),
                        quarantined=outcome.quarantine.rejected, new=c.new, updated=c.updated,
                        unchanged=c.unchanged + len(seen), withdrawn=c.deleted)
        runs.save_state(conn, partner.name, stream.name, batch.state, run_id)
    if sighted is not None:
        sighted.extend(seen)


def sync_partner(
    engine: Engine,
    partner: Partner,
    run_id: str,
    partners: Partners,
    *,
    streams: list[str] | None = None,
    since: dict[str, Any] | None = None,
    progress: ProgressFn | None = None,
    guard: Guard | None = None,
    checked: dict[str, CheckResult] | None = None,
) -> list[StreamReport]:
    """Sync the (selected) streams of one partner, after checking it is reachable.

    ``checked`` keeps what checking each partner found, for a caller that syncs a partner's streams
    in several calls (a worker process, one stream per job): the partner is checked once, not once
    per stream, and a dead one is not waited for again."""
    deadline = time.monotonic() + partner.spec.timeout_seconds
    try:
        connector = partner.connector()
        chosen = chosen_streams(partner, connector, streams)
        result = checked.get(partner.name) if checked is not None else None
        if result is None:
            result = connector.check(partner.config)
            if checked is not None:
                checked[partner.name] = result
    except WusheError as exc:
        return [failed_before_reading(engine, run_id, partner, "(setup)", str(exc), progress)]
    if not result.ok:
        message = f"partner {partner.name} is not reachable: {result.message}"
        return [failed_before_reading(engine, run_id, partner, s.name, message, progress, transient=True)
                for s in chosen]
    return [sync_stream(engine, partner, connector, s, run_id, partners, since=since, deadline=deadline,
                        progress=progress, guard=guard)
            for s in chosen]


def chosen_streams(partner: Partner, connector: Connector, streams: list[str] | None = None) -> list[Stream]:
    """The streams to sync: those named (else those the partners file names, else every one the
    connector offers); a name the connector does not offer is an error."""
    offered = connector.streams(partner.config)
    wanted = streams or partner.spec.streams
    unknown = sorted(set(wanted or ()) - {s.name for s in offered})
    if unknown:
        raise WusheError(f"partner {partner.name} has no stream {', '.join(unknown)} "
                         f"(it offers {', '.join(s.name for s in offered)})")
    return [s for s in offered if not wanted or s.name in wanted]


def failed_before_reading(engine: Engine, run_id: str, partner: Partner, stream: str, message: str,
                          progress: ProgressFn | None, *, transient: bool = False) -> StreamReport:
    """Record a stream (or the partner's setup) as failed before any row was read."""
    stream_run = runs.start_stream(engine, run_id, partner.name, stream)
    runs.finish_stream(engine, stream_run, "failed", error=message)
    if progress:
        progress(Progress(partner.name, stream, 0, "failed"))
    return StreamReport(partner.name, stream, "failed", error=message, transient=transient)


def run_sync(
    engine: Engine,
    partners: Partners,
    names: list[str] | None = None,
    *,
    trigger: str = "cli",
    since: dict[str, Any] | None = None,
    progress: ProgressFn | None = None,
    notify: bool = True,
) -> SyncReport:
    """A whole sync run: every selected partner, concurrently up to ``settings.concurrency``
    (as threads, or in ``settings.partner_processes`` worker processes).

    One failing partner never stops the others; the returned report says what each stream did.
    """
    selected = partners.select(names)
    run_id = runs.start_run(engine, trigger)
    error = None
    froze = False  # whether this process's objects are kept out of the collector's passes (until the run ends)
    try:
        if _in_processes(engine, partners, selected):
            from wushe.sync.processes import sync_in_processes

            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wushe-ready") as background:
                readied = background.submit(_ready_for_resolution)
                try:
                    sync_in_processes(engine, partners, selected, run_id, since=since, progress=progress)
                finally:
                    froze = readied.result()
        else:
            with ThreadPoolExecutor(max_workers=partners.settings.concurrency, thread_name_prefix="wushe-sync") as pool:
                jobs = [pool.submit(sync_partner, engine, p, run_id, partners, since=since, progress=progress)
                        for p in selected]
                for future in jobs:
                    future.result()
        try:
            resolution_pass(engine, run_id, partners)
        except Exception as exc:  # the kinds not yet committed stay pending; the next run resolves them
            log.exception("resolution pass of run %s failed", run_id)
            error = f"resolution pass: {type(exc).__name__}: {exc}"
    finally:
        if froze:
            gc.unfreeze()
    crash_point("run-finishing")
    report = runs.finish_run(engine, run_id, error=error)
    if notify:
        from wushe.sync.notify import notify_finished

        notify_finished(report)
    return report


def prepare_workers(engine: Engine, partners: Partners, names: list[str] | None = None) -> None:
    """Start the worker processes' server now if this sync will use it, so that its imports
    (seconds on one core) overlap what the caller does before :func:`run_sync`."""
    if _in_processes(engine, partners, partners.select(names)):
        from wushe.workers import warm_up

        warm_up()


def _ready_for_resolution() -> bool:
    """Make this process ready for the resolution pass while worker processes sync the partners
    (it has nothing else to do then): import the pass's modules, and keep what the process holds
    now (the library, hundreds of thousands of objects) out of the cyclic collector's passes until
    the run ends, so that the full collection the pass starts with walks only what was made since.
    On the pass's way, both took 0.3 s. Returns whether it froze them (not where something else in
    the process already had: that is its to undo)."""
    import wushe.resolution.pending  # noqa: F401  (what resolution_pass imports)

    if gc.get_freeze_count():
        return False
    gc.freeze()  # moves the objects aside, walks none of them: what is garbage now goes when the run ends
    return True


def _in_processes(engine: Engine, partners: Partners, selected: list[Partner]) -> bool:
    return partners.settings.partner_processes > 1 and len(selected) > 1 and shareable(engine)


# the tables a night's partner phase fills and its resolution pass then reads, and those the
# pass and the partner phase write that the next night reads (quarantine, versions): analysed
# after each, not the whole registry (on PostgreSQL's first night, 3.4 s for all of them)
LOADED = ("source_record", "pending_record")
RESOLVED = ("golden_record", "cross_reference", "golden_link", "golden_event", "match_feature", "match_block",
            "match_block_delta", "review_item", "pending_record", "quarantine_item", "source_version")


def resolution_pass(engine: Engine, run_id: str | None, partners: Partners | None = None) -> dict[str, Any]:
    """Merge every pending source record into golden records (all partners, all kinds) and refresh
    the links between kinds; credit each stream of the run with the records merged from it.

    The partners file gives the partners' roles (which source wins which field), the partners
    whose records are each a different entity, and how many processes may plan the pass."""
    from wushe.resolution import resolve_pending
    from wushe.resolution.pending import pending_count
    from wushe.resolution.config import ResolutionConfig

    config = ResolutionConfig.from_partners(partners) if partners is not None else None
    workers = partners.settings.resolution_workers if partners is not None else 1

    gc.collect()  # what the partner phase left in reference cycles, before its heap is handed back
    release_freed_memory()
    changed = pending_count(engine)
    refresh_statistics(engine, changed, LOADED)  # the partners' loads, before resolution queries them
    with write_in_steps(engine) as steps:  # a kind at a time: see write_in_steps
        conn = steps.conn
        report = resolve_pending(conn, run_id=run_id, config=config, workers=workers, commit=steps.commit)
        crash_point("resolution")
        if run_id:
            for (partner, stream), merged in report.merged_by_stream().items():
                runs.credit_merged(conn, run_id, partner, stream, merged)
    refresh_statistics(engine, changed, RESOLVED)  # what it wrote, before the next night queries it
    return report.as_dict()
