"""pending table: the source records resolution has yet to see, in a table of their own

Revision ID: 0011_pending_table
Revises: 0010_match_features
Create Date: 2026-12-06 15:00:00

Until now a flag on the source record (0008). Clearing it after a pass wrote, on PostgreSQL, a new
version of every whole row resolved (a first night: a million rows, 11 s); a row of a narrow table
is deleted instead. The records flagged now are carried over.
"""

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0011_pending_table"
down_revision = "0010_match_features"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_record",
        sa.Column("source_record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False,
                  autoincrement=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("source_record_id", name=op.f("pk_pending_record")),
    )
    op.execute("INSERT INTO pending_record (source_record_id, kind) SELECT id, kind FROM source_record WHERE pending")
    op.drop_index("ix_source_record_pending", table_name="source_record")
    # In place, not by copying the table (Alembic's batch mode on SQLite): the copy's swap drops the
    # old table, which the foreign keys pointing at a filled registry's source records forbid. A
    # SQLite older than 3.35 cannot drop a column in place; the flag then stays there, unused.
    if op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35):
        op.drop_column("source_record", "pending")


def downgrade() -> None:
    if "pending" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("source_record")}:
        op.add_column("source_record", sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE source_record SET pending = (id IN (SELECT source_record_id FROM pending_record))")
    op.create_index("ix_source_record_pending", "source_record", ["kind", "id"],
                    sqlite_where=sa.text("pending"), postgresql_where=sa.text("pending"))
    op.drop_table("pending_record")
