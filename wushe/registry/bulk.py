"""The batched write path: COPY on PostgreSQL, executemany on SQLite.

ORM objects and SQLAlchemy's per-value parameter processing cost more than the database itself at
a million rows a night. Callers build rows as tuples (or columns as lists) already in the
database's form, using :class:`Cells` for timestamps and JSON, and hand them to :func:`insert_rows`
(or :func:`insert_columns`), with the values every row shares apart as ``constants``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Connection, Integer, LargeBinary, String, Table, literal, text

from wushe.registry.db import json_dumps


class Cells:
    """Converts values to text that :func:`insert_rows` stores without further processing."""

    def __init__(self, dialect_name: str) -> None:
        # COPY reads a timestamptz from text with its offset; a datetime would cost psycopg a
        # microsecond a value to format (five of them a source record)
        self._offset = "" if dialect_name == "sqlite" else "+00:00"
        self._seen: dict[Any, Any] = {}  # a batch repeats the same few timestamps

    def ts(self, value: datetime | str | None) -> str | None:
        """A timestamp in UTC, as text: SQLAlchemy's form on SQLite, so the ORM reads it back; the
        same with its offset on PostgreSQL."""
        if value is None:
            return None
        cell = self._seen.get(value)
        if cell is None:
            if len(self._seen) > 4096:
                self._seen.clear()
            cell = self._seen[value] = self._convert(value)
        return cell

    def _convert(self, value: datetime | str) -> str:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        value = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.replace(tzinfo=None).isoformat(" ", "microseconds") + self._offset

    def ts_column(self, values: pd.Series | Sequence[datetime | str | None]) -> list[str | None]:
        """:meth:`ts` for a whole column at once (None and NaT give None), at a fifth of its cost or less.

        Each distinct value is converted once (a batch shares its fetch time), in one vectorised
        pass for datetimes and ISO-8601 text; a form only ``datetime.fromisoformat`` reads (an
        offset with seconds, a date outside pandas' range) makes it convert them one by one, so the
        result is always exactly :meth:`ts`'s.
        """
        if len(values) == 0:
            return []
        codes, distinct = pd.factorize(values if isinstance(values, pd.Series) else pd.Series(values, dtype=object))
        try:
            # pandas reads some text that is no timestamp ("", "NaT", "now"): such text goes to ts, which refuses it
            if any(isinstance(v, str) and not v[:1].isdigit() for v in distinct):
                raise ValueError("not ISO-8601")
            utc = pd.to_datetime(pd.Series(distinct), utc=True, format="ISO8601")
        except ValueError:
            cells = [self.ts(v) for v in distinct]
        else:
            cells = utc.dt.tz_localize(None).dt.strftime("%Y-%m-%d %H:%M:%S.%f" + self._offset).tolist()
        return np.array([*cells, None], dtype=object)[codes].tolist()  # a missing value's code, -1, takes the None

    @staticmethod
    def json(value: Any) -> str | None:
        """A JSON cell; already-encoded text passes through."""
        if value is None or isinstance(value, str):
            return value
        return json_dumps(value)


# from this many rows, PostgreSQL updates them in one statement (see update_rows)
SET_UPDATE_ROWS = 1000
# PostgreSQL's binary COPY needs each column's type; these are the ones tables with bytes use
_BINARY_COPY_TYPES = ((LargeBinary, "bytea"), (BigInteger, "int8"), (Integer, "int4"), (String, "text"))


def _binary_copy_types(table: Table, columns: Sequence[str]) -> list[str] | None:
    """The columns' types for a binary COPY where a column holds bytes (None: copy as text).

    As text, bytes travel hex-escaped, twice their size, for the server to decode: a delta's
    blocking index (tens of megabytes) took three times as long to write."""
    types = [table.c[name].type for name in columns]
    if not any(isinstance(t, LargeBinary) for t in types):
        return None
    names = [next((pg for cls, pg in _BINARY_COPY_TYPES if isinstance(t, cls)), None) for t in types]
    return None if None in names else names  # type: ignore[return-value]


def _copy(cursor: Any, table: Table, target: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows into ``target`` (``table`` or a table of its columns' types), in binary where bytes need it."""
    binary = _binary_copy_types(table, columns)
    with cursor.copy(f"COPY {target} ({', '.join(columns)}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")) as copy:
        if binary:
            copy.set_types(binary)
        for row in rows:
            copy.write_row(row)


def reserved_ids(conn: Connection, table: Table, count: int) -> list[int] | None:
    """``count`` ids for new rows of ``table`` (its ``id`` column), taken from its PostgreSQL sequence
    in one statement: rows that refer to the new ones can then be written with them, where a COPY
    returns no ids and they would be looked up again by their natural key (a million index probes
    on a first night). None on SQLite, which gives out its row ids as it inserts the rows."""
    if conn.dialect.name != "postgresql" or count == 0:
        return None
    query = text("SELECT nextval(sequence) FROM (SELECT pg_get_serial_sequence(:table, 'id')::regclass AS sequence) s, "
                 "generate_series(1, :count)")
    return list(conn.execute(query, {"table": table.name, "count": count}).scalars())


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                constants: Mapping[str, Any] | None = None) -> None:
    """Insert rows (tuples in ``columns`` order, built with :class:`Cells`) within the caller's transaction.

    ``constants`` are columns with the same value in every row, in the database's form, that stays
    the same from one batch to the next (a partner, a run, a flag). SQLite takes them once, as
    literals of the statement, instead of binding them again for every row (binding costs about as
    much as storing the value); COPY has no such form, so there each row is extended with them. A
    value that changes with every batch (its time) is better bound in the rows: a statement text of
    its own for every batch would be prepared anew, and kept in the DBAPI's statement cache.
    """
    constants = constants or {}
    names = [*columns, *constants]
    driver = conn.connection.driver_connection  # same transaction as ``conn``
    cursor = driver.cursor()
    try:
        if conn.dialect.name == "postgresql":
            tail = tuple(constants.values())
            _copy(cursor, table, table.name, names, (((*row, *tail) for row in rows) if tail else rows))
        else:
            literals = [str(literal(v).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
                        for v in constants.values()]
            marks = ", ".join(["?"] * len(columns) + literals)
            cursor.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def update_rows(conn: Connection, table: Table, key: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Set ``columns`` of the rows found by ``key`` within the caller's transaction; each row a tuple
    of the new values in ``columns`` order, then the key, built with :class:`Cells`.

    An update in place leaves the table's indexes and the foreign keys pointing at it as they are,
    where a delete and an insert of the same row would rewrite them all (on SQLite a delta's golden
    records cost four times less this way).

    On PostgreSQL the statement is prepared, planned once for all rows: the engine prepares nothing
    (see ``wushe.registry.db``), and planning each row's update anew took over half the time of a
    delta's golden-record updates (29,000 rows: 1.7 s, prepared 0.75 s). An update by key has one
    good plan, so the generic plan a prepared statement settles on is that one. From
    ``SET_UPDATE_ROWS`` rows, PostgreSQL gets them all in one statement instead
    (:func:`_update_from_copy`): the statement's rows cost psycopg CPU time one by one, 5.3 s of
    the client's CPU for 200,000 changed source records against 3.0 s (``bench/bulk_write.py``)."""
    rows = list(rows)
    postgres = conn.dialect.name == "postgresql"
    if postgres and len(rows) >= SET_UPDATE_ROWS:
        _update_from_copy(conn, table, key, columns, rows)
        return
    mark = "%s" if postgres else "?"
    assignments = ", ".join(f"{column} = {mark}" for column in columns)
    driver = conn.connection.driver_connection
    cursor = driver.cursor()
    threshold = driver.prepare_threshold if postgres else None
    try:
        if postgres:
            driver.prepare_threshold = 0
        cursor.executemany(f"UPDATE {table.name} SET {assignments} WHERE {key} = {mark}", rows)
    finally:
        if postgres:
            driver.prepare_threshold = threshold
        cursor.close()


def _update_from_copy(conn: Connection, table: Table, key: str, columns: Sequence[str], rows: list[Sequence[Any]]
                      ) -> None:
    """:func:`update_rows` on PostgreSQL as one statement: the rows are copied into a temporary
    table of the same columns, which the update joins on ``key``. A key given twice keeps its last
    row, as one update after another would."""
    names = [*columns, key]
    last = {row[-1]: row for row in rows}
    temporary = f"wushe_update_{table.name}"
    driver = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        cursor.execute(f"CREATE TEMPORARY TABLE {temporary} AS SELECT {', '.join(names)} FROM {table.name} WITH NO DATA")
        _copy(cursor, table, temporary, names, last.values())
        assignments = ", ".join(f"{column} = u.{column}" for column in columns)
        cursor.execute(f"UPDATE {table.name} SET {assignments} FROM {temporary} u WHERE {table.name}.{key} = u.{key}")
        cursor.execute(f"DROP TABLE {temporary}")
    finally:
        cursor.close()


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[Any]],
                   constants: Mapping[str, Any] | None = None) -> None:
    """:func:`insert_rows` for rows held column by column (equally long, in the database's form).

    A column holding nothing but None, or one flag, throughout several rows (a batch without
    tombstones) goes in with the ``constants``. Other values stay bound even when they are all the
    same: text and times change from batch to batch.
    """
    count = len(next(iter(columns.values())))
    uniform = {name: values[0] for name, values in columns.items()
               if count > 1 and (values[0] is None or type(values[0]) is bool) and values.count(values[0]) == count}
    varying = [name for name in columns if name not in uniform]
    rows = zip(*(columns[name] for name in varying)) if varying else [()] * count
    insert_rows(conn, table, varying, rows, {**(constants or {}), **uniform})
