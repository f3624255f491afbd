"""Links between kinds through golden ids: a resource's provider, a volunteer's team, a donation's
donor, recipient and need, a need's sponsor, an organisation's parent.

A reference (``wushe.contract.Ref``) is resolved by the partner's own id first (``source_id``
within ``partner``, the referring record's partner by default), else by credit code, else by the
normalised name, the last two through the persistent blocking index. A credit code or name that
points at more than one golden record links nothing rather than guessing.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Iterable

from sqlalchemy import Connection, bindparam, delete, select, update

from wushe.registry.bulk import Cells, insert_rows
from wushe.registry.models import GoldenLink
from wushe.resolution import blocking, store
from wushe.resolution.features import org_sound
from wushe.resolution.identifiers import clean_credit_code
from wushe.resolution.normalize import fold, org_name_parts
from wushe.resolution.records import SourceFrame, kinds_of, load_records, record_ids

LINKS = GoldenLink.__table__
COLUMNS = ("source_record_id", "role", "golden_id", "target_id", "method", "ref")
CHUNK = 500

# kind -> (role, path to the Ref in the payload, target kind)
REFERENCES: dict[str, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    "organization": (("parent", ("parent",), "organization"),),
    "resource": (("provider", ("provider",), "organization"),),
    "volunteer": (("team", ("team",), "organization"),),
    "need": (("sponsor", ("sponsor",), "organization"),),
    "donation": (("donor", ("donor",), "organization"), ("recipient", ("recipient",), "organization"),
                 ("need", ("designation", "need"), "need")),
}


def _ref_at(payload: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    value: Any = payload
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value if isinstance(value, dict) and any(value.values()) else None


def update_links(conn: Connection, kind: str, src: SourceFrame, out: store.GoldenWrite,
                 previous: dict[int, str]) -> None:
    """Recompute the links of this pass's records; follow retired targets to their successors.

    ``previous`` holds the golden ids of records whose golden record this pass left unchanged.
    """
    if kind in REFERENCES and len(src):
        golden_of = dict(previous)
        golden_of.update((rid, gid) for (rid, gid, *_rest) in out.xrefs)
        _write(conn, kind, src, golden_of)
    if out.retired:
        _follow_successors(conn, out.retired)


def _write(conn: Connection, kind: str, src: SourceFrame, golden_of: dict[int, str]) -> None:
    rids = src.frame["rid"].tolist()
    partners = src.frame["partner"].tolist()
    wanted: list[tuple[int, str, str, dict[str, Any], str]] = []  # (rid, role, target kind, ref, partner)
    for rid, partner, payload in zip(rids, partners, src.payloads):
        for role, path, target in REFERENCES[kind]:
            ref = _ref_at(payload, path)
            if ref is not None and rid in golden_of:
                wanted.append((rid, role, target, ref, partner))
    wanted.sort(key=itemgetter(0, 1))  # the table's key order: its rows are appended, not spread over its pages
    targets = _resolve_refs(conn, [(t, ref, partner) for _r, _role, t, ref, partner in wanted])
    linked = sorted(_linked(conn, rids))
    for start in range(0, len(linked), CHUNK):
        conn.execute(delete(LINKS).where(LINKS.c.source_record_id.in_(linked[start : start + CHUNK])))
    cells = Cells(conn.dialect.name)
    insert_rows(conn, LINKS, COLUMNS, (
        (rid, role, golden_of[rid], target, method, cells.json(ref))
        for (rid, role, _t, ref, _p), (target, method) in zip(wanted, targets)
    ))


def _linked(conn: Connection, rids: list[int]) -> set[int]:
    """Which of these records have stored links now."""
    if conn.execute(select(LINKS.c.source_record_id).limit(1)).first() is None:
        return set()
    found: set[int] = set()
    for start in range(0, len(rids), CHUNK):
        query = select(LINKS.c.source_record_id).where(LINKS.c.source_record_id.in_(rids[start : start + CHUNK]))
        found.update(conn.execute(query).scalars())
    return found


def _resolve_refs(conn: Connection, refs: list[tuple[str, dict[str, Any], str]]) -> list[tuple[str | None, str]]:
    """(golden id or None, how it was found) per (target kind, ref, referring partner)."""
    by_id = record_ids(conn, [(r.get("partner") or p, t, str(r["source_id"])) for t, r, p in refs if r.get("source_id")])
    texts: dict[int, str] = {}
    for n, (target, ref, _p) in enumerate(refs):
        if target != "organization":
            continue
        code = clean_credit_code(ref.get("credit_code"))
        if code:
            texts[n] = "o:cc:" + code
        elif ref.get("name"):
            texts[n] = blocking.name_key_text("organization", org_sound(org_name_parts(fold(ref["name"]))))
    found: dict[str, list[int]] = {}
    if texts:
        wanted = sorted(set(texts.values()))
        hashes = blocking.hash_keys(wanted)
        index = blocking.BlockIndex.load(conn, "organization", hashes)
        found = {t: r.tolist() for t, r in zip(wanted, index.lookup(hashes))}
    all_rids = set(by_id.values()) | {rid for rids in found.values() for rid in rids}
    golden = store.previous_goldens(conn, sorted(all_rids))
    out: list[tuple[str | None, str]] = []
    for n, (target, ref, partner) in enumerate(refs):
        if ref.get("source_id"):
            rid = by_id.get((ref.get("partner") or partner, target, str(ref["source_id"])))
            if rid is not None and rid in golden:
                out.append((golden[rid], "source_id"))
                continue
        text = texts.get(n)
        candidates = {golden[r] for r in found.get(text, []) if r in golden} if text else set()
        if len(candidates) == 1:
            out.append((candidates.pop(), "credit_code" if text.startswith("o:cc:") else "name"))
        else:
            out.append((None, "ambiguous" if candidates else "unresolved"))
    return out


def _follow_successors(conn: Connection, retired: dict[str, list[str]]) -> None:
    """A link to a retired golden record moves to its successor; a split target is looked up again."""
    single = [{"b_old": old, "target_id": succ[0]} for old, succ in sorted(retired.items()) if len(succ) == 1]
    if single:
        conn.execute(update(LINKS).where(LINKS.c.target_id == bindparam("b_old")), single)
    several = sorted(old for old, succ in retired.items() if len(succ) != 1)
    if several:
        _relink(conn, several)


def _relink(conn: Connection, targets: Iterable[str]) -> None:
    rids: list[int] = []
    wanted = sorted(targets)
    for start in range(0, len(wanted), CHUNK):
        query = select(LINKS.c.source_record_id).where(LINKS.c.target_id.in_(wanted[start : start + CHUNK]))
        rids.extend(conn.execute(query).scalars())
    if not rids:
        return
    for kind, ids in kinds_of(conn, rids).items():
        src = load_records(conn, kind, ids)
        _write(conn, kind, src, store.previous_goldens(conn, src.frame["rid"].tolist()))


def links_of(conn: Connection, golden_id: str) -> list[dict[str, Any]]:
    """The links of a golden record's sources (for ``wushe show``)."""
    query = select(LINKS).where(LINKS.c.golden_id == golden_id).order_by(LINKS.c.role, LINKS.c.source_record_id)
    return [dict(row._mapping) for row in conn.execute(query)]


def golden_targets(conn: Connection, golden_ids: list[str]) -> dict[str, dict[str, list[str]]]:
    """golden id -> role -> linked golden ids (for exports)."""
    out: dict[str, dict[str, list[str]]] = {}
    for start in range(0, len(golden_ids), CHUNK):
        chunk = golden_ids[start : start + CHUNK]
        query = select(LINKS.c.golden_id, LINKS.c.role, LINKS.c.target_id).where(
            LINKS.c.golden_id.in_(chunk), LINKS.c.target_id.is_not(None))
        for gid, role, target in conn.execute(query):
            roles = out.setdefault(gid, {})
            if target not in roles.setdefault(role, []):
                roles[role].append(target)
    return out

