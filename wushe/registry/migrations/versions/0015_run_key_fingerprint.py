"""run key fingerprint: which secret key each sync run hashed identifiers with

Revision ID: 0015_run_key_fingerprint
Revises: 0014_match_block_uncompressed
Create Date: 2026-12-06 21:10:00

A sync started with another key than the registry's (a key file in another folder) would hash
every ID number and phone anew, and nothing would match what is stored; each run now records its
key's fingerprint, and a run with another is refused. A nullable column: the first run after the
upgrade records the key in use.
"""

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0015_run_key_fingerprint"
down_revision = "0014_match_block_uncompressed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sync_run", sa.Column("key_fingerprint", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # in place, as 0013 drops its column: stream runs keep foreign keys to the runs
    if op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35):
        op.drop_column("sync_run", "key_fingerprint")
