"""golden nan text: a missing name or division stored as the text 'nan' is a missing one again

Revision ID: 0017_golden_nan_text
Revises: 0016_live_stream_index
Create Date: 2026-12-07 04:55:00

A golden record with a single source took its display name and division from a pandas column of
text, where a missing value is NaN; PostgreSQL stored that as the text 'nan' or 'NaN' (SQLite as
NULL). A division code is digits, and no partner's record is named so, so those values are cleared.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_golden_nan_text"
down_revision = "0016_live_stream_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in ("display_name", "division_code"):
        op.execute(sa.text(f"UPDATE golden_record SET {column} = NULL WHERE lower({column}) = 'nan'"))


def downgrade() -> None:
    """Nothing to undo: the values cleared were never data."""
