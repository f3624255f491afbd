"""sync: the stream that delivers each source record

Revision ID: 0007_sync
Revises: 0006_resolution
Create Date: 2026-11-24 06:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0007_sync"
down_revision = "0006_resolution"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stream", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_column("stream")
