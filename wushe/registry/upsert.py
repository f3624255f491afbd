"""INSERT ... ON CONFLICT DO UPDATE on both registry backends."""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import Connection, Table


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """Insert ``rows``; where a row with the same ``keys`` exists, update its other columns."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    changing = [c for c in rows[0] if c not in keys]
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in changing})
    conn.execute(stmt, list(rows))
