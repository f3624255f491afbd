"""Rows of CSV and XLSX exports, streamed, with the header row found for you.

Exports from office software often start with a title line (``园岭街道物业台账（2026年11月）``)
or blank rows above the header. Unless the header row is given, it is the first of the top
:data:`HEADER_SCAN_ROWS` rows that holds every expected column; when none does, the error lists the
expected columns and what the file has. Header cells are compared without surrounding or embedded
whitespace (full-width spaces and line breaks included).
"""

from __future__ import annotations

import csv
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

from wushe.connector import Unreadable
from wushe.errors import ConnectorError
from wushe.toolkit.files import BadLine, decoded_lines, detect_encoding

HEADER_SCAN_ROWS = 20
# calamine reads a sheet whole (about 0.5 KiB of memory a row of seven cells, ~30,000 rows a MiB of
# file): above this file size (≈ 240,000 such rows, ≈ 125 MiB held), openpyxl streams instead
CALAMINE_MAX_BYTES = 8 * 2**20
XlsxEngine = Literal["auto", "calamine", "openpyxl"]
SNIFF_BYTES = 64 * 1024
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class Row:
    """One data row: header → cell value, where it was (file and 1-based row number), and when the
    source last saw it (the export file's modification time; None where the source cannot say)."""

    values: dict[str, Any]
    location: str
    observed_at: datetime | None = None


def modified_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)


def header_name(cell: Any) -> str:
    return _SPACE.sub("", str(cell)) if cell is not None else ""


def locate_header(
    rows: Iterator[tuple[int, list[Any]]], expected: Iterable[str], header_row: int | None, location: str
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Find the header among the first rows; returns the header names and the rows after it."""
    wanted = {header_name(c) for c in expected}
    best: tuple[int, list[str]] | None = None
    for number, cells in rows:
        names = [header_name(c) for c in cells]
        if header_row is not None and number < header_row:
            continue
        found = wanted & set(names)
        if found == wanted:
            return names, rows
        if best is None or len(found) > len(wanted & set(best[1])):
            best = (number, names)
        if header_row is not None or number >= HEADER_SCAN_ROWS:
            break
    missing = sorted(wanted - set(best[1])) if best else sorted(wanted)
    seen = f"row {best[0]} has {', '.join(n for n in best[1] if n) or 'no names'}" if best else "the file has no rows"
    raise ConnectorError(f"expected columns {', '.join(missing)} in the header row; {seen}", location=location)


def _data_rows(header: list[str], rows: Iterator[tuple[int, list[Any]]], name: str, observed_at: datetime) -> Iterator[Row]:
    width = len(header)
    columns = [(i, h) for i, h in enumerate(header) if h]
    for number, cells in rows:
        if not any(c not in (None, "") for c in cells):
            continue
        if len(cells) < width:
            cells = list(cells) + [None] * (width - len(cells))
        yield Row({h: cells[i] for i, h in columns}, f"{name} row {number}", observed_at)


def csv_rows(
    path: str | Path,
    expected: Iterable[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
) -> Iterator[Row | Unreadable]:
    """The data rows of a CSV file; lines that do not decode come back as :class:`Unreadable`."""
    path = Path(path)
    encoding = encoding or detect_encoding(path).name
    bad: list[BadLine] = []
    with open(path, "rb") as fh:
        dialect = _dialect(fh, encoding, delimiter)

        def text() -> Iterator[str]:
            for line in decoded_lines(fh, encoding):
                if isinstance(line, BadLine):
                    bad.append(line)
                    yield "\n"
                else:
                    yield line

        reader = csv.reader(text(), dialect)
        numbered = ((reader.line_num, row) for row in reader)
        header, rest = locate_header(numbered, expected, header_row, str(path))
        if bad:
            raise ConnectorError(f"the header area is not valid {encoding} text ({bad[0].reason})", location=str(path))
        for row in _data_rows(header, rest, path.name, modified_at(path)):
            while bad:
                yield _unreadable(bad.pop(0), path)
            yield row
        while bad:
            yield _unreadable(bad.pop(0), path)


def _unreadable(line: BadLine, path: Path) -> Unreadable:
    return Unreadable(f"{path.name}: {line.reason}", line.raw.decode(line.encoding, "replace"))


def _dialect(fh: Any, encoding: str, delimiter: str | None) -> type[csv.Dialect] | csv.Dialect:
    if delimiter:
        class Given(csv.excel):
            pass

        Given.delimiter = delimiter
        return Given
    sample = fh.read(SNIFF_BYTES)
    fh.seek(0)
    try:
        return csv.Sniffer().sniff(sample.decode(encoding, "replace"), delimiters=",\t;|")
    except csv.Error:
        return csv.excel


def xlsx_rows(
    path: str | Path,
    expected: Iterable[str],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    engine: XlsxEngine = "auto",
) -> Iterator[Row]:
    """The data rows of an XLSX sheet (the first sheet unless named).

    Two readers: python-calamine (Rust) is about ten times faster but holds one sheet's cells in
    memory; openpyxl's read-only mode streams. ``auto`` takes calamine for files up to
    :data:`CALAMINE_MAX_BYTES` and openpyxl above, so memory stays bounded whatever the size.
    """
    path = Path(path)
    if engine == "auto":
        engine = "calamine" if path.stat().st_size <= CALAMINE_MAX_BYTES else "openpyxl"
    read = _calamine_sheet if engine == "calamine" else _openpyxl_sheet
    with read(path, sheet) as (title, rows):
        header, rest = locate_header(enumerate(rows, start=1), expected, header_row, f"{path} sheet {title}")
        yield from _data_rows(header, rest, f"{path.name}[{title}]", modified_at(path))


@contextmanager
def _openpyxl_sheet(path: Path, sheet: str | None) -> Iterator[tuple[str, Iterator[Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _not_xlsx(path, exc) from None
    try:
        _check_sheet(path, sheet, book.sheetnames)
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        yield ws.title, ws.iter_rows(values_only=True)
    finally:
        book.close()


@contextmanager
def _calamine_sheet(path: Path, sheet: str | None) -> Iterator[tuple[str, Iterator[Any]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise _not_xlsx(path, exc) from None
    try:
        _check_sheet(path, sheet, book.sheet_names)
        title = sheet if sheet is not None else book.sheet_names[0]
        try:
            rows = book.get_sheet_by_name(title).iter_rows()
        except (CalamineError, ValueError) as exc:
            raise _not_xlsx(path, exc) from None
        yield title, rows
    finally:
        book.close()


def _check_sheet(path: Path, sheet: str | None, names: list[str]) -> None:
    if sheet is not None and sheet not in names:
        raise ConnectorError(f"no sheet named {sheet!r}; the workbook has {', '.join(names)}", location=str(path))


def _not_xlsx(path: Path, exc: Exception) -> ConnectorError:
    return ConnectorError(f"not a readable XLSX workbook ({type(exc).__name__}); expected an Excel 2007+ file", location=str(path))
