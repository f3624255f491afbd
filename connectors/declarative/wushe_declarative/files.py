"""``csv`` and ``xlsx``: exports a partner leaves in a drop folder, described in the partners file.

```yaml
connector: xlsx
config:
  folder: /srv/wushe/drop/yuanling_property
  streams:
    organizations:
      pattern: "物业台账*.xlsx"          # the newest matching file is read
      kind: organization
      id: 统一社会信用代码
      mapping:
        name: 名称
        credit_code: 统一社会信用代码
        phones: {column: 联系电话, split: "[,，、;；/ ]+"}
        address: 地址
        division_code: {column: 所属社区, type: division, within: "440304"}
        society: {const: community}
```
Without ``updated_at`` each read is a full export of the newest file (records it no longer holds
were withdrawn); with it, only rows changed since the last read pass.
"""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Iterator, Literal

from pydantic import Field

from wushe.connector import Batch, Unreadable
from wushe.toolkit.files import find_files
from wushe.toolkit.incremental import CursorTracker
from wushe.toolkit.reading import batches
from wushe.toolkit.tabular import Row, XlsxEngine, csv_rows, xlsx_rows
from wushe_declarative.base import DeclarativeConfig, DeclarativeConnector, StreamSpec


class FileStream(StreamSpec):
    pattern: str = Field(description="Glob pattern of the export files inside the folder, e.g. 物业台账*.xlsx")
    files: Literal["latest", "all"] = Field("latest", description="Read the newest matching file, or all of them in name order")
    header_row: int | None = Field(None, ge=1, description="1-based row of the column names (default: found among the first 20 rows)")


class CsvStream(FileStream):
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gb18030", "gbk"] = Field(
        "auto", description="Text encoding (auto: UTF-8 with or without BOM, or GB18030, detected)"
    )
    delimiter: str | None = Field(None, min_length=1, max_length=1, description="Field separator (default: detected)")


class XlsxStream(FileStream):
    sheet: str | None = Field(None, description="Sheet name (default: the first sheet)")
    engine: XlsxEngine = Field(
        "auto", description="Reader: calamine (fast, holds one sheet), openpyxl (streams), auto (calamine up to 8 MiB files)"
    )


class FileConfig(DeclarativeConfig[FileStream]):
    transport: ClassVar[frozenset[str]] = frozenset({"folder"})
    folder: str = Field(description="The drop folder the partner's exports arrive in")


class CsvConfig(FileConfig, DeclarativeConfig[CsvStream]):
    streams: dict[str, CsvStream] = Field(min_length=1, description="Stream name → its files and mapping")


class XlsxConfig(FileConfig, DeclarativeConfig[XlsxStream]):
    streams: dict[str, XlsxStream] = Field(min_length=1, description="Stream name → its files and mapping")


class _FileConnector(DeclarativeConnector):
    @abstractmethod
    def rows(self, path: Path, spec: Any, expected: list[str]) -> Iterator[Row | Unreadable]:
        """The rows of one export file."""

    def check_source(self, config: Any) -> str:
        seen = []
        for name, spec in config.streams.items():
            files = find_files(config.folder, spec.pattern, spec.files)
            expected = self.maker(spec).columns
            first = next(iter(self.rows(files[-1], spec, expected)), None)
            seen.append(f"{name}: {len(files)} file(s), latest {files[-1].name}" + ("" if first else " (no data rows)"))
        return "; ".join(seen)

    def read_stream(self, config: Any, name: str, spec: Any, state: dict[str, Any] | None) -> Iterator[Batch]:
        maker = self.maker(spec)
        files = find_files(config.folder, spec.pattern, spec.files)
        tracker = CursorTracker(state, ordered=False) if spec.updated_at else None
        rows = (row for path in files for row in self.rows(path, spec, maker.columns))
        yield from batches(rows, maker, tracker=tracker, batch_size=config.batch_size)


class CsvConnector(_FileConnector):
    """Reads CSV exports (UTF-8, UTF-8 with BOM or GB18030; any common delimiter)."""

    name = "csv"
    title = "CSV files"
    Config = CsvConfig

    def rows(self, path: Path, spec: CsvStream, expected: list[str]) -> Iterator[Row | Unreadable]:
        encoding = None if spec.encoding == "auto" else spec.encoding
        return csv_rows(path, expected, encoding=encoding, delimiter=spec.delimiter, header_row=spec.header_row)


class XlsxConnector(_FileConnector):
    """Reads Excel (XLSX) exports, streamed row by row."""

    name = "xlsx"
    title = "Excel files"
    Config = XlsxConfig

    def rows(self, path: Path, spec: XlsxStream, expected: list[str]) -> Iterator[Row | Unreadable]:
        return xlsx_rows(path, expected, sheet=spec.sheet, header_row=spec.header_row, engine=spec.engine)
