"""Reading and writing the resolution tables, set-based and batched (never row by row via the ORM).

Only golden records whose members or values changed are rewritten, with their field provenance
(one column of the golden row), and of their cross-references only those that changed. Retired golden
records stay, with their last values and provenance, and point to their successors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from datetime import datetime
from typing import Any, Iterable, Sequence

import orjson
from sqlalchemy import Connection, delete, func, select

from wushe.registry.bulk import Cells, insert_rows, update_rows
from wushe.registry.models import CrossReference, GoldenEvent, GoldenRecord, MatchModel, ReviewItem
from wushe.registry.sets import one_of

GOLDEN = GoldenRecord.__table__
XREF = CrossReference.__table__
EVENTS = GoldenEvent.__table__
MODELS = MatchModel.__table__
REVIEWS = ReviewItem.__table__

GOLDEN_COLUMNS = ("id", "kind", "status", "display_name", "division_code", "data", "provenance", "content_hash",
                  "created_at", "updated_at", "retired_at", "successor_ids")
CONTENT_COLUMNS = ("display_name", "division_code", "data", "provenance", "content_hash", "updated_at")
REVIVED_COLUMNS = (*CONTENT_COLUMNS, "status", "retired_at", "successor_ids")
XREF_COLUMNS = ("source_record_id", "golden_id", "score", "method", "explanation", "linked_at", "run_id")
EVENT_COLUMNS = ("golden_id", "event", "related_ids", "detail", "run_id", "at")
REVIEW_COLUMNS = ("kind", "left_key", "right_key", "score", "explanation", "status", "created_at", "run_id")


def previous_goldens(conn: Connection, rids: Sequence[int]) -> dict[int, str]:
    """The golden id each of these source records is linked to now."""
    query = select(XREF.c.source_record_id, XREF.c.golden_id).where(
        one_of(conn, XREF.c.source_record_id, sorted(set(rids))))
    return dict(conn.execute(query).all())


def all_previous_goldens(conn: Connection, kind: str) -> dict[int, str]:
    query = select(XREF.c.source_record_id, XREF.c.golden_id).join(GOLDEN, GOLDEN.c.id == XREF.c.golden_id).where(
        GOLDEN.c.kind == kind)
    return dict(conn.execute(query).all())


def members_of(conn: Connection, golden_ids: Iterable[str]) -> list[int]:
    query = select(XREF.c.source_record_id).where(one_of(conn, XREF.c.golden_id, sorted(set(golden_ids))))
    return list(conn.execute(query).scalars())


def any_golden(conn: Connection, kind: str | None = None) -> bool:
    """Whether the registry holds a golden record (of ``kind``, or of any kind; of any status).

    Asked as the least of a column of the (kind, status) index, which both backends answer from
    the index's first entry. ``LIMIT 1`` would not do: PostgreSQL plans it as a scan of the table
    up to the first row of the kind, and golden records are written kind by kind, so that scan read
    every record of the kinds before (0.28-0.43 s a call on a night 2, for four calls a pass)."""
    query = select(func.min(GOLDEN.c.kind)) if kind is None else select(func.min(GOLDEN.c.status)).where(GOLDEN.c.kind == kind)
    return conn.execute(query).scalar() is not None


@dataclass
class GoldenState:
    status: str
    content_hash: str | None


def golden_states(conn: Connection, ids: Iterable[str]) -> dict[str, GoldenState]:
    query = select(GOLDEN.c.id, GOLDEN.c.status, GOLDEN.c.content_hash).where(
        one_of(conn, GOLDEN.c.id, sorted(set(ids))))
    return {gid: GoldenState(status, digest) for gid, status, digest in conn.execute(query)}


def active_goldens(conn: Connection, kind: str) -> dict[str, GoldenState]:
    query = select(GOLDEN.c.id, GOLDEN.c.status, GOLDEN.c.content_hash).where(GOLDEN.c.kind == kind,
                                                                                 GOLDEN.c.status == "active")
    return {gid: GoldenState(s, d) for gid, s, d in conn.execute(query)}


@dataclass
class GoldenWrite:
    """Everything one pass writes for one kind."""

    kind: str
    goldens: list[tuple[str, str | None, str | None, bytes, bytes, str]] = field(default_factory=list)
    # (id, display name, division code, data as JSON, provenance as JSON, content hash); JSON as UTF-8
    # bytes, half the size of Chinese text as a Python string until it is written
    members: list[list[int]] = field(default_factory=list)  # source record ids per golden, row-aligned
    xrefs: list[tuple[int, str, float, str, str | None]] = field(default_factory=list)  # explanation as JSON
    unlink: list[int] = field(default_factory=list)  # source record ids whose link goes away (withdrawn)
    retired: dict[str, list[str]] = field(default_factory=dict)
    events: list[tuple[str, str, list[str], dict[str, Any]]] = field(default_factory=list)


def write(conn: Connection, out: GoldenWrite, states: dict[str, GoldenState], linked: dict[int, str], *,
          now: datetime, run_id: str | None) -> None:
    """Replace the changed golden records and their changed cross-references; retire the rest.

    ``linked`` holds the golden id of every record in the pass that had one before it: only their
    cross-references need reading and deleting (a first pass has none). A cross-reference that
    comes out as it is stored (a golden record rewritten for a new value, its members and matches
    the same) is left as it is, with the time and run that made it."""
    cells = Cells(conn.dialect.name)
    ts, js = cells.ts, cells.json
    ids = [g[0] for g in out.goldens]
    replaced = [gid for gid in ids if gid in states]
    moved = sorted(rid for rid in {rid for members in out.members for rid in members} | set(out.unlink)
                   if rid in linked)
    stored = _links(conn, moved)
    kept = {x[0] for x in out.xrefs if _same(stored.get(x[0]), x)}
    stale = sorted((set(moved) | set(members_of(conn, set(replaced) | set(out.retired)))) - kept)
    if stale:
        conn.execute(delete(XREF).where(one_of(conn, XREF.c.source_record_id, stale)))
    at = ts(now)
    insert_rows(conn, GOLDEN, GOLDEN_COLUMNS, (
        (gid, out.kind, "active", name, division, data.decode(), provenance.decode(), digest, at, at, None, None)
        for gid, name, division, data, provenance, digest in out.goldens if gid not in states
    ))
    # an existing golden record keeps its row (and its creation time): updated in place. One still
    # active keeps its status, so that is not set again: on SQLite, setting an indexed column
    # rewrites its index entry even to the same value (a third of the time of a delta's updates)
    revived = {gid for gid in ids if gid in states and states[gid].status != "active"}
    update_rows(conn, GOLDEN, "id", CONTENT_COLUMNS, (
        (name, division, data.decode(), provenance.decode(), digest, at, gid)
        for gid, name, division, data, provenance, digest in out.goldens if gid in states and gid not in revived
    ))
    update_rows(conn, GOLDEN, "id", REVIVED_COLUMNS, (
        (name, division, data.decode(), provenance.decode(), digest, at, "active", None, None, gid)
        for gid, name, division, data, provenance, digest in out.goldens if gid in revived
    ))
    # in source record order, the table's own key order: its rows are appended, not spread over its pages
    insert_rows(conn, XREF, XREF_COLUMNS, (
        (rid, gid, score, method, js(explanation), at, run_id)
        for rid, gid, score, method, explanation in sorted(out.xrefs, key=itemgetter(0)) if rid not in kept
    ))
    update_rows(conn, GOLDEN, "id", ("status", "retired_at", "updated_at", "successor_ids"), (
        ("retired", at, at, js(successors or None), gid) for gid, successors in sorted(out.retired.items())
    ))
    events = out.events + [(gid, "revived", [], {}) for gid in ids if gid in revived]
    insert_rows(conn, EVENTS, EVENT_COLUMNS, (
        (gid, event, js(related or None), js(detail or None), run_id, at) for gid, event, related, detail in events
    ))


def _links(conn: Connection, rids: Sequence[int]) -> dict[int, tuple[str, float, str, Any]]:
    """The stored cross-reference of each of these records: golden id, score, method, explanation."""
    query = select(XREF.c.source_record_id, XREF.c.golden_id, XREF.c.score, XREF.c.method,
                   XREF.c.explanation).where(one_of(conn, XREF.c.source_record_id, rids))
    return {rid: tuple(rest) for rid, *rest in conn.execute(query)}


def _same(stored: tuple[str, float, str, Any] | None, xref: tuple[int, str, float, str, str | None]) -> bool:
    """Whether a cross-reference to write is the stored one (its explanation compared as data: a
    database may store JSON in a form of its own)."""
    if stored is None or stored[:3] != xref[1:4]:
        return False
    return stored[3] == (None if xref[4] is None else orjson.loads(xref[4]))


def save_model(conn: Connection, kind: str, params: dict[str, Any], *, now: datetime, run_id: str | None) -> None:
    conn.execute(delete(MODELS).where(MODELS.c.kind == kind))
    conn.execute(MODELS.insert().values(kind=kind, params=params, trained_at=now, run_id=run_id))


def load_model(conn: Connection, kind: str) -> dict[str, Any] | None:
    return conn.execute(select(MODELS.c.params).where(MODELS.c.kind == kind)).scalar()


def add_reviews(conn: Connection, kind: str, items: list[tuple[str, str, float, dict[str, Any]]], existing: set,
                *, now: datetime, run_id: str | None) -> int:
    """Queue pairs for a steward; a pair already queued or decided is not queued again."""
    cells = Cells(conn.dialect.name)
    fresh = [(kind, a, b, score, cells.json(expl), "open", cells.ts(now), run_id)
             for a, b, score, expl in items if (a, b) not in existing]
    insert_rows(conn, REVIEWS, REVIEW_COLUMNS, fresh)
    return len(fresh)
