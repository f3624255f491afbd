"""The quarantine round trip on SQLite and PostgreSQL: write, dedup, fix, mask, audit, replay, dismiss."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, insert, select

from wushe.connector import Unreadable
from wushe.contract import make_record
from wushe.registry.models import AuditLog, QuarantineItem, SyncRun, ValidationResult
from wushe.registry.sources import write_source_records
from wushe.validation import quarantine
from wushe.validation.results import read_results, write_results

UPDATED = "2026-11-20T02:00:00+08:00"
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
ID_NUMBER = "11010519491231002X"


def volunteer(source_id: str, **changes) -> dict:
    payload = {"name": "王五", "phone": "13700001111", "id_number": ID_NUMBER, "division_code": "440304002001"}
    payload.update(changes)
    return make_record("civil", "volunteer", source_id, UPDATED, payload, fetched_at=UPDATED)


def start_run(conn, run_id: str) -> None:
    conn.execute(insert(SyncRun.__table__).values(id=run_id, trigger="nightly", status="running", started_at=NOW))


def items(conn) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(select(QuarantineItem.__table__).order_by(QuarantineItem.id))]


def write(conn, validator, records, run_id="r1", unreadable=()):
    report = validator.validate(records, "volunteer")
    return report, quarantine.write_batch(conn, report, partner="civil", stream="volunteers", run_id=run_id,
                                          unreadable=unreadable, now=NOW)


def test_rejected_flagged_and_unreadable_rows_are_stored_with_their_reasons(registry, validator) -> None:
    with registry.begin() as conn:
        start_run(conn, "r1")
        _, counts = write(conn, validator, [volunteer("1", id_number=ID_NUMBER[:17] + "1"), volunteer("2", phone="12"),
                                            volunteer("3")],
                          unreadable=[Unreadable("row has 3 columns, expected 9", {"line": 7, "cells": ["a", "b"]}, "7")])
    assert (counts.rejected, counts.flagged, counts.new) == (2, 1, 3)
    with registry.connect() as conn:
        stored = items(conn)
    by_source = {i["source_id"]: i for i in stored}
    bad = by_source["1"]
    assert (bad["status"], bad["severity"], bad["rule_ids"], bad["kind"], bad["stream"]) == (
        "open", "error", ["CN.IDCARD.CHECKSUM"], "volunteer", "volunteers")
    assert bad["problems"] == [{"field": "id_number", "value": ID_NUMBER[:17] + "1", "rule": "CN.IDCARD.CHECKSUM",
                                "tier": "error"}]
    assert bad["payload"]["id_number"] == ID_NUMBER[:17] + "1"  # raw, for replay; masked on every read
    assert bad["envelope"]["source_updated_at"] == UPDATED
    assert (by_source["2"]["status"], by_source["2"]["severity"]) == ("flagged", "warning")
    unreadable = by_source["7"]
    assert unreadable["rule_ids"] == ["SOURCE.UNREADABLE"] and unreadable["payload"] == {"line": 7, "cells": ["a", "b"]}
    assert unreadable["problems"][0]["value"] == "row has 3 columns, expected 9"
    assert "3" not in by_source


def test_the_same_row_again_updates_its_item_and_a_corrected_row_closes_it(registry, validator) -> None:
    bad = volunteer("1", id_number=ID_NUMBER[:17] + "1")
    with registry.begin() as conn:
        start_run(conn, "r1")
        start_run(conn, "r2")
        write(conn, validator, [bad], run_id="r1")
        _, again = write(conn, validator, [bad], run_id="r2")
        assert (again.new, again.seen_again) == (0, 1)
        [item] = items(conn)
        assert (item["times_seen"], item["last_run_id"], item["run_id"]) == (2, "r2", "r1")
        _, fixed = write(conn, validator, [volunteer("1")], run_id="r2")
        assert fixed.fixed == 1
        [item] = items(conn)
        assert (item["status"], item["resolved_by"]) == ("fixed", "partner")


def test_a_changed_but_still_bad_row_supersedes_its_old_item(registry, validator) -> None:
    with registry.begin() as conn:
        write(conn, validator, [volunteer("1", id_number=ID_NUMBER[:17] + "1")], run_id=None)
        write(conn, validator, [volunteer("1", hours=-1)], run_id=None)
        first, second = items(conn)
    assert (first["status"], second["status"], second["rule_ids"]) == ("superseded", "open", ["VALUE.NEGATIVE"])


def test_nothing_is_written_when_the_transaction_rolls_back(registry, validator) -> None:
    with pytest.raises(RuntimeError):
        with registry.begin() as conn:
            write(conn, validator, [volunteer("1", name="")], run_id=None)
            raise RuntimeError("the batch's merge failed")
    with registry.connect() as conn:
        assert items(conn) == []


def test_personal_data_is_masked_unless_the_role_may_see_it_and_unmasked_reads_are_audited(registry, validator) -> None:
    with registry.begin() as conn:
        write(conn, validator, [volunteer("1", id_number=ID_NUMBER[:17] + "1", phone="13700001111")], run_id=None)
    with registry.begin() as conn:
        [seen] = quarantine.read_items(conn, role="staff", actor="lin")
        assert seen["payload"]["id_number"] == "110***********0021"
        assert seen["payload"]["phone"] == "137****1111"
        assert seen["payload"]["name"] == "王*"
        assert seen["problems"][0]["value"] == "110***********0021"
        assert seen["payload"]["division_code"] == "440304002001"
        assert conn.execute(select(func.count()).select_from(AuditLog)).scalar() == 0
    with registry.begin() as conn:
        [seen] = quarantine.read_items(conn, role="steward", actor="zhou")
        assert seen["payload"]["id_number"] == ID_NUMBER[:17] + "1"
        [audit] = [dict(r._mapping) for r in conn.execute(select(AuditLog.__table__))]
    assert (audit["actor"], audit["role"], audit["action"], audit["target_kind"]) == (
        "zhou", "steward", "read_unmasked", "quarantine_item")
    assert audit["target_id"] == str(seen["id"])
    assert audit["fields"] == ["id_number", "name", "phone"]


def test_replay_hands_back_rows_that_pass_now_and_keeps_the_rest(registry, validator) -> None:
    with registry.begin() as conn:
        start_run(conn, "r1")
        write(conn, validator, [volunteer("1", id_number=ID_NUMBER[:17] + "1"), volunteer("2", hours=-1)],
              run_id="r1", unreadable=[Unreadable("bad encoding", "\\xff\\xfe", "9")])
        # a rule fix: the stored row is repaired, e.g. by a crosswalk or rule change
        conn.execute(QuarantineItem.__table__.update().where(QuarantineItem.source_id == "1").values(
            payload={"name": "王五", "id_number": ID_NUMBER, "division_code": "440304002001"}))
    with registry.begin() as conn:
        start_run(conn, "r2")
        result = quarantine.replay(conn, validator, partner="civil", run_id="r2", by="ops", now=NOW)
        assert [r["source_id"] for r in result.valid] == ["1"]
        assert (result.still_invalid, result.unreadable, result.superseded) == (1, 1, 0)
        write_source_records(conn, result.valid, run_id="r2", now=NOW)
    with registry.connect() as conn:
        by_source = {i["source_id"]: i for i in items(conn)}
    assert (by_source["1"]["status"], by_source["1"]["resolved_by"]) == ("replayed", "ops")
    assert by_source["2"]["status"] == "open" and by_source["2"]["last_run_id"] == "r2"
    assert by_source["9"]["status"] == "open"
    valid = result.valid[0]
    assert (valid["partner"], valid["kind"], valid["source_updated_at"]) == ("civil", "volunteer", UPDATED)


def test_replay_does_not_overwrite_a_newer_version_from_the_partner(registry, validator) -> None:
    with registry.begin() as conn:
        write(conn, validator, [volunteer("1", hours=-1)], run_id=None)
        newer = volunteer("1")
        newer["source_updated_at"] = "2026-11-23T02:00:00+08:00"
        write_source_records(conn, [newer], now=NOW)
    with registry.begin() as conn:
        result = quarantine.replay(conn, validator, partner="civil")
    assert (result.valid, result.superseded) == ([], 1)


def test_dismiss_closes_items(registry, validator) -> None:
    with registry.begin() as conn:
        write(conn, validator, [volunteer("1", hours=-1), volunteer("2", hours=-1)], run_id=None)
        ids = [i["id"] for i in items(conn)]
        assert quarantine.dismiss(conn, ids[:1], by="ops", now=NOW) == 1
        assert quarantine.dismiss(conn, ids[:1], by="ops", now=NOW) == 0
        assert [i["status"] for i in items(conn)] == ["dismissed", "open"]


def test_validation_results_add_up_per_run(registry, validator) -> None:
    report = validator.validate([volunteer("1", hours=-1), volunteer("2")], "volunteer")
    with registry.begin() as conn:
        start_run(conn, "r1")
        for _ in range(2):  # two batches of the same stream
            write_results(conn, report.outcomes, partner="civil", stream="volunteers", kind="volunteer",
                          run_id="r1", now=NOW)
    with registry.connect() as conn:
        rows = read_results(conn)
        count = conn.execute(select(func.count()).select_from(ValidationResult)).scalar()
    assert count == len(report.outcomes)
    negative = next(r for r in rows if (r["rule_id"], r["field"]) == ("VALUE.NEGATIVE", "hours"))
    assert (negative["checked"], negative["failed"], negative["run_id"]) == (2, 2, "r1")  # one row has hours
