"""match block delta: a pass stores what it changed in a kind's blocking index, not the index

Revision ID: 0018_match_block_delta
Revises: 0017_golden_nan_text
Create Date: 2026-12-08 02:45:00

A nightly delta touches nearly every partition of a kind's blocking index (its keys are hashes),
so rewriting the partitions it changed rewrote the index: 50 MB a night for a million records.
The pass now stores the records whose keys it dropped and the keys it added; the index is
rewritten whole by a full pass or once a kind has several of these.
"""

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0018_match_block_delta"
down_revision = "0017_golden_nan_text"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_block_delta",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dropped", sa.LargeBinary(), nullable=False),
        sa.Column("keys", sa.LargeBinary(), nullable=False),
        sa.Column("rids", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "seq", name=op.f("pk_match_block_delta")),
    )
    if op.get_bind().dialect.name == "postgresql":  # hashes and ids do not compress (see 0014)
        op.execute("ALTER TABLE match_block_delta ALTER COLUMN dropped SET STORAGE EXTERNAL, "
                   "ALTER COLUMN keys SET STORAGE EXTERNAL, ALTER COLUMN rids SET STORAGE EXTERNAL")


def downgrade() -> None:
    """Each kind's deltas folded into its partitions, as the earlier version stores the index."""
    bind = op.get_bind()
    kinds = [kind for (kind,) in bind.execute(sa.text("SELECT DISTINCT kind FROM match_block_delta"))]
    for kind in kinds:
        base = bind.execute(sa.text("SELECT keys, rids FROM match_block WHERE kind = :kind"), {"kind": kind}).all()
        keys = np.concatenate([np.frombuffer(k, dtype="<i8") for k, _r in base] + [np.empty(0, dtype="<i8")])
        rids = np.concatenate([np.frombuffer(r, dtype="<i8") for _k, r in base] + [np.empty(0, dtype="<i8")])
        deltas = bind.execute(sa.text("SELECT dropped, keys, rids FROM match_block_delta WHERE kind = :kind "
                                      "ORDER BY seq"), {"kind": kind})
        for dropped, added_keys, added_rids in deltas:
            kept = ~np.isin(rids, np.frombuffer(dropped, dtype="<i8"))
            keys = np.concatenate([keys[kept], np.frombuffer(added_keys, dtype="<i8")])
            rids = np.concatenate([rids[kept], np.frombuffer(added_rids, dtype="<i8")])
        order = np.lexsort((rids, keys))
        keys, rids = keys[order], rids[order]
        parts = (keys.view(np.uint64) >> np.uint64(54)).astype(np.int64)  # 1024 partitions: the top 10 bits
        bind.execute(sa.text("DELETE FROM match_block WHERE kind = :kind"), {"kind": kind})
        for part in np.unique(parts).tolist():
            mine = parts == part
            bind.execute(sa.text("INSERT INTO match_block (kind, part, keys, rids) VALUES (:kind, :part, :keys, :rids)"),
                         {"kind": kind, "part": part, "keys": keys[mine].tobytes(), "rids": rids[mine].tobytes()})
    op.drop_table("match_block_delta")
