"""The field mapping: targets checked against the contract, transforms, rows that do not fit."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wushe.toolkit.dates import parse_datetime, zone
from wushe.toolkit.mapping import FieldRule, Mapper, MappingError, to_number


def mapper(kind="organization", **mapping):
    return Mapper(kind, {"name": "名称", **mapping} if kind == "organization" else mapping)


def test_nested_targets_and_constants():
    m = Mapper("resource", {
        "name": "名称", "resource_type": {"const": "VENUE"}, "location.address": "地址",
        "capacity.total": {"column": "容纳人数", "type": "integer"}, "capacity.unit": {"const": "人"},
        "provider.name": "物业",
    })
    assert m.payload({"名称": " 活动室 ", "地址": "百花二路", "容纳人数": "30", "物业": "园岭物业"}) == {
        "name": "活动室", "resource_type": "VENUE", "location": {"address": "百花二路"},
        "capacity": {"total": 30, "unit": "人"}, "provider": {"name": "园岭物业"},
    }


@pytest.mark.parametrize("mapping, problem", [
    ({"nmae": "名称"}, "organization has no field 'nmae'"),
    ({"name": "名称", "address.street": "街道"}, "address is a single value"),
    ({"name": "名称", "credit_code": {"column": "代码", "split": ","}}, "split makes a list, but credit_code holds one value"),
    ({"address": "地址"}, "leaves out name"),
    ({"name": "名称", "parent": {"const": {"name": "x"}}, "parent.name": "上级"}, "sets both parent and parent.name"),
])
def test_mapping_mistakes_are_reported_at_config_time(mapping, problem):
    with pytest.raises(ValueError, match=problem):
        Mapper("organization", mapping)


def test_rule_needs_exactly_one_source():
    with pytest.raises(ValueError, match="needs a column or a const"):
        FieldRule()
    with pytest.raises(ValueError, match="not both"):
        FieldRule(column="a", const="b")


def test_lookup_crosswalk_and_taxonomy_labels():
    m = Mapper("resource", {
        "name": "名称",
        "resource_type": {"column": "类型", "lookup": {"服务": "SERVICE"}, "unknown": "error"},
        "categories": {"column": "类别", "split": "[、,]", "crosswalk": "resource_categories"},
        "target_groups": {"column": "对象", "split": "、", "crosswalk": "target_groups", "unknown": "drop"},
    }, crosswalks={"resource_categories": {"理发": ["daily.haircut"]}})
    row = {"名称": "x", "类型": "服务", "类别": "理发,义诊、新词", "对象": "外星人"}
    assert m.payload(row)["categories"] == ["daily.haircut", "health.free_clinic", "新词"]
    assert m.payload(row)["target_groups"] == []
    with pytest.raises(MappingError, match="'物资' is not a known value for resource_type"):
        m.payload(row | {"类型": "物资"})


def test_division_names_become_codes():
    m = mapper(division_code={"column": "社区", "type": "division", "within": "440304"})
    assert m.payload({"名称": "a", "社区": "园东社区"})["division_code"] == "440304002001"
    assert m.payload({"名称": "a", "社区": "福田区园岭街道园东社区"})["division_code"] == "440304002001"
    assert m.payload({"名称": "a", "社区": "火星社区"})["division_code"] == "火星社区"  # validation flags it


def test_empty_required_value_rejects_the_row():
    with pytest.raises(MappingError, match="名称 is empty, and name is required"):
        mapper().payload({"名称": "  "})


@given(st.lists(st.text(alphabet="甲乙丙丁abc123 ", min_size=1, max_size=6).map(str.strip).filter(bool), max_size=8),
       st.sampled_from(["、", "，", ";", "/"]))
@settings(max_examples=100)
def test_split_recovers_the_items(items, sep):
    m = mapper(aliases={"column": "别名", "split": "[、，;/]"})
    assert m.payload({"名称": "n", "别名": sep.join(items)}).get("aliases", []) == items


@given(st.integers(-10**9, 10**9))
def test_numbers_with_separators_and_currency(n):
    assert to_number(f"¥{n:,}") == n
    assert to_number(f"{n:,}元", whole=True) == n


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
       st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H时%M分%S秒", "iso"]))
def test_datetimes_round_trip_in_the_partner_zone(moment, fmt):
    moment = moment.replace(microsecond=0)
    text = moment.isoformat() if fmt == "iso" else moment.strftime(fmt)
    parsed = parse_datetime(text, fmt, zone("Asia/Shanghai"))
    assert parsed == moment.replace(tzinfo=zone("Asia/Shanghai"))


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)))
def test_dates_in_chinese_format(day):
    m = mapper(established_on={"column": "成立日期", "type": "date", "format": "%Y年%m月%d日"})
    assert m.payload({"名称": "n", "成立日期": f"{day.year}年{day.month}月{day.day}日"})["established_on"] == day.isoformat()


@given(st.text(max_size=12))
def test_bad_values_raise_mapping_errors_never_anything_else(value):
    m = Mapper("resource", {"name": "n", "resource_type": {"const": "GOODS"},
                            "capacity.total": {"column": "v", "type": "number"},
                            "valid_to": {"column": "d", "type": "date", "format": "%Y%m%d"}})
    for row in ({"n": "x", "v": value}, {"n": "x", "d": value}):
        try:
            m.payload(row)
        except MappingError:
            pass


def test_spreadsheet_floats_and_booleans():
    m = mapper(credit_code="代码", phones="电话")
    assert m.payload({"名称": "n", "代码": 12345.0, "电话": 13800138000}) == {"name": "n", "credit_code": "12345", "phones": ["13800138000"]}
    b = Mapper("donation", {"anonymous": {"column": "匿名", "type": "bool"}})
    assert b.payload({"匿名": "是"}) == {"anonymous": True} and b.payload({"匿名": "否"}) == {"anonymous": False}
    with pytest.raises(MappingError, match="yes or no"):
        b.payload({"匿名": "也许"})
