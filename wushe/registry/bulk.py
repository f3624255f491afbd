"""The batched write path: COPY on PostgreSQL, executemany on SQLite.

ORM objects and SQLAlchemy's per-value parameter processing cost more than the database itself at
a million rows a night. Callers build rows as tuples already in the database's form, using
:class:`Cells` for timestamps and JSON, and hand them to :func:`insert_rows`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

import pandas as pd
from sqlalchemy import Connection, Table

from wushe.registry.db import json_dumps


class Cells:
    """Converts values to what the DBAPI of one dialect stores without further processing."""

    def __init__(self, dialect_name: str) -> None:
        self.sqlite = dialect_name == "sqlite"
        self._seen: dict[Any, Any] = {}  # a batch repeats the same few timestamps

    def ts(self, value: datetime | str | None) -> Any:
        """A timestamp: UTC; on SQLite in SQLAlchemy's text form, so the ORM reads it back."""
        if value is None:
            return None
        cell = self._seen.get(value)
        if cell is None:
            if len(self._seen) > 4096:
                self._seen.clear()
            cell = self._seen[value] = self._convert(value)
        return cell

    def _convert(self, value: datetime | str) -> Any:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        value = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.replace(tzinfo=None).isoformat(" ", "microseconds") if self.sqlite else value

    def ts_column(self, values: pd.Series) -> list[Any]:
        """:meth:`ts` for a whole column of timezone-aware timestamps at once (NaT gives None)."""
        if len(values) == 0:
            return []
        utc = pd.to_datetime(values, utc=True)
        missing = utc.isna().tolist()
        if self.sqlite:
            cells = utc.dt.tz_localize(None).dt.strftime("%Y-%m-%d %H:%M:%S.%f").tolist()
        else:
            cells = [None if m else v.to_pydatetime() for v, m in zip(utc.tolist(), missing)]
        return [None if m else c for c, m in zip(cells, missing)]

    @staticmethod
    def json(value: Any) -> str | None:
        """A JSON cell; already-encoded text passes through."""
        if value is None or isinstance(value, str):
            return value
        return json_dumps(value)


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows (tuples in ``columns`` order, built with :class:`Cells`) within the caller's transaction."""
    names = ", ".join(columns)
    driver = conn.connection.driver_connection  # same transaction as ``conn``
    cursor = driver.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()

