"""Incremental state: a cursor plus a tie-breaker, with an inclusive lower bound.

A stream's state says how far a read got: the highest cursor value delivered (usually an
updated-at time) and the primary keys of the rows delivered *at exactly that value*. The next read
asks the source for rows with ``cursor >= value`` (inclusive, so rows that share the value and
arrived later, or sat beyond a batch boundary, are not lost) and drops the rows whose key is
already listed (so nothing is doubled). A state from the future therefore yields nothing.

State is a plain JSON dict, e.g.
``{"cursor": "2026-11-20T08:00:00+08:00", "cursor_type": "datetime", "ids": ["A17", "A18"]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from wushe.errors import ConnectorError

_DECODE = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "int": int,
    "float": float,
    "decimal": Decimal,
    "str": str,
}


def encode_cursor(value: Any) -> tuple[Any, str]:
    """A cursor value as (JSON value, type name)."""
    if isinstance(value, datetime):
        return value.isoformat(), "datetime"
    if isinstance(value, date):
        return value.isoformat(), "date"
    if isinstance(value, bool):
        raise TypeError("a boolean cannot be a cursor")
    if isinstance(value, int):
        return value, "int"
    if isinstance(value, float):
        return value, "float"
    if isinstance(value, Decimal):
        return str(value), "decimal"
    if isinstance(value, str):
        return value, "str"
    raise TypeError(f"a {type(value).__name__} cannot be a cursor")


def decode_cursor(raw: Any, type_name: str) -> Any:
    try:
        return _DECODE[type_name](raw)
    except (KeyError, TypeError, ValueError):
        raise ConnectorError(f"the saved stream state has an unreadable cursor {raw!r} of type {type_name!r}") from None


@dataclass(frozen=True)
class Watermark:
    """How far a stream has been read: a cursor value and the keys already delivered at it."""

    cursor: Any = None
    ids: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> Watermark:
        if not state or state.get("cursor") is None:
            return cls()
        return cls(decode_cursor(state["cursor"], state.get("cursor_type", "str")), frozenset(map(str, state.get("ids", ()))))

    def to_state(self) -> dict[str, Any]:
        if self.cursor is None:
            return {}
        raw, type_name = encode_cursor(self.cursor)
        return {"cursor": raw, "cursor_type": type_name, "ids": sorted(self.ids)}


class CursorTracker:
    """Decides which rows of a read are new, and what the state is after each of them.

    ``ordered`` says the source returns rows sorted by cursor (then key): the state can then advance
    row by row, and a row that goes backwards is an error (resuming from a mid-read state would
    lose rows). An unordered source (a file) keeps its starting state until the read is complete.
    """

    def __init__(self, state: dict[str, Any] | None, *, ordered: bool) -> None:
        self.start = Watermark.from_state(state)
        self.ordered = ordered
        self._cursor = self.start.cursor
        self._ids: set[str] = set(self.start.ids)

    @property
    def lower_bound(self) -> Any:
        """The cursor value to ask the source for, inclusively (None: read everything)."""
        return self.start.cursor

    def admit(self, cursor: Any, key: str) -> bool:
        """Whether the row is new to the consumer; records it in the state if so."""
        start = self.start
        if start.cursor is not None and (cursor < start.cursor or (cursor == start.cursor and key in start.ids)):
            return False
        if self._cursor is None or cursor > self._cursor:
            self._cursor = cursor
            self._ids = {key}
        elif cursor == self._cursor:
            if self.ordered and key in self._ids:
                return False  # the source sent the same row twice in one read
            self._ids.add(key)
        elif self.ordered:
            raise ConnectorError(
                f"rows are not in cursor order (a row with cursor {cursor} came after {self._cursor}); "
                "a resumed read could lose rows, so the source must sort by the cursor field"
            )
        return True

    def checkpoint(self) -> dict[str, Any]:
        """A state it is safe to resume from now."""
        if not self.ordered:
            return self.start.to_state()
        return self.final()

    def final(self) -> dict[str, Any]:
        """The state once the whole read is delivered."""
        return Watermark(self._cursor, frozenset(self._ids)).to_state()
