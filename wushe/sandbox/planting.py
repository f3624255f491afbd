"""Rows broken on purpose: each planted defect breaks exactly one error-tier validation rule.

A lens names the roles of its native columns (which column is the name, the credit code, the start
date...) and this module changes the one column a rule looks at, keeping every other rule
satisfied: a wrong credit-code check character keeps the code's format, an impossible birth date
keeps a correct ID check character, a negative capacity drops the remaining count so the total
is not exceeded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from wushe.sandbox.codes import (
    broken_id_checksum,
    broken_uscc,
    impossible_birth_id,
    impossible_date,
    make_id_number,
)
from wushe.sandbox.formats import read_date, write_date
from wushe.sandbox.people import Person
from wushe.validation.catalogue import CATALOGUE

UNKNOWN_COMMUNITY_TAILS = ("099", "098", "097", "199", "299")


def plant(native: dict[str, Any], rule: str, roles: dict[str, str], style: str, u: float, *,
          credit_code: str | None = None, person: Person | None = None) -> None:
    """Make ``native`` break ``rule``; ``roles`` maps a role (name, credit, start, end...) to a column."""
    assert CATALOGUE[rule].tier == "error", rule
    pick = int(u * 1_000_000)
    if rule == "CONTRACT.REQUIRED":
        native[roles["name"]] = ""
    elif rule == "CN.USCC.CHECKSUM":
        native[roles["credit"]] = broken_uscc(_code(credit_code), 1 + pick % 30)
    elif rule == "CN.USCC.FORMAT":
        code = _code(credit_code)
        zero = code.find("0", 2, 17)
        native[roles["credit"]] = code[:zero] + "O" + code[zero + 1:] if zero >= 0 else code[:17]
    elif rule == "CONTRACT.TYPE":
        column = roles["date"]
        original = read_date(native.get(column)) or "2024-06-01"
        native[column] = write_date(impossible_date(int(original[:4]), pick), "iso" if style == "cell" else style)
        if "date_end" in roles and roles.get("date_end") != column:
            native[roles["date_end"]] = None
    elif rule == "DATE.ORDER":
        start = date.fromisoformat(read_date(native[roles["start"]]) or "2024-06-01")
        native[roles["start"]] = write_date(start, style)
        native[roles["end"]] = write_date(start - timedelta(days=1 + pick % 300), style)
    elif rule == "VALUE.NEGATIVE":
        column = roles["amount"]
        value = native.get(column)
        magnitude = abs(float(value)) if value not in (None, "") else float(10 + pick % 500)
        native[column] = -(magnitude or 10.0)
        if "remaining" in roles:
            native[roles["remaining"]] = None
    elif rule == "CAPACITY.EXCEEDS":
        if "spent" in roles:  # remaining is computed as total - spent
            native[roles["spent"]] = -float(1 + pick % 50)
        else:
            total = float(native.get(roles["total"]) or 10)
            native[roles["total"]] = total
            native[roles["remaining"]] = total + 1 + pick % 50
    elif rule == "CN.IDCARD.CHECKSUM":
        native[roles["id"]] = broken_id_checksum(_id18(person), 1 + pick % 10)
    elif rule == "CN.IDCARD.BIRTHDATE":
        assert person is not None
        native[roles["id"]] = impossible_birth_id(_id18(person)[:6], person.birth.year, pick % 1000, pick)
        if "birth" in roles:
            native[roles["birth"]] = None
    elif rule == "CN.DIVISION.UNKNOWN":
        code = str(native[roles["division"]])
        native[roles["division"]] = code[:9] + UNKNOWN_COMMUNITY_TAILS[pick % len(UNKNOWN_COMMUNITY_TAILS)]
    else:
        raise ValueError(f"no way to plant {rule}")


def _code(credit_code: str | None) -> str:
    if not credit_code:
        raise ValueError("a credit-code rule needs an organisation with a credit code")
    return credit_code


def _id18(person: Person | None) -> str:
    """The person's 18-digit number (a legacy 15-digit one is re-issued in 18-digit form)."""
    assert person is not None
    if len(person.id_number) == 18:
        return person.id_number
    return make_id_number(person.id_number[:6], person.birth, int(person.id_number[12:15]))
