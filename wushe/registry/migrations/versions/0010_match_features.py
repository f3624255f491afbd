"""match features: each source record's match features as resolution last computed them

Revision ID: 0010_match_features
Revises: 0009_golden_provenance
Create Date: 2026-12-06 11:00:00

A nightly delta compares the records it touched with their blocking candidates, tens of thousands
at a million source records; it reads their features from this table instead of decoding and
parsing their payloads again. Filled by the next resolution pass; a record without a row here has
its features computed from its payload, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_match_features"
down_revision = "0009_golden_provenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_feature",
        sa.Column("source_record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["source_record_id"], ["source_record.id"],
                                name=op.f("fk_match_feature_source_record_id_source_record")),
        sa.PrimaryKeyConstraint("source_record_id", name=op.f("pk_match_feature")),
    )


def downgrade() -> None:
    op.drop_table("match_feature")
