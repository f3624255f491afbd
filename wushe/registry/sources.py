"""Writing source records in bulk.

A batch is classified against the stored rows in one keyed lookup per partner and kind: a new
record is one inserted row; a changed record first has its current version copied to
``source_version`` (one set-based statement for the batch), then its row updated; an unchanged one
only gets a fresh ``last_seen_at``. Everything runs on the caller's connection, inside the caller's
transaction, so a batch's source writes commit together with its merge, quarantine rows and cursor.

This is the registry's hottest loop (a million records a night), so the per-record work is kept to
one pass: protect, encode, hash, and build the row; what is cheaper a column at a time (timestamps)
or once for the batch (its partner, kind, run) is done so, and the cyclic garbage collector waits
until the batch is written.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Collection, Mapping, NamedTuple, Sequence

import orjson
from sqlalchemy import ColumnElement, Connection, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from wushe.contract import Record
from wushe.gcpause import cyclic_gc_paused
from wushe.privacy import IdDigest, id_number_hasher, protect_payload
from wushe.registry.bulk import Cells, insert_columns, reserved_ids, update_rows
from wushe.registry.models import PendingRecord, QuarantineItem, SourceRecord, SourceVersion
from wushe.registry.sets import one_of

HEAD = SourceRecord.__table__
HISTORY = SourceVersion.__table__
QUARANTINE = QuarantineItem.__table__
PENDING = PendingRecord.__table__
# a new row's own columns, as the loop collects them; _insert_new adds the batch's time and constants
NEW_COLUMNS = ("source_id", "content_hash", "deleted", "payload", "source_updated_at", "fetched_at", "withdrawn_at",
               "row_hash")
# a changed row's new content, in place (``wushe.registry.bulk.update_rows``)
UPDATED_COLUMNS = ("stream", "version", "content_hash", "deleted", "payload", "source_updated_at", "fetched_at",
                   "changed_at", "last_seen_at", "withdrawn_at", "last_run_id", "row_hash")
HISTORY_COLUMNS = ("source_record_id", "version", "content_hash", "deleted", "payload", "source_updated_at",
                   "fetched_at", "recorded_at", "superseded_at", "run_id")
# what is hashed is encoded canonically: key order does not matter
CANONICAL_JSON = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


@dataclass
class WriteCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __iadd__(self, other: "WriteCounts") -> "WriteCounts":
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        return self


class Head(NamedTuple):
    id: int
    version: int
    content_hash: str
    withdrawn: bool
    stream: str | None
    row_hash: str | None  # digest of the partner row it was last mapped from (see wushe.registry.known_rows)


@dataclass
class WriteResult:
    """What a batch write did: counts, and the records whose content changed (for resolution)."""

    counts: WriteCounts
    # (partner, kind, source_id, change) for every new, updated or deleted record; unchanged ones are not listed
    touched: list[tuple[str, str, str, str]]


def encode_payload(payload: dict[str, Any], deleted: bool = False) -> tuple[str, str]:
    """The payload's stored JSON and its content digest (key order does not matter)."""
    body = orjson.dumps(payload, option=CANONICAL_JSON)
    return body.decode(), _digest(body, deleted)


def _digest(body: bytes, deleted: bool) -> str:
    return hashlib.blake2b(body + b"\x00deleted" if deleted else body, digest_size=16).hexdigest()


class Encoded(NamedTuple):
    """A record's payload as stored: privacy-protected, encoded, and its content digest."""

    payload: dict[str, Any]
    body: bytes
    digest: str


def encode_record(rec: Record, id_digest: IdDigest | None = None) -> Encoded:
    """``id_digest``: one :func:`~wushe.privacy.id_number_hasher` for a whole batch's records."""
    payload = protect_payload(rec.get("payload") or {}, id_digest)
    body = orjson.dumps(payload, option=CANONICAL_JSON)
    return Encoded(payload, body, _digest(body, bool(rec.get("deleted"))))


Key = tuple[str, str, str]  # partner, kind, source id


def encode_records(records: Sequence[Record], made: Mapping[Key, Encoded] | None = None) -> dict[Key, Encoded]:
    """Each record's stored form by key, the last one for a key winning as in
    :func:`write_source_records`: pure work, done before the write transaction that is given it.
    ``made`` holds those already made of these records (:attr:`Sorted.encoded`)."""
    made = made or {}
    out = {}
    id_digest = id_number_hasher()
    for r in records:
        key = (r["partner"], r["kind"], r["source_id"])
        out[key] = made.get(key) or encode_record(r, id_digest)
    return out


@dataclass
class Sorted:
    """A batch split by whether the registry already holds each record exactly as it is."""

    changed: list[Record]  # new, changed, re-appearing, or repeated within the batch
    seen: list[int]  # the stored rows of the unchanged ones, for mark_seen or withdraw_unseen's sightings
    # (stored row, row digest) of unchanged ones whose partner row now reads differently (a field
    # not mapped changed, or the row had no digest yet), for remember_row_digests
    restamped: list[tuple[int, str]]
    # the stored form of the changed records that were compared with their stored rows (each the only
    # one of its key in the batch), for encode_records: encoding a record is most of comparing it
    encoded: dict[Key, Encoded]


def sort_unchanged(conn: Connection, records: Sequence[Record], row_digests: dict[str, str] | None = None,
                   stream: str | None = None) -> Sorted:
    """Find the records whose stored content is already exactly this (and still live).

    They need neither validating (they passed when they arrived) nor merging, only a sighting: on
    a full export, that is most of a night. A key repeated within the batch counts as changed, so
    the batch's last-one-wins order stays with the writer; so does a key with a quarantine item
    still open, so that validation can close it, and one stored from another ``stream``
    than the one read, so that the writer moves it. ``row_digests`` (by source id, see
    :class:`~wushe.connector.Batch`) are the partner rows' digests, kept with the rows.
    """
    row_digests = row_digests or {}
    repeated = Counter((r["partner"], r["kind"], r["source_id"]) for r in records)
    groups: dict[tuple[str, str], list[Record]] = {}
    for rec in records:
        groups.setdefault((rec["partner"], rec["kind"]), []).append(rec)
    out = Sorted([], [], [], {})
    id_digest = id_number_hasher()
    for (partner, kind), group in groups.items():
        ids = [r["source_id"] for r in group]
        heads = existing_heads(conn, partner, kind, ids)
        questioned = questioned_ids(conn, partner, kind, [i for i in ids if i in heads])
        for rec in group:
            old = heads.get(rec["source_id"])
            if comparable(old, repeated[(partner, kind, rec["source_id"])], bool(rec.get("deleted")), stream) and (
                    rec["source_id"] not in questioned):
                encoded = encode_record(rec, id_digest)
                if encoded.digest == old.content_hash:
                    out.seen.append(old.id)
                    digest = row_digests.get(rec["source_id"])
                    if digest is not None and digest != old.row_hash:
                        out.restamped.append((old.id, digest))
                    continue
                out.encoded[(partner, kind, rec["source_id"])] = encoded
            out.changed.append(rec)
    return out


def comparable(head: Head | None, repeats: int, deleted: bool = False, stream: str | None = None) -> bool:
    """Whether a record read may count as unchanged against its stored row ``head``: there is one,
    the record came once in its batch (else the batch's last-one-wins order stays with the writer),
    the row is live, unless the record is a tombstone, and it was stored from the ``stream`` read
    (else the writer moves it to that stream, whose full export then answers for it). A source id
    with an open quarantine item (:func:`questioned_ids`) may not either, so that validation can
    close it."""
    return (head is not None and repeats == 1 and (not head.withdrawn or deleted)
            and (stream is None or head.stream == stream))


def questioned_ids(conn: Connection, partner: str, kind: str, ids: Sequence[str]) -> set[str]:
    """Which of these source ids have an open quarantine item: a later version of the stored row was
    rejected. A flagged item is not a question: it was written with the version stored (a rejected
    version supersedes it, a clean one closes it), so a row read again as stored would only be
    flagged again; its item counts the sighting (``quarantine.flagged_seen_again``)."""
    return set(conn.scalars(select(QUARANTINE.c.source_id).where(
        QUARANTINE.c.partner == partner, QUARANTINE.c.kind == kind, QUARANTINE.c.status == "open",
        one_of(conn, QUARANTINE.c.source_id, ids))))


def existing_heads(conn: Connection, partner: str, kind: str, ids: Sequence[str]) -> dict[str, Head]:
    """The stored rows for these source ids of one partner and kind (a whole batch's ids in one
    statement: see ``wushe.registry.sets``)."""
    query = select(HEAD.c.id, HEAD.c.source_id, HEAD.c.version, HEAD.c.content_hash, HEAD.c.withdrawn_at,
                   HEAD.c.stream, HEAD.c.row_hash).where(HEAD.c.partner == partner, HEAD.c.kind == kind,
                                                         one_of(conn, HEAD.c.source_id, ids))
    return {source_id: Head(row_id, version, digest, withdrawn is not None, stream, row_hash)
            for row_id, source_id, version, digest, withdrawn, stream, row_hash in conn.execute(query)}


def write_source_records(
    conn: Connection,
    records: Sequence[Record],
    *,
    run_id: str | None = None,
    stream: str | None = None,
    now: datetime | None = None,
    row_digests: dict[str, str] | None = None,
    encoded: Mapping[Key, Encoded] | None = None,
) -> WriteResult:
    """Store a batch of contract records; returns the counts and which records changed.

    Within one batch the last record for a key wins, as it would arriving one after another.
    ``row_digests`` (by source id: a batch of one stream) are kept with the rows they came from.
    ``encoded`` holds the records' :func:`encode_records`, where already made.
    """
    now = now or datetime.now(timezone.utc)
    groups: dict[tuple[str, str], dict[str, Record]] = {}
    for rec in records:
        groups.setdefault((rec["partner"], rec["kind"]), {})[rec["source_id"]] = rec
    result = WriteResult(WriteCounts(), [])
    with cyclic_gc_paused():
        for (partner, kind), by_id in groups.items():
            result.counts += _write_group(conn, partner, kind, by_id, run_id, stream, now, result.touched,
                                          row_digests or {}, encoded or {})
    return result


def _write_group(
    conn: Connection,
    partner: str,
    kind: str,
    by_id: dict[str, Record],
    run_id: str | None,
    stream: str | None,
    now: datetime,
    touched: list[tuple[str, str, str, str]],
    row_digests: dict[str, str],
    encoded: Mapping[Key, Encoded],
) -> WriteCounts:
    cells = Cells(conn.dialect.name)
    at = cells.ts(now)
    existing = existing_heads(conn, partner, kind, list(by_id))
    tally: Counter[str] = Counter()
    fresh: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []  # in UPDATED_COLUMNS order, then the stored row's id
    seen: list[int] = []
    id_digest = id_number_hasher()

    for source_id, rec in by_id.items():
        deleted = bool(rec.get("deleted"))
        _payload, body, digest = encoded.get((partner, kind, source_id)) or encode_record(rec, id_digest)
        old = existing.get(source_id)
        if old is None:
            change = "deleted" if deleted else "new"
            fresh.append((source_id, digest, deleted, body.decode(), rec.get("source_updated_at"),
                          rec.get("fetched_at"), at if deleted else None, row_digests.get(source_id)))
        elif comparable(old, 1, deleted) and old.content_hash == digest:  # by_id holds each key once
            seen.append(old.id)
            tally["unchanged"] += 1
            continue
        else:
            change = "deleted" if deleted else "updated"
            changed.append((stream or old.stream, old.version + 1, digest, deleted, body.decode(),
                            cells.ts(rec.get("source_updated_at")), cells.ts(rec.get("fetched_at")), at, at,
                            at if deleted else None, run_id, row_digests.get(source_id), old.id))
        tally[change] += 1
        touched.append((partner, kind, source_id, change))

    if fresh:
        ids = reserved_ids(conn, HEAD, len(fresh))
        _insert_new(conn, cells, fresh, at, {"partner": partner, "kind": kind, "stream": stream, "version": 1,
                                             "last_run_id": run_id}, ids)
        if ids is None:
            _queue_for_resolution(conn, HEAD.c.partner == partner, HEAD.c.kind == kind,
                                  one_of(conn, HEAD.c.source_id, [row[0] for row in fresh]))
        else:  # rows this transaction created: none of them can be queued already
            insert_columns(conn, PENDING, {"source_record_id": ids}, constants={"kind": kind})
    if changed:
        ids = [row[-1] for row in changed]
        _keep_current_versions(conn, ids, now)
        update_rows(conn, HEAD, "id", UPDATED_COLUMNS, changed)
        _queue_for_resolution(conn, one_of(conn, HEAD.c.id, ids))
    mark_seen(conn, seen, stream=stream, run_id=run_id, now=now)
    return WriteCounts(tally["new"], tally["updated"], tally["unchanged"], tally["deleted"])


def _queue_for_resolution(conn: Connection, *where: ColumnElement[bool]) -> None:
    """Mark the source records found by ``where`` pending resolution (``pending_record``); one
    already pending stays so."""
    upsert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    found = select(HEAD.c.id, HEAD.c.kind).where(*where)
    conn.execute(upsert(PENDING).from_select(["source_record_id", "kind"], found).on_conflict_do_nothing())


def _insert_new(conn: Connection, cells: Cells, rows: list[tuple[Any, ...]], at: str | None,
                constants: dict[str, Any], ids: list[int] | None = None) -> None:
    """Insert new rows (in ``NEW_COLUMNS`` order, timestamps as received), all first seen ``at``,
    with these ``ids`` (:func:`~wushe.registry.bulk.reserved_ids`) or the ones the database gives.

    Timestamps are converted a whole column at a time, at a fifth of the cost of one by one.
    """
    columns: dict[str, Sequence[Any]] = dict(zip(NEW_COLUMNS, zip(*rows)))
    if ids is not None:
        columns["id"] = ids
    for name in ("source_updated_at", "fetched_at"):
        columns[name] = cells.ts_column(columns[name])
    seen = [at] * len(rows)
    columns.update(first_seen_at=seen, changed_at=seen, last_seen_at=seen)
    insert_columns(conn, HEAD, columns, constants=constants)


def mark_seen(conn: Connection, row_ids: Sequence[int], *, stream: str | None = None, run_id: str | None = None,
              now: datetime | None = None) -> None:
    """These stored rows arrived again unchanged: only their ``last_seen_at`` moves."""
    values = {"last_seen_at": now or datetime.now(timezone.utc), "last_run_id": run_id,
              **({"stream": stream} if stream else {})}
    if len(row_ids):
        conn.execute(update(HEAD).where(one_of(conn, HEAD.c.id, row_ids)).values(values))


def remember_row_digests(conn: Connection, rows: Sequence[tuple[int, str]]) -> None:
    """Keep these (stored row, row digest) pairs: the partner rows now read this way."""
    if rows:
        update_rows(conn, HEAD, "id", ("row_hash",), [(digest, row_id) for row_id, digest in rows])


def _keep_current_versions(conn: Connection, ids: Sequence[int], now: datetime) -> None:
    """Copy these rows' current content into the history before it is replaced."""
    if not len(ids):
        return
    current = select(
        HEAD.c.id, HEAD.c.version, HEAD.c.content_hash, HEAD.c.deleted, HEAD.c.payload, HEAD.c.source_updated_at,
        HEAD.c.fetched_at, HEAD.c.changed_at, literal(now, HISTORY.c.superseded_at.type), HEAD.c.last_run_id,
    ).where(one_of(conn, HEAD.c.id, ids))
    conn.execute(insert(HISTORY).from_select(HISTORY_COLUMNS, current))


def keep_seen(conn: Connection, partner: str, kind: str, source_ids: Sequence[str], *, run_id: str | None = None,
              now: datetime | None = None) -> None:
    """These records arrived but could not be taken (quarantined, unreadable): their last good
    version stays live, so a full export's withdrawal must not count them as gone."""
    now = now or datetime.now(timezone.utc)
    if len(source_ids):
        conn.execute(update(HEAD).where(HEAD.c.partner == partner, HEAD.c.kind == kind,
                                        one_of(conn, HEAD.c.source_id, source_ids),
                                        HEAD.c.withdrawn_at.is_(None)).values(last_seen_at=now, last_run_id=run_id))


def withdraw_unseen(conn: Connection, partner: str, stream: str, seen_since: datetime, *,
                    sighted: Collection[int] = (), run_id: str | None = None,
                    now: datetime | None = None) -> list[tuple[str, str, str, str]]:
    """After a complete read of a full-export stream: withdraw its records the read did not return,
    neither stored since ``seen_since`` nor among the ``sighted`` rows (read unchanged, which the
    sync counts rather than writes: on PostgreSQL a changed time rewrites the whole row).

    Returns them as touched keys (change ``"withdrawn"``) for resolution.
    """
    now = now or datetime.now(timezone.utc)
    unseen = conn.scalars(select(HEAD.c.id).where(
        HEAD.c.partner == partner, HEAD.c.stream == stream, HEAD.c.withdrawn_at.is_(None),
        HEAD.c.last_seen_at < seen_since))
    sightings = set(sighted)
    gone = sorted(row_id for row_id in unseen if row_id not in sightings)
    if not gone:
        return []
    found = conn.execute(select(HEAD.c.kind, HEAD.c.source_id).where(one_of(conn, HEAD.c.id, gone))).all()
    conn.execute(update(HEAD).where(one_of(conn, HEAD.c.id, gone)).values(withdrawn_at=now, last_run_id=run_id))
    _queue_for_resolution(conn, one_of(conn, HEAD.c.id, gone))
    return [(partner, kind, source_id, "withdrawn") for kind, source_id in found]
