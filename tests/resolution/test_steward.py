"""Stewards win over the matcher, and their decisions persist across runs."""

from __future__ import annotations

from tests.resolution import cases
from tests.resolution.helpers import delta, full, golden_of, write
from wushe.contract import make_record
from wushe.resolution.steward import add_override, decide_review, open_reviews


def _vol(partner: str, source_id: str, **payload) -> dict:
    return make_record(partner, "volunteer", source_id, cases.AT, payload, fetched_at=cases.AT)


def test_never_link_always_link_and_split_win_and_persist(registry) -> None:
    write(registry, cases.records("organization", cases.ORGANIZATIONS))
    full(registry)
    ids = golden_of(registry, "organization")
    assert ids["fund/organization/f1"] == ids["merchants/organization/m1"]
    assert ids["property/organization/p3"] != ids["property/organization/p4"]
    with registry.begin() as conn:
        touched = add_override(conn, "never_link", "organization", "fund/organization/f1",
                               "merchants/organization/m1", by="steward", reason="不同网点")
        touched += add_override(conn, "always_link", "organization", "property/organization/p3",
                                "property/organization/p4", by="steward", reason="同一物业公司")
    delta(registry, touched)
    for _ in range(2):  # the delta, then a full pass: the decisions hold both times
        ids = golden_of(registry, "organization")
        assert ids["fund/organization/f1"] != ids["merchants/organization/m1"]
        assert ids["property/organization/p3"] == ids["property/organization/p4"]
        full(registry)

    with registry.begin() as conn:
        touched = add_override(conn, "split", "organization", "merchants/organization/m2", by="steward")
    delta(registry, touched)
    ids = golden_of(registry, "organization")
    alone = ids["merchants/organization/m2"]
    assert list(ids.values()).count(alone) == 1
    # a later always-link replaces an opposite never-link between the same two records
    with registry.begin() as conn:
        touched = add_override(conn, "always_link", "organization", "merchants/organization/m1",
                               "fund/organization/f1", by="steward")
    delta(registry, touched)
    ids = golden_of(registry, "organization")
    assert ids["fund/organization/f1"] == ids["merchants/organization/m1"]


def test_uncertain_pairs_wait_for_review_and_decisions_apply(registry) -> None:
    # the same uncommon name in the same district, nothing else: likely, not certain
    write(registry, [
        _vol("civil", "a", name="欧阳娜娜", division_code="440304002001", gender="female"),
        _vol("fund", "b", name="欧阳娜娜", division_code="440304"),
        _vol("civil", "c", name="司马光明", division_code="440304002002", gender="male"),
        _vol("merchants", "d", name="司马光明", division_code="440304"),
    ])
    full(registry)
    with registry.connect() as conn:
        items = open_reviews(conn, "volunteer")
    pairs = {(i["left_key"], i["right_key"]): i for i in items}
    assert set(pairs) == {("civil/volunteer/a", "fund/volunteer/b"), ("civil/volunteer/c", "merchants/volunteer/d")}
    ids = golden_of(registry, "volunteer")
    assert ids["civil/volunteer/a"] != ids["fund/volunteer/b"]
    first = pairs[("civil/volunteer/a", "fund/volunteer/b")]
    assert first["explanation"]["agreed"] and 0.4 <= first["score"] < 0.75

    with registry.begin() as conn:
        touched = decide_review(conn, first["id"], True, by="steward")
        touched += decide_review(conn, pairs[("civil/volunteer/c", "merchants/volunteer/d")]["id"], False, by="steward")
    delta(registry, touched)
    full(registry)
    ids = golden_of(registry, "volunteer")
    assert ids["civil/volunteer/a"] == ids["fund/volunteer/b"]
    assert ids["civil/volunteer/c"] != ids["merchants/volunteer/d"]
    with registry.connect() as conn:
        assert open_reviews(conn, "volunteer") == []  # decided pairs are not queued again
