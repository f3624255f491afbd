"""Links between kinds through golden ids: a resource's provider, a volunteer's team, a donation's
donor, recipient and need, a need's sponsor, an organisation's parent.

A reference (``wushe.contract.Ref``) is resolved by the partner's own id first (``source_id``
within ``partner``, the referring record's partner by default), else by credit code, else by the
normalised name, the last two through the persistent blocking index. A credit code or name that
points at more than one golden record links nothing rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, delete, select, update

from wushe.registry.bulk import insert_rows
from wushe.registry.models import GoldenLink
from wushe.registry.sets import one_of
from wushe.resolution import blocking, store
from wushe.resolution.features import org_sound
from wushe.resolution.identifiers import clean_credit_code
from wushe.resolution.normalize import fold, org_name_parts
from wushe.resolution.records import HEAD, SourceFrame, record_ids

LINKS = GoldenLink.__table__
COLUMNS = ("source_record_id", "role", "golden_id", "target_id", "method", "ref")

# kind -> (role, path to the Ref in the payload, target kind)
REFERENCES: dict[str, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    "organization": (("parent", ("parent",), "organization"),),
    "resource": (("provider", ("provider",), "organization"),),
    "volunteer": (("team", ("team",), "organization"),),
    "need": (("sponsor", ("sponsor",), "organization"),),
    "donation": (("donor", ("donor",), "organization"), ("recipient", ("recipient",), "organization"),
                 ("need", ("designation", "need"), "need")),
}


def referred_kinds(kind: str) -> set[str]:
    """The other kinds whose golden records this kind's records link to: written before its links are."""
    return {target for _role, _path, target in REFERENCES.get(kind, ()) if target != kind}


def _ref_at(payload: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    value: Any = payload
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value if isinstance(value, dict) and any(value.values()) else None


@dataclass
class References:
    """The references a pass's records make to other kinds: read from their payloads, and looked up
    as far as the registry already allows, while the pass is planned; resolved to golden ids and
    stored when it is written (:func:`store_references`).

    A referenced record named by its partner's id is found while planning (source records are not
    changed by resolution); the golden record it belongs to, and the organisations a credit code or
    name points at, are known only once the kinds before it are written."""

    kind: str
    rids: list[int]  # every record of the pass: their stored links are replaced
    # (rid, role, golden id, target kind, ref as canonical JSON, referenced record's id or None,
    #  its blocking-index key text or "")
    wanted: list[tuple[int, str, str, str, str, int | None, str]]


def references(conn: Connection, kind: str, src: SourceFrame, golden_of: dict[int, str]) -> References:
    """The references of these records (those linked to a golden record), in the table's key order."""
    rids = src.frame["rid"].tolist()
    found = []
    if kind in REFERENCES:
        for rid, partner, payload in zip(rids, src.frame["partner"].tolist(), src.iter_payloads()):
            gid = golden_of.get(rid)
            if gid is None:
                continue
            for role, path, target in REFERENCES[kind]:
                ref = _ref_at(payload, path)
                if ref is not None:
                    found.append((rid, role, gid, target, ref, partner))
    return References(kind, rids, _looked_up(conn, found))


def _looked_up(conn: Connection, found: list[tuple[int, str, str, str, dict[str, Any], str]]
               ) -> list[tuple[int, str, str, str, str, int | None, str]]:
    """References (rid, role, golden id, target kind, ref, referring record's partner) as
    :class:`References` holds them, in the table's key order: the records they name by source id
    looked up, and the blocking-index key of those naming an organisation."""
    found.sort(key=itemgetter(0, 1))  # appended to the table, not spread over its pages
    by_id = record_ids(conn, {_named(ref, target, partner)
                              for *_x, target, ref, partner in found if ref.get("source_id")})
    dumps, canonical = orjson.dumps, orjson.OPT_SORT_KEYS
    key_texts: dict[tuple[str, str], str] = {}  # many records name the same organisation
    wanted = []
    for rid, role, gid, target, ref, partner in found:
        text = ""
        if target == "organization":
            named = (str(ref.get("credit_code") or ""), str(ref.get("name") or ""))
            if named not in key_texts:
                key_texts[named] = _key_text(*named)
            text = key_texts[named]
        wanted.append((rid, role, gid, target, dumps(ref, option=canonical).decode(),
                       by_id.get(_named(ref, target, partner)) if ref.get("source_id") else None, text))
    return wanted


def _named(ref: dict[str, Any], target: str, partner: str) -> tuple[str, str, str]:
    """The (partner, kind, source id) a reference names (the referring record's partner by default)."""
    return (ref.get("partner") or partner, target, str(ref["source_id"]))


def _key_text(credit_code: str, name: str) -> str:
    """The organisation blocking-index key a reference is looked up under: its credit code, else
    its name; "" for none."""
    code = clean_credit_code(credit_code)
    if code:
        return "o:cc:" + code
    if name:
        return blocking.name_key_text("organization", org_sound(org_name_parts(fold(name))))
    return ""


def store_references(conn: Connection, refs: References, *, replace: bool = True) -> None:
    """Resolve the references to golden ids and replace the records' stored links with them (a
    record whose links come out as stored keeps them as they are; ``replace=False``: the caller
    knows the records have none stored)."""
    if refs.kind not in REFERENCES or not refs.rids:
        return
    rows = _resolved(conn, refs.wanted)
    stored = _stored(conn, refs.rids) if replace else {}
    if stored:
        wanted: dict[int, set[tuple[Any, ...]]] = {}
        for row in rows:
            wanted.setdefault(row[0], set()).add(row[1:])
        changed = {rid for rid in set(wanted) | set(stored) if wanted.get(rid) != stored.get(rid)}
        stale = sorted(changed & set(stored))
        if stale:
            conn.execute(delete(LINKS).where(one_of(conn, LINKS.c.source_record_id, stale)))
        rows = [row for row in rows if row[0] in changed]
    insert_rows(conn, LINKS, COLUMNS, rows)


def _stored(conn: Connection, rids: list[int]) -> dict[int, set[tuple[Any, ...]]]:
    """The stored links of these records, by record: (role, golden id, target id, method, ref as
    canonical JSON), as :func:`store_references` builds them."""
    found: dict[int, set[tuple[Any, ...]]] = {}
    if conn.execute(select(LINKS.c.source_record_id).limit(1)).first() is None:
        return found
    query = select(LINKS.c.source_record_id, LINKS.c.role, LINKS.c.golden_id, LINKS.c.target_id, LINKS.c.method,
                   LINKS.c.ref).where(one_of(conn, LINKS.c.source_record_id, sorted(rids)))
    for rid, *rest, ref in conn.execute(query):  # a database may store JSON in a form of its own
        found.setdefault(rid, set()).add((*rest, orjson.dumps(ref, option=orjson.OPT_SORT_KEYS).decode()))
    return found


def _resolved(conn: Connection, wanted: list[tuple[int, str, str, str, str, int | None, str]]) -> list[tuple[Any, ...]]:
    """The link rows (:data:`COLUMNS`) these references make."""
    return [(rid, role, gid, target, method, ref)
            for (rid, role, gid, _t, ref, _r, _k), (target, method) in zip(wanted, _resolve_refs(conn, wanted))]


def _resolve_refs(conn: Connection, wanted: list[tuple[int, str, str, str, str, int | None, str]]
                  ) -> list[tuple[str | None, str]]:
    """(golden id or None, how it was found) per reference of :class:`References`: by the
    referenced record's golden record, else by the one golden organisation its key points at."""
    texts = sorted({text for *_x, text in wanted if text})
    found: dict[str, list[int]] = {}
    if texts:
        hashes = blocking.hash_keys(texts)
        index = blocking.BlockIndex.load(conn, "organization", hashes)
        found = {t: r.tolist() for t, r in zip(texts, index.lookup(hashes))}
    named = {rid for *_x, rid, _t in wanted if rid is not None}
    golden = store.previous_goldens(conn, sorted(named | {rid for rids in found.values() for rid in rids}))
    out: list[tuple[str | None, str]] = []
    for *_x, rid, text in wanted:
        if rid is not None and rid in golden:
            out.append((golden[rid], "source_id"))
            continue
        candidates = {golden[r] for r in found.get(text, ()) if r in golden} if text else set()
        if len(candidates) == 1:
            out.append((candidates.pop(), "credit_code" if text.startswith("o:cc:") else "name"))
        else:
            out.append((None, "ambiguous" if candidates else "unresolved"))
    return out


@dataclass
class Relinks:
    """The links a pass looks up again because their target retires split or without a successor
    (its sources withdrawn): found while the pass is planned, in the planning process, which has
    the name normaliser's tables at hand (the syncing process would build them for this alone:
    0.5 s, on a night 2 whose 887 retired organisations were named by 4,312 records)."""

    targets: list[str]  # the retired golden ids
    rids: list[int]  # the live records whose links name them (outside the plan: its own are replaced anyway)
    wanted: list[tuple[int, str, str, str, str, int | None, str]]  # as References.wanted


def relinks(conn: Connection, retired: dict[str, list[str]], planned: list[int]) -> Relinks:
    """The links to the golden records in ``retired`` with other than one successor, of records
    outside ``planned``, with the references stored with them (a withdrawn record's links are not
    looked up any more)."""
    targets = sorted(old for old, succ in retired.items() if len(succ) != 1)
    if not targets:
        return Relinks([], [], [])
    mine = set(planned)
    named = [row for row in conn.execute(
        select(LINKS.c.source_record_id, LINKS.c.role, LINKS.c.ref, HEAD.c.kind, HEAD.c.partner)
        .join(HEAD, HEAD.c.id == LINKS.c.source_record_id)
        .where(one_of(conn, LINKS.c.target_id, targets), HEAD.c.withdrawn_at.is_(None))) if row[0] not in mine]
    golden_of = store.previous_goldens(conn, [rid for rid, *_rest in named])
    roles = {(kind, role): target for kind, refs in REFERENCES.items() for role, _path, target in refs}
    found = [(rid, role, golden_of[rid], roles[kind, role], ref, partner)
             for rid, role, ref, kind, partner in named if rid in golden_of]
    return Relinks(targets, sorted({rid for rid, *_rest in named}), _looked_up(conn, found))


def follow_successors(conn: Connection, retired: dict[str, list[str]], again: Relinks) -> None:
    """A link to a retired golden record moves to its successor; to a split one, or one retired
    without a successor, it is looked up again (``again``, from :func:`relinks`)."""
    single = [{"b_old": old, "target_id": succ[0]} for old, succ in sorted(retired.items()) if len(succ) == 1]
    if single:
        conn.execute(update(LINKS).where(LINKS.c.target_id == bindparam("b_old")), single)
    if again.rids:
        conn.execute(delete(LINKS).where(one_of(conn, LINKS.c.source_record_id, again.rids),
                                         one_of(conn, LINKS.c.target_id, again.targets)))
        insert_rows(conn, LINKS, COLUMNS, _resolved(conn, again.wanted))


def links_of(conn: Connection, golden_id: str) -> list[dict[str, Any]]:
    """The links of a golden record's sources (for ``wushe show``)."""
    query = select(LINKS).where(LINKS.c.golden_id == golden_id).order_by(LINKS.c.role, LINKS.c.source_record_id)
    return [dict(row._mapping) for row in conn.execute(query)]


def golden_targets(conn: Connection, golden_ids: list[str]) -> dict[str, dict[str, list[str]]]:
    """golden id -> role -> linked golden ids (for exports)."""
    out: dict[str, dict[str, list[str]]] = {}
    query = select(LINKS.c.golden_id, LINKS.c.role, LINKS.c.target_id).where(
        one_of(conn, LINKS.c.golden_id, golden_ids), LINKS.c.target_id.is_not(None))
    for gid, role, target in conn.execute(query):
        roles = out.setdefault(gid, {})
        if target not in roles.setdefault(role, []):
            roles[role].append(target)
    return out

