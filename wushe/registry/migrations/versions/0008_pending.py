"""pending: source records changed since resolution last saw them

Revision ID: 0008_pending
Revises: 0007_sync
Create Date: 2026-11-24 07:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0008_pending"
down_revision = "0007_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.true()))
    # records already resolved before this column existed are not pending
    op.execute("UPDATE source_record SET pending = false WHERE id IN (SELECT source_record_id FROM cross_reference)")
    op.create_index("ix_source_record_pending", "source_record", ["kind", "id"],
                    sqlite_where=sa.text("pending"), postgresql_where=sa.text("pending"))


def downgrade() -> None:
    op.drop_index("ix_source_record_pending", table_name="source_record")
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_column("pending")
