"""End-to-end resolution on the registry (SQLite and PostgreSQL): hard cases, stable ids, deltas."""

from __future__ import annotations

import random
from datetime import datetime, timezone

from sqlalchemy import func, select

from tests.resolution import cases, world
from tests.resolution.helpers import dangling, delta, full, golden_of, golden_row, partition, write
from wushe.contract import make_record
from wushe.registry.db import make_engine
from wushe.registry.migrate import upgrade
from wushe.registry.models import CrossReference, GoldenEvent, GoldenRecord
from wushe.resolution.blocking import BlockIndex
from wushe.resolution.config import ResolutionConfig
from wushe.resolution.records import live_at_least, record_ids
from wushe.resolution.resolver import resolve, resolve_all


def test_hard_cases_resolve_to_the_true_entities(registry) -> None:
    write(registry, cases.records("organization", cases.ORGANIZATIONS) + cases.records("volunteer", cases.VOLUNTEERS))
    full(registry)
    for kind, rows in (("organization", cases.ORGANIZATIONS), ("volunteer", cases.VOLUNTEERS)):
        assert partition(golden_of(registry, kind)) == partition(cases.truth(kind, rows))


def test_every_cross_reference_explains_itself(registry) -> None:
    write(registry, cases.records("organization", cases.ORGANIZATIONS))
    full(registry)

    with registry.connect() as conn:
        rows = conn.execute(select(CrossReference.method, CrossReference.score, CrossReference.explanation)).all()
    linked = [r for r in rows if r.method == "model"]
    assert linked and all(r.explanation["matched_with"] and r.explanation["agreed"] for r in linked)
    assert all("name" in r.explanation["comparisons"] and r.score >= ResolutionConfig().accept for r in linked)
    assert all(r.explanation is None and r.score == 1.0 for r in rows if r.method == "single")


def test_ids_are_identical_on_a_rerun_and_for_shuffled_input(registry, tmp_path) -> None:
    records = [r for r, _t in world.rows(3, 150, 150)]
    write(registry, records)
    full(registry)
    first = golden_of(registry)
    report = full(registry)
    assert golden_of(registry) == first
    assert all(k.written == 0 and k.retired == 0 for k in report.kinds.values())

    shuffled = make_engine(f"sqlite:///{tmp_path / 'shuffled.db'}")
    upgrade(shuffled)
    again = list(records)
    random.Random(5).shuffle(again)
    for start in range(0, len(again), 97):
        write(shuffled, again[start : start + 97])
    full(shuffled)
    assert golden_of(shuffled) == first
    shuffled.dispose()


def test_a_delta_touches_only_the_clusters_it_concerns(registry, tmp_path) -> None:
    records = [r for r, _t in world.rows(4, 300, 300)]
    write(registry, records)
    full(registry)
    before = golden_of(registry)
    kept = golden_row(registry, before["civil/organization/ci1"])
    # one organisation's description changes, one new volunteer matches a known one
    changed = dict(records[0], payload=dict(records[0]["payload"], description="周末开放活动室"))
    known = next(r for r in records if r["kind"] == "volunteer" and r["payload"].get("phone"))
    newcomer = make_record("newpartner", "volunteer", "n1", cases.AT, dict(known["payload"]), fetched_at=cases.AT)
    touched = write(registry, [changed, newcomer])
    report = delta(registry, touched)
    after = golden_of(registry)
    involved = sum(k.records for k in report.kinds.values())
    assert involved < len(records) / 10
    new_key = "newpartner/volunteer/n1"
    known_key = f"{known['partner']}/volunteer/{known['source_id']}"
    assert after[new_key] == after[known_key] == before[known_key]
    unchanged = {k: g for k, g in before.items() if k != new_key}
    assert {k: after[k] for k in unchanged} == unchanged
    rewritten = golden_row(registry, after["civil/organization/ci1"])
    assert rewritten.data["description"] == "周末开放活动室"
    # rewritten in place: created when it was, updated now
    assert rewritten.created_at == kept.created_at and rewritten.updated_at > kept.updated_at

    # the delta converges to what a full pass over the same registry finds
    full(registry)
    assert partition(golden_of(registry)) == partition(after)


def test_merges_and_splits_are_events_and_retired_ids_point_to_successors(registry) -> None:
    base = {"name": "深圳市晨光科技有限公司", "division_code": "440304002001"}
    write(registry, [make_record("fund", "organization", "a", cases.AT, base, fetched_at=cases.AT),
                     make_record("merchants", "organization", "b", cases.AT,
                                 {"name": "晨光科技", "phones": ["13800000001"]}, fetched_at=cases.AT)])
    full(registry)
    ids = golden_of(registry)
    # the two name forms agree, but there is little else: they may or may not be one yet
    bridge = make_record("property", "organization", "c", cases.AT,
                         {"name": "深圳晨光科技有限公司", "phones": ["13800000001"], "division_code": "440304002001"},
                         fetched_at=cases.AT)
    delta(registry, write(registry, [bridge]))
    merged = golden_of(registry)
    assert len(set(merged.values())) == 1
    survivor = merged["fund/organization/a"]
    for old in set(ids.values()) - {survivor}:
        row = golden_row(registry, old)
        assert row.status == "retired" and row.successor_ids == [survivor]
    with registry.connect() as conn:
        events = conn.execute(select(GoldenEvent.golden_id, GoldenEvent.event)).all()
    if len(set(ids.values())) > 1:
        assert (survivor, "merged") in {(e.golden_id, e.event) for e in events}

    from wushe.resolution.steward import add_override

    with registry.begin() as conn:
        keys = add_override(conn, "split", "organization", "property/organization/c", by="steward")
    delta(registry, keys)
    after = golden_of(registry)
    split_off = after["property/organization/c"]
    assert split_off not in {after["fund/organization/a"], after["merchants/organization/b"]}
    assert survivor in {after["fund/organization/a"], after["merchants/organization/b"]}
    with registry.connect() as conn:
        split = conn.execute(select(GoldenEvent.related_ids).where(GoldenEvent.golden_id == survivor,
                                                                    GoldenEvent.event == "split")).scalars().all()
    assert any(split_off in related for related in split)


def test_withdrawn_records_unlink_and_an_entity_without_sources_retires(registry) -> None:
    from wushe.registry.sources import withdraw_unseen

    a = make_record("fund", "organization", "x1", cases.AT, {"name": "园岭长者食堂"}, fetched_at=cases.AT)
    b = make_record("fund", "organization", "x2", cases.AT, {"name": "园东长者服务中心"}, fetched_at=cases.AT)
    write(registry, [a, b], run_id="r1", stream="orgs")
    full(registry)
    gid = golden_of(registry)["fund/organization/x1"]
    touched = write(registry, [dict(a, deleted=True)], run_id="r2")
    delta(registry, touched)
    assert "fund/organization/x1" not in golden_of(registry)
    row = golden_row(registry, gid)
    assert row.status == "retired" and row.retired_at is not None and not row.successor_ids
    with registry.connect() as conn:
        assert conn.execute(select(GoldenEvent.event).where(GoldenEvent.golden_id == gid)).scalars().all() == ["retired"]

    # a full export without x2: x2 is withdrawn too
    read_started = datetime.now(timezone.utc)
    with registry.begin() as conn:
        gone = withdraw_unseen(conn, "fund", "orgs", read_started, run_id="r3")
    assert gone == [("fund", "organization", "x2", "withdrawn")]
    delta(registry, gone)
    assert golden_of(registry) == {}


def test_a_record_back_after_its_golden_record_retired_revives_it(registry) -> None:
    a = make_record("fund", "organization", "x1", cases.AT, {"name": "园岭长者食堂"}, fetched_at=cases.AT)
    b = make_record("fund", "organization", "x2", cases.AT, {"name": "园东长者服务中心"}, fetched_at=cases.AT)
    write(registry, [a, b], run_id="r1")
    full(registry)
    gid = golden_of(registry)["fund/organization/x1"]
    delta(registry, write(registry, [dict(a, deleted=True)], run_id="r2"))
    assert golden_row(registry, gid).status == "retired"

    # the partner sends it again: by a delta, and again by a whole pass after it retired once more
    delta(registry, write(registry, [dict(a, source_updated_at="2026-11-25T02:00:00+08:00")], run_id="r3"))
    assert golden_of(registry)["fund/organization/x1"] == gid
    row = golden_row(registry, gid)
    assert row.status == "active" and row.retired_at is None and row.successor_ids is None
    assert row.data["name"] == "园岭长者食堂"
    delta(registry, write(registry, [dict(a, deleted=True)], run_id="r4"))
    write(registry, [dict(a, source_updated_at="2026-11-26T02:00:00+08:00")], run_id="r5")
    full(registry)
    assert golden_of(registry)["fund/organization/x1"] == gid
    assert golden_row(registry, gid).status == "active" and not golden_row(registry, gid).retired_at
    with registry.connect() as conn:
        events = conn.execute(select(GoldenEvent.event).where(GoldenEvent.golden_id == gid)
                              .order_by(GoldenEvent.id)).scalars().all()
    assert events == ["retired", "revived", "retired", "revived"]


def test_a_delta_leaves_alone_the_records_that_only_share_a_block(registry) -> None:
    records = [r for r, _t in world.rows(6, 200, 0)]
    # two shops of one trade: they share a block (the name's end) and are nothing alike otherwise
    a = make_record("fund", "organization", "b1", cases.AT, {"name": "晨光琴行"}, fetched_at=cases.AT)
    b = make_record("civil", "organization", "b2", cases.AT, {"name": "雅韵琴行"}, fetched_at=cases.AT)
    write(registry, [*records, a, b])
    full(registry)
    before = golden_of(registry)
    with registry.connect() as conn:
        found = record_ids(conn, [("fund", "organization", "b1"), ("civil", "organization", "b2")])
        index = BlockIndex.load(conn, "organization")
    mine = index.keys[index.rids == found[("fund", "organization", "b1")]]
    assert found[("civil", "organization", "b2")] in index.sharing(mine)
    assert before["fund/organization/b1"] != before["civil/organization/b2"]

    report = delta(registry, write(registry, [dict(a, payload=dict(a["payload"], description="周末营业"))]))
    assert report.kinds["organization"].records == 1
    assert golden_of(registry) == before


def test_a_delta_touching_half_a_kind_resolves_it_whole(registry) -> None:
    records = [r for r, _t in world.rows(7, 40, 40)]
    write(registry, records)
    full(registry)
    with registry.connect() as conn:
        assert live_at_least(conn, "organization", 40) and not live_at_least(conn, "organization", 500)
    organizations = [r for r in records if r["kind"] == "organization"]
    volunteers = [r for r in records if r["kind"] == "volunteer"]
    changed = [dict(r, payload=dict(r["payload"], description="周末开放")) for r in organizations[::2]]
    report = delta(registry, write(registry, [*changed, dict(volunteers[0], deleted=True)]))
    assert report.kinds["organization"].records == len(organizations)
    assert report.kinds["volunteer"].records < len(volunteers) - 1
    with registry.connect() as conn:
        # a withdrawn record is not live
        assert not live_at_least(conn, "volunteer", len(volunteers))
        assert live_at_least(conn, "volunteer", len(volunteers) - 1)


def test_a_registry_never_resolved_is_resolved_whole_whatever_the_delta(registry) -> None:
    records = [r for r, _t in world.rows(9, 40, 0)]
    write(registry, records)
    organizations = [r for r in records if r["kind"] == "organization"]
    report = delta(registry, write(registry, [dict(organizations[0], payload=dict(organizations[0]["payload"],
                                                                                description="周末开放"))]))
    assert report.kinds["organization"].records == len(organizations)
    assert len(golden_of(registry, "organization")) == len(organizations)
    # once resolved, the same delta is one
    report = delta(registry, write(registry, [dict(organizations[0], payload=dict(organizations[0]["payload"],
                                                                                description="周末休息"))]))
    assert report.kinds["organization"].records < len(organizations)


def test_records_withdrawn_since_the_last_pass_are_not_counted_live_through_their_golden_records(registry) -> None:
    """Their golden records are still active until the next pass: counting those as live records
    would resolve a delta where half the kind's live records changed."""
    records = [r for r, _t in world.rows(8, 10, 40)]
    write(registry, records)
    full(registry)
    volunteers = [r for r in records if r["kind"] == "volunteer"]
    with registry.connect() as conn:
        goldens = conn.scalar(select(func.count()).where(GoldenRecord.kind == "volunteer", GoldenRecord.status == "active"))
    gone = len(volunteers) - goldens + 5
    write(registry, [dict(v, deleted=True) for v in volunteers[:gone]])  # pending, not yet resolved
    live = len(volunteers) - gone
    assert goldens >= live + 1  # the golden records alone would say there are more
    with registry.connect() as conn:
        assert live_at_least(conn, "volunteer", live) and not live_at_least(conn, "volunteer", live + 1)


def test_a_golden_record_without_a_division_has_none_rather_than_the_text_nan(registry) -> None:
    """Staff filter and export by community: a missing one must read as missing on every backend."""
    alone = make_record("fund", "organization", "n1", datetime(2026, 11, 20, tzinfo=timezone.utc),
                        {"name": "星光义剪队"}, fetched_at=datetime(2026, 11, 20, tzinfo=timezone.utc))
    placed = make_record("fund", "organization", "n2", datetime(2026, 11, 20, tzinfo=timezone.utc),
                         {"name": "园岭长者饭堂", "division_code": "440304002001"},
                         fetched_at=datetime(2026, 11, 20, tzinfo=timezone.utc))
    write(registry, [alone, placed])
    full(registry)
    with registry.connect() as conn:
        rows = dict(conn.execute(select(GoldenRecord.display_name, GoldenRecord.division_code)).all())
    assert rows == {"星光义剪队": None, "园岭长者饭堂": "440304002001"}


def test_a_rewritten_golden_record_keeps_the_cross_references_that_did_not_change(registry) -> None:
    records = [r for r, _t in world.rows(10, 120, 0)]
    write(registry, records)
    with registry.begin() as conn:
        resolve_all(conn, run_id="r1")
    ids = golden_of(registry, "organization")
    groups = partition(ids)
    members = next(sorted(g) for g in sorted(groups, key=sorted) if len(g) > 1)
    partner, _kind, source_id = members[0].split("/")
    first = next(r for r in records if (r["partner"], r["source_id"]) == (partner, source_id))
    touched = write(registry, [dict(first, payload=dict(first["payload"], description="周末开放"))])
    with registry.begin() as conn:
        resolve(conn, touched, run_id="r2")
    assert golden_row(registry, ids[members[0]]).data["description"] == "周末开放"
    with registry.connect() as conn:
        runs = conn.execute(select(CrossReference.run_id).where(CrossReference.golden_id == ids[members[0]])).scalars()
        assert sorted(runs) == ["r1"] * len(members)


def test_a_cross_reference_to_a_missing_golden_record_is_caught(registry) -> None:
    """What resolution derives has no foreign keys: the check every resolution test runs finds a
    pointer to nothing."""
    write(registry, [make_record("fund", "organization", "a", cases.AT, {"name": "园岭长者食堂"}, fetched_at=cases.AT)])
    full(registry)
    with registry.begin() as conn:
        conn.execute(CrossReference.__table__.update().values(golden_id="organization-gone"))
    assert dangling(registry) == {"cross_reference.golden_id": ["organization-gone"]}
