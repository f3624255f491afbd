"""Dates and times as partners write them, and back to ISO as a connector reads them.

Impossible dates (2023-02-30) are written in the partner's style too and come back as
ISO-shaped strings, so validation sees exactly what the partner sent.
"""

from __future__ import annotations

from datetime import date, datetime

from wushe.toolkit.cells import date_text as read_date

__all__ = ["local_time", "read_date", "write_date"]


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


def local_time(value: datetime) -> str:
    """``2025-12-30 14:22:01``: local wall-clock time without zone, as many partner systems store it."""
    return value.isoformat(" ", "seconds")[:19]

