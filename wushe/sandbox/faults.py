"""Faults on demand: the ways partner systems fail, switched on and off per partner.

| fault | REST APIs (charity_fund, merchants) | property_files drop | civil_affairs database |
| --- | --- | --- | --- |
| ``errors=N`` | the next N requests answer HTTP 500 | — | — |
| ``slow=S`` | every response waits S seconds first | — | — |
| ``truncate`` | JSON bodies cut off half-way | — | — |
| ``drift`` | a field renamed and a field added in every record | a header renamed and a column added | a column renamed and one added |
| ``encoding`` | body bytes in GB18030 under a UTF-8 header | undecodable bytes in a CSV row | — |
| ``empty`` | no records | header-only files, empty sheets | tables emptied |
| ``down`` | connection refused | today's files not delivered | the database file is gone |

The REST faults live in a :class:`Faults` object the server reads on every request; file and
database faults change the generated files in place (regenerate to undo them).
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from wushe.errors import WusheError

API_FAULTS = ("errors", "slow", "truncate", "drift", "encoding", "empty", "down")
FILE_FAULTS = ("drift", "encoding", "empty", "down")
SQL_FAULTS = ("drift", "empty", "down")
# the renamed and the added field of each partner's schema drift
API_DRIFT = {
    "charity_fund": {"rename": ("title", "projectName"), "add": ("channel", "小程序")},
    "merchants": {"rename": ("phone", "tel"), "add": ("source_channel", "商家联盟APP")},
}
FILE_DRIFT = {"rename": {"场地名称": "场地名", "名称": "场地名", "服务名称": "项目名称", "项目": "服务项目"},
              "add": ("管理处", "第一管理处")}
SQL_DRIFT = {"rename": ("t_shzz", "zzmc", "org_name"), "add": ("t_shzz", "sjly", "数据来源")}


@dataclass
class Faults:
    """The fault switches of one REST simulator; safe to change while it serves."""

    errors: int = 0
    slow: float = 0.0
    truncate: bool = False
    drift: bool = False
    encoding: bool = False
    empty: bool = False
    down: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def take_error(self) -> bool:
        """True when this request is one of the 500 burst (the burst counts down)."""
        with self._lock:
            if self.errors > 0:
                self.errors -= 1
                return True
            return False

    def set(self, **switches: Any) -> None:
        known = {f.name for f in fields(self) if not f.name.startswith("_")}
        for name, value in switches.items():
            if name not in known:
                raise WusheError(f"unknown fault {name!r}; expected one of: {', '.join(sorted(known))}")
            setattr(self, name, type(getattr(self, name))(value))

    def clear(self) -> None:
        self.set(errors=0, slow=0.0, truncate=False, drift=False, encoding=False, empty=False, down=False)


def parse_fault(spec: str) -> tuple[str, str, Any]:
    """``merchants:errors=5`` → ('merchants', 'errors', 5); ``charity_fund:down`` → (..., 'down', True)."""
    from wushe.sandbox.partners import PARTNERS

    partner, _, rest = spec.partition(":")
    name, _, value = rest.partition("=")
    if partner not in PARTNERS or not name:
        raise WusheError(f"bad fault {spec!r}: write PARTNER:FAULT[=VALUE], e.g. merchants:errors=5 or charity_fund:down")
    allowed = API_FAULTS if partner in API_DRIFT else FILE_FAULTS if partner == "property_files" else SQL_FAULTS
    if name not in allowed:
        raise WusheError(f"bad fault {spec!r}: {partner} supports {', '.join(allowed)}")
    parsed: Any = True if not value else (float(value) if name == "slow" else int(value) if name == "errors" else value)
    return partner, name, parsed


# -- property drop folder ------------------------------------------------------------------------------


def todays_files(drop: Path, day: str) -> list[Path]:
    return sorted(p for p in drop.iterdir() if p.is_file() and p.stem.endswith(day))


def apply_file_fault(drop: Path, day: str, fault: str) -> list[Path]:
    """Change the day's property export files in ``drop`` to show ``fault``; returns what changed."""
    files = todays_files(drop, day)
    if fault == "down":
        withheld = drop.parent / "withheld"
        withheld.mkdir(exist_ok=True)
        for path in files:
            path.replace(withheld / path.name)
        return files
    changed = []
    for path in files:
        if path.suffix == ".csv":
            table = list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"))))
            if fault == "encoding":
                if len(table) < 2 or "楼栋" in path.stem:
                    continue
                _break_encoding(path)
                changed.append(path)
                continue
            _write_table_csv(path, _fault_table(table, fault))
        else:
            from openpyxl import load_workbook

            from wushe.sandbox.exports import write_xlsx

            if fault == "encoding":
                continue  # a workbook has no text encoding to get wrong
            wb = load_workbook(path, read_only=True)
            sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
            wb.close()
            write_xlsx(path, {title: _fault_table(rows, fault) for title, rows in sheets.items()})
        changed.append(path)
    return changed


def _fault_table(table: list[list[Any]], fault: str) -> list[list[Any]]:
    if not table:
        return table
    if fault == "empty":
        return table[:1]
    if fault == "drift":
        header = [FILE_DRIFT["rename"].get(h, h) if isinstance(h, str) else h for h in table[0]]
        name, value = FILE_DRIFT["add"]
        return [header + [name]] + [row + [value] for row in table[1:]]
    raise WusheError(f"no file fault {fault!r}")


def _write_table_csv(path: Path, table: list[list[Any]]) -> None:
    from wushe.sandbox.exports import write_csv

    write_csv(path, table)


def _break_encoding(path: Path) -> None:
    """Splice bytes that are not GB18030 into the middle of the second data row."""
    data = path.read_bytes()
    lines = data.split(b"\r\n")
    row = 2 if len(lines) > 3 else 1
    half = len(lines[row]) // 2
    lines[row] = lines[row][:half] + b"\x80\xff\xfe" + lines[row][half:]
    path.write_bytes(b"\r\n".join(lines))


# -- civil-affairs database ---------------------------------------------------------------------------


def apply_sql_fault(url: str, fault: str, sqlite_path: Path | None = None) -> None:
    """Change the civil-affairs database to show ``fault``."""
    if fault == "down":
        if sqlite_path is None:
            raise WusheError("the down fault of a database server is switched off with the server itself")
        sqlite_path.replace(sqlite_path.with_name(sqlite_path.name + ".withheld"))
        return
    from sqlalchemy import create_engine, text

    from wushe.sandbox.partners.civil_affairs import TABLES

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if fault == "empty":
                for table in TABLES:
                    conn.execute(text(f"DELETE FROM {table}"))
            elif fault == "drift":
                table, old, new = SQL_DRIFT["rename"]
                conn.execute(text(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}"))
                table, column, value = SQL_DRIFT["add"]
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(50) DEFAULT '{value}'"))
            else:
                raise WusheError(f"no database fault {fault!r}")
    finally:
        engine.dispose()
