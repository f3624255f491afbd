"""The quarantine store: rejected and flagged rows, written in bulk in the caller's transaction.

Raw rows are kept as received (replay needs them); personal fields are masked whenever they are
read for a role outside :data:`wushe.privacy.UNMASKED_ROLES`, and every unmasked read is audited.
The same row arriving again with the same content updates its item instead of adding another;
a row that arrives valid closes its open items (status ``fixed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Sequence

import orjson
from sqlalchemy import Connection, bindparam, func, or_, select, update

from wushe.connector import Unreadable
from wushe.contract import personal_fields
from wushe.errors import WusheError
from wushe.privacy import UNMASKED_ROLES, mask_value
from wushe.registry.bulk import Cells, insert_rows
from wushe.registry.models import QUARANTINE_ACTIVE, AuditLog, QuarantineItem, SourceRecord
from wushe.registry.sets import one_of
from wushe.registry.sources import encode_payload
from wushe.validation.catalogue import CATALOGUE

TABLE = QuarantineItem.__table__
SOURCES = SourceRecord.__table__
AUDIT = AuditLog.__table__
STATUSES = ("open", "flagged", "fixed", "superseded", "replayed", "dismissed")
COLUMNS = ("run_id", "partner", "stream", "kind", "source_id", "rule_ids", "problems", "payload", "status",
           "created_at", "severity", "envelope", "content_hash", "last_seen_at", "last_run_id", "times_seen")
CHUNK = 500


@dataclass
class QuarantineCounts:
    rejected: int = 0  # rows quarantined (errors), unreadable rows included
    flagged: int = 0  # rows accepted with warnings
    new: int = 0  # items inserted
    seen_again: int = 0  # items that already held the same row
    fixed: int = 0  # open items closed because the row now arrived valid


def _json_safe(value: Any) -> Any:
    """Values as JSON can hold them (dates, Decimals and bytes become text)."""
    return orjson.loads(orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS))


def _problem_json(problem: Any, rules: dict[str, Any]) -> dict[str, Any]:
    found = problem.as_json()
    if problem.rule_id not in CATALOGUE and problem.rule_id in rules:  # a plugin's rule: keep its texts
        info = rules[problem.rule_id]
        found.update(zh=info.zh, fix_zh=info.fix_zh, en=info.en)
    return found


@dataclass
class Findings:
    """A validated batch's rejected, flagged and unreadable rows as quarantine items, their JSON
    already encoded: built before the write transaction, which then only looks up and writes."""

    kind: str
    items: list[dict[str, Any]]  # source_id, severity, content_hash and the JSON columns' text
    arrived: set[str]  # the source ids of every row of the batch
    counts: QuarantineCounts


def findings(report: Any, unreadable: Sequence[Unreadable] = ()) -> Findings:
    """What of a validated batch goes to the quarantine (touches no database)."""
    counts = QuarantineCounts()
    found: list[dict[str, Any]] = []
    for row, problems in report.problems.items():
        rec = report.records[row]
        severity = "error" if any(p.tier == "error" for p in problems) else "warning"
        payload = rec.get("payload") if isinstance(rec.get("payload"), dict) else {"raw": rec.get("payload")}
        found.append(_item(None if rec.get("source_id") is None else str(rec.get("source_id")), severity,
                           sorted({p.rule_id for p in problems}), [_problem_json(p, report.rules) for p in problems],
                           payload, {k: rec.get(k) for k in ("source_updated_at", "fetched_at", "deleted")},
                           bool(rec.get("deleted"))))
        if severity == "error":
            counts.rejected += 1
        else:
            counts.flagged += 1
    for item in unreadable:
        raw = item.raw if isinstance(item.raw, dict) else {"raw": item.raw}
        found.append(_item(item.source_id, "error", ["SOURCE.UNREADABLE"], [
            {"field": "", "value": item.reason, "rule": "SOURCE.UNREADABLE", "tier": "error"}], raw, None))
        counts.rejected += 1
    return Findings(report.kind, found, {str(r.get("source_id")) for r in report.records}, counts)


def _item(source_id: str | None, severity: str, rule_ids: list[str], problems: list[dict[str, Any]],
          payload: dict[str, Any], envelope: dict[str, Any] | None, deleted: bool = False) -> dict[str, Any]:
    safe = _json_safe(payload)
    problems = _json_safe(problems)
    return {"source_id": source_id, "severity": severity, "content_hash": encode_payload(safe, deleted)[1],
            "rule_ids": rule_ids, "problems": problems, "rule_ids_json": Cells.json(rule_ids),
            "problems_json": Cells.json(problems), "payload_json": Cells.json(safe),
            "envelope_json": Cells.json(_json_safe(envelope))}


def write_batch(
    conn: Connection,
    report: Any,
    *,
    partner: str,
    stream: str,
    run_id: str | None,
    unreadable: Sequence[Unreadable] = (),
    now: datetime | None = None,
    found: Findings | None = None,
) -> QuarantineCounts:
    """Store a validated batch's rejected and flagged rows and its unreadable rows (no commit);
    ``found`` is :func:`findings` of the same, where already built."""
    now = now or datetime.now(timezone.utc)
    found = found or findings(report, unreadable)
    kind, candidates, arrived = found.kind, found.items, found.arrived
    counts = QuarantineCounts(rejected=found.counts.rejected, flagged=found.counts.flagged)

    reported = {c["source_id"] for c in candidates}
    active = _active_items(conn, partner, kind, reported | arrived)
    fresh: list[tuple[Any, ...]] = []
    again: list[dict[str, Any]] = []
    cells = Cells(conn.dialect.name)
    at = cells.ts(now)
    for c in candidates:
        same = active.get((c["source_id"], c["content_hash"]))
        if same is not None and c["source_id"] is not None:
            again.append({"b_id": same, "rule_ids": c["rule_ids"], "problems": c["problems"],
                          "last_seen_at": now, "last_run_id": run_id})
            continue
        fresh.append((run_id, partner, stream, kind, c["source_id"], c["rule_ids_json"], c["problems_json"],
                      c["payload_json"], "open" if c["severity"] == "error" else "flagged", at, c["severity"],
                      c["envelope_json"], c["content_hash"], at, run_id, 1))
    if fresh:
        insert_rows(conn, TABLE, COLUMNS, fresh)
    if again:
        conn.execute(update(TABLE).where(TABLE.c.id == bindparam("b_id")).values(
            rule_ids=bindparam("rule_ids"), problems=bindparam("problems"), last_seen_at=bindparam("last_seen_at"),
            last_run_id=bindparam("last_run_id"), times_seen=TABLE.c.times_seen + 1), again)
    counts.new, counts.seen_again = len(fresh), len(again)

    # a row that now arrives without problems closes what its earlier versions left open
    closed_sources = {sid for (sid, _), _id in active.items() if sid is not None and sid not in reported}
    to_close = [item_id for (sid, _), item_id in active.items() if sid in closed_sources and sid in arrived]
    listed = {(c["source_id"], c["content_hash"]) for c in candidates}
    superseded = [item_id for key, item_id in active.items() if key[0] in reported and key not in listed]
    counts.fixed = _resolve(conn, to_close, "fixed", by="partner", now=now)
    _resolve(conn, superseded, "superseded", by="partner", now=now)
    return counts


def flagged_seen_again(conn: Connection, partner: str, kind: str, stored_rows: Sequence[int], *,
                       run_id: str | None, now: datetime | None = None) -> int:
    """Count a sighting on the flagged items of rows read again exactly as stored (``stored_rows``,
    their ids): they are not validated again, which would only flag them again. Returns how many
    items were flagged (no commit).

    The partner's flagged items of the kind are read and matched to the rows here: a full export
    reads a hundred thousand rows again, of which a few thousand are flagged (0.06 s, against 0.25 s
    for looking up every row's source id in SQL)."""
    if not len(stored_rows):
        return 0
    flagged = select(TABLE.c.id, SOURCES.c.id).join(SOURCES, (SOURCES.c.partner == TABLE.c.partner) & (
        SOURCES.c.kind == TABLE.c.kind) & (SOURCES.c.source_id == TABLE.c.source_id)).where(
        TABLE.c.partner == partner, TABLE.c.kind == kind, TABLE.c.status == "flagged")
    rows = set(stored_rows)
    items = [item for item, row in conn.execute(flagged) if row in rows]
    if not items:
        return 0
    query = update(TABLE).where(one_of(conn, TABLE.c.id, items))
    return conn.execute(query.values(last_seen_at=now or datetime.now(timezone.utc), last_run_id=run_id,
                                     times_seen=TABLE.c.times_seen + 1)).rowcount or 0


def _active_items(conn: Connection, partner: str, kind: str, source_ids: set[str | None]
                  ) -> dict[tuple[str | None, str | None], int]:
    """(source id, content hash) -> id of every open or flagged item of this partner and kind
    for these source ids (None: the items of rows that had none), found by the source index."""
    which = one_of(conn, TABLE.c.source_id, [i for i in source_ids if i is not None])
    if None in source_ids:
        which = or_(which, TABLE.c.source_id.is_(None))
    query = select(TABLE.c.id, TABLE.c.source_id, TABLE.c.content_hash).where(
        TABLE.c.partner == partner, TABLE.c.kind == kind, TABLE.c.status.in_(QUARANTINE_ACTIVE), which)
    return {(sid, digest): item_id for item_id, sid, digest in conn.execute(query)}


def _resolve(conn: Connection, ids: Sequence[int], status: str, *, by: str, now: datetime) -> int:
    if not len(ids):
        return 0
    query = update(TABLE).where(one_of(conn, TABLE.c.id, ids), TABLE.c.status.in_(QUARANTINE_ACTIVE))
    return conn.execute(query.values(status=status, resolved_at=now, resolved_by=by[:64])).rowcount or 0


def dismiss(conn: Connection, ids: Sequence[int], *, by: str, now: datetime | None = None) -> int:
    """Close items without a correction (e.g. the partner confirmed the row is meant to go)."""
    return _resolve(conn, ids, "dismissed", by=by, now=now or datetime.now(timezone.utc))


# -- reading -------------------------------------------------------------------------------------


def _personal(kind: str | None) -> frozenset[str]:
    try:
        return personal_fields(kind) if kind else frozenset()
    except WusheError:
        return frozenset()


def _top_field(path: str) -> str:
    return path.split(".", 1)[0].replace("[]", "")


def mask_item(item: dict[str, Any], role: str) -> tuple[dict[str, Any], list[str]]:
    """The item as ``role`` may see it, and the personal fields it holds (masked unless allowed)."""
    hidden = _personal(item.get("kind"))
    payload = item.get("payload") or {}
    shown_fields = sorted(f for f in hidden if payload.get(f) not in (None, "", []))
    if role in UNMASKED_ROLES:
        return item, shown_fields
    masked = dict(item)
    masked["payload"] = {k: (mask_value(k, v) if k in hidden else v) for k, v in payload.items()}
    masked["problems"] = [
        {**p, "value": mask_value(_top_field(p.get("field") or ""), p.get("value"))}
        if _top_field(p.get("field") or "") in hidden else p
        for p in item.get("problems") or []
    ]
    return masked, shown_fields


def audit_reads(conn: Connection, reads: Iterable[tuple[str, str, list[str], dict[str, Any]]], *, actor: str, role: str,
                now: datetime | None = None) -> None:
    """Write one audit row per unmasked read of personal fields: (target kind, target id, fields, detail)."""
    cells = Cells(conn.dialect.name)
    at = cells.ts(now or datetime.now(timezone.utc))
    rows = [(at, actor[:64], role[:16], "read_unmasked", target_kind, target_id[:64], cells.json(fields),
             cells.json(detail)) for target_kind, target_id, fields, detail in reads]
    if rows:
        insert_rows(conn, AUDIT, ("at", "actor", "role", "action", "target_kind", "target_id", "fields", "detail"), rows)


def _item_dict(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def _filtered(partner: str | None, statuses: Sequence[str] | None, severity: str | None, run_id: str | None) -> Any:
    query = select(TABLE)
    if partner:
        query = query.where(TABLE.c.partner == partner)
    if statuses:
        query = query.where(TABLE.c.status.in_(list(statuses)))
    if severity:
        query = query.where(TABLE.c.severity == severity)
    if run_id:
        query = query.where(TABLE.c.last_run_id == run_id)
    return query


def read_items(
    conn: Connection,
    *,
    role: str,
    actor: str,
    partner: str | None = None,
    statuses: Sequence[str] | None = ("open",),
    severity: str | None = None,
    rule_id: str | None = None,
    run_id: str | None = None,
    ids: Sequence[int] | None = None,
    limit: int | None = 50,
    offset: int = 0,
    audit_each: bool = True,
) -> Iterator[dict[str, Any]]:
    """Items, newest first, masked for ``role``; unmasked reads of personal data are audited.

    Streams rows (``yield_per``) so an export of every item does not load them all at once. A
    caller that audits the read as a whole (an export) passes ``audit_each=False``.
    """
    query = _filtered(partner, None if ids else statuses, severity, run_id).order_by(TABLE.c.id.desc())
    if ids:
        query = query.where(one_of(conn, TABLE.c.id, ids))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    unmasked = role in UNMASKED_ROLES and audit_each
    pending: list[tuple[str, str, list[str], dict[str, Any]]] = []
    rows = conn.execution_options(yield_per=1000).execute(query) if limit is None else conn.execute(query)
    for row in rows:
        item = _item_dict(row)
        if rule_id and rule_id not in (item.get("rule_ids") or []):  # few ids per item: filtered here
            continue
        shown, personal = mask_item(item, role)
        if unmasked and personal:
            pending.append(("quarantine_item", str(item["id"]), personal, {"partner": item["partner"]}))
            if len(pending) >= CHUNK:
                audit_reads(conn, pending, actor=actor, role=role)
                pending = []
        yield shown
    if pending:
        audit_reads(conn, pending, actor=actor, role=role)


def count_items(conn: Connection, *, partner: str | None = None) -> dict[tuple[str, str, str], int]:
    """(partner, status, severity) -> number of items."""
    query = select(TABLE.c.partner, TABLE.c.status, TABLE.c.severity, func.count()).group_by(
        TABLE.c.partner, TABLE.c.status, TABLE.c.severity)
    if partner:
        query = query.where(TABLE.c.partner == partner)
    return {(p, s, v): n for p, s, v, n in conn.execute(query)}


# -- replay --------------------------------------------------------------------------------------


@dataclass
class ReplayResult:
    """What a replay found: records to stage now, and what stays in quarantine."""

    valid: list[dict[str, Any]]  # contract records that now pass; stage them in the same transaction
    replayed: list[int]  # their item ids (status ``replayed``)
    still_invalid: int = 0
    superseded: int = 0  # a newer version of the row is already in the registry
    unreadable: int = 0  # SOURCE.UNREADABLE rows: only the partner can send them again


def replay(
    conn: Connection,
    validator: Any,
    *,
    partner: str | None = None,
    ids: Sequence[int] | None = None,
    run_id: str | None = None,
    by: str = "replay",
    now: datetime | None = None,
) -> ReplayResult:
    """Re-validate open rejected rows (after a fix to the rules or crosswalks), inside the caller's
    transaction. Rows that pass are marked ``replayed`` and returned for staging; the others get
    their current problems. Rows older than what the registry already holds are ``superseded``."""
    from wushe.registry.models import SourceRecord

    now = now or datetime.now(timezone.utc)
    query = select(TABLE).where(TABLE.c.status == "open", TABLE.c.severity == "error")
    if partner:
        query = query.where(TABLE.c.partner == partner)
    if ids:
        query = query.where(one_of(conn, TABLE.c.id, ids))
    items = [_item_dict(r) for r in conn.execute(query.order_by(TABLE.c.id))]
    result = ReplayResult([], [])
    by_kind: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in items:
        if "SOURCE.UNREADABLE" in (item["rule_ids"] or []) or not item["kind"] or item["envelope"] is None:
            result.unreadable += 1
            continue
        by_kind.setdefault((item["partner"], item["kind"]), []).append(item)
    heads = SourceRecord.__table__
    for (item_partner, kind), group in by_kind.items():
        source_ids = [i["source_id"] for i in group if i["source_id"] is not None]
        stored = dict(conn.execute(select(heads.c.source_id, heads.c.source_updated_at).where(
            heads.c.partner == item_partner, heads.c.kind == kind, one_of(conn, heads.c.source_id, source_ids))).all())
        fresh = []
        for item in group:
            known = stored.get(item["source_id"])
            sent = item["envelope"].get("source_updated_at")
            if known is not None and sent and _aware(known) >= datetime.fromisoformat(sent):
                _resolve(conn, [item["id"]], "superseded", by=by, now=now)
                result.superseded += 1
            else:
                fresh.append(item)
        records = [{"partner": item_partner, "kind": kind, "source_id": i["source_id"], **i["envelope"],
                    "payload": i["payload"]} for i in fresh]
        if not records:
            continue
        report = validator.validate(records, kind)
        rejected = report.rejected
        for row, item in enumerate(fresh):
            if row in rejected:
                problems = rejected[row]
                conn.execute(update(TABLE).where(TABLE.c.id == item["id"]).values(
                    rule_ids=sorted({p.rule_id for p in problems}),
                    problems=_json_safe([_problem_json(p, report.rules) for p in problems]),
                    last_seen_at=now, last_run_id=run_id))
                result.still_invalid += 1
            else:
                result.valid.append(records[row])
                result.replayed.append(item["id"])
    _resolve(conn, result.replayed, "replayed", by=by, now=now)
    return result


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
