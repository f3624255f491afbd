"""Merge quality on sandbox truth at 100,000 source records (slow)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from wushe import sandbox
from wushe.registry.db import make_engine
from wushe.registry.migrate import upgrade
from wushe.registry.models import CrossReference, GoldenLink, SourceRecord
from wushe.registry.sources import write_source_records
from wushe.resolution.features import organization_features
from wushe.resolution.quality import pairwise_quality
from wushe.resolution.records import load_records
from wushe.resolution.resolver import resolve_all

ENTITIES = 91_000  # about 100,000 source records over the four partners


@pytest.fixture(scope="module")
def resolved(tmp_path_factory):
    """The sandbox's night 0 (valid rows), resolved once for every test of this module."""
    path = tmp_path_factory.mktemp("quality") / "registry.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    truth: dict[tuple[str, str, str], str] = {}
    with engine.begin() as conn:
        for partner in sandbox.PARTNERS:
            batch = []
            for record, row in sandbox.labelled(7, ENTITIES, partner):
                if row.rule_id or row.deleted:
                    continue
                truth[(record["partner"], record["kind"], record["source_id"])] = row.entity_id
                batch.append(record)
            write_source_records(conn, batch)
    with engine.begin() as conn:
        first = resolve_all(conn)
    yield engine, truth, first
    engine.dispose()


def _golden(engine, kind: str) -> dict[tuple[str, str, str], str]:
    query = select(SourceRecord.partner, SourceRecord.kind, SourceRecord.source_id, CrossReference.golden_id).join(
        CrossReference, CrossReference.source_record_id == SourceRecord.id).where(SourceRecord.kind == kind)
    with engine.connect() as conn:
        return {(p, k, s): g for p, k, s, g in conn.execute(query)}


def _quality(resolved, kind: str):
    engine, truth, _first = resolved
    golden = _golden(engine, kind)
    assert len(golden) > 5000
    return pairwise_quality(list(golden.values()), [truth[key] for key in golden])


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["organization", "volunteer"])
def test_pairwise_precision(resolved, kind: str) -> None:
    quality = _quality(resolved, kind)
    assert quality.precision >= 0.98, quality


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["organization", "volunteer"])
def test_pairwise_recall(resolved, kind: str) -> None:
    quality = _quality(resolved, kind)
    assert quality.recall >= 0.98, quality


@pytest.mark.slow
def test_no_links_across_credit_codes_or_between_head_office_and_branch(resolved) -> None:
    engine, _truth, _first = resolved
    golden = _golden(engine, "organization")
    with engine.connect() as conn:
        src = load_records(conn, "organization")
    features = organization_features(src)
    members: dict[str, list[int]] = {}
    for i, key in enumerate(zip(src.frame["partner"], ["organization"] * len(src), src.frame["source_id"])):
        members.setdefault(golden[key], []).append(i)
    credit, branch = features["credit"].tolist(), features["branch_sound"].tolist()
    for rows in members.values():
        assert len({credit[i] for i in rows} - {""}) <= 1
        branches = {branch[i] for i in rows} - {""}
        assert len(branches) <= 1 or all(a.endswith(b) or b.endswith(a) for a in branches for b in branches)


@pytest.mark.slow
def test_a_rerun_gives_identical_ids(resolved) -> None:
    engine, _truth, _first = resolved
    before = {kind: _golden(engine, kind) for kind in ("organization", "volunteer")}
    with engine.begin() as conn:
        report = resolve_all(conn)
    assert all(k.written == 0 and k.retired == 0 for k in report.kinds.values())
    assert {kind: _golden(engine, kind) for kind in before} == before
    with engine.connect() as conn:
        assert conn.execute(select(GoldenLink.target_id).where(GoldenLink.role == "provider").limit(1)).first()
