"""match block uncompressed: PostgreSQL stores the blocking index's posting lists as they are

Revision ID: 0014_match_block_uncompressed
Revises: 0013_source_row_hash
Create Date: 2026-12-06 19:20:00

The posting lists are sorted 64-bit hashes and the record ids they point at: nothing a compressor
can shrink, yet PostgreSQL tries on every value over 2 kB. A nightly delta rewrites most of the
index (tens of megabytes); the attempts were more than half of writing it. EXTERNAL keeps large
values out of line, uncompressed. SQLite has no such setting.
"""

from alembic import op

revision = "0014_match_block_uncompressed"
down_revision = "0013_source_row_hash"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _storage("EXTERNAL")


def downgrade() -> None:
    _storage("EXTENDED")


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE match_block ALTER COLUMN keys SET STORAGE {kind}, ALTER COLUMN rids SET STORAGE {kind}")
