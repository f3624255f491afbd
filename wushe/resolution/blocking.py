"""Blocking: which records are worth comparing, and the persistent index that makes deltas cheap.

Each record gets a few keys (exact identifiers, the normalised name, its pinyin, the name's start
and end, name with district...). Two records are compared when they share a key whose block is
not too common to mean anything. Keys are 64-bit hashes (pandas' seeded SipHash, stable across
runs); the registry keeps them in ``match_key`` so a nightly delta looks up its candidates instead
of re-blocking the whole registry.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Connection, delete, func, select

from wushe.registry.bulk import insert_rows
from wushe.registry.models import MatchBlock, MatchBlockDelta
from wushe.registry.sets import one_of

BLOCKS = MatchBlock.__table__
DELTAS = MatchBlockDelta.__table__
HASH_KEY = "wushe-block-2026"  # 16 bytes: the SipHash seed; changing it invalidates every stored key
MAX_BLOCK = 60  # a key shared by more records than this says too little to compare them all


def hash_keys(values: Sequence[str]) -> np.ndarray:
    """64-bit signed hashes of key strings (deterministic across runs and processes)."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    return pd.util.hash_array(np.asarray(values, dtype=object), hash_key=HASH_KEY, categorize=False).view(np.int64)


def _organization_keys(f: pd.DataFrame) -> tuple[list[int], list[str]]:
    rows: list[int] = []
    keys: list[str] = []
    add_row, add_key = rows.append, keys.append
    names = ("credit", "phones", "district", "subdistrict", "pinyin", "core", "etype", "branch", "address")
    columns = (f[c].tolist() for c in names)
    for i, (credit, phones, district, street, pinyin, core, etype, branch, address) in enumerate(zip(*columns)):
        if credit:
            add_row(i), add_key("o:cc:" + credit)
        for phone in phones:
            add_row(i), add_key("o:ph:" + phone)
        add_row(i), add_key("o:py:" + pinyin)
        if district:
            add_row(i), add_key(f"o:pd:{pinyin}|{district}")
            # the name without its branch or site: a shop listed once bare and once with its neighbourhood
            add_row(i), add_key(f"o:sd:{pinyin.partition('|')[0]}|{district}")
        if street:
            # the name's end in its sub-district: a neighbourhood or place word written before the name
            add_row(i), add_key(f"o:ts:{core[-3:]}|{etype}|{street}")
        add_row(i), add_key(f"o:pre:{core[:2]}|{branch}")
        if address:
            # one address and the same start of a name, however the rest is written (a shop's sign and
            # its company's branch name, a typo in a branch word)
            add_row(i), add_key(f"o:ad:{core[:2]}|{address}")
        add_row(i), add_key(f"o:suf:{core[-2:]}|{etype}|{branch}")
    return rows, keys


def _volunteer_keys(f: pd.DataFrame) -> tuple[list[int], list[str]]:
    rows: list[int] = []
    keys: list[str] = []
    add_row, add_key = rows.append, keys.append
    columns = (f[c].tolist() for c in ("id_hash", "phone", "name", "pinyin", "birth", "district"))
    for i, (id_hash, phone, name, pinyin, birth, district) in enumerate(zip(*columns)):
        if id_hash:
            add_row(i), add_key("v:id:" + id_hash)
        if phone:
            add_row(i), add_key("v:ph:" + phone)
        add_row(i), add_key("v:nm:" + name)
        if birth:
            add_row(i), add_key(f"v:pb:{pinyin}|{birth}")
            if district:
                add_row(i), add_key(f"v:bd:{birth}|{district}")
        if district:
            add_row(i), add_key(f"v:nd:{name}|{district}")
    return rows, keys


def _identity_keys(kind: str, f: pd.DataFrame) -> tuple[list[int], list[str]]:
    present = [(i, f"{kind[0]}:id:{v}") for i, v in enumerate(f["identity"].tolist()) if v]
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


def candidate_pairs(keys: pd.DataFrame, max_block: int = MAX_BLOCK, touching: np.ndarray | None = None
                    ) -> np.ndarray:
    """Unique (i, j), i < j, of record positions sharing a key whose block is small enough; when
    ``touching`` (a flag per position) is given, only the pairs with a flagged side."""
    if keys.empty:
        return np.empty((0, 2), dtype=np.int64)
    size = keys.groupby("key")["row"].transform("size").to_numpy()
    kept = keys[(size >= 2) & (size <= max_block)]
    if kept.empty:
        return np.empty((0, 2), dtype=np.int64)
    left = kept if touching is None else kept[touching[kept["row"].to_numpy()]]
    joined = left.merge(kept, on="key", suffixes=("_a", "_b"))
    a, b = joined["row_a"].to_numpy(), joined["row_b"].to_numpy()
    a, b = np.minimum(a, b), np.maximum(a, b)
    keep = a < b
    n = int(keys["row"].max()) + 1
    codes = np.unique(a[keep] * n + b[keep])
    return np.stack([codes // n, codes % n], axis=1)


# --- the persistent index -------------------------------------------------------------------------

PART_BITS = 10  # 1024 partitions per kind
# deltas a kind's index may hold before a pass rewrites it whole (a week of nights): each is applied
# at every load of the index, and a pass's delta is a few percent of it
MAX_DELTAS = 7


def _part_of(keys: np.ndarray) -> np.ndarray:
    return (keys.view(np.uint64) >> np.uint64(64 - PART_BITS)).astype(np.int64)


def _rank(part: Any) -> Any:
    """A partition's place in signed key order: partitions are a key's top bits, so those of
    negative keys (the upper half) come first."""
    return (part + (1 << (PART_BITS - 1))) % (1 << PART_BITS)


def _bounds(keys: np.ndarray, parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the keys of each of ``parts`` start and end in ``keys`` (ascending, signed). A partition
    is a range of key values, so two binary searches find it, where labelling every key with its
    partition took 13 ms for the volunteers' index (1.6 million keys), at each write."""
    shift = np.uint64(64 - PART_BITS)
    first = np.asarray(parts, dtype=np.uint64) << shift
    last = ((np.asarray(parts, dtype=np.uint64) + np.uint64(1)) << shift) - np.uint64(1)  # the last wraps to -1
    return np.searchsorted(keys, first.view(np.int64), "left"), np.searchsorted(keys, last.view(np.int64), "right")


def _ordered(keys: np.ndarray, rids: np.ndarray) -> bool:
    """Whether (keys, rids) are in ascending (key, rid) order."""
    if len(keys) < 2:
        return True
    up = keys[1:] > keys[:-1]
    return bool(np.all(up | ((keys[1:] == keys[:-1]) & (rids[1:] >= rids[:-1]))))


def _merge(keys: np.ndarray, rids: np.ndarray, new_keys: np.ndarray, new_rids: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Insert a few (key, rid) into long sorted arrays, keeping (key, rid) order, without re-sorting
    the long arrays (a delta's cost follows the delta)."""
    order = np.lexsort((new_rids, new_keys))
    new_keys, new_rids = new_keys[order], new_rids[order]
    lo, hi = np.searchsorted(keys, new_keys, "left"), np.searchsorted(keys, new_keys, "right")
    at = lo.copy()
    for n in np.flatnonzero(hi > lo).tolist():  # equal keys: place by rid within the block
        at[n] = lo[n] + int(np.searchsorted(rids[lo[n] : hi[n]], new_rids[n]))
    return np.insert(keys, at, new_keys), np.insert(rids, at, new_rids)


def _among(rids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Which of ``rids`` (record ids, never negative) are in ``wanted``: :func:`np.isin` by a table of
    flags, so that a delta looks a million index entries up instead of sorting them."""
    if len(rids) == 0 or len(wanted) == 0:
        return np.zeros(len(rids), dtype=bool)
    table = np.zeros(int(max(rids.max(), wanted.max())) + 1, dtype=bool)
    table[wanted] = True
    return table[rids]


class BlockIndex:
    """The stored posting lists of one kind: ``keys`` ascending, ``rids`` the record of each key.

    An index loaded from the registry remembers what :meth:`replace` changed since, and
    :meth:`save` stores only that (a :class:`~wushe.registry.models.MatchBlockDelta`), unless the
    index is new (a whole pass) or the kind holds ``MAX_DELTAS`` deltas already: then it rewrites
    every partition, the deltas folded in."""

    def __init__(self, kind: str, keys: np.ndarray, rids: np.ndarray) -> None:
        self.kind = kind
        self.relabel = False  # the stored partitions do not hold their own keys: rewrite them all on save
        self.stored: int | None = None  # how many deltas the registry held when it was loaded (None: not loaded)
        self.changes: _Change | None = None  # what replace() changed since it was loaded
        if _ordered(keys, rids):  # what was stored is in order already: a linear check, not a sort
            self.keys, self.rids = keys, rids
        else:
            order = np.lexsort((rids, keys))
            self.keys, self.rids = keys[order], rids[order]

    @classmethod
    def load(cls, conn: Connection, kind: str, keys: np.ndarray | None = None) -> "BlockIndex":
        """The stored index of ``kind``; only the partitions holding ``keys`` when given (a look-up
        of a few keys then reads a few partitions, not the whole index)."""
        query = select(BLOCKS.c.part, BLOCKS.c["keys"], BLOCKS.c.rids).where(BLOCKS.c.kind == kind)
        parts = None if keys is None else np.unique(_part_of(keys))
        if parts is not None:
            query = query.where(one_of(conn, BLOCKS.c.part, parts.tolist()))
        rows: list[tuple[int, bytes, bytes]] = list(conn.execute(query))
        rows.sort(key=lambda row: _rank(row[0]))
        found = [np.frombuffer(k, dtype="<i8") for _, k, _ in rows]
        rids = [np.frombuffer(r, dtype="<i8") for _, _, r in rows]
        # a partition's keys are stored in order: its first and last tell whether all are its own
        mislabelled = any(len(k) and not (_part_of(k[[0, -1]]) == part).all() for (part, _k, _r), k in zip(rows, found))
        if mislabelled and keys is not None:  # an index stored before partitions were labelled right
            return cls.load(conn, kind)
        empty = np.empty(0, dtype=np.int64)
        index = cls(kind, np.concatenate(found) if found else empty, np.concatenate(rids) if rids else empty)
        index.relabel = mislabelled
        deltas = [_Change(*(np.frombuffer(v, dtype="<i8").astype(np.int64) for v in row)) for row in conn.execute(
            select(DELTAS.c.dropped, DELTAS.c["keys"], DELTAS.c.rids).where(DELTAS.c.kind == kind).order_by(DELTAS.c.seq))]
        if deltas:
            stored = _folded(deltas)
            if parts is not None:  # only the added keys of the partitions read
                mine = np.isin(_part_of(stored.keys), parts)
                stored = _Change(stored.dropped, stored.keys[mine], stored.rids[mine])
            index._apply(stored)
        index.stored = len(deltas)
        return index

    def _spans(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.searchsorted(self.keys, keys, "left"), np.searchsorted(self.keys, keys, "right")

    def counts(self, keys: np.ndarray) -> np.ndarray:
        """How many records carry each key."""
        lo, hi = self._spans(keys)
        return hi - lo

    def sharing(self, keys: np.ndarray, max_block: int = MAX_BLOCK) -> np.ndarray:
        """Records that share one of ``keys`` in a block no larger than ``max_block``."""
        lo, hi = self._spans(np.unique(keys))
        keep = (hi - lo) <= max_block
        if not keep.any():
            return np.empty(0, dtype=np.int64)
        spans = [self.rids[a:b] for a, b in zip(lo[keep].tolist(), hi[keep].tolist()) if b > a]
        return np.unique(np.concatenate(spans)) if spans else np.empty(0, dtype=np.int64)

    def lookup(self, keys: np.ndarray) -> list[np.ndarray]:
        """The records carrying each key, key by key."""
        lo, hi = self._spans(keys)
        return [self.rids[a:b] for a, b in zip(lo.tolist(), hi.tolist())]

    def keys_of(self, rids: np.ndarray) -> pd.DataFrame:
        """The stored keys of these records, as :func:`blocking_keys` gives them: (position in
        ``rids``, key) rows, none for a record the index does not hold."""
        row = pd.Index(rids).get_indexer(self.rids)
        mine = row >= 0
        return pd.DataFrame({"row": row[mine].astype(np.int64), "key": self.keys[mine]})

    def replace(self, drop: np.ndarray, keys: np.ndarray, rids: np.ndarray) -> None:
        """Forget every key of the records ``drop``, add (keys, rids)."""
        change = _Change(np.unique(np.asarray(drop, dtype=np.int64)), np.asarray(keys, dtype=np.int64),
                         np.asarray(rids, dtype=np.int64))
        self._apply(change)
        self.changes = change if self.changes is None else _folded([self.changes, change])

    def _apply(self, change: "_Change") -> None:
        gone = _among(self.rids, change.dropped)
        self.keys, self.rids = _merge(self.keys[~gone], self.rids[~gone], change.keys, change.rids)

    def to_store(self) -> "BlockIndex":
        """What :meth:`save` needs of this index: where it stores the change alone, an index of the
        change alone (a plan made in another process is sent back whole: the volunteers' index is 26 MB)."""
        if self._whole_due():
            return self
        lean = BlockIndex(self.kind, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
        lean.stored, lean.changes = self.stored, self.changes
        return lean

    def _whole_due(self) -> bool:
        return self.relabel or self.stored is None or self.stored >= MAX_DELTAS

    def save(self, conn: Connection) -> None:
        """Store the index within the caller's transaction: what changed since it was loaded, or
        the whole of it (see the class)."""
        if self._whole_due():
            self._rewrite(conn)
            self.stored, self.relabel = 0, False
        elif self.changes is not None:
            seq = conn.execute(select(func.max(DELTAS.c.seq)).where(DELTAS.c.kind == self.kind)).scalar() or 0
            insert_rows(conn, DELTAS, ("kind", "seq", "dropped", "keys", "rids"),
                        [(self.kind, seq + 1, *(v.astype("<i8").tobytes() for v in self.changes))])
            self.stored += 1
        self.changes = None

    def _rewrite(self, conn: Connection) -> None:
        """Every partition written anew, the kind's deltas gone (folded in)."""
        conn.execute(delete(BLOCKS).where(BLOCKS.c.kind == self.kind))
        conn.execute(delete(DELTAS).where(DELTAS.c.kind == self.kind))
        parts = np.arange(1 << PART_BITS)
        bounds = _bounds(self.keys, parts)
        insert_rows(conn, BLOCKS, ("kind", "part", "keys", "rids"), [
            (self.kind, int(part), self.keys[a:b].astype("<i8").tobytes(), self.rids[a:b].astype("<i8").tobytes())
            for part, a, b in zip(parts.tolist(), bounds[0].tolist(), bounds[1].tolist()) if b > a
        ])


class _Change(NamedTuple):
    """A change to an index: every key of the records ``dropped`` goes, (``keys``, ``rids``) come."""

    dropped: np.ndarray
    keys: np.ndarray
    rids: np.ndarray


def _folded(changes: list[_Change]) -> _Change:
    """Changes made one after the other, as one: a later change's dropped records lose what an
    earlier one added for them."""
    dropped, keys, rids = changes[0]
    for later in changes[1:]:
        kept = ~np.isin(rids, later.dropped)
        dropped = np.union1d(dropped, later.dropped)
        keys, rids = np.concatenate([keys[kept], later.keys]), np.concatenate([rids[kept], later.rids])
    return _Change(dropped, keys, rids)


def name_key_text(kind: str, value: str) -> str:
    """The key text under which a record's whole name is indexed (for name frequencies and references)."""
    return ("o:py:" if kind == "organization" else "v:nm:") + value
