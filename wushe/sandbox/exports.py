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

from wushe.sandbox.lens import Lens
from wushe.sandbox.partners.property_files import HEADERS, export_style
from wushe.sandbox.places import communities

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
PROPERTY_FILES = {"venues": "场地", "repairs": "维修服务", "buildings": "楼栋"}


class PropertyWriter:
    """The property companies' drop folder: per company a set of GB18030 CSVs or one XLSX workbook."""

    def __init__(self, folder: Path, lens: Lens, day: str) -> None:
        self.folder = folder
        self.lens = lens
        self.day = day
        self.rows: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self.buildings: dict[int, dict[tuple[str, str], str]] = {}

    def write(self, stream: str, stamped: dict[str, Any]) -> None:
        company = stamped["_company"]
        self.rows.setdefault((company, stream), []).append(stamped)
        self.buildings.setdefault(company, {})[(stamped["estate"], stamped["building"])] = stamped["_division_code"]

    def company_name(self, position: int) -> str:
        orgs = self.lens.world.orgs
        return orgs[orgs.property_exporters[position]].variants[0]

    def close(self) -> list[Path]:
        places = {c.code: c for c in communities()}
        written = []
        for position in range(len(self.lens.world.orgs.property_exporters)):
            style = export_style(position)
            tables: dict[str, list[list[Any]]] = {}
            for stream in ("venues", "repairs"):
                header = HEADERS[style][stream]
                rows = self.rows.get((position, stream), [])
                tables[stream] = [list(header.values())] + [[r.get(k) for k in header] for r in rows]
            header = HEADERS[style]["buildings"]
            building_rows = [[estate, building, places[code].name, code, places[code].subdistrict]
                             for (estate, building), code in sorted(self.buildings.get(position, {}).items())]
            tables["buildings"] = [list(header.values())] + building_rows
            stem = f"{self.company_name(position)}"
            if style == "csv":
                for stream, table in tables.items():
                    path = self.folder / f"{stem}_{PROPERTY_FILES[stream]}_{self.day}.csv"
                    write_csv(path, table)
                    written.append(path)
            else:
                path = self.folder / f"{stem}_{self.day}.xlsx"
                write_xlsx(path, {PROPERTY_FILES[s]: t for s, t in tables.items()})
                written.append(path)
        return written


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
