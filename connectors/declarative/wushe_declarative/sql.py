"""``sql``: a partner's database, described in the partners file.

```yaml
connector: sql
config:
  url: "mysql+pymysql://wushe:${CIVIL_DB_PASSWORD}@10.0.0.5/civil"
  streams:
    organizations:
      table: social_orgs                  # or query: "SELECT … FROM … WHERE …"
      kind: organization
      id: org_id
      updated_at: modified_at             # the cursor, compared in the database's own type
      mapping:
        name: org_name
        credit_code: uscc
        registration_status: status
```
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterator

from pydantic import Field, SecretStr, model_validator

from wushe.connector import Batch
from wushe.toolkit.incremental import CursorTracker
from wushe.toolkit.reading import batches
from wushe.toolkit.sql import SqlSource
from wushe.toolkit.tabular import Row
from wushe_declarative.base import DeclarativeConfig, DeclarativeConnector, StreamSpec


class SqlStream(StreamSpec):
    table: str | None = Field(None, description="Table (or schema.table) to read")
    query: str | None = Field(None, description="A SELECT to read instead of a table")

    @model_validator(mode="after")
    def _source(self) -> SqlStream:
        if (self.table is None) == (self.query is None):
            raise ValueError("give either table or query")
        return self


class SqlConfig(DeclarativeConfig[SqlStream]):
    transport: ClassVar[frozenset[str]] = frozenset({"url", "connect_timeout_seconds"})
    url: SecretStr = Field(description="SQLAlchemy URL of the partner database (sqlite, mysql+pymysql, postgresql+psycopg…)")
    connect_timeout_seconds: float = Field(10, gt=0, description="Longest wait for a connection")


class SqlConnector(DeclarativeConnector):
    """Reads rows of a table or query from any SQLAlchemy database."""

    name = "sql"
    title = "SQL database"
    Config = SqlConfig

    def source(self, config: SqlConfig) -> SqlSource:
        return SqlSource(config.url.get_secret_value(), connect_timeout=config.connect_timeout_seconds)

    def check_source(self, config: SqlConfig) -> str:
        source = self.source(config)
        try:
            source.ping()
            for spec in config.streams.values():
                source.check_columns(source.select(spec.table, spec.query), self.maker(spec).columns)
        finally:
            source.close()
        return f"connected to {source.location}; {len(config.streams)} stream(s) have the expected columns"

    def read_stream(self, config: SqlConfig, name: str, spec: SqlStream, state: dict[str, Any] | None) -> Iterator[Batch]:
        maker = self.maker(spec)
        source = self.source(config)
        tracker = CursorTracker(state, ordered=True) if spec.updated_at else None
        location = f"{spec.table or 'query'}"
        try:
            parts = source.stream(
                source.select(spec.table, spec.query), expected=maker.columns, cursor=spec.updated_at, key=spec.id,
                lower=tracker.lower_bound if tracker else None, batch_size=config.batch_size,
            )
            rows = (Row(values, f"{location} {spec.id}={values.get(spec.id)}") for part in parts for values in part)
            cursor = spec.updated_at
            yield from batches(
                rows, maker, tracker=tracker, batch_size=config.batch_size,
                cursor_of=(lambda values, _updated: values[cursor]) if cursor else None,
            )
        finally:
            source.close()
