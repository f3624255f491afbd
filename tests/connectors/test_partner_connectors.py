"""The partner connectors against the sandbox's ground truth: a full read of night 0 is exactly
what ``wushe.sandbox.observations`` says a perfect connector makes of each partner (invalid rows
and tombstones included), and a read of night 1 from night 0's states brings exactly the rows
that changed. The connectors are found through the ``wushe`` entry point group."""

from __future__ import annotations

from typing import Any

import pytest

from tests.connectors.conftest import PARTNER_ENTITIES, PARTNER_SEED
from tests.connectors.partner_configs import partner_config
from wushe.plugins import connectors
from wushe.sandbox import PARTNERS, Sandbox, observations

Key = tuple[str, str]


def read_partner(sandbox: Sandbox, partner: str, states: dict[str, Any] | None = None) -> tuple[dict[Key, dict], dict[str, Any], list]:
    """Every stream of the partner read to its end: records by (kind, source_id), final states, unreadable rows."""
    connector = connectors()[partner](partner)
    config = connector.parse_config(partner_config(sandbox, partner, batch_size=50), partner=partner)
    records: dict[Key, dict] = {}
    final: dict[str, Any] = {}
    unreadable: list = []
    for stream in connector.streams(config):
        for batch in connector.read(config, stream, (states or {}).get(stream.name)):
            for record in batch.records:
                key = (record["kind"], record["source_id"])
                assert key not in records, f"{partner}: {key} delivered twice"
                records[key] = record
            unreadable += batch.unreadable
            final[stream.name] = batch.state
    return records, final, unreadable


def oracle(partner: str, night: int) -> dict[Key, dict]:
    return {(r["kind"], r["source_id"]): r for r in observations(PARTNER_SEED, PARTNER_ENTITIES, partner, night)}


def test_the_four_connectors_register_through_the_entry_point_group():
    found = connectors()
    assert set(PARTNERS) <= set(found)
    assert {found[p].__module__.split(".")[0] for p in PARTNERS} == {f"wushe_{p}" for p in PARTNERS}


@pytest.mark.parametrize("partner", [*PARTNERS, pytest.param("civil_affairs-mariadb", marks=pytest.mark.mariadb)])
def test_a_full_read_matches_the_sandbox_truth(partner, partner_sandbox, request):
    partner, _, server = partner.partition("-")
    sandbox = partner_sandbox("night0", civil_url=request.getfixturevalue("mariadb_url")) if server else partner_sandbox("night0")
    got, _, unreadable = read_partner(sandbox, partner)
    expected = oracle(partner, 0)
    assert not unreadable, unreadable[:3]
    assert got.keys() == expected.keys(), (sorted(expected.keys() - got.keys())[:5], sorted(got.keys() - expected.keys())[:5])
    for key, want in expected.items():
        record = got[key]
        assert record["partner"] == partner
        assert (record["deleted"], record["source_updated_at"]) == (want["deleted"], want["source_updated_at"]), key
        assert record["payload"] == want["payload"], key


@pytest.mark.parametrize("partner", PARTNERS)
def test_night_one_read_from_night_zero_states_brings_exactly_the_changes(partner, partner_sandbox):
    first, states, _ = read_partner(partner_sandbox("night0"), partner)
    second, _, unreadable = read_partner(partner_sandbox("night1"), partner, states)
    night1 = oracle(partner, 1)
    assert not unreadable
    if partner in ("merchants", "property_files"):  # full exports: the whole night-1 list, withdrawn rows absent
        assert second.keys() == night1.keys()
        assert all(second[k]["payload"] == r["payload"] for k, r in night1.items()), "night 1's files, not night 0's"
        return
    changed = {k for k, r in night1.items() if k not in first or first[k]["source_updated_at"] != r["source_updated_at"]}
    assert changed and second.keys() == changed
    for key in changed:
        assert second[key]["payload"] == night1[key]["payload"], key
    tombstones = {k for k in changed if night1[k]["deleted"]}
    assert {k for k, r in second.items() if r["deleted"]} == tombstones
    assert tombstones or partner == "charity_fund", "the bureau deletes some rows every night"  # the fund's first are on night 2


@pytest.mark.slow
def test_the_sandbox_partners_file_syncs_all_four_into_a_registry(partner_sandbox, tmp_path):
    from wushe.config import load_partners
    from wushe.registry.db import make_engine
    from wushe.registry.migrate import upgrade
    from wushe.sync.engine import run_sync

    sandbox = partner_sandbox("night0")
    partners = load_partners(sandbox.partners_file)
    for partner in partners:
        connector = partner.connector()
        result = connector.check(partner.config)
        assert result.ok, result.message
    engine = make_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    try:
        upgrade(engine)
        report = run_sync(engine, partners, notify=False)
    finally:
        engine.dispose()
    assert not report.failed, report.to_markdown()
    assert {s.partner for s in report.streams} == set(PARTNERS)


@pytest.mark.parametrize("partner, stream", [("charity_fund", "funds"), ("civil_affairs", "t_fwxq")])
def test_rows_sharing_a_cursor_value_across_a_batch_boundary_are_neither_lost_nor_doubled(partner, stream, partner_sandbox):
    from collections import Counter

    from tests.connectors.partner_sources import CivilSource, RestSource

    sandbox = partner_sandbox("night0")
    source = RestSource(sandbox, partner) if partner == "charity_fund" else CivilSource(f"sqlite:///{sandbox.civil_sqlite}")
    source.add_records(stream, 4, tied=True)
    connector = connectors()[partner](partner)
    config = connector.parse_config(partner_config(sandbox, partner, batch_size=1), partner=partner)
    target = next(s for s in connector.streams(config) if s.name == stream)
    batches = [b for b in connector.read(config, target, None) if b.records]
    times = Counter(b.records[0]["source_updated_at"] for b in batches)
    assert max(times.values()) == 4
    everything = [b.records[0]["source_id"] for b in batches]
    for i, batch in enumerate(batches[:-1]):
        if times[batch.records[0]["source_updated_at"]] < 2:
            continue  # only boundaries inside a group of equal times are of interest here
        rest = [r["source_id"] for b in connector.read(config, target, batch.state) for r in b.records]
        assert everything[: i + 1] + rest == everything
