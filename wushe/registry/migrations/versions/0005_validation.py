"""validation: quarantine severity, dedup and replay columns; per-field validation results

Revision ID: 0005_validation
Revises: 0001
Create Date: 2026-11-24 05:10:00
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0005_validation"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("quarantine_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.String(length=8), server_default="error", nullable=False))
        batch_op.add_column(sa.Column("envelope", JSON, nullable=True))
        batch_op.add_column(sa.Column("content_hash", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_run_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("times_seen", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index("ix_quarantine_item_source", ["partner", "kind", "source_id"], unique=False)

    with op.batch_alter_table("validation_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("field", sa.String(length=128), server_default="", nullable=False))
        batch_op.add_column(sa.Column("expectation", sa.String(length=96), nullable=True))
        batch_op.add_column(sa.Column("kwargs", JSON, nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_validation_result_run_id_partner_stream_kind_rule_id_field"),
            ["run_id", "partner", "stream", "kind", "rule_id", "field"],
        )


def downgrade() -> None:
    with op.batch_alter_table("validation_result", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_validation_result_run_id_partner_stream_kind_rule_id_field"), type_="unique")
        batch_op.drop_column("kwargs")
        batch_op.drop_column("expectation")
        batch_op.drop_column("field")

    with op.batch_alter_table("quarantine_item", schema=None) as batch_op:
        batch_op.drop_index("ix_quarantine_item_source")
        batch_op.drop_column("times_seen")
        batch_op.drop_column("last_run_id")
        batch_op.drop_column("last_seen_at")
        batch_op.drop_column("content_hash")
        batch_op.drop_column("envelope")
        batch_op.drop_column("severity")
