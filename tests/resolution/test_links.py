"""Links between kinds go through golden ids, whichever way the partner wrote the reference."""

from __future__ import annotations

from sqlalchemy import select

from tests.resolution import cases
from tests.resolution.helpers import delta, full, golden_of, write
from wushe.contract import make_record
from wushe.registry.models import GoldenLink


def _links(registry) -> dict[tuple[str, str], tuple[str | None, str]]:
    from wushe.registry.models import SourceRecord

    with registry.connect() as conn:
        rows = conn.execute(select(SourceRecord.partner, SourceRecord.source_id, GoldenLink.role, GoldenLink.target_id,
                                   GoldenLink.method).join(SourceRecord, SourceRecord.id == GoldenLink.source_record_id))
        return {(f"{p}/{s}", role): (target, method) for p, s, role, target, method in rows}


def _rec(partner: str, kind: str, source_id: str, **payload) -> dict:
    return make_record(partner, kind, source_id, cases.AT, payload, fetched_at=cases.AT)


def test_resources_volunteers_donations_link_to_golden_records(registry) -> None:
    write(registry, cases.records("organization", cases.ORGANIZATIONS))
    write(registry, [
        _rec("fund", "resource", "r1", name="义剪", resource_type="SERVICE", provider={"source_id": "f3"}),
        _rec("merchants", "resource", "r2", name="免费理发", resource_type="SERVICE",
             provider={"credit_code": "91440300192234567A"}),
        _rec("merchants", "resource", "r3", name="爱心午餐", resource_type="GOODS", provider={"name": "建行园岭支行"}),
        _rec("fund", "resource", "r4", name="助学金", resource_type="FUNDS", provider={"name": "无此机构"}),
        _rec("civil", "volunteer", "v1", name="张伟", team={"partner": "civil", "source_id": "c3"}),
        _rec("fund", "need", "n1", title="轮椅一台", requester_key="k1"),
        _rec("fund", "donation", "d1", donor={"name": "深圳市万科物业服务有限公司"}, amount=100,
             designation={"need": {"source_id": "n1"}}),
    ])
    full(registry)
    orgs, links = golden_of(registry, "organization"), _links(registry)
    assert links[("fund/r1", "provider")] == (orgs["civil/organization/c2"], "source_id")
    assert links[("merchants/r2", "provider")] == (orgs["property/organization/p2"], "credit_code")
    assert links[("merchants/r3", "provider")] == (orgs["fund/organization/f1"], "name")
    assert links[("fund/r4", "provider")] == (None, "unresolved")
    assert links[("civil/v1", "team")] == (orgs["civil/organization/c3"], "source_id")
    assert links[("fund/d1", "donor")] == (orgs["property/organization/p2"], "name")
    assert links[("fund/d1", "need")] == (golden_of(registry, "need")["fund/need/n1"], "source_id")


def test_a_link_follows_its_target_when_the_target_merges(registry) -> None:
    write(registry, [
        _rec("fund", "organization", "a", name="深圳市晨光科技有限公司", division_code="440304002001"),
        _rec("merchants", "organization", "b", name="晨光科技", phones=["13800000001"]),
        _rec("merchants", "resource", "r", name="电脑维修", resource_type="SERVICE", provider={"source_id": "b"}),
    ])
    full(registry)
    before = golden_of(registry, "organization")
    touched = write(registry, [_rec("property", "organization", "c", name="深圳晨光科技有限公司",
                                    phones=["13800000001"], division_code="440304002001")])
    delta(registry, touched)
    after = golden_of(registry, "organization")
    assert len(set(after.values())) == 1
    assert _links(registry)[("merchants/r", "provider")][0] == after["merchants/organization/b"]
    assert before  # the link was made before the merge, and moved with it


def test_a_delta_relinks_a_changed_reference_and_keeps_the_others(registry) -> None:
    write(registry, cases.records("organization", cases.ORGANIZATIONS))
    resources = [_rec("fund", "resource", "r1", name="义剪", resource_type="SERVICE", provider={"source_id": "f3"}),
                 _rec("fund", "resource", "r2", name="助学金", resource_type="FUNDS", provider={"source_id": "f3"}),
                 _rec("fund", "resource", "r3", name="爱心午餐", resource_type="GOODS", provider={"source_id": "f3"})]
    write(registry, resources)
    full(registry)
    orgs, before = golden_of(registry, "organization"), _links(registry)
    moved = dict(resources[0], payload=dict(resources[0]["payload"], provider={"source_id": "c3", "partner": "civil"}))
    bare = dict(resources[1], payload={k: v for k, v in resources[1]["payload"].items() if k != "provider"})
    described = dict(resources[2], payload=dict(resources[2]["payload"], description="每周三"))
    delta(registry, write(registry, [moved, bare, described]))
    after = _links(registry)
    assert after[("fund/r1", "provider")] == (orgs["civil/organization/c3"], "source_id")
    assert ("fund/r2", "provider") not in after
    assert after[("fund/r3", "provider")] == before[("fund/r3", "provider")]


def test_links_to_an_organisation_retired_without_successor_are_looked_up_again(registry) -> None:
    write(registry, [
        _rec("fund", "organization", "a", name="深圳市晨光科技有限公司", credit_code="91440300MA5F000013"),
        _rec("merchants", "organization", "b", name="深圳市星河文具店", phones=["13800000002"]),
        _rec("fund", "resource", "r1", name="电脑维修", resource_type="SERVICE", provider={"source_id": "a"}),
        _rec("merchants", "resource", "r2", name="打印服务", resource_type="SERVICE",
             provider={"name": "深圳市晨光科技有限公司"}),
        _rec("merchants", "resource", "r3", name="文具捐赠", resource_type="GOODS", provider={"source_id": "b"}),
        _rec("fund", "donation", "d1", donor={"name": "深圳市晨光科技有限公司"},
             recipient={"partner": "merchants", "source_id": "b"}, amount=500),
    ])
    full(registry)
    orgs, before = golden_of(registry, "organization"), _links(registry)
    assert before[("fund/r1", "provider")] == (orgs["fund/organization/a"], "source_id")
    assert before[("merchants/r2", "provider")] == (orgs["fund/organization/a"], "name")
    gone = make_record("fund", "organization", "a", cases.LATER, {"name": "深圳市晨光科技有限公司"},
                       fetched_at=cases.LATER, deleted=True)
    delta(registry, write(registry, [gone]))  # its golden record is retired: no live source is left
    after = _links(registry)
    assert after[("fund/r1", "provider")] == (None, "unresolved")
    assert after[("merchants/r2", "provider")] == (None, "unresolved")
    assert after[("fund/d1", "donor")] == (None, "unresolved")
    # the links to organisations still there, of the same records and of others, stay as they were
    assert after[("fund/d1", "recipient")] == before[("fund/d1", "recipient")] == (orgs["merchants/organization/b"], "source_id")
    assert after[("merchants/r3", "provider")] == before[("merchants/r3", "provider")]
