"""``property_files``: the property companies' daily exports in a drop folder.

```yaml
property_files:
  connector: property_files
  config:
    folder: /srv/wushe/drop/property
    companies:
      - {name: 宏发物业, legal_name: 深圳市宏发物业管理有限公司, format: csv, encoding: gb18030}
      - {name: 招华物业, legal_name: 深圳市招华物业服务有限公司, format: xlsx}
```

A CSV company drops ``{name}_{场地|维修服务|楼栋}_{YYYYMMDD}.csv``, an XLSX company
``{name}_{YYYYMMDD}.xlsx`` with sheets 场地, 维修服务, 楼栋. Each read takes every company's
newest day: a file is the company's whole list, so each stream is a full export and a venue or
service missing from it has been withdrawn. Earlier days' files may stay in the folder.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Iterable, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field

from wushe.connector import Batch, Stream, Unreadable
from wushe.errors import ConnectorError
from wushe.toolkit.connector import PartnerConnector
from wushe.toolkit.dates import zone
from wushe.toolkit.files import find_files
from wushe.toolkit.reading import CodedMapper, RecordMaker, batches, expect_rows
from wushe.toolkit.tabular import Row, csv_rows, xlsx_rows
from wushe_property_files.mapping import HEADERS, resource

STREAMS = {"venues": "activity rooms, meeting rooms, courts and open spaces (场地)", "repairs": "repair services for residents (维修服务)"}
SHEETS = {"venues": "场地", "repairs": "维修服务", "buildings": "楼栋"}
DAY = re.compile(r"_(\d{8})\.(csv|xlsx)$")
TIMEZONE = "Asia/Shanghai"


class Company(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="The company's short name, which starts its file names (宏发物业)")
    legal_name: str | None = Field(None, description="Its registered name, the provider of its venues and services (default: name)")
    format: Literal["csv", "xlsx"] = Field(description="csv: three files a day; xlsx: one workbook a day with three sheets")
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gb18030", "gbk"] = Field("auto", description="Text encoding of its CSV files")


class PropertyFilesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    transport: ClassVar[frozenset[str]] = frozenset({"folder", "batch_size", "allow_empty", "max_age_days"})

    folder: str = Field(description="The drop folder the companies' exports arrive in")
    companies: list[Company] = Field(min_length=1, description="The exporting companies")
    batch_size: int = Field(5000, ge=1, le=200_000, description="Records per batch")
    allow_empty: bool = Field(False, description="Accept an export with no rows (else it is an error: it would withdraw everything)")
    max_age_days: int | None = Field(
        None, ge=0, description="The newest day's files may be at most this many days old (by the date in their names); "
        "older is an error: the day's files were not delivered. Default: any age"
    )


class PropertyFilesConnector(PartnerConnector):
    """Property-management companies (物业): venues and repair services from their daily files."""

    name = "property_files"
    title = "物业导出文件"
    Config = PropertyFilesConfig

    def streams(self, config: Any) -> list[Stream]:
        return [Stream(name, "resource", primary_key="id", full_export=True, description=text) for name, text in STREAMS.items()]

    def check_source(self, config: PropertyFilesConfig) -> str:
        seen = []
        for company in config.companies:
            files = _latest(config, company)
            for stream in (*STREAMS, "buildings"):
                next(iter(_rows(files, company, stream)), None)  # the header is found and complete
            seen.append(f"{company.name}: {', '.join(p.name for p in sorted(set(files.values())))}")
        return "; ".join(seen)

    def read_stream(self, config: PropertyFilesConfig, name: str, state: dict[str, Any] | None) -> Iterator[Batch]:
        maker = RecordMaker(self.partner, CodedMapper("resource", lambda row: resource(name, row)), id_column="id",
                            updated_at="updated", tz=zone(TIMEZONE))
        rows = (row for company in config.companies for row in _joined(config, company, name))
        read = batches(rows, maker, tracker=None, batch_size=config.batch_size)
        if not config.allow_empty:
            read = expect_rows(read, lambda: ConnectorError(
                f"the newest exports hold no {SHEETS[name]} rows; expected the companies' {STREAMS[name]} (a full export: "
                "an empty one would withdraw them all; set allow_empty if that is right)", location=config.folder))
        yield from read


def _latest(config: PropertyFilesConfig, company: Company) -> dict[str, Path]:
    """The company's newest day of files: stream → file (one workbook for all three with XLSX)."""
    files = _newest_day(config.folder, company)
    day = DAY.search(files["venues"].name).group(1)  # type: ignore[union-attr]
    if config.max_age_days is not None:
        age = (datetime.now(zone(TIMEZONE)).date() - datetime.strptime(day, "%Y%m%d").date()).days
        if age > config.max_age_days:
            raise ConnectorError(f"{company.name}'s newest files are of {day}, {age} days old; expected files at most "
                                 f"{config.max_age_days} days old (max_age_days): the day's export was not delivered",
                                 location=config.folder)
    return files


def _newest_day(folder: str, company: Company) -> dict[str, Path]:
    if company.format == "xlsx":
        files = [p for p in find_files(folder, f"{company.name}_*.xlsx", "all") if DAY.search(p.name)]
        if not files:
            raise ConnectorError(f"no workbook named {company.name}_YYYYMMDD.xlsx; expected {company.name}'s daily export", location=folder)
        newest = max(files, key=lambda p: DAY.search(p.name).group(1))  # type: ignore[union-attr]
        return {stream: newest for stream in SHEETS}
    days: dict[str, dict[str, Path]] = {}
    for stream, word in SHEETS.items():
        for path in find_files(folder, f"{company.name}_{word}_*.csv", "all"):
            match = DAY.search(path.name)
            if match:
                days.setdefault(match.group(1), {})[stream] = path
    complete = [day for day, files in days.items() if len(files) == len(SHEETS)]
    if not complete:
        raise ConnectorError(f"no day with all three of {company.name}'s files ({', '.join(SHEETS.values())}); "
                             f"expected {company.name}_场地_YYYYMMDD.csv and the others", location=folder)
    return days[max(complete)]


def _rows(files: dict[str, Path], company: Company, stream: str) -> Iterator[Row | Unreadable]:
    """One sheet or file of the company's day, with its rows renamed to the internal keys."""
    headers = HEADERS[company.format][stream]
    path = files[stream]
    if company.format == "xlsx":
        found: Iterable[Row | Unreadable] = xlsx_rows(path, headers.values(), sheet=SHEETS[stream])
    else:
        found = csv_rows(path, headers.values(), encoding=None if company.encoding == "auto" else company.encoding)
    for row in found:
        if isinstance(row, Row):
            row.values = {key: row.values.get(header) for key, header in headers.items()}
        yield row


def _joined(config: PropertyFilesConfig, company: Company, stream: str) -> Iterator[Row | Unreadable]:
    """A stream's rows of one company with the community code (from its 楼栋 table) and provider."""
    files = _latest(config, company)
    places: dict[tuple[str, str], str] = {}
    for row in _rows(files, company, "buildings"):
        if isinstance(row, Unreadable):
            yield row
        elif row.values.get("estate") and row.values.get("code"):
            places[(str(row.values["estate"]), str(row.values.get("building") or ""))] = str(row.values["code"])
    provider = company.legal_name or company.name
    for row in _rows(files, company, stream):
        if isinstance(row, Row):
            key = (str(row.values.get("estate") or ""), str(row.values.get("building") or ""))
            row.values |= {"_division_code": places.get(key), "_provider": provider}
        yield row
