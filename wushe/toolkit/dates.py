"""Reading partners' dates and times: ISO text, their own formats, spreadsheet and database values.

A time without a zone is taken in the partner's zone (Asia/Shanghai unless configured), so every
``source_updated_at`` is an aware time and cursors compare correctly.
"""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"
EPOCH_FORMATS = {"epoch": 1.0, "epoch_ms": 1000.0}


@lru_cache(maxsize=32)
def zone(name: str) -> tzinfo:
    """The time zone called ``name``; ValueError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name such as Asia/Shanghai)") from None


def check_format(fmt: str | None) -> str | None:
    """``fmt`` if it is 'iso', 'epoch', 'epoch_ms' or a strftime pattern; ValueError otherwise."""
    if fmt is None or fmt == "iso" or fmt in EPOCH_FORMATS:
        return fmt
    if "%" not in fmt:
        raise ValueError(f"date format {fmt!r} is neither 'iso', 'epoch', 'epoch_ms' nor a strftime pattern like %Y-%m-%d")
    return fmt


def parse_datetime(value: Any, fmt: str | None = None, tz: tzinfo | None = None) -> datetime:
    """An aware datetime from ``value``; ValueError with the offending value when it does not parse."""
    tz = tz or zone(DEFAULT_TIMEZONE)
    if value.__class__ is str and fmt is None:  # the common case first: ISO 8601 text
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif fmt in EPOCH_FORMATS:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(f"{value!r} is not a number of seconds since 1970")
        try:
            return datetime.fromtimestamp(float(value) / EPOCH_FORMATS[fmt], timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"{value!r} is not a number of seconds since 1970") from None
    elif isinstance(value, str):
        text = value.strip()
        try:
            if fmt in (None, "iso"):
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
            else:
                parsed = datetime.strptime(text, fmt)
        except ValueError:
            raise ValueError(f"{value!r} does not match the date format {fmt or 'ISO 8601'}") from None
    else:
        raise ValueError(f"{value!r} is not a date or time")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def parse_date(value: Any, fmt: str | None = None) -> date:
    """A calendar date from ``value`` (a time of day is dropped)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and fmt in (None, "iso"):
        text = value.strip()
        try:
            return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} does not match the date format ISO 8601") from None
    return parse_datetime(value, fmt).date()
