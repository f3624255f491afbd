"""Reading golden records back: one record with its provenance and sources, or a kind for export.

Personal fields (the contract's ``personal`` mark) are masked unless the reader's role may see
them; every unmasked read of a golden record with personal data is written to the audit log.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

from sqlalchemy import Connection, insert, select

from wushe.contract import field_labels, personal_fields
from wushe.errors import WusheError
from wushe.exporting import Column
from wushe.privacy import UNMASKED_ROLES, mask_value
from wushe.registry.db import utc
from wushe.registry.models import AuditLog, CrossReference, GoldenEvent, GoldenRecord, SourceRecord
from wushe.registry.provenance import field_sources
from wushe.resolution.links import golden_targets, links_of

GOLDEN = GoldenRecord.__table__
XREF = CrossReference.__table__
EVENTS = GoldenEvent.__table__
HEAD = SourceRecord.__table__
AUDIT = AuditLog.__table__
BATCH = 2000


def _masked(kind: str, field_name: str, value: Any, role: str) -> Any:
    if role in UNMASKED_ROLES or field_name not in personal_fields(kind):
        return value
    return mask_value(field_name, value)


def _audit(conn: Connection, actor: str, role: str, action: str, kind: str, target: str, fields: list[str]) -> None:
    if role in UNMASKED_ROLES and fields:
        conn.execute(insert(AUDIT).values(at=datetime.now(timezone.utc), actor=actor, role=role, action=action,
                                          target_kind=kind, target_id=target, fields=fields, detail=None))


def golden_detail(conn: Connection, golden_id: str, *, role: str = "staff", actor: str = "cli") -> dict[str, Any]:
    """A golden record with each field's provenance, its sources, links and identity events."""
    row = conn.execute(select(GOLDEN).where(GOLDEN.c.id == golden_id)).first()
    if row is None:
        raise WusheError(f"no golden record {golden_id!r}")
    kind = row.kind
    fields = _provenance(conn, kind, row.data or {}, row.provenance, role)
    sources = [
        {"partner": s.partner, "source_id": s.source_id, "method": s.method, "score": s.score,
         "explanation": s.explanation}
        for s in conn.execute(
            select(HEAD.c.partner, HEAD.c.source_id, XREF.c.method, XREF.c.score, XREF.c.explanation)
            .join(XREF, XREF.c.source_record_id == HEAD.c.id).where(XREF.c.golden_id == golden_id)
            .order_by(HEAD.c.partner, HEAD.c.source_id))
    ]
    events = [
        {"event": e.event, "related": e.related_ids, "detail": e.detail, "at": e.at, "run_id": e.run_id}
        for e in conn.execute(select(EVENTS).where(EVENTS.c.golden_id == golden_id).order_by(EVENTS.c.id))
    ]
    shown = [f["field"] for f in fields if f["field"] in personal_fields(kind)]
    _audit(conn, actor, role, "show", kind, golden_id, shown)
    return {
        "id": row.id, "kind": kind, "status": row.status, "name": _masked(kind, "name", row.display_name, role),
        "division_code": row.division_code, "successor_ids": row.successor_ids, "created_at": row.created_at,
        "updated_at": row.updated_at, "retired_at": row.retired_at, "fields": fields, "sources": sources,
        "links": [{"role": link["role"], "target_id": link["target_id"], "method": link["method"]}
                  for link in links_of(conn, golden_id)],
        "events": events,
    }


def _provenance(conn: Connection, kind: str, data: dict[str, Any], provenance: dict[str, Any] | None, role: str
                ) -> list[dict[str, Any]]:
    """Each golden field with the source record that supplied it and the rule that chose it."""
    chosen = list(field_sources(data, provenance))
    query = select(HEAD.c.id, HEAD.c.partner, HEAD.c.source_id, HEAD.c.fetched_at, HEAD.c.source_updated_at).where(
        HEAD.c.id.in_(sorted({rid for _name, rid, _rule in chosen})))
    sources = {r.id: r for r in conn.execute(query)}
    labels = field_labels(kind)
    fields = []
    for name, rid, rule in chosen:
        source = sources.get(rid)
        fields.append({
            "field": name, "label": labels.get(name, name), "value": _masked(kind, name, data.get(name), role),
            "partner": source.partner if source else None, "source_id": source.source_id if source else None,
            "fetched_at": utc(source.fetched_at) if source else None,
            "changed_at_source": utc(source.source_updated_at) if source else None, "rule": rule,
        })
    return fields


def export_columns(kind: str) -> list[Column]:
    """The columns of an export of ``kind``: id, the contract fields, sources and links."""
    from wushe.contract import PAYLOADS

    columns = [Column("id", "编号", "id")]
    labels = field_labels(kind)
    for name in PAYLOADS[kind].model_fields:
        if name == "id_number":  # stored only as a keyed hash and a masked form
            columns.append(Column("id_number_masked", f"{labels[name]}（脱敏）", "id_number_masked"))
        else:
            columns.append(Column(name, labels[name], name))
    columns += [Column("sources", "来源", "sources"), Column("links", "关联", "links")]
    return columns


def export_rows(conn: Connection, kind: str, *, role: str = "staff", actor: str = "cli") -> Iterator[dict[str, Any]]:
    """Active golden records of ``kind``, each with its sources (partner and source id) and links."""
    hidden = personal_fields(kind) if role not in UNMASKED_ROLES else frozenset()
    ids = conn.execute(select(GOLDEN.c.id).where(GOLDEN.c.kind == kind, GOLDEN.c.status == "active")
                       .order_by(GOLDEN.c.id)).scalars().all()
    if role in UNMASKED_ROLES and personal_fields(kind):
        _audit(conn, actor, role, "export", kind, f"{kind}:*", sorted(personal_fields(kind)))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        data = dict(conn.execute(select(GOLDEN.c.id, GOLDEN.c.data).where(GOLDEN.c.id.in_(chunk))).all())
        sources: dict[str, list[dict[str, str]]] = {}
        query = (select(XREF.c.golden_id, HEAD.c.partner, HEAD.c.source_id)
                 .join(HEAD, HEAD.c.id == XREF.c.source_record_id).where(XREF.c.golden_id.in_(chunk))
                 .order_by(HEAD.c.partner, HEAD.c.source_id))
        for gid, partner, source_id in conn.execute(query):
            sources.setdefault(gid, []).append({"partner": partner, "source_id": source_id})
        targets = golden_targets(conn, list(chunk))
        for gid in chunk:
            values = data[gid] or {}
            row = {k: (mask_value(k, v) if k in hidden else v) for k, v in values.items() if k != "id_number_hash"}
            row["id"] = gid
            row["sources"] = sources.get(gid, [])
            row["links"] = targets.get(gid, {})
            yield row
