"""Run bookkeeping: sync runs, per-stream counts and cursors.

Counts and cursors are written inside each batch's transaction, so after a crash they agree with
what the registry holds: a rerun neither loses nor double-counts a batch.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from wushe import settings
from wushe.connector import Stream
from wushe.errors import ConfigError
from wushe.registry.db import write_transaction
from wushe.registry.models import StreamRun, StreamState, SyncRun
from wushe.registry.upsert import upsert
from wushe.sync.report import COUNTS, SyncReport, load_report


def now() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id(at: datetime | None = None) -> str:
    """Sortable and readable: 20261124T020000Z-a1b2c3."""
    return f"{(at or now()):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def start_run(engine: Engine, trigger: str, *, flow_run_id: str | None = None, run_id: str | None = None) -> str:
    """Open a run; refused (``ConfigError``) when this process's secret key is not the one the
    registry's identifiers were hashed with."""
    run_id = run_id or new_run_id()
    fingerprint = settings.key_fingerprint()
    with write_transaction(engine) as conn:
        _check_key(conn, fingerprint)
        conn.execute(SyncRun.__table__.insert().values(
            id=run_id, trigger=trigger, status="running", started_at=now(), flow_run_id=flow_run_id,
            key_fingerprint=fingerprint))
    return run_id


def _check_key(conn: Connection, fingerprint: str) -> None:
    """A key found in another folder (another working directory, a lost ``WUSHE_HOME``) would hash
    every ID number and phone anew: none would match what is stored, and the registry would fill
    with duplicates. The last run that recorded a key names the registry's."""
    last = conn.execute(select(SyncRun.id, SyncRun.key_fingerprint).where(SyncRun.key_fingerprint.is_not(None))
                        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1)).first()
    if last is not None and last.key_fingerprint != fingerprint:
        raise ConfigError(
            f"the secret key from {settings.key_source()} (fingerprint {fingerprint}) is not the key this registry's "
            f"identifiers were hashed with (fingerprint {last.key_fingerprint}, last used by run {last.id}). "
            "Set WUSHE_SECRET_KEY, or WUSHE_HOME to the folder holding that key's secret.key; "
            "with another key no stored ID number or phone would match again.")


def finish_run(engine: Engine, run_id: str, *, error: str | None = None) -> SyncReport:
    """Close a run; its status follows from its streams (partial when only some failed)."""
    report = load_report(engine, run_id)
    failed = [s for s in report.streams if s.failed]
    if error or (report.streams and len(failed) == len(report.streams)):
        status = "failed"
    elif failed:
        status = "partial"
    else:
        status = "succeeded"
    summary = {"totals": report.totals(), "failed_partners": report.failed_partners}
    with write_transaction(engine) as conn:
        conn.execute(update(SyncRun).where(SyncRun.id == run_id).values(
            status=status, finished_at=now(), error=error, summary=summary))
    return load_report(engine, run_id)


def start_stream(engine: Engine, run_id: str, partner: str, stream: str) -> int:
    with write_transaction(engine) as conn:
        result = conn.execute(StreamRun.__table__.insert().values(
            run_id=run_id, partner=partner, stream=stream, status="running", started_at=now(),
            **{c: 0 for c in (*COUNTS, "unchanged")}))
        return int(result.inserted_primary_key[0])


def add_counts(conn: Connection, stream_run_id: int, **deltas: int) -> None:
    """Add to a stream's counts within the caller's (batch) transaction."""
    deltas = {k: v for k, v in deltas.items() if v}
    if deltas:
        table = StreamRun.__table__
        conn.execute(update(table).where(table.c.id == stream_run_id).values(
            {k: table.c[k] + v for k, v in deltas.items()}))


def credit_merged(conn: Connection, run_id: str, partner: str, stream: str, merged: int) -> None:
    """Record how many of a stream's records the run's resolution pass merged."""
    table = StreamRun.__table__
    latest = select(func.max(table.c.id)).where(table.c.run_id == run_id, table.c.partner == partner,
                                                table.c.stream == stream).scalar_subquery()
    conn.execute(update(table).where(table.c.id == latest).values(merged=table.c.merged + merged))


def finish_stream(engine: Engine, stream_run_id: int, status: str, *, error: str | None = None,
                  gate: dict[str, Any] | None = None) -> None:
    with write_transaction(engine) as conn:
        conn.execute(update(StreamRun).where(StreamRun.id == stream_run_id).values(
            status=status, finished_at=now(), error=error, gate=gate))


def record_partner_failure(engine: Engine, run_id: str, partner: str, message: str) -> None:
    """A partner's part of a run ended badly outside its streams (its process crashed, its run was
    cancelled): unless a stream already says why, record it, so the report never shows it as done."""
    table = StreamRun.__table__
    with engine.connect() as conn:
        explained = conn.scalar(select(func.count()).where(
            table.c.run_id == run_id, table.c.partner == partner, table.c.status != "succeeded"))
    if not explained:
        finish_stream(engine, start_stream(engine, run_id, partner, "(run)"), "failed", error=message)


def reads_whole(stream: Stream, start: Any) -> bool:
    """Whether a read of ``stream`` from ``start`` (its cursor, or whether it has one) covers the whole
    stream: a full export always does, an incremental stream when nothing was read before."""
    return stream.full_export or not start


def load_state(engine: Engine, partner: str, stream: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        return conn.scalar(select(StreamState.state).where(StreamState.partner == partner, StreamState.stream == stream))


def save_state(conn: Connection, partner: str, stream: str, state: dict[str, Any], run_id: str | None) -> None:
    """Store a stream's cursor within the caller's (batch) transaction."""
    upsert(conn, StreamState.__table__,
           [{"partner": partner, "stream": stream, "state": state, "updated_at": now(), "run_id": run_id}],
           keys=("partner", "stream"))


def clear_state(engine: Engine, partner: str, stream: str | None = None) -> None:
    """Forget cursors so the next sync reads from the beginning (a backfill)."""
    with write_transaction(engine) as conn:
        query = StreamState.__table__.delete().where(StreamState.partner == partner)
        if stream:
            query = query.where(StreamState.stream == stream)
        conn.execute(query)
