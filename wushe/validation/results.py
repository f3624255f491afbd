"""Validation results per run: how each rule fared on each field of each partner stream.

A stream's batches add to one row per (run, partner, stream, kind, rule, field), in the batch's
own transaction, so the counts always match what was committed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from wushe.registry.models import ValidationResult

TABLE = ValidationResult.__table__
KEY = ("run_id", "partner", "stream", "kind", "rule_id", "field")


def write_results(conn: Connection, outcomes: Iterable[Any], *, partner: str, stream: str, kind: str,
                  run_id: str | None, now: datetime | None = None) -> int:
    """Add a batch's per-rule counts to the run's results (no commit); returns rows touched."""
    now = now or datetime.now(timezone.utc)
    rows = [{"run_id": run_id, "partner": partner, "stream": stream, "kind": kind, "rule_id": o.rule_id,
             "field": o.field[:128], "tier": o.tier, "checked": o.checked, "failed": o.failed, "created_at": now,
             "expectation": o.expectation[:96], "kwargs": o.kwargs} for o in outcomes]
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(TABLE)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"checked": TABLE.c.checked + statement.excluded.checked,
              "failed": TABLE.c.failed + statement.excluded.failed},
    )
    conn.execute(statement, rows)
    return len(rows)


def read_results(conn: Connection, *, run_id: str | None = None, partner: str | None = None) -> list[dict[str, Any]]:
    """Stored results, for one run or the latest run that has any (optionally of one partner)."""
    query = select(TABLE)
    if partner:
        query = query.where(TABLE.c.partner == partner)
    if run_id is None:
        run_id = conn.execute(query.with_only_columns(TABLE.c.run_id).order_by(TABLE.c.created_at.desc())
                              .limit(1)).scalar()
    query = query.where(TABLE.c.run_id == run_id) if run_id is not None else query.where(TABLE.c.run_id.is_(None))
    return [dict(r._mapping) for r in conn.execute(query.order_by(TABLE.c.partner, TABLE.c.stream, TABLE.c.rule_id,
                                                                  TABLE.c.field))]
