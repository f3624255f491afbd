"""Quarantine replay as a sync run: re-validate stored rows, stage those that now pass, merge them.

Ops reach for it after fixing a rule or a crosswalk. Staging happens in one transaction (rows
stored and their items marked ``replayed``, or nothing); the resolution pass then merges them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import Engine

from wushe.registry.db import write_transaction
from wushe.registry.sources import write_source_records
from wushe.sync import runs
from wushe.sync.engine import resolution_pass


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class ReplayReport:
    run_id: str | None
    passed: int
    new: int
    updated: int
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
            report = ReplayReport(run_id, len(result.valid), written.counts.new, written.counts.updated,
                                  result.still_invalid, result.superseded, result.unreadable, dry_run)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    stream_run = runs.start_stream(engine, run_id, partner or "*", "quarantine-replay")
    with write_transaction(engine) as conn:
        runs.add_counts(conn, stream_run, fetched=report.passed + report.still_invalid, valid=report.passed,
                        quarantined=report.still_invalid, new=report.new, updated=report.updated)
    runs.finish_stream(engine, stream_run, "succeeded")
    resolution_pass(engine, run_id)
    runs.finish_run(engine, run_id)
    return report
