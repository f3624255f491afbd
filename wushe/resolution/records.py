"""Reading source records for resolution: one set-based query, payloads decoded in one pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import Connection, Text, cast, func, select

from wushe.registry.models import SourceRecord

HEAD = SourceRecord.__table__
CHUNK = 500


@dataclass
class SourceFrame:
    """Source records of one kind: a frame of envelope columns and the decoded payloads, row-aligned."""

    kind: str
    frame: pd.DataFrame  # rid, partner, source_id, updated, fetched, live, completeness
    payloads: list[dict[str, Any]]  # without empty values: a field is known when its key is present

    def __len__(self) -> int:
        return len(self.frame)

    def subset(self, mask: np.ndarray) -> "SourceFrame":
        index = np.flatnonzero(mask)
        return SourceFrame(self.kind, self.frame.iloc[index].reset_index(drop=True), [self.payloads[i] for i in index])


def _columns():
    return (HEAD.c.id, HEAD.c.partner, HEAD.c.source_id, cast(HEAD.c.payload, Text), HEAD.c.source_updated_at,
            HEAD.c.fetched_at, HEAD.c.withdrawn_at)


def load_records(conn: Connection, kind: str, ids: Sequence[int] | None = None, *, live_only: bool = True) -> SourceFrame:
    """Records of ``kind`` (all, or those with these row ids), ordered by partner and source id:
    every later step sees the same order whatever order the records arrived in."""
    query = select(*_columns()).where(HEAD.c.kind == kind)
    if live_only:
        query = query.where(HEAD.c.withdrawn_at.is_(None))
    rows: list[tuple[Any, ...]] = []
    if ids is None:
        for chunk in conn.execute(query).partitions(CHUNK * 20):
            rows.extend(_decoded(chunk))
    else:
        unique = sorted(set(int(i) for i in ids))
        for start in range(0, len(unique), CHUNK):
            rows.extend(_decoded(conn.execute(query.where(HEAD.c.id.in_(unique[start : start + CHUNK])))))
    rows.sort(key=lambda r: (r[1], r[2]))
    return _to_frame(kind, rows)


EMPTY = (None, "", [], {})


def known_values(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without its empty values (None, "", [], {}): what a record actually says."""
    return {k: v for k, v in payload.items() if v not in EMPTY}


def _decoded(rows: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Rows with their payload text replaced by its known values, as they are fetched: the text of
    a whole kind never sits in memory beside its decoded payloads."""
    loads = orjson.loads
    return [(*r[:3], known_values(loads(r[3]) if isinstance(r[3], (str, bytes)) else (r[3] or {})), *r[4:])
            for r in rows]


def _to_frame(kind: str, rows: list[tuple[Any, ...]]) -> SourceFrame:
    payloads = [r[3] for r in rows]
    frame = pd.DataFrame(
        {
            "rid": np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            "partner": [r[1] for r in rows],
            "source_id": [r[2] for r in rows],
            "updated": _timestamps([r[4] for r in rows]),
            "fetched": _timestamps([r[5] for r in rows]),
            "live": np.fromiter((r[6] is None for r in rows), dtype=bool, count=len(rows)),
            "completeness": np.fromiter(map(len, payloads), dtype=np.int16, count=len(rows)),
        }
    )
    return SourceFrame(kind, frame, payloads)


def _timestamps(values: list[Any]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="mixed")


def live_counts(conn: Connection) -> dict[str, int]:
    """How many live (not withdrawn) source records each kind has."""
    query = select(HEAD.c.kind, func.count()).where(HEAD.c.withdrawn_at.is_(None)).group_by(HEAD.c.kind)
    return dict(conn.execute(query).all())


def record_ids(conn: Connection, keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
    """Row ids of source records by (partner, kind, source_id).

    Looked up per partner and kind with ``source_id IN (...)``, which the unique index on
    (partner, kind, source_id) answers directly (a row-value IN would scan on SQLite).
    """
    groups: dict[tuple[str, str], set[str]] = {}
    for partner, kind, source_id in keys:
        groups.setdefault((partner, kind), set()).add(source_id)
    found: dict[tuple[str, str, str], int] = {}
    for (partner, kind), ids in sorted(groups.items()):
        wanted = sorted(ids)
        for start in range(0, len(wanted), CHUNK):
            query = select(HEAD.c.source_id, HEAD.c.id).where(
                HEAD.c.partner == partner, HEAD.c.kind == kind, HEAD.c.source_id.in_(wanted[start : start + CHUNK]))
            for source_id, rid in conn.execute(query):
                found[(partner, kind, source_id)] = rid
    return found


def source_keys(conn: Connection, rids: Iterable[int]) -> list[tuple[str, str]]:
    """(partner, source_id) of these source records."""
    wanted = sorted(set(int(r) for r in rids))
    out: list[tuple[str, str]] = []
    for start in range(0, len(wanted), CHUNK):
        query = select(HEAD.c.partner, HEAD.c.source_id).where(HEAD.c.id.in_(wanted[start : start + CHUNK]))
        out.extend(conn.execute(query))
    return out


def kinds_of(conn: Connection, rids: Iterable[int]) -> dict[str, list[int]]:
    """Source record ids grouped by kind."""
    wanted = sorted(set(int(r) for r in rids))
    out: dict[str, list[int]] = {}
    for start in range(0, len(wanted), CHUNK):
        query = select(HEAD.c.kind, HEAD.c.id).where(HEAD.c.id.in_(wanted[start : start + CHUNK]))
        for kind, rid in conn.execute(query):
            out.setdefault(kind, []).append(rid)
    return out
