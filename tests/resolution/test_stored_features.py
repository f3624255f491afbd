"""Match features kept per source record: a delta reads its candidates' features back instead of
parsing their payloads, unless another version of the code stored them."""

from __future__ import annotations

import orjson
import pandas as pd
from sqlalchemy import select, update

from tests.resolution import cases, world
from tests.resolution.helpers import delta, full, golden_of, write
from wushe.contract import make_record
from wushe.resolution import stored_features
from wushe.resolution.features import features
from wushe.resolution.records import load_records, record_ids

TABLE = stored_features.TABLE


def _rid(registry, partner: str, source_id: str) -> int:
    with registry.connect() as conn:
        return record_ids(conn, [(partner, "organization", source_id)])[(partner, "organization", source_id)]


def test_features_read_back_as_computed(registry) -> None:
    write(registry, [r for r, _t in world.rows(8, 60, 60)])
    with registry.connect() as conn:
        for kind in ("organization", "volunteer"):
            computed = features(load_records(conn, kind))
            pd.testing.assert_frame_equal(stored_features.decode(kind, stored_features.encode(computed)), computed)


def _two_shops(registry) -> tuple[int, int]:
    write(registry, [r for r, _t in world.rows(9, 150, 0)])
    a = make_record("fund", "organization", "s1", cases.AT, {"name": "晨光琴行", "phones": ["13800000001"]},
                    fetched_at=cases.AT)
    b = make_record("civil", "organization", "s2", cases.AT, {"name": "雅韵琴行", "phones": ["13900000002"]},
                    fetched_at=cases.AT)
    write(registry, [a, b])
    full(registry)
    return _rid(registry, "fund", "s1"), _rid(registry, "civil", "s2")


def _pretend(registry, rid: int, like: int, fingerprint: str | None = None) -> None:
    """Store the features of record ``like`` as those of record ``rid``."""
    with registry.begin() as conn:
        data = conn.execute(select(TABLE.c.data).where(TABLE.c.source_record_id == like)).scalar_one()
        theirs = orjson.loads(data)
        columns = stored_features._columns("organization")
        theirs[columns.index("partner")] = "civil"
        conn.execute(update(TABLE).where(TABLE.c.source_record_id == rid).values(
            data=orjson.dumps(theirs), fingerprint=fingerprint or stored_features.fingerprint()))


def _touch_first(registry) -> None:
    changed = make_record("fund", "organization", "s1", cases.AT, {"name": "晨光琴行", "phones": ["13800000001"],
                                                                   "description": "周末营业"}, fetched_at=cases.AT)
    delta(registry, write(registry, [changed]))


def test_a_pass_stores_features_and_a_delta_compares_candidates_by_them(registry) -> None:
    a, b = _two_shops(registry)
    with registry.connect() as conn:
        stored = dict(conn.execute(select(TABLE.c.source_record_id, TABLE.c.fingerprint)).all())
    assert stored[a] == stored[b] == stored_features.fingerprint()
    assert golden_of(registry)["fund/organization/s1"] != golden_of(registry)["civil/organization/s2"]
    _pretend(registry, b, like=a)  # the stored features say b is a's twin: the delta believes them
    _touch_first(registry)
    assert golden_of(registry)["fund/organization/s1"] == golden_of(registry)["civil/organization/s2"]


def test_features_another_version_stored_are_computed_again(registry) -> None:
    a, b = _two_shops(registry)
    _pretend(registry, b, like=a, fingerprint="0123456789abcdef")
    _touch_first(registry)
    assert golden_of(registry)["fund/organization/s1"] != golden_of(registry)["civil/organization/s2"]


def test_a_withdrawn_record_loses_its_stored_features(registry) -> None:
    a, b = _two_shops(registry)
    gone = make_record("civil", "organization", "s2", cases.AT, {"name": "雅韵琴行"}, fetched_at=cases.AT)
    delta(registry, write(registry, [dict(gone, deleted=True)]))
    with registry.connect() as conn:
        stored = set(conn.execute(select(TABLE.c.source_record_id)).scalars())
    assert a in stored and b not in stored
