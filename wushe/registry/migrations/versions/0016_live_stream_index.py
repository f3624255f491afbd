"""live stream index: a full export's withdrawal finds its stream's live rows by index

Revision ID: 0016_live_stream_index
Revises: 0015_run_key_fingerprint
Create Date: 2026-12-06 22:40:00

After each complete read of a full export, the sync looks for the stream's live records the read
neither stored nor returned unchanged. Without an index that meant reading the whole source record
table, payloads and all, once per full-export stream every night. A partial index over the live
rows only, with the time each was last stored, answers it from the index alone.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_live_stream_index"
down_revision = "0015_run_key_fingerprint"
branch_labels = None
depends_on = None

LIVE = sa.text("withdrawn_at IS NULL")


def upgrade() -> None:
    op.create_index("ix_source_record_live_stream", "source_record", ["partner", "stream", "last_seen_at"],
                    sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index("ix_source_record_live_stream", table_name="source_record")
