"""Small helpers for resolution tests: write records, resolve, read clusters back."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from sqlalchemy import Engine, select

from wushe.registry.models import CrossReference, GoldenLink, GoldenRecord, MatchFeature, SourceRecord
from wushe.registry.sources import write_source_records
from wushe.resolution.config import ResolutionConfig
from wushe.resolution.resolver import ResolveReport, resolve, resolve_all

HEAD = SourceRecord.__table__
XREF = CrossReference.__table__
GOLDEN = GoldenRecord.__table__
LINKS = GoldenLink.__table__
FEATURES = MatchFeature.__table__
# (column, the column it points at): what resolution derives carries no foreign keys, so every
# resolution in these tests checks that nothing points nowhere
POINTERS = ((XREF.c.source_record_id, HEAD.c.id), (XREF.c.golden_id, GOLDEN.c.id),
            (LINKS.c.source_record_id, HEAD.c.id), (LINKS.c.golden_id, GOLDEN.c.id), (LINKS.c.target_id, GOLDEN.c.id),
            (FEATURES.c.source_record_id, HEAD.c.id))


def write(engine: Engine, records: list[dict[str, Any]], run_id: str | None = None,
          stream: str | None = None) -> list[tuple[str, str, str, str]]:
    with engine.begin() as conn:
        return write_source_records(conn, records, run_id=run_id, stream=stream).touched


def full(engine: Engine, config: ResolutionConfig | None = None) -> ResolveReport:
    with engine.begin() as conn:
        report = resolve_all(conn, config=config)
    assert dangling(engine) == {}
    return report


def delta(engine: Engine, touched: Iterable[tuple[str, ...]], config: ResolutionConfig | None = None) -> ResolveReport:
    with engine.begin() as conn:
        report = resolve(conn, list(touched), config=config)
    assert dangling(engine) == {}
    return report


def dangling(engine: Engine) -> dict[str, list[Any]]:
    """``table.column`` -> the values in it that name no row of the table it points at."""
    found = {}
    with engine.connect() as conn:
        for column, target in POINTERS:
            missing = select(column).where(column.is_not(None), column.not_in(select(target))).limit(5)
            values = conn.execute(missing).scalars().all()
            if values:
                found[f"{column.table.name}.{column.name}"] = values
    return found


def golden_of(engine: Engine, kind: str | None = None) -> dict[str, str]:
    """source key (partner/kind/source_id) -> golden id, for linked source records."""
    query = select(HEAD.c.partner, HEAD.c.kind, HEAD.c.source_id, XREF.c.golden_id).join(
        XREF, XREF.c.source_record_id == HEAD.c.id)
    if kind:
        query = query.where(HEAD.c.kind == kind)
    with engine.connect() as conn:
        return {f"{p}/{k}/{s}": g for p, k, s, g in conn.execute(query)}


def partition(mapping: dict[str, str]) -> set[frozenset[str]]:
    """The clusters of a key -> label mapping, as a set of frozensets (labels do not matter)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for key, label in mapping.items():
        groups[label].add(key)
    return {frozenset(g) for g in groups.values()}


def golden_row(engine: Engine, golden_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(GOLDEN).where(GOLDEN.c.id == golden_id)).one()
