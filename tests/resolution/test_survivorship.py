"""Survivorship by partner role, recency and completeness, with provenance for every value."""

from __future__ import annotations

from types import SimpleNamespace

from tests.resolution import cases
from tests.resolution.helpers import full, golden_of, golden_row, write
from wushe.contract import make_record
from wushe.resolution.config import ResolutionConfig
from wushe.resolution.inspect import golden_detail

ROLES = ResolutionConfig(roles={"civil": ("civil_affairs",), "fund": ("fund",), "merchants": ("merchant",)})


def _provenance(registry, golden_id: str) -> dict[str, SimpleNamespace]:
    """Each field's provenance as ``wushe show`` reports it (unmasked)."""
    with registry.connect() as conn:
        fields = golden_detail(conn, golden_id, role="admin")["fields"]
    return {f["field"]: SimpleNamespace(**f) for f in fields}


def test_civil_affairs_wins_legal_name_and_status_over_a_newer_record(registry) -> None:
    write(registry, cases.records("organization", cases.ORGANIZATIONS))
    full(registry, ROLES)
    gid = golden_of(registry)["civil/organization/c2"]
    data = golden_row(registry, gid).data
    assert data["name"] == "深圳市园岭社区基金会" and data["registration_status"] == "存续"
    prov = _provenance(registry, gid)
    assert set(prov) == set(data)  # every golden value has its provenance
    status = prov["registration_status"]
    assert (status.partner, status.source_id, status.rule) == ("civil", "c2", "priority:civil_affairs")
    assert status.fetched_at is not None and status.changed_at_source is not None
    assert status.value == "存续"
    assert prov["division_code"].rule == "only_source" and prov["division_code"].partner == "fund"


def test_without_roles_the_most_recent_source_wins(registry) -> None:
    write(registry, cases.records("organization", cases.ORGANIZATIONS))
    full(registry)
    gid = golden_of(registry)["civil/organization/c2"]
    assert golden_row(registry, gid).data["registration_status"] == "注销"
    assert _provenance(registry, gid)["registration_status"].rule == "recency"


def test_a_date_at_source_outside_the_nanosecond_range_still_ranks_by_recency(registry) -> None:
    # a typo'd year at the fund (1026): before 1677, a date wrapped round as nanoseconds, to about 2195
    rows = [(p, s, t, payload, "1026-11-22T02:00:00+08:00" if s == "f3" else at)
            for p, s, t, payload, at in cases.ORGANIZATIONS]
    write(registry, cases.records("organization", rows))
    full(registry)
    gid = golden_of(registry)["civil/organization/c2"]
    assert golden_of(registry)["fund/organization/f3"] == gid
    assert golden_row(registry, gid).data["registration_status"] == "存续"
    status = _provenance(registry, gid)["registration_status"]
    assert (status.partner, status.rule) == ("civil", "recency")


def test_the_fund_wins_amounts_and_completeness_then_ties_decide(registry) -> None:
    donor = {"name": "深圳市万科物业服务有限公司", "credit_code": "91440300192234567A"}
    gift = {"donor": donor, "amount": 5000, "donated_on": "2026-10-01"}
    write(registry, [
        make_record("fund", "donation", "d1", cases.AT, dict(gift), fetched_at=cases.AT),
        make_record("merchants", "donation", "x9", cases.LATER, dict(gift, currency="CNY", items=[]),
                    fetched_at=cases.LATER),
    ])
    full(registry, ROLES)
    ids = golden_of(registry, "donation")
    assert ids["fund/donation/d1"] == ids["merchants/donation/x9"]
    prov = _provenance(registry, ids["fund/donation/d1"])
    assert (prov["amount"].partner, prov["amount"].rule) == ("fund", "priority:fund")
    assert prov["donated_on"].rule == "recency" and prov["donated_on"].partner == "merchants"
