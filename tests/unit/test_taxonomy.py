"""Taxonomies and the division reference table are versioned, complete and consistent."""

import pytest

from wushe.errors import WusheError
from wushe.taxonomy import TAXONOMIES, divisions, taxonomy


@pytest.mark.parametrize("name", TAXONOMIES)
def test_every_taxonomy_is_consistent(name: str) -> None:
    tax = taxonomy(name)
    assert tax.version
    for term in tax:
        assert term.zh and term.en, term.code
        if term.parent:
            assert term.parent in tax, f"{term.code}: parent {term.parent} missing"
            assert term.code.startswith(term.parent + ".") or name == "org_types"


def test_resource_categories_cover_what_partners_offer() -> None:
    tax = taxonomy("resource_categories")
    leaves = [t for t in tax if t.parent]
    assert len(leaves) >= 40
    labels = {t.zh for t in tax}
    for word in ("义诊", "中医理疗", "义剪", "家电维修", "电线检修", "法律咨询", "食物银行", "助餐配餐", "长者饭堂",
                 "儿童午托", "药品与药房", "防诈骗宣传", "应急演练", "文明养犬", "垃圾分类", "探访慰问", "陪同就医",
                 "居家照护", "轮椅借用", "爬楼机", "活动室", "项目资助"):
        assert word in labels, word


def test_target_groups_cover_the_groups_staff_serve() -> None:
    tax = taxonomy("target_groups")
    assert len(tax) >= 20
    labels = {t.zh for t in tax}
    for word in ("高龄", "独居", "空巢", "失能", "困境儿童", "留守儿童", "残疾人", "低保", "特困", "户外劳动者", "退役军人"):
        assert word in labels, word


def test_five_societies() -> None:
    assert [t.zh for t in taxonomy("societies")] == ["社区", "社会组织", "社会工作者", "社区志愿者", "社会慈善资源"]


def test_ancestors_and_children() -> None:
    tax = taxonomy("target_groups")
    assert tax.ancestors("elderly.living_alone") == ["elderly"]
    assert "elderly.very_old" in {t.code for t in tax.children("elderly")}
    with pytest.raises(WusheError, match="not a code of taxonomy target_groups"):
        tax["elderly.nope"]


def test_division_table_structure() -> None:
    table = divisions()
    assert table.version
    for d in table:
        assert len(d.code) == 12 and d.code.isdigit(), d.code
        if d.parent:
            assert d.parent in table, d.code
    assert table.full_name("440304002001") == "福田区园岭街道园东社区"
    assert "440304002000" in table.ancestors("440304002001")
    names = {d.name for d in table.of_level("community")}
    for place in ("园东社区", "碧岭社区", "樟溪社区", "城东社区"):
        assert place in names
