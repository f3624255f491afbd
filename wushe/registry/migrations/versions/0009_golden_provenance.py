"""golden provenance: each golden record's field sources in one column instead of a row per field

Revision ID: 0009_golden_provenance
Revises: 0008_pending
Create Date: 2026-12-06 07:00:00

A golden record's provenance was a row per field repeating the value and the source's partner, id
and times; at a million source records that was ten million rows to write each night. It is now a
mapping ``field -> [source record id, rule]`` on the golden record (``wushe.registry.provenance``);
the rest is read from ``source_record`` when shown.
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from wushe.registry.provenance import field_sources

revision = "0009_golden_provenance"
down_revision = "0008_pending"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("golden_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provenance", JSON, nullable=True))
    conn = op.get_bind()
    golden = sa.table("golden_record", sa.column("id", sa.String), sa.column("provenance", JSON))
    rows = conn.execute(sa.text("SELECT golden_id, field, source_record_id, rule FROM field_provenance "
                                "ORDER BY golden_id, field"))
    mapping: dict[str, dict[str, list]] = defaultdict(dict)
    for golden_id, field, rid, rule in rows:
        mapping[golden_id][field] = [rid, rule]
        if len(mapping) >= BATCH:
            _store(conn, golden, mapping)
    _store(conn, golden, mapping)
    op.drop_table("field_provenance")


def _store(conn: sa.Connection, golden: sa.TableClause, mapping: dict[str, dict[str, list]]) -> None:
    if mapping:
        conn.execute(golden.update().where(golden.c.id == sa.bindparam("b_id")),
                     [{"b_id": gid, "provenance": fields} for gid, fields in mapping.items()])
        mapping.clear()


def downgrade() -> None:
    conn = op.get_bind()
    golden = sa.table("golden_record", sa.column("id"), sa.column("data", JSON), sa.column("provenance", JSON))
    rows = []
    for gid, data, fields in conn.execute(sa.select(golden.c.id, golden.c.data, golden.c.provenance)
                                          .where(golden.c.provenance.is_not(None))).all():
        for field, rid, rule in field_sources(data or {}, fields):
            rows.append({"golden_id": gid, "field": field, "value": (data or {}).get(field),
                         "source_record_id": rid, "rule": rule})
    # dropped before field_provenance refers to golden_record (SQLite rebuilds the table to drop it)
    with op.batch_alter_table("golden_record", schema=None) as batch_op:
        batch_op.drop_column("provenance")
    op.create_table(
        "field_provenance",
        sa.Column("golden_id", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("source_record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=128), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.String(length=64), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["golden_id"], ["golden_record.id"],
                                name=op.f("fk_field_provenance_golden_id_golden_record")),
        sa.ForeignKeyConstraint(["source_record_id"], ["source_record.id"],
                                name=op.f("fk_field_provenance_source_record_id_source_record")),
        sa.PrimaryKeyConstraint("golden_id", "field", name=op.f("pk_field_provenance")),
    )
    provenance = sa.table("field_provenance", sa.column("value", JSON), *(sa.column(c) for c in (
        "golden_id", "field", "source_record_id", "partner", "source_id", "fetched_at", "source_changed_at", "rule")))
    source = sa.table("source_record", sa.column("id"), sa.column("partner"), sa.column("source_id"),
                      sa.column("fetched_at"), sa.column("source_updated_at"))
    sources = {r.id: r for r in conn.execute(sa.select(source))}
    for start in range(0, len(rows), BATCH):
        chunk = []
        for row in rows[start : start + BATCH]:
            found = sources[row["source_record_id"]]
            chunk.append(dict(row, partner=found.partner, source_id=found.source_id, fetched_at=found.fetched_at,
                              source_changed_at=found.source_updated_at))
        conn.execute(provenance.insert(), chunk)
