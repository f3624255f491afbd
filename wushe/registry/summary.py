"""A short account of what the registry holds, for ``wushe demo`` and ops."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from wushe.registry.models import GoldenRecord, QuarantineItem, ReviewItem, SourceRecord, SyncRun


@dataclass
class Summary:
    sources: dict[tuple[str, str], int] = field(default_factory=dict)  # (partner, kind) -> live records
    golden: dict[str, int] = field(default_factory=dict)  # kind -> active golden records
    open_quarantine: int = 0
    open_reviews: int = 0
    runs: int = 0
    last_run: tuple[str, str] | None = None  # (run id, status)


def summarize(engine: Engine) -> Summary:
    summary = Summary()
    with engine.connect() as conn:
        live = (
            select(SourceRecord.partner, SourceRecord.kind, func.count())
            .where(SourceRecord.withdrawn_at.is_(None))
            .group_by(SourceRecord.partner, SourceRecord.kind)
        )
        summary.sources = {(p, k): n for p, k, n in conn.execute(live)}
        active = select(GoldenRecord.kind, func.count()).where(GoldenRecord.status == "active").group_by(GoldenRecord.kind)
        summary.golden = {k: n for k, n in conn.execute(active)}
        summary.open_quarantine = conn.scalar(select(func.count()).where(QuarantineItem.status == "open")) or 0
        summary.open_reviews = conn.scalar(select(func.count()).where(ReviewItem.status == "open")) or 0
        summary.runs = conn.scalar(select(func.count()).select_from(SyncRun)) or 0
        last = conn.execute(select(SyncRun.id, SyncRun.status).order_by(SyncRun.started_at.desc()).limit(1)).first()
        summary.last_run = (last.id, last.status) if last else None
    return summary
