"""Blocking: which records are worth comparing, and the persistent index that makes deltas cheap.

Each record gets a few keys (exact identifiers, the normalised name, its pinyin, the name's start
and end, name with district...). Two records are compared when they share a key whose block is
not too common to mean anything. Keys are 64-bit hashes (pandas' seeded SipHash, stable across
runs); the registry keeps them in ``match_key`` so a nightly delta looks up its candidates instead
of re-blocking the whole registry.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, func, select

from wushe.registry.bulk import insert_rows
from wushe.registry.models import MatchKey, SourceRecord

KEYS = MatchKey.__table__
HEAD = SourceRecord.__table__
HASH_KEY = "wushe-block-2026"  # 16 bytes: the SipHash seed; changing it invalidates every stored key
MAX_BLOCK = 60  # a key shared by more records than this says too little to compare them all
CHUNK = 500


def hash_keys(values: Sequence[str]) -> np.ndarray:
    """64-bit signed hashes of key strings (deterministic across runs and processes)."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    return pd.util.hash_array(np.asarray(values, dtype=object), hash_key=HASH_KEY, categorize=False).view(np.int64)


def _organization_keys(f: pd.DataFrame) -> tuple[list[int], list[str]]:
    rows: list[int] = []
    keys: list[str] = []
    add_row, add_key = rows.append, keys.append
    for i, (credit, phones, name_key, district, pinyin, core, etype, branch) in enumerate(
        zip(f.credit, f.phones, f.name_key, f.district, f.pinyin, f.core, f.etype, f.branch)
    ):
        if credit:
            add_row(i), add_key("o:cc:" + credit)
        for phone in phones:
            add_row(i), add_key("o:ph:" + phone)
        add_row(i), add_key("o:nk:" + name_key)
        if district:
            add_row(i), add_key(f"o:nd:{name_key}|{district}")
        add_row(i), add_key("o:py:" + pinyin)
        add_row(i), add_key(f"o:pre:{core[:2]}|{branch}")
        add_row(i), add_key(f"o:suf:{core[-2:]}|{etype}|{branch}")
    return rows, keys


def _volunteer_keys(f: pd.DataFrame) -> tuple[list[int], list[str]]:
    rows: list[int] = []
    keys: list[str] = []
    add_row, add_key = rows.append, keys.append
    for i, (id_hash, phone, name, pinyin, birth, district) in enumerate(
        zip(f.id_hash, f.phone, f.name, f.pinyin, f.birth, f.district)
    ):
        if id_hash:
            add_row(i), add_key("v:id:" + id_hash)
        if phone:
            add_row(i), add_key("v:ph:" + phone)
        add_row(i), add_key("v:nm:" + name)
        if birth:
            add_row(i), add_key(f"v:nb:{name}|{birth}")
            add_row(i), add_key(f"v:pb:{pinyin}|{birth}")
            if district:
                add_row(i), add_key(f"v:bd:{birth}|{district}")
        if district:
            add_row(i), add_key(f"v:nd:{name}|{district}")
    return rows, keys


def _identity_keys(kind: str, f: pd.DataFrame) -> tuple[list[int], list[str]]:
    present = [(i, f"{kind[0]}:id:{v}") for i, v in enumerate(f.identity) if v]
    return [i for i, _ in present], [k for _, k in present]


def blocking_keys(kind: str, feats: pd.DataFrame) -> pd.DataFrame:
    """One row per (record position, key hash); duplicates removed."""
    if kind == "organization":
        rows, keys = _organization_keys(feats)
    elif kind == "volunteer":
        rows, keys = _volunteer_keys(feats)
    else:
        rows, keys = _identity_keys(kind, feats)
    out = pd.DataFrame({"row": np.asarray(rows, dtype=np.int64), "key": hash_keys(keys)})
    return out.drop_duplicates(ignore_index=True)


def candidate_pairs(keys: pd.DataFrame, max_block: int = MAX_BLOCK) -> np.ndarray:
    """Unique (i, j), i < j, of record positions sharing a key whose block is small enough."""
    if keys.empty:
        return np.empty((0, 2), dtype=np.int64)
    size = keys.groupby("key")["row"].transform("size").to_numpy()
    kept = keys[(size >= 2) & (size <= max_block)]
    if kept.empty:
        return np.empty((0, 2), dtype=np.int64)
    joined = kept.merge(kept, on="key", suffixes=("_a", "_b"))
    a, b = joined["row_a"].to_numpy(), joined["row_b"].to_numpy()
    keep = a < b
    n = int(keys["row"].max()) + 1
    codes = np.unique(a[keep] * n + b[keep])
    return np.stack([codes // n, codes % n], axis=1)


# --- the persistent index -------------------------------------------------------------------------


def replace_keys(conn: Connection, rids: np.ndarray, keys: pd.DataFrame, *, clear: Sequence[int] | None = None,
                 kind: str | None = None) -> None:
    """Store the keys of records (``keys.row`` indexes ``rids``) after forgetting the old keys of
    ``clear`` (or of every record of ``kind``)."""
    if kind is not None:
        kind_ids = select(HEAD.c.id).where(HEAD.c.kind == kind)
        conn.execute(delete(KEYS).where(KEYS.c.source_record_id.in_(kind_ids)))
    elif clear is not None:
        drop_keys(conn, clear)
    if keys.empty:
        return
    source_ids = rids[keys["row"].to_numpy()]
    insert_rows(conn, KEYS, ("key", "source_record_id"), zip(keys["key"].tolist(), source_ids.tolist()))


def drop_keys(conn: Connection, rids: Sequence[int]) -> None:
    """Forget the keys of withdrawn records."""
    unique = sorted(set(int(r) for r in rids))
    for start in range(0, len(unique), CHUNK):
        conn.execute(delete(KEYS).where(KEYS.c.source_record_id.in_(unique[start : start + CHUNK])))


def records_sharing(conn: Connection, keys: np.ndarray, max_block: int = MAX_BLOCK) -> np.ndarray:
    """Row ids of stored records that share a key with ``keys`` in a block no larger than ``max_block``."""
    unique = np.unique(keys).tolist()
    found_keys: list[int] = []
    found_ids: list[int] = []
    for start in range(0, len(unique), CHUNK):
        query = select(KEYS.c.key, KEYS.c.source_record_id).where(KEYS.c.key.in_(unique[start : start + CHUNK]))
        for key, rid in conn.execute(query).tuples():
            found_keys.append(key)
            found_ids.append(rid)
    if not found_ids:
        return np.empty(0, dtype=np.int64)
    frame = pd.DataFrame({"key": found_keys, "rid": found_ids})
    size = frame.groupby("key")["rid"].transform("size").to_numpy()
    return np.unique(frame["rid"].to_numpy()[size <= max_block])


def name_key_text(kind: str, value: str) -> str:
    """The key text under which a record's whole name is indexed (for name frequencies and references)."""
    return ("o:nk:" if kind == "organization" else "v:nm:") + value


def key_counts(conn: Connection, key_texts: Sequence[str]) -> dict[str, int]:
    """How many stored records carry each key text."""
    hashes = hash_keys(list(key_texts))
    by_hash = {int(h): t for h, t in zip(hashes, key_texts)}
    unique = list(by_hash)
    out: dict[str, int] = {}
    for start in range(0, len(unique), CHUNK):
        query = (select(KEYS.c.key, func.count()).where(KEYS.c.key.in_(unique[start : start + CHUNK]))
                 .group_by(KEYS.c.key))
        for key, count in conn.execute(query).tuples():
            out[by_hash[key]] = count
    return out


def lookup(conn: Connection, key_texts: Sequence[str]) -> dict[str, list[int]]:
    """Row ids of stored records carrying each key text (used to resolve references)."""
    hashes = hash_keys(list(key_texts))
    by_hash = {int(h): t for h, t in zip(hashes, key_texts)}
    out: dict[str, list[int]] = {}
    unique = list(by_hash)
    for start in range(0, len(unique), CHUNK):
        query = select(KEYS.c.key, KEYS.c.source_record_id).where(KEYS.c.key.in_(unique[start : start + CHUNK]))
        for key, rid in conn.execute(query).tuples():
            out.setdefault(by_hash[key], []).append(rid)
    return out
