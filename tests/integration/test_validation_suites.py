"""Suites on batches: every rule fires on its planted error, valid rows pass, tiers decide."""

from __future__ import annotations

import copy

import pytest

from wushe.contract import make_record
from wushe.validation import identifiers as ids

UPDATED = "2026-11-20T02:00:00+08:00"
USCC = "91350100M000100Y43"
ID_NUMBER = "11010519491231002X"


def good(kind: str) -> dict:
    return {
        "organization": {"name": "园岭社区基金会", "credit_code": USCC, "org_type": "social_organization",
                         "society": "charity", "phones": ["0755-83451234", "95533"], "division_code": "440304002001",
                         "contact_name": "陈晓", "contact_phone": "13800138000", "established_on": "2015-06-01",
                         "parent": {"credit_code": USCC}},
        "resource": {"name": "义剪", "resource_type": "SERVICE", "categories": ["daily.haircut"],
                     "target_groups": ["elderly"], "coverage": ["440304002001", "440304"],
                     "capacity": {"total": 10, "remaining": 4}, "cost": {"kind": "free"}, "valid_from": "2026-01-01",
                     "valid_to": "2026-12-31", "age_min": 60, "age_max": 99, "phone": "+86 755 8345 1234",
                     "location": {"division_code": "440304002001", "lat": 22.55, "lon": 114.1}},
        "need": {"title": "轮椅一台", "category": "daily.cleaning", "division_code": "440304002001", "quantity": 1,
                 "budget": 800, "status": "published", "requester_name": "李四", "requester_phone": "13912345678",
                 "submitted_on": "2026-10-01", "deadline": "2026-12-01"},
        "volunteer": {"name": "王五", "phone": "13700001111", "id_number": ID_NUMBER, "gender": "female",
                      "division_code": "440304002001", "hours": 12.5, "registered_on": "2024-03-05",
                      "skills": ["理发"]},
        "donation": {"donor": {"credit_code": USCC}, "amount": 500, "donated_on": "2026-11-01",
                     "items": [{"name": "大米", "quantity": 10, "category": "daily.cleaning"}],
                     "designation": {"division_code": "440304002001"}},
    }[kind]


def batch(kind: str, changes: list[dict]) -> list[dict]:
    """One record per change (each a valid payload with the change applied), then a valid one."""
    records = []
    for i, change in enumerate([*changes, {}]):
        payload = copy.deepcopy(good(kind))
        for key, value in change.items():
            if value is ...:
                payload.pop(key, None)
            else:
                payload[key] = value
        records.append(make_record("fund", kind, i, UPDATED, payload, fetched_at=UPDATED))
    return records


@pytest.mark.parametrize("kind", ["organization", "resource", "need", "volunteer", "donation"])
def test_valid_records_of_every_kind_pass(validator, kind: str) -> None:
    report = validator.validate(batch(kind, []), kind)
    assert report.problems == {}
    assert len(report.valid_records()) == 1


CASES = [
    ("organization", {"name": "  "}, "CONTRACT.REQUIRED", "name"),
    ("organization", {"name": ...}, "CONTRACT.REQUIRED", "name"),
    ("organization", {"credit_code": USCC[:17] + "4"}, "CN.USCC.CHECKSUM", "credit_code"),
    ("organization", {"credit_code": "91350100M000100Y4"}, "CN.USCC.FORMAT", "credit_code"),
    ("organization", {"parent": {"credit_code": USCC[:17] + "4"}}, "CN.USCC.CHECKSUM", "parent.credit_code"),
    ("organization", {"division_code": "440304002999"}, "CN.DIVISION.UNKNOWN", "division_code"),
    ("organization", {"division_code": "4403040020"}, "CN.DIVISION.FORMAT", "division_code"),
    ("organization", {"established_on": "2026-02-30"}, "CONTRACT.TYPE", "established_on"),
    ("organization", {"society": "chamber"}, "CONTRACT.TYPE", "society"),
    ("organization", {"phones": "0755-83451234"}, "CONTRACT.TYPE", "phones"),
    ("organization", {"nickname": "x"}, "CONTRACT.UNKNOWN_FIELD", "payload"),
    ("resource", {"capacity": {"total": 5, "remaining": 9}}, "CAPACITY.EXCEEDS", "capacity.remaining,capacity.total"),
    ("resource", {"capacity": {"total": -5}}, "VALUE.NEGATIVE", "capacity.total"),
    ("resource", {"valid_to": "2025-12-31"}, "DATE.ORDER", "valid_from,valid_to"),
    ("resource", {"age_min": 80, "age_max": 60}, "VALUE.ORDER", "age_min,age_max"),
    ("resource", {"resource_type": "MONEY"}, "CONTRACT.TYPE", "resource_type"),
    ("resource", {"coverage": ["440304002001", "440304999999"]}, "CN.DIVISION.UNKNOWN", "coverage"),
    ("resource", {"capacity": {"total": "many"}}, "CONTRACT.TYPE", "capacity.total"),
    ("need", {"budget": -1}, "VALUE.NEGATIVE", "budget"),
    ("need", {"deadline": "2026-09-30"}, "DATE.ORDER", "submitted_on,deadline"),
    ("need", {"title": None}, "CONTRACT.REQUIRED", "title"),
    ("volunteer", {"id_number": ID_NUMBER[:17] + "1"}, "CN.IDCARD.CHECKSUM", "id_number"),
    ("volunteer", {"id_number": "440304209901010011"}, "CN.IDCARD.BIRTHDATE", "id_number"),
    ("volunteer", {"id_number": "44030419900101"}, "CN.IDCARD.FORMAT", "id_number"),
    ("volunteer", {"hours": -2}, "VALUE.NEGATIVE", "hours"),
    ("donation", {"amount": -100}, "VALUE.NEGATIVE", "amount"),
    ("donation", {"items": [{"name": "大米", "quantity": -1}]}, "VALUE.NEGATIVE", "items[].quantity"),
    ("donation", {"items": [{"quantity": 1}]}, "CONTRACT.REQUIRED", "items[].name"),
    ("donation", {"donated_on": "2026-13-01"}, "CONTRACT.TYPE", "donated_on"),
]


@pytest.mark.parametrize(("kind", "change", "rule_id", "field"), CASES)
def test_each_error_quarantines_its_row_under_its_rule(validator, kind, change, rule_id, field) -> None:
    report = validator.validate(batch(kind, [change]), kind)
    assert set(report.rejected) == {0}, report.problems
    assert [(p.rule_id, p.field) for p in report.rejected[0]] == [(rule_id, field)]
    assert report.valid_records() == [report.records[1]]


WARNINGS = [
    ("organization", {"phones": ["0755-83451234", "8345123"]}, "CN.PHONE.FORMAT", "phones"),
    ("organization", {"org_type": "chamber_of_commerce"}, "TAXONOMY.UNKNOWN", "org_type"),
    ("resource", {"categories": ["daily.haircut", "daily.nails"]}, "TAXONOMY.UNKNOWN", "categories"),
    ("need", {"requester_phone": "12"}, "CN.PHONE.FORMAT", "requester_phone"),
]


@pytest.mark.parametrize(("kind", "change", "rule_id", "field"), WARNINGS)
def test_warnings_accept_the_row_flagged(validator, kind, change, rule_id, field) -> None:
    report = validator.validate(batch(kind, [change]), kind)
    assert report.rejected == {}
    assert [(p.rule_id, p.field) for p in report.flagged[0]] == [(rule_id, field)]
    assert len(report.valid_records()) == 2


def test_an_embedded_organisation_code_mismatch_is_a_warning(validator) -> None:
    body = USCC[:16] + ("0" if USCC[16] != "0" else "1")
    code = body + ids.uscc_check_char(body)
    report = validator.validate(batch("organization", [{"credit_code": code}]), "organization")
    assert report.rejected == {} and report.flagged[0][0].rule_id == "CN.USCC.ORGCODE"


def test_a_row_with_several_problems_lists_them_all(validator) -> None:
    report = validator.validate(batch("need", [{"budget": -1, "requester_phone": "12", "title": ""}]), "need")
    assert sorted(p.rule_id for p in report.rejected[0]) == ["CN.PHONE.FORMAT", "CONTRACT.REQUIRED", "VALUE.NEGATIVE"]


def test_tombstones_need_only_their_envelope(validator) -> None:
    gone = make_record("fund", "organization", "9", UPDATED, {}, deleted=True)
    broken = make_record("fund", "organization", "", "yesterday", {}, deleted=True)
    report = validator.validate([gone, broken], "organization")
    assert set(report.rejected) == {1}
    assert sorted(p.field for p in report.rejected[1]) == ["source_id", "source_updated_at"]


def test_outcomes_count_checked_and_failed_values(validator) -> None:
    report = validator.validate(batch("organization", [{"credit_code": USCC[:17] + "4"}, {"credit_code": None}]),
                                "organization")
    checksum = next(o for o in report.outcomes if (o.rule_id, o.field) == ("CN.USCC.CHECKSUM", "credit_code"))
    assert (checksum.checked, checksum.failed, checksum.tier) == (2, 1, "error")
    assert checksum.expectation == "expect_columns_to_be_valid_credit_codes"


def test_rules_over_whole_rows_count_every_row(validator) -> None:
    report = validator.validate(batch("resource", [{"nickname": "x"}, {"valid_to": "2025-12-31"}]), "resource")
    counts = {(o.rule_id, o.field): (o.checked, o.failed) for o in report.outcomes}
    assert counts[("CONTRACT.UNKNOWN_FIELD", "_unknown_fields")] == (3, 1)
    assert counts[("DATE.ORDER", "valid_from,valid_to")] == (3, 1)
    assert counts[("CONTRACT.REQUIRED", "name")] == (3, 0)


def test_plugin_rules_join_the_suite(validator) -> None:
    import great_expectations.expectations as gxe
    import pluggy

    from wushe import hookimpl
    from wushe.plugins import create_plugin_manager
    from wushe.validation.catalogue import RuleInfo
    from wushe.validation.rules import PluginRule
    from wushe.validation.validator import Validator

    class WebsitePlugin:
        @hookimpl
        def wushe_expectations(self, kind: str) -> list[PluginRule]:
            if kind != "organization":
                return []
            info = RuleInfo("CIVIL.WEBSITE", "warning", "网址格式错误", "以 http 开头", "Website must start with http")
            return [PluginRule(info, gxe.ExpectColumnValuesToMatchRegex(column="website", regex=r"^https?://"))]

    pm: pluggy.PluginManager = create_plugin_manager(allow=set())
    pm.register(WebsitePlugin(), name="civil")
    custom = Validator(pm)
    report = custom.validate(batch("organization", [{"website": "www.example.org"}]), "organization")
    assert report.rejected == {}
    assert [(p.rule_id, p.field, p.tier) for p in report.flagged[0]] == [("CIVIL.WEBSITE", "website", "warning")]
    assert report.texts("CIVIL.WEBSITE").zh == "网址格式错误"


def test_a_number_beyond_float_range_is_a_type_error_not_a_failed_batch(validator) -> None:
    report = validator.validate(batch("need", [{"quantity": 10**400}, {"budget": -(10**400)}]), "need")
    assert {row: [p.rule_id for p in found] for row, found in report.problems.items()} == {
        0: ["CONTRACT.TYPE"], 1: ["CONTRACT.TYPE"]}
    assert len(report.valid_records()) == 1


@pytest.mark.parametrize("kind", ["organization", "volunteer"])
def test_validating_a_batch_leaves_no_reference_cycle_holding_its_values(validator, kind: str) -> None:
    """A sync pauses the cyclic collector while it works through a stream (wushe.sync.engine): what
    a batch's validation leaves in reference cycles stays in memory until the next collection, so
    the column values it worked on must be freed as soon as the report is."""
    import gc

    import numpy as np

    from wushe.validation.column_values import ColumnValues

    validator.validate(batch(kind, []), kind)  # the suite's own set-up, made once
    gc.collect()
    gc.disable()
    try:
        report = validator.validate(batch(kind, [{}] * 50), kind)
        assert len(report.valid_records()) == 51
        del report
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, (ColumnValues, np.ndarray))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
