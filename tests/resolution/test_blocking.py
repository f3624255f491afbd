"""The persistent blocking index: stored partitions hold their own keys, a delta merges in order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from wushe.resolution.blocking import BLOCKS, PART_BITS, BlockIndex, _bounds, _part_of, candidate_pairs


def _index(seed: int, n: int) -> BlockIndex:
    rng = np.random.default_rng(seed)
    keys = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, n // 3, dtype=np.int64)
    return BlockIndex("organization", rng.choice(keys, n), rng.integers(0, 10_000, n))


def test_a_delta_merge_equals_a_sort_of_everything() -> None:
    index = _index(1, 3000)
    rng = np.random.default_rng(2)
    drop = np.unique(index.rids[:40])
    new_keys, new_rids = rng.choice(index.keys, 50), rng.integers(20_000, 21_000, 50)
    kept = ~np.isin(index.rids, drop)
    expected = BlockIndex("organization", np.concatenate([index.keys[kept], new_keys]),
                          np.concatenate([index.rids[kept], new_rids]))
    index.replace(drop, new_keys, new_rids)
    assert (index.keys == expected.keys).all() and (index.rids == expected.rids).all()


def test_stored_partitions_hold_their_own_keys_and_load_back(registry) -> None:
    index = _index(3, 5000)
    with registry.begin() as conn:
        index.save(conn)
    with registry.begin() as conn:
        for part, keys in conn.execute(select(BLOCKS.c.part, BLOCKS.c["keys"])):
            assert (_part_of(np.frombuffer(keys, dtype="<i8")) == part).all()
        loaded = BlockIndex.load(conn, "organization")
        assert (loaded.keys == index.keys).all() and (loaded.rids == index.rids).all()
        some = index.keys[::97]
        partial = BlockIndex.load(conn, "organization", some)
        assert all((a == b).all() for a, b in zip(partial.lookup(some), index.lookup(some)))
        loaded.replace(loaded.rids[:10], index.keys[:5], np.arange(50_000, 50_005))
        loaded.save(conn)
    with registry.connect() as conn:
        again = BlockIndex.load(conn, "organization")
    assert (again.keys == loaded.keys).all() and (again.rids == loaded.rids).all()


def test_pairs_touching_some_records_are_those_of_all_pairs_with_a_side_among_them() -> None:
    rng = np.random.default_rng(4)
    keys = pd.DataFrame({"row": rng.integers(0, 300, 2000), "key": rng.integers(0, 150, 2000)}).drop_duplicates()
    touching = np.zeros(300, dtype=bool)
    touching[rng.choice(300, 20, replace=False)] = True
    every = candidate_pairs(keys)
    some = candidate_pairs(keys, touching=touching)
    assert 0 < len(some) < len(every)
    assert (some == every[touching[every[:, 0]] | touching[every[:, 1]]]).all()


EDGES = [np.iinfo(np.int64).min, -1, 0, 1, np.iinfo(np.int64).max, 1 << 54, (1 << 54) - 1, -(1 << 54)]


@given(st.lists(st.one_of(st.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max), st.sampled_from(EDGES)),
                max_size=200))
def test_each_partition_is_found_as_its_range_of_sorted_keys(values: list[int]) -> None:
    keys = np.sort(np.array(values, dtype=np.int64))
    parts = np.arange(1 << PART_BITS)
    start, end = _bounds(keys, parts)
    for part, a, b in zip(parts.tolist(), start.tolist(), end.tolist()):
        assert (_part_of(keys[a:b]) == part).all()
    assert int((end - start).sum()) == len(keys)  # every key in one partition


def test_a_pass_stores_its_change_and_the_index_loads_back_as_changed_until_rewritten_whole(registry) -> None:
    """A delta pass stores what it changed, not the index; loads (whole or of a few partitions) see
    every change, in order; after MAX_DELTAS of them the next save folds them into the partitions."""
    from wushe.resolution.blocking import DELTAS, MAX_DELTAS

    rng = np.random.default_rng(5)
    expected = _index(6, 4000)
    with registry.begin() as conn:
        expected.save(conn)  # never loaded: written whole
    for night in range(MAX_DELTAS + 2):
        drop = rng.choice(expected.rids, 30)
        keys, rids = rng.choice(expected.keys, 60), np.concatenate([drop, drop])  # some records' new keys
        expected.replace(drop, keys, rids)
        with registry.begin() as conn:
            index = BlockIndex.load(conn, "organization")
            index.replace(drop, keys, rids)
            index.save(conn)
        with registry.connect() as conn:
            deltas = conn.execute(select(func.count()).select_from(DELTAS)).scalar()
            loaded = BlockIndex.load(conn, "organization")
            some = expected.keys[::41]
            partial = BlockIndex.load(conn, "organization", some)
        assert deltas == (night + 1) % (MAX_DELTAS + 1)  # rewritten whole when the kind held MAX_DELTAS
        assert (loaded.keys == expected.keys).all() and (loaded.rids == expected.rids).all()
        assert all((a == b).all() for a, b in zip(partial.lookup(some), expected.lookup(some)))
