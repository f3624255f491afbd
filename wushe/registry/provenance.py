"""The format of a golden record's ``provenance`` column: which source record supplied each field.

Stored as ``{field: [source record id, rule]}``; the entry ``"*"`` stands for every field of the
golden data not named otherwise, which is how a golden record with a single source (most of them)
says that all its values are that source's without repeating each field name.
"""

from __future__ import annotations

from typing import Any, Iterator

EVERY_FIELD = "*"


def field_sources(data: dict[str, Any], provenance: dict[str, Any] | None) -> Iterator[tuple[str, int, str]]:
    """(field, source record id, rule) for each field of ``data`` that has a recorded source."""
    provenance = provenance or {}
    rest = provenance.get(EVERY_FIELD)
    for name in sorted(data):
        found = provenance.get(name) or rest
        if found is not None:
            yield name, found[0], found[1]
