"""Batch gates: a bad delivery stops that partner stream and leaves the registry as it was."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select

from wushe.config import Gates
from wushe.connector import Batch
from wushe.contract import make_record
from wushe.registry.models import QuarantineItem, SourceRecord, StreamRun, SyncRun, ValidationResult
from wushe.registry.sources import write_source_records
from wushe.validation import gates
from wushe.validation.gates import GateFailure
from wushe.validation.stage import StreamValidation

UPDATED = "2026-11-20T02:00:00+08:00"
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
GATES = Gates(min_rows=10)


def org(i: int, **changes) -> dict:
    payload = {"name": f"社区组织{i}", "credit_code": "91350100M000100Y43", "division_code": "440304002001"}
    payload.update(changes)
    return make_record("civil", "organization", i, UPDATED, payload, fetched_at=UPDATED)


def count(conn, model) -> int:
    return conn.execute(select(func.count()).select_from(model)).scalar()


def record_run(conn, run_id: str, fetched: int, *, status: str = "succeeded", full_read: bool = True,
               age_days: int = 1) -> None:
    started = NOW - timedelta(days=age_days)
    conn.execute(insert(SyncRun.__table__).values(id=run_id, trigger="nightly", status=status, started_at=started))
    conn.execute(insert(StreamRun.__table__).values(run_id=run_id, partner="civil", stream="orgs", status=status,
                                                    started_at=started, fetched=fetched,
                                                    gate={"full_read": full_read, "passed": True}))


def test_gate_functions() -> None:
    assert gates.invalid_share(3, 10, GATES).gate == "invalid_share"
    assert gates.invalid_share(2, 10, GATES) is None  # 20% is allowed
    assert gates.invalid_share(9, 9, GATES) is None  # too few rows to judge
    assert gates.volume(400, 1000, GATES).detail == {"fetched": 400, "last_good": 1000, "ratio": 0.5}
    assert gates.volume(500, 1000, GATES) is None and gates.volume(3, None, GATES) is None
    drift = gates.schema_drift({"name": 0, "credit_code": 12}, 12, ["name", "credit_code"], GATES)
    assert drift.detail["missing_fields"] == ["name"]


def test_a_clean_batch_commits_with_its_quarantine_and_results(registry, validator) -> None:
    check = StreamValidation("civil", "orgs", "organization", run_id=None, gates=GATES, validator=validator)
    with registry.begin() as conn:
        outcome = check.process(conn, Batch([*(org(i) for i in range(19)), org(19, name="")], {"cursor": 20}))
        write_source_records(conn, outcome.valid, now=NOW)
    assert len(outcome.valid) == 19 and outcome.quarantine.rejected == 1
    assert (check.tally.fetched, check.tally.valid, check.tally.quarantined) == (20, 19, 1)
    with registry.connect() as conn:
        assert (count(conn, SourceRecord), count(conn, QuarantineItem)) == (19, 1)
        assert count(conn, ValidationResult) > 0


def test_too_many_invalid_rows_fail_the_gate_and_nothing_of_the_batch_is_committed(registry, validator) -> None:
    check = StreamValidation("civil", "orgs", "organization", run_id=None, gates=GATES, validator=validator)
    batch = Batch([*(org(i) for i in range(15)), *(org(i, credit_code="91350100M000100Y44") for i in range(15, 20))],
                  {"cursor": 20})
    with pytest.raises(GateFailure) as failed:
        with registry.begin() as conn:
            outcome = check.process(conn, batch)
            write_source_records(conn, outcome.valid, now=NOW)
    assert [v.gate for v in failed.value.violations] == ["invalid_share"]
    assert failed.value.as_json()["violations"][0]["rejected"] == 5
    assert "partner civil, stream orgs: gate failed: 5 of 20 rows invalid (25%" in str(failed.value)
    with registry.connect() as conn:
        assert (count(conn, SourceRecord), count(conn, QuarantineItem), count(conn, ValidationResult)) == (0, 0, 0)
    assert check.gate_report()["passed"] is False


def test_a_required_field_empty_in_every_row_is_schema_drift(registry, validator) -> None:
    check = StreamValidation("civil", "orgs", "organization", run_id=None, gates=Gates(min_rows=10, max_invalid_share=1),
                             validator=validator)
    with pytest.raises(GateFailure) as failed, registry.begin() as conn:
        check.process(conn, [org(i, name=None) for i in range(12)])
    assert [v.gate for v in failed.value.violations] == ["schema_drift"]
    assert failed.value.violations[0].detail["missing_fields"] == ["name"]


def test_a_field_the_last_good_run_filled_that_vanished_is_schema_drift(registry, validator) -> None:
    with registry.begin() as conn:
        record_run(conn, "good", 12)
        StreamValidation("civil", "orgs", "organization", run_id="good", gates=GATES,
                         validator=validator).process(conn, [org(i) for i in range(12)])
    check = StreamValidation("civil", "orgs", "organization", run_id=None, gates=GATES, validator=validator)
    with pytest.raises(GateFailure) as failed, registry.begin() as conn:
        check.process(conn, [org(i, credit_code=None) for i in range(12)])
    assert failed.value.violations[0].detail["missing_fields"] == ["credit_code"]


def test_a_collapsed_full_read_fails_the_volume_gate(registry, validator) -> None:
    with registry.begin() as conn:
        record_run(conn, "older", 5, full_read=False, age_days=1)  # an incremental run does not count
        record_run(conn, "good", 100, age_days=2)
        record_run(conn, "failed", 200, status="failed", age_days=0)
    check = StreamValidation("civil", "orgs", "organization", run_id=None, gates=GATES, full_read=True,
                             validator=validator)
    with registry.begin() as conn:
        check.process(conn, [org(i) for i in range(40)])
    with pytest.raises(GateFailure) as failed, registry.begin() as conn:
        check.finish(conn)
    assert failed.value.violations[0].detail == {"fetched": 40, "last_good": 100, "ratio": 0.5}

    incremental = StreamValidation("civil", "orgs", "organization", run_id=None, gates=GATES, validator=validator)
    with registry.begin() as conn:
        incremental.process(conn, [org(i) for i in range(3)])
        report = incremental.finish(conn)
    assert report == {"passed": True, "full_read": False, "fetched": 3, "valid": 3, "quarantined": 0, "flagged": 0,
                      "violations": []}
