"""Cell conversions a coded connector needs, kept lenient: a value that does not convert is passed
on as the partner wrote it, so validation can quarantine it with a rule id instead of the
connector guessing or dropping it.

- :func:`split_cell` — '独居老人、低保户' → ['独居老人', '低保户'];
- :func:`date_text` — ``2025/3/2``, ``2025年3月2日``, ``20250302`` or a date cell → ``2025-03-02``;
- :func:`number` / :func:`text` — numbers and text, None for empty cells;
- :func:`translate` — partner words → codes through a crosswalk, unknown words kept;
- :func:`compact` — a payload without its empty optional values;
- :func:`society_of` — the society an organisation type belongs to (from the org_types taxonomy).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any, Iterable, Mapping

_SPLIT = re.compile(r"\s*[,，、;；/|]\s*")
_DATE_PARTS = re.compile(r"^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?\s*$")
# payload fields that stay even when empty: the contract requires them, so validation must see them
REQUIRED = frozenset({"name", "title", "resource_type"})


def split_cell(value: Any) -> list[str]:
    """The items of a cell holding a list; a JSON list passes through as text items."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part for part in _SPLIT.split(str(value).strip()) if part]


def date_text(value: Any) -> str | None:
    """ISO ``YYYY-MM-DD`` text of a date cell; the raw text when it is not date-shaped.

    Impossible dates (``2023/2/30``) come back ISO-shaped but unchecked, so validation reports them.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _iso_date(str(value))


@lru_cache(maxsize=65536)
def _iso_date(raw: str) -> str:
    """A column of dates repeats its values: each distinct text is read once (a full export
    converts hundreds of thousands of cells a night)."""
    match = _DATE_PARTS.match(f"{raw[:4]}-{raw[4:6]}-{raw[6:]}" if len(raw) == 8 and raw.isdigit() else raw)
    if not match:
        return raw
    y, m, d = match.groups()
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def text(value: Any) -> str | None:
    """A cell as text, spaces kept (they are part of what the partner sent); None when empty."""
    return None if value is None or value == "" else str(value)


def number(value: Any) -> float | None:
    """A numeric cell as a float (None when empty); a cell that is not a number stays as text."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def translate(table: Mapping[str, str], words: Iterable[str]) -> list[str]:
    """Codes for the partner's words; an unknown word is kept as written (validation flags it)."""
    return [table.get(w, w) for w in words]


def compact(payload: dict[str, Any], keep: frozenset[str] = REQUIRED) -> dict[str, Any]:
    """``payload`` without empty optional values; the fields in ``keep`` stay even when empty."""
    # a truthy value is never empty: the exact test runs only for falsy ones (0 and False stay)
    return {k: v for k, v in payload.items() if v or k in keep or not (v is None or v == "" or v == {})}


@cache
def society_of(org_type: str | None) -> str | None:
    """The society an organisation type belongs to, from the org_types taxonomy."""
    from wushe.taxonomy import taxonomy

    types = taxonomy("org_types")
    return types.terms[org_type].extra.get("society") if org_type in types else None


def package_words(package: str, resource: str = "words.json") -> dict[str, dict[str, str]]:
    """A connector package's word tables (its crosswalk and the partner's own labels), shipped as
    JSON data in the package so the words can be revised without touching code."""
    import json
    from importlib.resources import files

    return json.loads(files(package).joinpath(resource).read_text(encoding="utf-8"))
