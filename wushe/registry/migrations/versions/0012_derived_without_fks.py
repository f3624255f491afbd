"""derived without foreign keys: cross-references, links and match features check no parent per row

Revision ID: 0012_derived_without_fks
Revises: 0011_pending_table
Create Date: 2026-12-06 17:00:00

Only a resolution pass writes these tables, in the transaction that read the source and golden
records they point at, and those records are never deleted. The per-row checks of their foreign
keys cost PostgreSQL 8 of a first night's 90 resolution seconds for the cross-references alone.
On SQLite a constraint is dropped by copying the table (Alembic's batch mode); no other table
points at these, so the copy's swap is allowed.
"""

from alembic import op

revision = "0012_derived_without_fks"
down_revision = "0011_pending_table"
branch_labels = None
depends_on = None

# table -> (column, referred table) of each foreign key dropped
DROPPED = {
    "cross_reference": (("golden_id", "golden_record"), ("source_record_id", "source_record")),
    "golden_link": (("source_record_id", "source_record"),),
    "match_feature": (("source_record_id", "source_record"),),
}


def _name(table: str, column: str, referred: str) -> str:
    return f"fk_{table}_{column}_{referred}"


def upgrade() -> None:
    for table, keys in DROPPED.items():
        with op.batch_alter_table(table) as batch:
            for column, referred in keys:
                batch.drop_constraint(_name(table, column, referred), type_="foreignkey")


def downgrade() -> None:
    for table, keys in DROPPED.items():
        with op.batch_alter_table(table) as batch:
            for column, referred in keys:
                batch.create_foreign_key(_name(table, column, referred), referred, [column], ["id"])
