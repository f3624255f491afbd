"""Run reports: what each partner stream did in a sync run, for people and for notifiers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from wushe.registry.db import utc
from wushe.registry.models import StreamRun, SyncRun

COUNTS = ("fetched", "valid", "quarantined", "new", "updated", "merged", "withdrawn")
COUNT_LABELS = {
    "fetched": "抓取 fetched",
    "valid": "有效 valid",
    "quarantined": "隔离 quarantined",
    "new": "新增 new",
    "updated": "更新 updated",
    "merged": "合并 merged",
    "withdrawn": "撤下 withdrawn",
}
FAILED = ("failed", "gated", "timeout", "cancelled")


@dataclass
class StreamReport:
    partner: str
    stream: str
    status: str
    fetched: int = 0
    valid: int = 0
    quarantined: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    withdrawn: int = 0
    seconds: float = 0.0
    error: str | None = None
    transient: bool = False  # the failure may go away by itself (partner down, 5xx, timeout)

    @property
    def failed(self) -> bool:
        return self.status in FAILED


@dataclass
class SyncReport:
    run_id: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    streams: list[StreamReport] = field(default_factory=list)
    error: str | None = None

    @property
    def failed_partners(self) -> list[str]:
        return sorted({s.partner for s in self.streams if s.failed})

    @property
    def failed(self) -> bool:
        return bool(self.failed_partners) or self.status == "failed"

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else 0.0

    def totals(self) -> dict[str, int]:
        return {c: sum(getattr(s, c) for s in self.streams) for c in COUNTS}

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failed_partners"] = self.failed_partners
        return data

    def to_markdown(self) -> str:
        """The report as a markdown table (Prefect artifact, webhook message)."""
        head = ["partner", "stream", "status", *COUNTS, "seconds", "error"]
        lines = [
            f"### wushe sync {self.run_id}: {self.status}",
            "",
            f"trigger {self.trigger}, {len(self.streams)} streams, {self.seconds:.1f} s"
            + (f"; failed partners: {', '.join(self.failed_partners)}" if self.failed_partners else ""),
            "",
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
        ]
        for s in self.streams:
            cells = [s.partner, s.stream, s.status, *(f"{getattr(s, c):,}" for c in COUNTS), f"{s.seconds:.1f}",
                     (s.error or "").replace("|", "/").replace("\n", " ")]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"


def load_report(engine: Engine, run_id: str) -> SyncReport:
    """The report of a stored run."""
    with engine.connect() as conn:
        run = conn.execute(select(SyncRun).where(SyncRun.id == run_id)).one()
        rows = conn.execute(select(StreamRun).where(StreamRun.run_id == run_id).order_by(StreamRun.id)).all()
    streams = [
        StreamReport(
            partner=r.partner, stream=r.stream, status=r.status,
            **{c: getattr(r, c) for c in (*COUNTS, "unchanged")},
            seconds=((utc(r.finished_at) - utc(r.started_at)).total_seconds() if r.finished_at else 0.0),
            error=r.error,
        )
        for r in rows
    ]
    return SyncReport(run.id, run.trigger, run.status, utc(run.started_at), utc(run.finished_at), streams, run.error)


def recent_runs(engine: Engine, limit: int = 20) -> list[SyncRun]:
    with engine.connect() as conn:
        return list(conn.execute(select(SyncRun).order_by(SyncRun.started_at.desc()).limit(limit)).all())
