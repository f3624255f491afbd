"""Writers of each partner's night: the property drop folder (CSV/XLSX) and the SQL database.

Every writer is deterministic: the same rows give byte-identical files (XLSX archives get fixed
timestamps, SQLite files are written by one connection in one order).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from wushe.sandbox.partners.property_files import HEADERS, export_style
from wushe.sandbox.places import communities

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
PROPERTY_FILES = {"venues": "场地", "repairs": "维修服务", "buildings": "楼栋"}


class PropertyWriter:
    """The property companies' drop folder, written as rows arrive: per company GB18030 CSVs or one
    XLSX workbook (sheets 场地, 维修服务, 楼栋); the 楼栋 lookup is completed at the end."""

    def __init__(self, folder: Path, companies: list[str], day: str) -> None:
        from openpyxl import Workbook

        self.folder, self.companies, self.day = folder, companies, day
        self.sinks: dict[tuple[int, str], Any] = {}
        self.files: list[Any] = []
        self.workbooks: dict[int, Any] = {}
        self.buildings: dict[int, dict[tuple[str, str], str]] = {}
        for position, name in enumerate(companies):
            style = export_style(position)
            if style == "xlsx":
                wb = Workbook(write_only=True)
                for stream in ("venues", "repairs", "buildings"):
                    sheet = wb.create_sheet(PROPERTY_FILES[stream])
                    sheet.append(list(HEADERS[style][stream].values()))
                    self.sinks[(position, stream)] = sheet.append
                self.workbooks[position] = wb
                continue
            for stream in ("venues", "repairs", "buildings"):
                fh = self.csv_path(position, stream).open("w", encoding="gb18030", newline="")
                writer = csv.writer(fh, lineterminator="\r\n")
                writer.writerow(HEADERS[style][stream].values())
                self.sinks[(position, stream)] = writer.writerow
                self.files.append(fh)

    def csv_path(self, position: int, stream: str) -> Path:
        return self.folder / f"{self.companies[position]}_{PROPERTY_FILES[stream]}_{self.day}.csv"

    def write(self, stream: str, stamped: dict[str, Any]) -> None:
        company = stamped["_company"]
        header = HEADERS[export_style(company)][stream]
        self.sinks[(company, stream)]([stamped.get(k) for k in header])
        self.buildings.setdefault(company, {})[(stamped["estate"], stamped["building"])] = stamped["_division_code"]

    def close(self) -> None:
        places = {c.code: c for c in communities()}
        for position in range(len(self.companies)):
            sink = self.sinks[(position, "buildings")]
            for (estate, building), code in sorted(self.buildings.get(position, {}).items()):
                sink([estate, building, places[code].name, code, places[code].subdistrict])
        for fh in self.files:
            fh.close()
        for position, wb in self.workbooks.items():
            buffer = io.BytesIO()
            wb.save(buffer)
            (self.folder / f"{self.companies[position]}_{self.day}.xlsx").write_bytes(normalise_zip(buffer.getvalue()))


def write_csv(path: Path, table: list[list[Any]], encoding: str = "gb18030") -> None:
    """A CSV file as Excel on a Chinese Windows machine saves it: GB18030, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([["" if v is None else v for v in row] for row in table])
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    """An XLSX workbook (one sheet per table), with fixed timestamps so output is reproducible."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(normalise_zip(buffer.getvalue()))


_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML archive with fixed entry times and document-property dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_TIME.sub(rb"\g<1>2026-01-01T00:00:00Z\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, content)
    return out.getvalue()


class SqlWriter:
    """The civil-affairs database as a SQLite file; rows arrive as tuples in table-column order."""

    def __init__(self, path: Path) -> None:
        from sqlalchemy import create_engine

        from wushe.sandbox.sql import create, sqlite_url

        if path.exists():
            path.unlink()
        engine = create_engine(sqlite_url(str(path)))
        create(engine)
        engine.dispose()
        import sqlite3

        from wushe.sandbox.partners.civil_affairs import TABLES

        self.db = sqlite3.connect(path)
        # a one-off bulk load: no journal to sync, and a page cache big enough for random-key inserts
        self.db.execute("PRAGMA journal_mode = MEMORY")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -262144")
        self.statements = {t: f"INSERT INTO {t} VALUES ({', '.join('?' * len(cols))})" for t, cols in TABLES.items()}

    def write_rows(self, table: str, rows: list[tuple]) -> None:
        self.db.executemany(self.statements[table], rows)

    def close(self) -> None:
        self.db.commit()
        self.db.close()
