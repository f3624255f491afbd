"""The civil-affairs database: its tables, and loading rows into SQLite, MariaDB or PostgreSQL.

Dates and times are text columns (``VARCHAR``), as in many government systems: the database then
holds what staff typed, impossible dates included, and ``update_time`` (``YYYY-MM-DD HH:MM:SS``)
still orders correctly for incremental reads.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import BigInteger, Column, Float, Integer, MetaData, String, Table, Text, create_engine, insert, select
from sqlalchemy.engine import Engine

from wushe.sandbox.partners.civil_affairs import TABLES

_TYPES = {"int": BigInteger, "str": lambda: String(200), "text": Text, "date": lambda: String(20),
          "num": Float, "time": lambda: String(19)}


def metadata() -> MetaData:
    """The tables of the civil-affairs database, with Chinese column comments."""
    meta = MetaData()
    for name, columns in TABLES.items():
        cols = []
        for col, kind, comment in columns:
            type_ = _TYPES[kind]() if kind != "int" else (BigInteger().with_variant(Integer, "sqlite"))
            cols.append(Column(col, type_, primary_key=col == "id", autoincrement=False, comment=comment))
        Table(name, meta, *cols, comment=f"民政{name}")
    return meta


def sqlite_url(path: str) -> str:
    return f"sqlite:///{path}"


def create(engine: Engine) -> MetaData:
    """Drop and create the tables (a fresh export every night)."""
    meta = metadata()
    meta.drop_all(engine)
    meta.create_all(engine)
    return meta


def insert_rows(engine: Engine, meta: MetaData, table: str, rows: Iterable[dict[str, Any]], batch: int = 5000) -> int:
    """Insert rows in batches; returns how many."""
    target = meta.tables[table]
    names = [c.name for c in target.columns]
    count, pending = 0, []
    with engine.begin() as conn:
        for row in rows:
            pending.append({n: row.get(n) for n in names})
            if len(pending) >= batch:
                conn.execute(insert(target), pending)
                count += len(pending)
                pending = []
        if pending:
            conn.execute(insert(target), pending)
            count += len(pending)
    return count


def copy_database(source_path: str, url: str) -> dict[str, int]:
    """Load the generated SQLite database into another server (MariaDB, PostgreSQL) at ``url``."""
    src = create_engine(sqlite_url(source_path))
    dst = create_engine(url)
    try:
        meta = create(dst)
        counts = {}
        for name, table in meta.tables.items():
            with src.connect() as conn:
                rows = (dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id)))
                counts[name] = insert_rows(dst, meta, name, rows)
        return counts
    finally:
        src.dispose()
        dst.dispose()
