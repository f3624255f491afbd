"""source row hash: the digest of the partner row each source record was mapped from

Revision ID: 0013_source_row_hash
Revises: 0012_derived_without_fks
Create Date: 2026-12-06 18:10:00

A full export delivers every row every night; a row that reads exactly as it did last time maps to
the record already stored, so the sync leaves it unmapped. A nullable column: existing rows get
their digest the first time they are read again.
"""

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0013_source_row_hash"
down_revision = "0012_derived_without_fks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("source_record", sa.Column("row_hash", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # in place, as 0011 drops its column: a copy of the table cannot be swapped in under the foreign
    # keys that point at a filled registry's source records (a SQLite before 3.35 keeps it, unused)
    if op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35):
        op.drop_column("source_record", "row_hash")
