"""The record contract: what connectors hand over and what partners read in the schema."""

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from wushe.contract import (
    KINDS,
    field_labels,
    json_schema,
    make_record,
    personal_fields,
    record_model,
)
from wushe.errors import WusheError

SAMPLES = {
    "organization": {
        "name": "中国建设银行股份有限公司深圳园岭支行",
        "aliases": ["建行园岭支行"],
        "society": "charity",
        "org_type": "bank",
        "credit_code": "91440300X1234567XY",
        "phones": ["0755-82345678"],
        "division_code": "440304002001",
        "parent": {"name": "中国建设银行股份有限公司", "credit_code": "911100001000044477"},
    },
    "resource": {
        "name": "爱心义剪",
        "resource_type": "SERVICE",
        "categories": ["daily.haircut"],
        "target_groups": ["elderly.very_old", "disabled"],
        "coverage": ["440304002001"],
        "schedule": {"weekly": [{"days": [6], "opens": "09:00", "closes": "11:30"}],
                     "exceptions": [{"date": "2026-02-17", "closed": True, "note": "春节"}]},
        "capacity": {"total": 30, "remaining": 12, "unit": "人次"},
        "cost": {"kind": "free"},
        "provider": {"source_id": "V-0012"},
    },
    "need": {"title": "希望有人帮忙修理老化电线", "category": "repair.wiring", "status": "published",
             "requester_name": "陈某", "requester_phone": "13800138000"},
    "volunteer": {"name": "王小明", "phone": "+86 138 0013 8000", "id_number": "11010519491231002X",
                  "skills": ["理发"], "team": {"name": "园岭街道退役军人红星志愿服务队"}},
    "donation": {"donor": {"name": "乐有家控股集团"}, "amount": 5000, "items": [{"name": "速冻汤圆", "quantity": 200}],
                 "designation": {"division_code": "440310003001"}},
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_accepts_a_realistic_record(kind: str) -> None:
    record = make_record("fund", kind, 42, datetime(2026, 11, 1, 10, tzinfo=timezone(timedelta(hours=8))), SAMPLES[kind])
    parsed = record_model(kind).model_validate(record)
    assert parsed.source_id == "42"
    assert parsed.source_updated_at.utcoffset() == timedelta(hours=8)


def test_make_record_travels_as_plain_json_ready_dict() -> None:
    record = make_record("fund", "need", "N1", datetime(2026, 11, 1, tzinfo=timezone.utc), {"title": "轮椅"})
    assert record["source_updated_at"] == "2026-11-01T00:00:00+00:00"
    assert isinstance(record["fetched_at"], str)
    assert record["deleted"] is False


def test_naive_timestamps_are_rejected_so_connectors_state_the_zone() -> None:
    record = make_record("fund", "need", "N1", "2026-11-01T00:00:00", {"title": "轮椅"})
    with pytest.raises(ValidationError):
        record_model("need").model_validate(record)


def test_unknown_fields_are_rejected_by_the_contract() -> None:
    record = make_record("fund", "need", "N1", "2026-11-01T00:00:00+08:00", {"title": "轮椅", "colour": "red"})
    with pytest.raises(ValidationError):
        record_model("need").model_validate(record)


def test_closed_vocabularies_are_enforced() -> None:
    payload = dict(SAMPLES["resource"], resource_type="MAGIC")
    with pytest.raises(ValidationError):
        record_model("resource").model_validate(make_record("m", "resource", "1", "2026-01-01T00:00:00Z", payload))


def test_schema_carries_chinese_labels_and_english_descriptions() -> None:
    schema = json_schema("organization")
    payload = schema["$defs"]["Organization"]["properties"]
    assert payload["credit_code"]["label_zh"] == "统一社会信用代码"
    assert "unified social credit code" in payload["credit_code"]["description"].lower()
    assert schema["properties"]["source_id"]["label_zh"] == "来源编号"


def test_every_field_of_every_kind_has_a_label_and_description() -> None:
    for kind in KINDS:
        model = record_model(kind).model_fields["payload"].annotation
        for name, info in model.model_fields.items():
            assert info.description, f"{kind}.{name} has no description"
            assert (info.json_schema_extra or {}).get("label_zh"), f"{kind}.{name} has no Chinese label"


def test_personal_fields_are_declared_for_residents_data() -> None:
    assert {"name", "phone", "id_number"} <= personal_fields("volunteer")
    assert {"requester_name", "requester_phone"} <= personal_fields("need")
    assert "credit_code" not in personal_fields("organization")
    assert field_labels("volunteer")["id_number"] == "身份证号"


def test_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(WusheError, match="unknown record kind 'shop'"):
        json_schema("shop")
