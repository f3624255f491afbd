"""Reading source records for resolution: one set-based query, payloads decoded as they are fetched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import Connection, Select, Text, cast, func, select

from wushe.registry.models import GoldenRecord, PendingRecord, SourceRecord
from wushe.registry.sets import one_of

HEAD = SourceRecord.__table__
GOLDEN = GoldenRecord.__table__
QUEUE = PendingRecord.__table__
STREAMED = 10_000  # rows fetched at a time


@dataclass
class SourceFrame:
    """Source records of one kind: a frame of envelope columns and, row-aligned, each record's
    known values (empty ones left out) as canonical JSON: keys sorted, so the body of a golden
    record with a single source is its source's body as it is.

    Bodies are kept as bytes and decoded where needed: as objects, a resource's nested schedule,
    capacity and references take kilobytes, and a kind can have hundreds of thousands of records.
    """

    kind: str
    frame: pd.DataFrame  # rid, partner, source_id, updated, fetched, live, completeness, name, division
    bodies: list[bytes]

    def __len__(self) -> int:
        return len(self.frame)

    def payload(self, row: int) -> dict[str, Any]:
        return orjson.loads(self.bodies[row])

    @property
    def payloads(self) -> list[dict[str, Any]]:
        """Every record's known values, decoded (for a slice at a time: see :meth:`slices`)."""
        return [orjson.loads(body) for body in self.bodies]

    def iter_payloads(self) -> Iterator[dict[str, Any]]:
        return map(orjson.loads, self.bodies)

    def take(self, rows: Sequence[int]) -> "SourceFrame":
        """These rows, in this order."""
        return SourceFrame(self.kind, self.frame.iloc[list(rows)].reset_index(drop=True), [self.bodies[i] for i in rows])

    def slices(self, size: int) -> Iterator["SourceFrame"]:
        """The records in consecutive slices of ``size``."""
        for start in range(0, len(self), size):
            yield SourceFrame(self.kind, self.frame.iloc[start : start + size], self.bodies[start : start + size])


def _columns():
    return (HEAD.c.id, HEAD.c.partner, HEAD.c.source_id, cast(HEAD.c.payload, Text), HEAD.c.source_updated_at,
            HEAD.c.fetched_at, HEAD.c.withdrawn_at)


def load_records(conn: Connection, kind: str, ids: Sequence[int] | None = None, *, live_only: bool = True) -> SourceFrame:
    """Records of ``kind`` (all, or those with these row ids), ordered by partner and source id:
    every later step sees the same order whatever order the records arrived in."""
    query = select(*_columns()).where(HEAD.c.kind == kind)
    if live_only:
        query = query.where(HEAD.c.withdrawn_at.is_(None))
    if ids is not None:
        query = query.where(one_of(conn, HEAD.c.id, sorted({int(i) for i in ids})))
    rows: list[tuple[Any, ...]] = []
    # streamed: PostgreSQL would otherwise hand the whole result over at once
    for chunk in conn.execute(query.execution_options(yield_per=STREAMED)).partitions():
        rows.extend(_decoded(kind, chunk))
    rows.sort(key=lambda r: (r[1], r[2]))
    return _to_frame(kind, rows)


def combined(kind: str, parts: Sequence[SourceFrame]) -> SourceFrame:
    """Frames of one kind's records (each record in one of them) as one, in the order
    :func:`load_records` gives: records already loaded need not be read and decoded again."""
    kept = [p for p in parts if len(p)]  # an empty frame's columns have no types to keep
    if len(kept) < 2:
        return kept[0] if kept else _to_frame(kind, [])
    frame = pd.concat([p.frame for p in kept], ignore_index=True)
    bodies = [body for p in kept for body in p.bodies]
    keys = list(zip(frame["partner"].tolist(), frame["source_id"].tolist()))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return SourceFrame(kind, frame.iloc[order].reset_index(drop=True), [bodies[i] for i in order])


EMPTY = (None, "", [], {})


def known_values(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without its empty values (None, "", [], {}): what a record actually says."""
    return {k: v for k, v in payload.items() if v not in EMPTY}


def display(kind: str, values: dict[str, Any]) -> tuple[str | None, str | None]:
    """The name and division code a record or golden record of ``kind`` is listed under."""
    name = values.get("title") if kind == "need" else values.get("name")
    if kind == "donation":
        donor = values.get("donor") or {}
        name = donor.get("name") or values.get("donor_name")
    location = values.get("location") or {}
    division = values.get("division_code") or location.get("division_code")
    return (str(name)[:512] if name else None), (str(division)[:12] if division else None)


def _decoded(kind: str, rows: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Rows as they are fetched, their payload text replaced by the canonical body of its known
    values, followed by the number of known values and the record's display name and division."""
    loads, dumps = orjson.loads, orjson.dumps
    out = []
    for rid, partner, source_id, text, *times in rows:
        payload = known_values(loads(text) if isinstance(text, (str, bytes)) else (text or {}))
        # copied to its own size: orjson's result keeps the kilobytes of its write buffer
        body = bytes(memoryview(dumps(payload, option=orjson.OPT_SORT_KEYS)))
        out.append((rid, partner, source_id, body, *times, len(payload), *display(kind, payload)))
    return out


def _to_frame(kind: str, rows: list[tuple[Any, ...]]) -> SourceFrame:
    frame = pd.DataFrame(
        {
            "rid": np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            "partner": [r[1] for r in rows],
            "source_id": [r[2] for r in rows],
            "updated": _timestamps([r[4] for r in rows]),
            "fetched": _timestamps([r[5] for r in rows]),
            "live": np.fromiter((r[6] is None for r in rows), dtype=bool, count=len(rows)),
            "completeness": np.fromiter((r[7] for r in rows), dtype=np.int16, count=len(rows)),
            # objects, not pandas' text type: that turns a missing name or division into NaN, which
            # PostgreSQL stored as the text 'nan' in a single-source golden record
            "name": pd.Series([r[8] for r in rows], dtype=object),
            "division": pd.Series([r[9] for r in rows], dtype=object),
        }
    )
    return SourceFrame(kind, frame, [r[3] for r in rows])


def _timestamps(values: list[Any]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="mixed")


def live_counts(conn: Connection) -> dict[str, int]:
    """How many live (not withdrawn) source records each kind has."""
    query = select(HEAD.c.kind, func.count()).where(HEAD.c.withdrawn_at.is_(None)).group_by(HEAD.c.kind)
    return dict(conn.execute(query).all())


def live_at_least(conn: Connection, kind: str, n: int) -> bool:
    """Whether ``kind`` has at least ``n`` live records: counted only that far, so a delta asking
    costs in proportion to the delta, not to the registry.

    On SQLite, the kind's active golden records answer first, from their index alone: each has a
    live record, but for the records withdrawn since resolution last ran (still pending), each of
    which may have been one's last. Only when they fall short are the live records counted, which
    reads each of their rows for its kind: the five kinds of a night-2 delta took 0.62-1.27 s that
    way, 0.20-0.62 s with the golden records first. PostgreSQL plans the golden records' count as a
    scan of the table itself, so there the live records are counted at once (0.44-0.59 s, against
    0.56-0.81 s with the golden records first)."""
    live = select(HEAD.c.id).where(HEAD.c.kind == kind, HEAD.c.withdrawn_at.is_(None))
    if conn.dialect.name != "sqlite":
        return _at_least(conn, live, n)
    gone = conn.execute(select(func.count()).select_from(QUEUE.join(HEAD, HEAD.c.id == QUEUE.c.source_record_id))
                        .where(QUEUE.c.kind == kind, HEAD.c.withdrawn_at.is_not(None))).scalar_one()
    goldens = select(GOLDEN.c.id).where(GOLDEN.c.kind == kind, GOLDEN.c.status == "active")
    return _at_least(conn, goldens, n + gone) or _at_least(conn, live, n)


def _at_least(conn: Connection, rows: Select[Any], n: int) -> bool:
    """Whether the query finds ``n`` rows (it stops there)."""
    return conn.execute(select(func.count()).select_from(rows.limit(n).subquery())).scalar_one() >= n


def record_ids(conn: Connection, keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
    """Row ids of source records by (partner, kind, source_id).

    Looked up per partner and kind by source id, which the unique index on (partner, kind,
    source_id) answers directly (a row-value IN would scan on SQLite).
    """
    groups: dict[tuple[str, str], set[str]] = {}
    for partner, kind, source_id in keys:
        groups.setdefault((partner, kind), set()).add(source_id)
    found: dict[tuple[str, str, str], int] = {}
    for (partner, kind), ids in sorted(groups.items()):
        query = select(HEAD.c.source_id, HEAD.c.id).where(
            HEAD.c.partner == partner, HEAD.c.kind == kind, one_of(conn, HEAD.c.source_id, sorted(ids)))
        for source_id, rid in conn.execute(query):
            found[(partner, kind, source_id)] = rid
    return found


def source_keys(conn: Connection, rids: Iterable[int]) -> list[tuple[str, str]]:
    """(partner, source_id) of these source records."""
    query = select(HEAD.c.partner, HEAD.c.source_id).where(one_of(conn, HEAD.c.id, sorted({int(r) for r in rids})))
    return [tuple(row) for row in conn.execute(query)]
