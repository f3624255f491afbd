"""Dotted paths into nested JSON-like data: ``data.items`` to find records, ``location.address``
to place a mapped value."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def split_path(path: str) -> tuple[str, ...]:
    return tuple(p for p in path.split(".") if p) if path else ()


def get_path(data: Any, path: str | tuple[str, ...], default: Any = None) -> Any:
    """The value at ``path`` in nested dicts (list items by index), or ``default``."""
    parts = split_path(path) if isinstance(path, str) else path
    for part in parts:
        if isinstance(data, dict):
            data = data.get(part, _MISSING)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return default
        if data is _MISSING:
            return default
    return data


def has_path(data: Any, path: tuple[str, ...]) -> bool:
    """Whether every step of ``path`` exists (a present null counts as present)."""
    return get_path(data, path, _MISSING) is not _MISSING


def set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``value`` at ``path``, creating the dicts on the way."""
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value
