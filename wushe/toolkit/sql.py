"""Reading a partner's database: any SQLAlchemy URL, watermark queries, results streamed.

A stream reads a table or a SELECT of the partner's choosing. An incremental read asks for
``cursor >= :lower`` ordered by cursor and key (see :mod:`wushe.toolkit.incremental`), so the
cursor keeps the database's own type (a timestamp stays a timestamp, an integer an integer) and
the bound compares the way the database compares. Rows arrive through a server-side cursor where
the driver has one (PostgreSQL, MariaDB) and in ``fetchmany`` batches otherwise.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError, SQLAlchemyError

from wushe.errors import ConnectorError
from wushe.registry.db import redact

_NAME = re.compile(r"^[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff$]*(\.[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff$]*)?$")


def connect_args(url: str, timeout: float) -> dict[str, Any]:
    """Driver options that bound how long connecting (and, for MariaDB, reading) may take."""
    backend = make_url(url).get_backend_name()
    if backend == "postgresql":
        return {"connect_timeout": int(max(timeout, 1))}
    if backend in ("mysql", "mariadb"):
        return {"connect_timeout": int(max(timeout, 1)), "read_timeout": int(max(timeout * 6, 30))}
    if backend == "sqlite":
        return {"timeout": timeout}
    return {}


class SqlSource:
    """One partner database; the engine is created once and disposed with :meth:`close`."""

    def __init__(self, url: str, *, connect_timeout: float = 10) -> None:
        self.location = redact(url)
        try:
            self.engine: Engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args(url, connect_timeout))
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            raise ConnectorError(f"the database URL cannot be used ({type(exc).__name__})", location=self.location) from None

    def __repr__(self) -> str:
        return f"SqlSource({self.location!r})"

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        """Connect and run a trivial query; a clear error when the database is unreachable."""
        with self._errors("connect"):
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))

    def select(self, table: str | None, query: str | None) -> str:
        """The SQL of a stream: a whole table (optionally schema-qualified) or the given SELECT."""
        if (table is None) == (query is None):
            raise ValueError("give exactly one of table and query")
        if table is not None:
            if not _NAME.match(table):
                raise ConnectorError(f"{table!r} is not a table name", location=self.location)
            quote = self.engine.dialect.identifier_preparer.quote
            return "SELECT * FROM " + ".".join(quote(part) for part in table.split("."))
        return query.strip().rstrip(";")  # type: ignore[union-attr]

    def stream(
        self,
        sql: str,
        *,
        expected: Iterable[str],
        cursor: str | None = None,
        key: str | None = None,
        lower: Any = None,
        batch_size: int = 5000,
    ) -> Iterator[list[dict[str, Any]]]:
        """Rows of ``sql`` in lists of ``batch_size``; with ``cursor``, ordered by (cursor, key) and
        from ``lower`` on, inclusively. Missing ``expected`` columns are an error, not empty values."""
        quote = self.engine.dialect.identifier_preparer.quote
        statement, params = f"SELECT * FROM ({sql}) wushe_src", {}
        if cursor is not None:
            if lower is not None:
                statement += f" WHERE {quote(cursor)} >= :lower"
                params["lower"] = lower
            statement += f" ORDER BY {quote(cursor)}" + (f", {quote(key)}" if key else "")
        with self._errors("read"):
            with self.engine.connect() as conn:
                result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(text(statement), params)
                columns = self._require(list(result.keys()), expected)
                for part in result.partitions(batch_size):
                    yield [dict(zip(columns, row)) for row in part]

    def check_columns(self, sql: str, expected: Iterable[str]) -> list[str]:
        """The columns ``sql`` returns (no row is read); an error when an expected one is missing."""
        with self._errors("read"):
            with self.engine.connect() as conn:
                result = conn.execute(text(f"SELECT * FROM ({sql}) wushe_src WHERE 1 = 0"))
                columns = list(result.keys())
                result.close()
        return self._require(columns, expected)

    def _require(self, columns: list[str], expected: Iterable[str]) -> list[str]:
        missing = [c for c in expected if c not in columns]
        if missing:
            raise ConnectorError(f"expected columns {', '.join(missing)}; the query returns {', '.join(columns)}", location=self.location)
        return columns

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Database errors become ConnectorErrors naming the (redacted) database, never the password."""
        try:
            yield
        except SQLAlchemyError as exc:
            transient = isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)
            orig = getattr(exc, "orig", None)
            reason = str(orig if orig is not None else exc).splitlines()[0]
            raise ConnectorError(
                f"could not {doing} the partner database: {reason}", location=self.location, transient=transient
            ) from None
