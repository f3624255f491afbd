"""An independent check of the error-tier rules, written from design §7 and the catalogue.

The sandbox promises that a valid row breaks no error-tier rule and an invalid row breaks exactly
the one it is labelled with; this module is how the tests hold it to that, without using any of
the sandbox's own code.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
TODAY = date(2026, 11, 1)


def uscc_problem(code: str) -> str | None:
    code = unicodedata.normalize("NFKC", code).upper()
    if len(code) != 18 or any(ch not in USCC_CHARS for ch in code) or code[0] not in "123456789ANY":
        return "CN.USCC.FORMAT"
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(code, USCC_W))
    return None if USCC_CHARS[(31 - total % 31) % 31] == code[17] else "CN.USCC.CHECKSUM"


def _real_past(y: int, m: int, d: int) -> bool:
    try:
        return date(y, m, d) <= TODAY
    except ValueError:
        return False


def id_problem(number: str) -> str | None:
    number = unicodedata.normalize("NFKC", number).upper()
    if len(number) == 15 and number.isdigit():
        return None if _real_past(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])) else "CN.IDCARD.BIRTHDATE"
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return "CN.IDCARD.FORMAT"
    total = sum(int(ch) * w for ch, w in zip(number, ID_W))
    if "10X98765432"[total % 11] != number[17]:
        return "CN.IDCARD.CHECKSUM"
    if not _real_past(int(number[6:10]), int(number[10:12]), int(number[12:14])):
        return "CN.IDCARD.BIRTHDATE"
    return None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def errors(record: dict[str, Any], divisions: set[str]) -> set[str]:
    """Every error-tier rule the record's payload breaks."""
    kind, p = record["kind"], record["payload"]
    found: set[str] = set()

    def required(field: str) -> None:
        if not str(p.get(field) or "").strip():
            found.add("CONTRACT.REQUIRED")

    def dates(*fields: str) -> dict[str, date | None]:
        out = {}
        for field in fields:
            value = p.get(field)
            try:
                out[field] = _date(value)
            except ValueError:
                found.add("CONTRACT.TYPE")
                out[field] = None
        return out

    def nonnegative(*values: Any) -> None:
        if any(isinstance(v, (int, float)) and v < 0 for v in values):
            found.add("VALUE.NEGATIVE")

    def division(code: Any) -> None:
        if code is None:
            return
        code = str(code)
        if not (code.isdigit() and len(code) in (6, 12)):
            found.add("CN.DIVISION.FORMAT")
        elif (code + "000000" if len(code) == 6 else code) not in divisions:
            found.add("CN.DIVISION.UNKNOWN")

    if kind == "organization":
        required("name")
        dates("established_on")
        if p.get("credit_code"):
            problem = uscc_problem(p["credit_code"])
            if problem:
                found.add(problem)
        division(p.get("division_code"))
    elif kind == "resource":
        required("name")
        d = dates("valid_from", "valid_to")
        if d["valid_from"] and d["valid_to"] and d["valid_to"] < d["valid_from"]:
            found.add("DATE.ORDER")
        capacity = p.get("capacity") or {}
        nonnegative(capacity.get("total"), capacity.get("remaining"), (p.get("cost") or {}).get("amount"))
        if capacity.get("total") is not None and capacity.get("remaining") is not None \
                and capacity["remaining"] > capacity["total"]:
            found.add("CAPACITY.EXCEEDS")
        for code in p.get("coverage") or []:
            division(code)
        division((p.get("location") or {}).get("division_code"))
    elif kind == "need":
        required("title")
        d = dates("submitted_on", "deadline")
        if d["submitted_on"] and d["deadline"] and d["deadline"] < d["submitted_on"]:
            found.add("DATE.ORDER")
        nonnegative(p.get("quantity"), p.get("budget"))
        division(p.get("division_code"))
    elif kind == "volunteer":
        required("name")
        dates("birth_date", "registered_on")
        nonnegative(p.get("hours"))
        if p.get("id_number"):
            problem = id_problem(p["id_number"])
            if problem:
                found.add(problem)
        division(p.get("division_code"))
    elif kind == "donation":
        dates("donated_on")
        nonnegative(p.get("amount"), *[i.get("quantity") for i in p.get("items") or []])
        division((p.get("designation") or {}).get("division_code"))
    return found
