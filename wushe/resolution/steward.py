"""Steward control: the review queue and the overrides that win over the matcher.

Both sides of an override or a review item are source keys (``partner/kind/source_id``), never
golden ids, so a decision survives every rerun, merge and split. Deciding a review item records an
override (accept → always link, reject → never link) and returns the records to re-resolve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from sqlalchemy import Connection, insert, select, tuple_, update

from wushe.errors import WusheError
from wushe.registry.models import Override, ReviewItem
from wushe.registry.sets import one_of

OVERRIDES = Override.__table__
REVIEWS = ReviewItem.__table__
ACTIONS = ("always_link", "never_link", "split")


def source_key(partner: str, kind: str, source_id: str) -> str:
    return f"{partner}/{kind}/{source_id}"


def parse_source_key(key: str) -> tuple[str, str, str]:
    parts = key.split("/", 2)
    if len(parts) != 3 or not all(parts):
        raise WusheError(f"{key!r} is not a source key; write it as partner/kind/source_id")
    return parts[0], parts[1], parts[2]


@dataclass(frozen=True)
class OverrideRule:
    action: str
    left: str
    right: str | None


def add_override(conn: Connection, action: str, kind: str, left: str, right: str | None = None, *,
                 by: str, reason: str | None = None, now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Record a steward's decision; returns the source keys to re-resolve."""
    if action not in ACTIONS:
        raise WusheError(f"unknown override {action!r}; expected one of: {', '.join(ACTIONS)}")
    if action != "split" and not right:
        raise WusheError(f"{action} needs two source keys")
    keys = [parse_source_key(k) for k in (left, right) if k]
    if any(k[1] != kind for k in keys):
        raise WusheError(f"both sides of an override must be {kind} records")
    if action != "split":
        opposite = "never_link" if action == "always_link" else "always_link"
        conn.execute(update(OVERRIDES).where(OVERRIDES.c.kind == kind, OVERRIDES.c.action == opposite,
                                             OVERRIDES.c.active.is_(True),
                                             tuple_(OVERRIDES.c.left_key, OVERRIDES.c.right_key).in_(
                                                 [(left, right), (right, left)])).values(active=False))
    conn.execute(insert(OVERRIDES).values(action=action, kind=kind, left_key=left, right_key=right, reason=reason,
                                          created_by=by, created_at=now or datetime.now(timezone.utc), active=True))
    return keys


def overrides_touching(conn: Connection, kind: str, keys: Iterable[str] | None) -> list[OverrideRule]:
    """Active overrides of ``kind`` with a side among ``keys`` (all of the kind when None)."""
    base = select(OVERRIDES.c.action, OVERRIDES.c.left_key, OVERRIDES.c.right_key).where(
        OVERRIDES.c.kind == kind, OVERRIDES.c.active.is_(True)).order_by(OVERRIDES.c.id)
    if keys is None:
        return [OverrideRule(*row) for row in conn.execute(base)]
    wanted = sorted(set(keys))
    query = base.where(one_of(conn, OVERRIDES.c.left_key, wanted) | one_of(conn, OVERRIDES.c.right_key, wanted))
    return [OverrideRule(*row) for row in conn.execute(query)]


def open_reviews(conn: Connection, kind: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = select(REVIEWS).where(REVIEWS.c.status == "open").order_by(REVIEWS.c.score.desc(), REVIEWS.c.id).limit(limit)
    if kind:
        query = query.where(REVIEWS.c.kind == kind)
    return [dict(row._mapping) for row in conn.execute(query)]


def existing_reviews(conn: Connection, kind: str, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these pairs were queued before (open or decided)."""
    wanted = set(pairs)
    lefts = sorted({a for a, _b in wanted})
    query = select(REVIEWS.c.left_key, REVIEWS.c.right_key).where(REVIEWS.c.kind == kind,
                                                                  one_of(conn, REVIEWS.c.left_key, lefts))
    return {(a, b) for a, b in conn.execute(query) if (a, b) in wanted}


def decide_review(conn: Connection, item_id: int, accept: bool, *, by: str, note: str | None = None,
                  now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Accept (always link) or reject (never link) an open review item; returns the keys to re-resolve."""
    row = conn.execute(select(REVIEWS).where(REVIEWS.c.id == item_id)).first()
    if row is None:
        raise WusheError(f"no review item {item_id}")
    if row.status != "open":
        raise WusheError(f"review item {item_id} was already decided ({row.status})")
    now = now or datetime.now(timezone.utc)
    action = "always_link" if accept else "never_link"
    keys = add_override(conn, action, row.kind, row.left_key, row.right_key, by=by, reason=note or f"review {item_id}",
                        now=now)
    conn.execute(update(REVIEWS).where(REVIEWS.c.id == item_id).values(
        status="accepted" if accept else "rejected", decided_at=now, decided_by=by, note=note))
    return keys
