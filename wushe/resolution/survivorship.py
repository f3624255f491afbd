"""Survivorship: which member's value each golden field takes, and the rule that decided it.

Per field the candidates are the non-empty values of the cluster's records, ranked by the field's
criteria (source priority by partner role, recency at source, completeness of the record) and
finally by partner and source id, so the choice never depends on input order. The rule recorded in
the provenance is the first criterion that separated the winner from the runner-up.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from wushe.resolution.config import ResolutionConfig
from wushe.resolution.records import SourceFrame

ONLY = "only_source"
TIEBREAK = "tiebreak"
_EMPTY = (None, "", [], {})


class Survivor:
    """Chooses golden values for clusters of one source frame."""

    def __init__(self, src: SourceFrame, config: ResolutionConfig) -> None:
        self.src = src
        self.config = config
        frame = src.frame
        self.partner = frame["partner"].tolist()
        self.source_id = frame["source_id"].tolist()
        updated = frame["updated"]
        self.updated = np.where(updated.isna(), np.int64(-(2**62)), updated.to_numpy(dtype="datetime64[ns]").view(np.int64)
                                if len(updated) else np.empty(0, dtype=np.int64)).tolist()
        self.completeness = frame["completeness"].tolist()
        self._rank_cache: dict[tuple[str, tuple[str, ...]], int] = {}

    def _priority(self, partner: str, roles: tuple[str, ...]) -> int:
        key = (partner, roles)
        found = self._rank_cache.get(key)
        if found is None:
            held = self.config.roles.get(partner, ())
            found = min((roles.index(r) for r in held if r in roles), default=len(roles))
            self._rank_cache[key] = found
        return found

    def _criterion(self, name: str, pos: int, roles: tuple[str, ...]) -> Any:
        if name == "priority":
            return self._priority(self.partner[pos], roles)
        if name == "recency":
            return -self.updated[pos]
        return -self.completeness[pos]

    def survive(self, members: Sequence[int]) -> tuple[dict[str, Any], list[tuple[str, Any, int, str]]]:
        """(golden data, provenance as (field, value, member position, rule)) for one cluster."""
        payloads = self.src.payloads
        if len(members) == 1:
            pos = members[0]
            data = {k: v for k, v in payloads[pos].items() if v not in _EMPTY}
            return data, [(k, v, pos, ONLY) for k, v in data.items()]
        fields = sorted({k for pos in members for k, v in payloads[pos].items() if v not in _EMPTY})
        data: dict[str, Any] = {}
        provenance: list[tuple[str, Any, int, str]] = []
        for name in fields:
            candidates = [pos for pos in members if payloads[pos].get(name) not in _EMPTY]
            pos, rule = self._choose(name, candidates)
            value = payloads[pos][name]
            data[name] = value
            provenance.append((name, value, pos, rule))
        return data, provenance

    def _choose(self, field_name: str, candidates: list[int]) -> tuple[int, str]:
        if len(candidates) == 1:
            return candidates[0], ONLY
        rule = self.config.survivorship.rule(self.src.kind, field_name)
        order = [c for c in rule.order if c != "priority" or rule.priority]

        def key(pos: int) -> tuple[Any, ...]:
            return (*(self._criterion(c, pos, rule.priority) for c in order), self.partner[pos], self.source_id[pos])

        ranked = sorted(candidates, key=key)
        first, second = key(ranked[0]), key(ranked[1])
        for index, criterion in enumerate(order):
            if first[index] != second[index]:
                label = f"priority:{'>'.join(rule.priority)}" if criterion == "priority" else criterion
                return ranked[0], label
        return ranked[0], TIEBREAK
