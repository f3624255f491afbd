"""pending table: the source records resolution has yet to see, in a table of their own

Revision ID: 0011_pending_table
Revises: 0010_match_features
Create Date: 2026-12-06 15:00:00

Until now a flag on the source record (0008). Clearing it after a pass wrote, on PostgreSQL, a new
version of every whole row resolved (a first night: a million rows, 11 s); a row of a narrow table
is deleted instead. The records flagged now are carried over.
"""

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
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_column("pending")


def downgrade() -> None:
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE source_record SET pending = true WHERE id IN (SELECT source_record_id FROM pending_record)")
    op.create_index("ix_source_record_pending", "source_record", ["kind", "id"],
                    sqlite_where=sa.text("pending"), postgresql_where=sa.text("pending"))
    op.drop_table("pending_record")
