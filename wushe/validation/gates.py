"""Batch gates: when a partner's delivery looks wrong, its merge stops and the registry keeps the
last good state.

Three gates per partner stream (settings in :class:`wushe.config.Gates`):

- **volume**: a full read returning fewer rows than ``min_volume_ratio`` of the last good full read
  (a truncated export would otherwise withdraw most of the partner's records);
- **invalid share**: more than ``max_invalid_share`` of the rows so far rejected;
- **schema drift**: a required field, or a field the last good run filled in most rows, empty in
  every row of a batch (a renamed or dropped column).

Share and drift judge from ``min_rows`` rows on. A failure is a :class:`GateFailure` carrying every
violation. The orchestration stores ``StreamValidation.gate_report()`` in ``stream_run.gate`` for
every stream run, passed or not: its ``full_read`` flag is how the volume gate finds the last good
full read (``stream_run.status`` ``succeeded``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import Connection, select

from wushe.config import Gates
from wushe.errors import WusheError
from wushe.registry.models import StreamRun, ValidationResult

GOOD_STATUSES = ("succeeded",)  # stream_run statuses of a run whose data was committed whole
EXPECTED_FILL = 0.5  # a field the last good run filled in at least this share of rows is expected


@dataclass(frozen=True)
class GateViolation:
    gate: str  # "volume", "invalid_share" or "schema_drift"
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"gate": self.gate, "message": self.message, **self.detail}


class GateFailure(WusheError):
    """A partner stream's delivery failed a gate: nothing of the batch may be committed."""

    def __init__(self, partner: str, stream: str, violations: list[GateViolation]) -> None:
        self.partner, self.stream, self.violations = partner, stream, violations
        reasons = "; ".join(v.message for v in violations)
        super().__init__(f"partner {partner}, stream {stream}: gate failed: {reasons}")

    def as_json(self) -> dict[str, Any]:
        return {"passed": False, "violations": [v.as_json() for v in self.violations]}


def invalid_share(rejected: int, rows: int, gates: Gates) -> GateViolation | None:
    """Too many rejected rows (counted over the stream so far)."""
    if rows < gates.min_rows or rows == 0:
        return None
    share = rejected / rows
    if share <= gates.max_invalid_share:
        return None
    return GateViolation("invalid_share", f"{rejected} of {rows} rows invalid ({share:.0%}, "
                                          f"above {gates.max_invalid_share:.0%})",
                         {"rejected": rejected, "rows": rows, "share": round(share, 4),
                          "threshold": gates.max_invalid_share})


def schema_drift(filled: dict[str, int], rows: int, expected: Iterable[str], gates: Gates) -> GateViolation | None:
    """Expected fields that no row of the batch fills (``filled``: field -> rows with a value)."""
    if rows < gates.min_rows:
        return None
    missing = sorted(f for f in expected if not filled.get(f))
    if not missing:
        return None
    return GateViolation("schema_drift", f"field(s) {', '.join(missing)} empty in all {rows} rows of the batch",
                         {"missing_fields": missing, "rows": rows})


def volume(fetched: int, last_good: int | None, gates: Gates) -> GateViolation | None:
    """A full read far smaller than the last good full read."""
    if not last_good or fetched >= gates.min_volume_ratio * last_good:
        return None
    return GateViolation("volume", f"full read returned {fetched} rows, the last good one {last_good} "
                                   f"(below {gates.min_volume_ratio:.0%})",
                         {"fetched": fetched, "last_good": last_good, "ratio": gates.min_volume_ratio})


def last_good_run(conn: Connection, partner: str, stream: str, *, full_read: bool = False) -> Any:
    """The latest stream run of this partner stream whose data was committed whole (and, when asked,
    that was a full read, as its stored gate report says)."""
    runs = StreamRun.__table__
    query = select(runs).where(runs.c.partner == partner, runs.c.stream == stream,
                               runs.c.status.in_(GOOD_STATUSES)).order_by(runs.c.started_at.desc()).limit(50)
    for row in conn.execute(query):
        if not full_read or (row.gate or {}).get("full_read"):
            return row
    return None


def expected_fields(conn: Connection, partner: str, stream: str, required: Iterable[str]) -> set[str]:
    """Required fields, and the fields the last good run filled in most rows."""
    expected = set(required)
    last = last_good_run(conn, partner, stream)
    if last is None or not last.fetched:
        return expected
    results = ValidationResult.__table__
    query = select(results.c.field, results.c.checked).where(
        results.c.run_id == last.run_id, results.c.partner == partner, results.c.stream == stream,
        results.c.rule_id == "CONTRACT.TYPE")
    for name, checked in conn.execute(query):
        if "." not in name and not name.startswith("_") and checked >= EXPECTED_FILL * last.fetched:
            expected.add(name)
    return expected
