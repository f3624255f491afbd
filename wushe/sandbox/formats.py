"""Dates and times as partners write them, and back to ISO as a connector reads them.

Impossible dates (2023-02-30) are written in the partner's style too and come back as
ISO-shaped strings, so validation sees exactly what the partner sent.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_PARTS = re.compile(r"^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?\s*$")


def write_date(value: date | str | None, style: str) -> date | str | None:
    """A date (or an impossible one given as ISO text) in one of the partners' styles.

    Style ``cell`` keeps a real date as a date (a spreadsheet date cell) and an impossible one as text.
    """
    if value is None:
        return None
    if style == "cell":
        return value
    y, m, d = (value.year, value.month, value.day) if isinstance(value, date) else map(int, value.split("-"))
    if style == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if style == "slash":
        return f"{y}/{m}/{d}"
    if style == "chinese":
        return f"{y}年{m}月{d}日"
    if style == "dot":
        return f"{y}.{m:02d}.{d:02d}"
    return f"{y:04d}{m:02d}{d:02d}"


def read_date(value: object) -> str | None:
    """ISO ``YYYY-MM-DD`` text of a partner's date cell; the raw text when it is not date-shaped."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    match = _PARTS.match(f"{text[:4]}-{text[4:6]}-{text[6:]}" if len(text) == 8 and text.isdigit() else text)
    if not match:
        return text
    y, m, d = match.groups()
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def local_time(value: datetime) -> str:
    """``2025-12-30 14:22:01``: local wall-clock time without zone, as many partner systems store it."""
    return value.isoformat(" ", "seconds")[:19]

