"""Resolving what is pending: every source record stored or withdrawn since resolution last ran.

``write_source_records`` and ``withdraw_unseen`` queue what they change (``pending_record``);
this pass resolves those records (all partners, kinds in dependency order) and empties the queue of
them in the transaction that writes their golden records. A crash before that commits leaves them
queued, so the next pass does the work.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import Connection, Engine, Select, delete, func, select

from wushe.registry.models import PendingRecord, SourceRecord
from wushe.registry.sets import one_of
from wushe.resolution.config import ResolutionConfig
from wushe.resolution.resolver import ORDER, ResolveReport, resolve_records
from wushe.sync.crashpoints import crash_point

HEAD = SourceRecord.__table__
QUEUE = PendingRecord.__table__


@dataclass
class PendingReport:
    resolved: ResolveReport
    by_stream: Counter[tuple[str, str]] = field(default_factory=Counter)  # (partner, stream) -> records

    def merged_by_stream(self) -> dict[tuple[str, str], int]:
        return dict(self.by_stream)

    def as_dict(self) -> dict[str, Any]:
        return {"kinds": self.resolved.as_dict(), "records": sum(self.by_stream.values())}


def pending_records(kinds: list[str]) -> Select[Any]:
    """The pending source records of these kinds: what a night changed is read, not the whole registry."""
    return select(QUEUE.c.source_record_id, QUEUE.c.kind).where(QUEUE.c.kind.in_(kinds))


def pending_count(engine: Engine) -> int:
    """How many source records wait for resolution."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(QUEUE)).scalar_one()


def _pending_by_stream(kinds: list[str]) -> Select[Any]:
    return (select(HEAD.c.partner, HEAD.c.stream, func.count()).join(QUEUE, QUEUE.c.source_record_id == HEAD.c.id)
            .where(QUEUE.c.kind.in_(kinds)).group_by(HEAD.c.partner, HEAD.c.stream))


def resolve_pending(conn: Connection, *, run_id: str | None = None, config: ResolutionConfig | None = None,
                    kinds: list[str] | None = None, workers: int = 1,
                    commit: Callable[[], None] | None = None) -> PendingReport:
    """Resolve every pending source record (of ``kinds``, default all) and clear its mark.

    ``workers`` > 1 lets other processes plan whole kinds (``wushe.resolution.parallel``): only for
    a transaction that has written nothing before this call. With ``commit`` (which commits the
    caller's transaction and begins the next), each kind's records leave the queue in the
    transaction that writes their golden records, committed before the next kind is written: a
    crash between two kinds leaves the later ones pending, and the next pass resolves them."""
    wanted = [k for k in ORDER if not kinds or k in kinds]
    by_kind: dict[str, list[int]] = {}
    for rid, kind in conn.execute(pending_records(wanted)):
        by_kind.setdefault(kind, []).append(rid)
    report = PendingReport(ResolveReport())
    if not by_kind:
        return report

    def credit() -> None:
        """The streams' merged counts: asked once the planning processes have their kinds, as the
        registry server answers it (asked before, it held them back: on PostgreSQL 1.0-1.1 s on a
        first night, 0.6-0.7 s on a night 2)."""
        for partner, stream, count in conn.execute(_pending_by_stream(wanted)):
            report.by_stream[(partner, stream or "")] += count

    written = None
    if commit is not None:
        def written(kind: str) -> None:
            _dequeue(conn, by_kind.pop(kind, []))
            commit()
            crash_point("resolution-step")

    report.resolved = resolve_records(conn, by_kind, run_id=run_id, config=config, workers=workers, written=written,
                                      meanwhile=credit)
    _dequeue(conn, [rid for rids in by_kind.values() for rid in rids])
    return report


def _dequeue(conn: Connection, ids: list[int]) -> None:
    if ids:
        conn.execute(delete(QUEUE).where(one_of(conn, QUEUE.c.source_record_id, sorted(ids))))
