"""Quarantine replay as a sync run: re-validate stored rows, stage and merge those that now pass.

Ops reach for it after fixing a rule or a crosswalk. Everything happens in one transaction, so a
replay either lands whole (rows staged, merged and their items marked ``replayed``) or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import Engine

from wushe.registry.db import write_transaction
from wushe.registry.sources import write_source_records
from wushe.sync import runs
from wushe.sync.engine import resolve_touched


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class ReplayReport:
    run_id: str | None
    passed: int
    new: int
    updated: int
    merged: int
    still_invalid: int
    superseded: int
    unreadable: int
    dry_run: bool = False

    def to_markdown(self) -> str:
        verb = "would pass" if self.dry_run else "passed and were merged"
        return (f"### quarantine replay {self.run_id or '(dry run)'}\n\n"
                f"{self.passed} rows {verb} ({self.new} new, {self.updated} updated); {self.still_invalid} still "
                f"invalid; {self.superseded} superseded by newer data; {self.unreadable} unreadable (need the partner)\n")


def replay_quarantine(engine: Engine, *, partner: str | None = None, ids: Sequence[int] | None = None,
                      by: str = "replay", dry_run: bool = False) -> ReplayReport:
    from wushe.validation.quarantine import replay
    from wushe.validation.validator import validator

    check = validator()
    run_id = None if dry_run else runs.start_run(engine, "replay")
    report = None
    try:
        with write_transaction(engine) as conn:
            result = replay(conn, check, partner=partner, ids=ids or None, run_id=run_id, by=by)
            written = write_source_records(conn, result.valid, run_id=run_id)
            merged = resolve_touched(conn, written.touched, run_id)
            report = ReplayReport(run_id, len(result.valid), written.counts.new, written.counts.updated, merged,
                                  result.still_invalid, result.superseded, result.unreadable, dry_run)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    stream_run = runs.start_stream(engine, run_id, partner or "*", "quarantine-replay")
    with write_transaction(engine) as conn:
        runs.add_counts(conn, stream_run, fetched=report.passed + report.still_invalid, valid=report.passed,
                        quarantined=report.still_invalid, new=report.new, updated=report.updated, merged=merged)
    runs.finish_stream(engine, stream_run, "succeeded")
    runs.finish_run(engine, run_id)
    return report
