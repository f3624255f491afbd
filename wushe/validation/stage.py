"""Validation of one partner stream in one run, batch by batch: the core the orchestration calls.

```python
check = StreamValidation(partner, stream, kind, run_id=run_id, gates=gates, full_read=True)
for batch in connector.read(config, stream, state):
    with engine.begin() as conn:                  # one transaction per batch
        outcome = check.process(conn, batch)      # GateFailure: raise, the transaction rolls back
        write_source_records(conn, outcome.valid, run_id=run_id)
        ...                                       # resolve, cursor
with engine.begin() as conn:
    report = check.finish(conn)                   # volume gate; GateFailure before withdrawals
```

``process`` validates first and checks the gates before writing anything; only then does it write
the quarantine rows and the validation results, on the caller's connection, so they commit or
roll back with the batch's merge. The sync engine calls its two halves apart: ``validate`` before
the write transaction (the suite needs no database, and other partners can commit meanwhile),
``record`` inside it. Nothing here knows about Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import Connection

from wushe.config import Gates
from wushe.connector import Batch, Unreadable
from wushe.contract import Record
from wushe.validation import gates as gate_checks
from wushe.validation.columns import kind_columns
from wushe.validation.gates import GateFailure, GateViolation
from wushe.validation.quarantine import Findings, QuarantineCounts, findings, flagged_seen_again, write_batch
from wushe.validation.results import write_results


@dataclass
class BatchOutcome:
    """What validation let through, and what it kept back."""

    valid: list[Record]  # stage these: every error-tier rule passed (flagged rows included)
    quarantine: QuarantineCounts
    report: Any  # the validator's BatchReport (None when nothing needed validating)

    def held_back(self) -> list[Any]:
        """Source ids of the rows quarantined for errors."""
        if self.report is None:
            return []
        return [self.report.records[i].get("source_id") for i in self.report.rejected
                if self.report.records[i].get("source_id") is not None]


@dataclass
class Validated:
    """A batch the suite has run on, not yet gated or written."""

    report: Any  # the validator's BatchReport; None when every row was known already (and none unreadable)
    rows: int  # rows read, unreadable and known ones included
    unreadable: list[Unreadable]
    known: Sequence[int] = ()  # the stored rows of the rows read as the registry holds them
    found: Findings | None = None  # its quarantine items, encoded outside the write transaction
    valid: list[Record] = field(default_factory=list)  # the records every error-tier rule passed


@dataclass
class StreamTally:
    fetched: int = 0  # rows read, unreadable ones included
    valid: int = 0
    quarantined: int = 0
    flagged: int = 0
    batches: int = 0
    violations: list[GateViolation] = field(default_factory=list)


class StreamValidation:
    """Validates one partner stream's batches in one run and applies its gates."""

    def __init__(self, partner: str, stream: str, kind: str, *, run_id: str | None, gates: Gates | None = None,
                 full_read: bool = False, validator: Any = None, expected: Sequence[str] | None = None) -> None:
        self.partner, self.stream, self.kind, self.run_id = partner, stream, kind, run_id
        self.gates = gates or Gates()
        self.full_read = full_read
        self._validator = validator
        self._expected = None if expected is None else set(expected)
        self.tally = StreamTally()

    @property
    def validator(self) -> Any:
        if self._validator is None:
            from wushe.validation.validator import validator

            self._validator = validator()
        return self._validator

    def _expected_fields(self, conn: Connection) -> set[str]:
        if self._expected is None:
            self._expected = gate_checks.expected_fields(conn, self.partner, self.stream,
                                                         kind_columns(self.kind).required)
        return self._expected

    def process(self, conn: Connection, batch: Batch | Sequence[Record], *, unreadable: Sequence[Unreadable] = (),
                now: datetime | None = None) -> BatchOutcome:
        """Validate a batch, apply the gates, write its quarantine rows and results (no commit).

        Raises :class:`GateFailure` before writing anything when a gate fails.
        """
        return self.record(conn, self.validate(batch, unreadable=unreadable), now=now)

    def validate(self, batch: Batch | Sequence[Record], *, unreadable: Sequence[Unreadable] = (),
                 known: Sequence[int] = ()) -> Validated:
        """Run the suite on a batch; touches no database, so it can run before the write transaction.

        ``known`` are the stored rows (ids) of rows of the same read left out because the registry
        already holds them exactly as they are: they passed when they arrived, so the gates count
        them as valid, and those flagged then are flagged still.
        """
        if isinstance(batch, Batch):
            records, unreadable = batch.records, [*batch.unreadable, *unreadable]
        else:
            records = list(batch)
        report = self.validator.validate(records, self.kind) if records or unreadable else None
        return Validated(report, len(records) + len(unreadable) + len(known), list(unreadable), known,
                         findings(report, unreadable) if report else None, report.valid_records() if report else [])

    def record(self, conn: Connection, validated: Validated, *, now: datetime | None = None) -> BatchOutcome:
        """Apply the gates to a validated batch, then write its quarantine rows and results (no commit).

        Raises :class:`GateFailure` before writing anything when a gate fails.
        """
        report, rows, unreadable = validated.report, validated.rows, validated.unreadable
        rejected = len(report.rejected) if report else 0
        violations = [v for v in (
            gate_checks.invalid_share(self.tally.quarantined + rejected + len(unreadable), self.tally.fetched + rows,
                                      self.gates),
            self._drift(conn, report) if report else None,
        ) if v]
        if violations:
            self.tally.violations.extend(violations)
            raise GateFailure(self.partner, self.stream, violations)
        counts = QuarantineCounts()
        if report:
            counts = write_batch(conn, report, partner=self.partner, stream=self.stream, run_id=self.run_id,
                                 unreadable=unreadable, now=now, found=validated.found)
            write_results(conn, report.outcomes, partner=self.partner, stream=self.stream, kind=self.kind,
                          run_id=self.run_id, now=now)
        counts.flagged += flagged_seen_again(conn, self.partner, self.kind, validated.known, run_id=self.run_id,
                                             now=now)
        valid = validated.valid
        t = self.tally
        t.fetched += rows
        t.valid += len(valid) + len(validated.known)
        t.quarantined += counts.rejected
        t.flagged += counts.flagged
        t.batches += 1
        return BatchOutcome(valid, counts, report)

    def _drift(self, conn: Connection, report: Any) -> GateViolation | None:
        live = sum(1 for r in report.records if not r.get("deleted"))
        if live < self.gates.min_rows:
            return None
        filled = {o.field: o.checked for o in report.outcomes if o.rule_id == "CONTRACT.TYPE"}
        required = {o.field: o.checked - o.failed for o in report.outcomes if o.rule_id == "CONTRACT.REQUIRED"}
        filled.update(required)
        return gate_checks.schema_drift(filled, live, self._expected_fields(conn), self.gates)

    def finish(self, conn: Connection) -> dict[str, Any]:
        """Apply the volume gate once the stream is read; returns the gate report for ``stream_run.gate``.

        Raises :class:`GateFailure` when a full read collapsed against the last good full read: the
        orchestration must then not withdraw the records this read did not return.
        """
        last = gate_checks.last_good_run(conn, self.partner, self.stream, full_read=True) if self.full_read else None
        violation = gate_checks.volume(self.tally.fetched, last.fetched if last else None, self.gates) \
            if self.full_read else None
        if violation:
            self.tally.violations.append(violation)
            raise GateFailure(self.partner, self.stream, [violation])
        return self.gate_report()

    def gate_report(self) -> dict[str, Any]:
        t = self.tally
        return {"passed": not t.violations, "full_read": self.full_read, "fetched": t.fetched, "valid": t.valid,
                "quarantined": t.quarantined, "flagged": t.flagged,
                "violations": [v.as_json() for v in t.violations]}
