"""``civil_affairs``: the bureau's database, read incrementally table by table.

```yaml
civil_affairs:
  connector: civil_affairs
  config:
    url: "mysql+pymysql://wushe:${CIVIL_DB_PASSWORD}@db.civil.example/civil?charset=utf8mb4"
```

Any SQLAlchemy URL works (SQLite, MariaDB/MySQL, PostgreSQL). Each table is a stream read as
``update_time >= :saved ORDER BY update_time, id``, streamed; ``update_time`` is text
(``YYYY-MM-DD HH:MM:SS``, local time), which orders like the time it writes. Rows are never
removed: ``del_flag = '1'`` marks a deletion and arrives as a deleted record.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterator

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from wushe.connector import Batch, Stream
from wushe.errors import ConnectorError
from wushe.toolkit.connector import PartnerConnector
from wushe.toolkit.dates import zone
from wushe.toolkit.incremental import CursorTracker
from wushe.toolkit.reading import CodedMapper, RecordMaker, batches, expect_rows
from wushe.toolkit.sql import SqlSource
from wushe.toolkit.tabular import Row
from wushe_civil_affairs.mapping import COLUMNS, PAYLOADS, STAMPS

CURSOR = "update_time"
KEY = "_source_id"  # table:id, as three tables hold organisations
TIMEZONE = "Asia/Shanghai"


class CivilAffairsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    transport: ClassVar[frozenset[str]] = frozenset({"url", "connect_timeout_seconds", "batch_size"})

    url: SecretStr = Field(description="SQLAlchemy URL of the bureau's database (sqlite, mysql+pymysql, postgresql+psycopg…)")
    connect_timeout_seconds: float = Field(10, gt=0, description="Longest wait for a connection")
    batch_size: int = Field(5000, ge=1, le=200_000, description="Records per batch")


class CivilAffairsConnector(PartnerConnector):
    """The civil-affairs bureau (民政局): organisations, volunteers, subsidy programmes and needs."""

    name = "civil_affairs"
    title = "民政局数据库"
    Config = CivilAffairsConfig

    def source(self, config: CivilAffairsConfig) -> SqlSource:
        return SqlSource(config.url.get_secret_value(), connect_timeout=config.connect_timeout_seconds)

    def streams(self, config: Any) -> list[Stream]:
        return [Stream(table, kind, primary_key="id", cursor_field=CURSOR, description=text)
                for table, (kind, _, text) in PAYLOADS.items()]

    def check_source(self, config: CivilAffairsConfig) -> str:
        source = self.source(config)
        try:
            source.ping()
            for table, columns in COLUMNS.items():
                try:
                    source.check_columns(source.select(table, None), [*STAMPS, *columns])
                except ConnectorError as exc:
                    raise exc.bind(stream=table) from None
        finally:
            source.close()
        return f"connected to {source.location}; {len(COLUMNS)} tables have the expected columns"

    def read_stream(self, config: CivilAffairsConfig, table: str, state: dict[str, Any] | None) -> Iterator[Batch]:
        kind, build, what = PAYLOADS[table]
        maker = RecordMaker(self.partner, CodedMapper(kind, build), id_column=KEY, updated_at=CURSOR, tz=zone(TIMEZONE),
                            deleted=lambda row: str(row.get("del_flag")) == "1")
        tracker = CursorTracker(state, ordered=True)
        source = self.source(config)
        try:
            parts = source.stream(source.select(table, None), expected=[*STAMPS, *COLUMNS[table]], cursor=CURSOR, key="id",
                                  lower=tracker.lower_bound, batch_size=config.batch_size)
            rows = (_row(table, values) for part in parts for values in part)
            read = batches(rows, maker, tracker=tracker, batch_size=config.batch_size,
                           cursor_of=lambda values, _updated: values[CURSOR])
            if tracker.lower_bound is None:  # a first read that finds nothing means a broken export
                read = expect_rows(read, lambda: ConnectorError(
                    f"table {table} ({what}) has no rows; expected the bureau's records", location=source.location))
            yield from read
        finally:
            source.close()


def _row(table: str, values: dict[str, Any]) -> Row:
    if values.get("id") is not None:
        values[KEY] = f"{table}:{values['id']}"
    return Row(values, f"{table} id={values.get('id')}")
