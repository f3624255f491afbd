"""A column matched against a whole list of values, in one statement.

``column IN (...)`` with a bound parameter per value needs chunks (drivers cap the parameters of a
statement), and every chunk is a statement that SQLAlchemy expands value by value and the database
plans anew: a night's resolution delta sent 1,300 of them, and on PostgreSQL each is a round trip.
Here the whole list is one parameter that the database reads as a set: a JSON array unpacked by
``json_each`` on SQLite, an array compared with ``= ANY`` on PostgreSQL. Both probe the column's
index for each value, and the statement's text is the same whatever the list's length.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import JSON, ColumnElement, Connection, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY


def one_of(conn: Connection, column: ColumnElement[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """A condition true where ``column`` holds one of ``values`` (for a query run on ``conn``)."""
    values = list(values)
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(select(func.json_each(bindparam(None, values, type_=JSON)).table_valued("value")))
