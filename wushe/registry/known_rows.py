"""What the registry holds of a stream, for readers that can leave unchanged rows unmapped.

A full export delivers every row every night, and most read exactly as they did the night before.
Each stored source record keeps the digest of the partner row it was mapped from (``row_hash``),
keyed by everything that decides how rows are mapped (see ``wushe.sync.fingerprint``): a row with
the same digest maps to the same record, so the reader need not map it, nor the sync encode and
compare it. A row counts as unchanged only where :func:`~wushe.registry.sources.sort_unchanged`
would say so of its record: stored from the same stream, live, not repeated in the batch and
without an open quarantine item.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any, Sequence

import orjson
from sqlalchemy import Engine

from wushe.registry.sources import CANONICAL_JSON, comparable, existing_heads, questioned_ids


class StoredRows:
    """The stored rows of one partner's kind read from ``stream``, as a
    :class:`~wushe.connector.KnownRows`; its tokens are the stored rows' ids."""

    def __init__(self, engine: Engine, partner: str, kind: str, stream: str, key: bytes) -> None:
        self.engine = engine
        self.partner = partner
        self.kind = kind
        self.stream = stream
        self.key = key  # at most 64 bytes: the digest's key (see wushe.sync.fingerprint)

    def digest(self, values: dict[str, Any]) -> str:
        try:
            body = orjson.dumps(values, option=CANONICAL_JSON, default=str)
        except TypeError:  # an integer beyond 64 bits (a database's decimal column, a long number in JSON)
            body = orjson.dumps(_within_64_bits(values), option=CANONICAL_JSON, default=str)
        return hashlib.blake2b(body, digest_size=16, key=self.key).hexdigest()

    def unchanged(self, rows: Sequence[tuple[str, str]]) -> dict[str, int]:
        times = Counter(source_id for source_id, _digest in rows)
        with self.engine.connect() as conn:
            heads = existing_heads(conn, self.partner, self.kind, list(times))
            same = [source_id for source_id, digest in rows
                    if comparable(head := heads.get(source_id), times[source_id], stream=self.stream)
                    and head.row_hash == digest]
            questioned = questioned_ids(conn, self.partner, self.kind, same)
        return {source_id: heads[source_id].id for source_id in same if source_id not in questioned}


def _within_64_bits(value: Any) -> Any:
    """``value`` with integers too large for orjson written as text."""
    if isinstance(value, dict):
        return {k: _within_64_bits(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_within_64_bits(v) for v in value]
    if isinstance(value, int) and not -2**63 <= value < 2**64:
        return str(value)
    return value
