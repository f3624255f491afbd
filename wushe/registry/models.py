"""SQLAlchemy models of the registry (design §6).

Naming: tables are singular nouns; timestamps are timezone-aware UTC; JSON columns use JSONB on
PostgreSQL. Bulk paths write through Core (see ``sources.py``), never row by row through the ORM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Json = JSON().with_variant(JSONB(), "postgresql")
# SQLite only aliases the rowid for a column declared exactly INTEGER PRIMARY KEY
BigId = BigInteger().with_variant(Integer(), "sqlite")
Timestamp = DateTime(timezone=True)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: Json, list[Any]: Json, datetime: Timestamp}


class SyncRun(Base):
    """One sync: a nightly run, a single-partner rerun, a backfill or a quarantine replay."""

    __tablename__ = "sync_run"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    trigger: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    # the secret key's fingerprint (wushe.settings.key_fingerprint): a run with another key is refused
    key_fingerprint: Mapped[str | None] = mapped_column(String(16))


class StreamRun(Base):
    """What one partner stream did within a sync run: counts, timing, outcome."""

    __tablename__ = "stream_run"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("sync_run.id"), index=True)
    partner: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    valid: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    gate: Mapped[dict[str, Any] | None]
    __table_args__ = (Index("ix_stream_run_partner_stream", "partner", "stream", "started_at"),)


class StreamState(Base):
    """A partner stream's incremental cursor, committed with the batch that advanced it."""

    __tablename__ = "stream_state"
    partner: Mapped[str] = mapped_column(String(64), primary_key=True)
    stream: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
    run_id: Mapped[str | None] = mapped_column(ForeignKey("sync_run.id"))


class SourceRecord(Base):
    """A partner record as last received: one row per (partner, kind, source_id).

    The row holds the current version; when the content changes, the old version is first copied
    to ``source_version``, so no received content is ever lost.
    """

    __tablename__ = "source_record"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    partner: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(128))
    # the partner stream that delivers it: a full export withdraws what it no longer contains
    stream: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(32))
    # digest of the partner row the content was mapped from, keyed by how rows are mapped: the same
    # row read again needs no mapping (wushe.registry.known_rows); None where it is not known
    row_hash: Mapped[str | None] = mapped_column(String(32))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict[str, Any]]
    source_updated_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime]
    changed_at: Mapped[datetime]
    # when a read last returned it; a full export's unchanged rows are not stamped one by one: its
    # last complete read (stream_run) returned every row it left live
    last_seen_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    last_run_id: Mapped[str | None] = mapped_column(String(40))
    # source_id leads so a batch's keyed lookup is an index probe per key even before the planner
    # has statistics (with partner first, PostgreSQL scans the whole partner on a first load)
    __table_args__ = (
        UniqueConstraint("source_id", "partner", "kind"),
        # a full export's withdrawal reads its stream's live rows not stored since the read began:
        # without it, a scan of every partner's records (and their payloads) per stream, each night
        Index("ix_source_record_live_stream", "partner", "stream", "last_seen_at",
              sqlite_where=text("withdrawn_at IS NULL"), postgresql_where=text("withdrawn_at IS NULL")),
    )


class PendingRecord(Base):
    """A source record changed (new, updated, deleted, withdrawn) since resolution last saw it;
    resolution resolves it and removes the row, in one transaction, so a crash between storing and
    resolving loses no work.

    A narrow table of its own rather than a flag on the source record: on PostgreSQL, clearing a
    flag writes a new version of each whole row (1,000,000 source records after a first night: 11 s).
    No foreign key: the row is written in the transaction that writes its source record, and a
    check per row would cost what the table saves."""

    __tablename__ = "pending_record"
    source_record_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))


class SourceVersion(Base):
    """An earlier content of a source record, kept when a newer one arrived. Append-only."""

    __tablename__ = "source_version"
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(32))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict[str, Any]]
    source_updated_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime]
    superseded_at: Mapped[datetime]
    run_id: Mapped[str | None] = mapped_column(String(40))


class GoldenRecord(Base):
    """One real-world entity, with a stable id that survives reruns and merges."""

    __tablename__ = "golden_record"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), default="active")
    display_name: Mapped[str | None] = mapped_column(String(512))
    division_code: Mapped[str | None] = mapped_column(String(12))
    data: Mapped[dict[str, Any]]
    # field -> [source record id, survivorship rule]: where each value of ``data`` came from (the
    # source's partner, id and times are read from ``source_record``, so they are stored once)
    provenance: Mapped[dict[str, Any] | None]
    content_hash: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    successor_ids: Mapped[list[Any] | None]
    __table_args__ = (Index("ix_golden_record_kind_status", "kind", "status"),)


# What resolution derives (cross-references, links, match features, events) carries no foreign
# keys: only a resolution pass writes it, in the transaction that read the source and golden records
# it points at, and neither kind of record is ever deleted (a source record is withdrawn, a golden
# record retired). A check per row cost PostgreSQL 8 of a first night's 90 resolution seconds for
# the cross-references alone; the resolution tests check that nothing points nowhere.


class CrossReference(Base):
    """Which golden record a source record belongs to, how sure the match is, and why."""

    __tablename__ = "cross_reference"
    source_record_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    golden_id: Mapped[str] = mapped_column(String(40), index=True)
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(24))
    explanation: Mapped[dict[str, Any] | None]
    linked_at: Mapped[datetime]
    run_id: Mapped[str | None] = mapped_column(String(40))


class GoldenEvent(Base):
    """A change in a golden record's identity: created, merged, split, retired, revived."""

    __tablename__ = "golden_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    golden_id: Mapped[str] = mapped_column(String(40), index=True)
    event: Mapped[str] = mapped_column(String(16))
    related_ids: Mapped[list[Any] | None]
    detail: Mapped[dict[str, Any] | None]
    run_id: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[datetime]


class MatchFeature(Base):
    """A source record's match features as resolution last computed them
    (``wushe.resolution.stored_features``): a delta compares its candidates from these instead of
    parsing their payloads again."""

    __tablename__ = "match_feature"
    source_record_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(16))  # of the code that computed them
    data: Mapped[bytes] = mapped_column(LargeBinary)  # JSON: the feature values in column order


class MatchBlock(Base):
    """The persistent blocking index of one record kind: which source records carry which blocking
    key (a 64-bit hash), as sorted posting lists split into partitions by the key's top bits.

    A nightly delta loads the lists, finds its comparison candidates and stores what it changed as
    a :class:`MatchBlockDelta`, instead of re-blocking the registry; a full pass writes a few
    thousand rows instead of one row per key.
    """

    __tablename__ = "match_block"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    # on PostgreSQL stored uncompressed (migration 0014): hashes and ids do not compress
    keys: Mapped[bytes] = mapped_column(LargeBinary)  # int64 little-endian, ascending
    rids: Mapped[bytes] = mapped_column(LargeBinary)  # int64 little-endian: the source record of each key


class MatchBlockDelta(Base):
    """What one resolution pass changed in a kind's blocking index: every key of the records
    ``dropped`` is gone, the (``keys``, ``rids``) pairs are added. Read after the partitions, in
    ``seq`` order; folded into them when a whole pass rewrites the index, or once there are
    several. A nightly delta changes a few percent of the index, which is rewritten whole (tens of
    megabytes) only now and then."""

    __tablename__ = "match_block_delta"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # int64 little-endian, like MatchBlock's (on PostgreSQL likewise stored uncompressed)
    dropped: Mapped[bytes] = mapped_column(LargeBinary)
    keys: Mapped[bytes] = mapped_column(LargeBinary)
    rids: Mapped[bytes] = mapped_column(LargeBinary)


class MatchModel(Base):
    """The matcher's learned Fellegi-Sunter parameters for one record kind, reused by deltas."""

    __tablename__ = "match_model"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    params: Mapped[dict[str, Any]]
    trained_at: Mapped[datetime]
    run_id: Mapped[str | None] = mapped_column(String(40))


class GoldenLink(Base):
    """A link between golden records of different kinds: a resource's provider, a volunteer's team,
    a donation's donor, recipient or need. Derived from a source record's reference."""

    __tablename__ = "golden_link"
    source_record_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    golden_id: Mapped[str] = mapped_column(String(40), index=True)
    target_id: Mapped[str | None] = mapped_column(String(40), index=True)
    method: Mapped[str] = mapped_column(String(16))
    ref: Mapped[dict[str, Any] | None]


class Override(Base):
    """A steward's decision that wins over the matcher: always link, never link, or split.

    Sides are source keys (``partner/kind/source_id``) so a decision outlives any golden id.
    """

    __tablename__ = "override"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    left_key: Mapped[str] = mapped_column(String(300))
    right_key: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (Index("ix_override_kind_active", "kind", "active"),)


class ReviewItem(Base):
    """A candidate pair between the auto-accept and auto-reject thresholds, for a steward."""

    __tablename__ = "review_item"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    left_key: Mapped[str] = mapped_column(String(300))
    right_key: Mapped[str] = mapped_column(String(300))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    run_id: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("kind", "left_key", "right_key"), Index("ix_review_item_status", "status"))


QUARANTINE_ACTIVE = ("open", "flagged")  # quarantine items still asking the partner for a correction


class QuarantineItem(Base):
    """A row a partner must correct: what it was, which rules it broke, and what became of it.

    ``severity`` ``error`` rows were rejected (status ``open`` until replayed, fixed at the source
    or dismissed); ``warning`` rows were accepted flagged and are listed for the partner's report.
    A row seen again with the same content updates its item (``times_seen``, ``last_seen_at``)
    rather than adding one per night.
    """

    __tablename__ = "quarantine_item"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = mapped_column(ForeignKey("sync_run.id"), index=True)
    partner: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(16))
    source_id: Mapped[str | None] = mapped_column(String(128))
    rule_ids: Mapped[list[Any]]
    problems: Mapped[list[Any]]
    payload: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8), default="error", server_default="error")
    envelope: Mapped[dict[str, Any] | None]
    content_hash: Mapped[str | None] = mapped_column(String(32))
    last_seen_at: Mapped[datetime | None]
    last_run_id: Mapped[str | None] = mapped_column(String(40))
    times_seen: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __table_args__ = (
        Index("ix_quarantine_item_partner_status", "partner", "status"),
        Index("ix_quarantine_item_source", "partner", "kind", "source_id"),
    )


class ValidationResult(Base):
    """How one rule fared on one field of one partner stream in one run (summed over its batches)."""

    __tablename__ = "validation_result"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = mapped_column(ForeignKey("sync_run.id"), index=True)
    partner: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    rule_id: Mapped[str] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(8))
    checked: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    field: Mapped[str] = mapped_column(String(128), default="", server_default="")
    expectation: Mapped[str | None] = mapped_column(String(96))
    kwargs: Mapped[dict[str, Any] | None]
    __table_args__ = (
        UniqueConstraint("run_id", "partner", "stream", "kind", "rule_id", "field"),
    )


class AuditLog(Base):
    """Who read or changed restricted data, and when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    target_kind: Mapped[str] = mapped_column(String(24))
    target_id: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list[Any] | None]
    detail: Mapped[dict[str, Any] | None]
    __table_args__ = (Index("ix_audit_log_target", "target_kind", "target_id"),)
