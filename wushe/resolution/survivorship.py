"""Survivorship: which member's value each golden field takes, and the rule that decided it.

Per field the candidates are the non-empty values of the cluster's records, ranked by the field's
criteria (source priority by partner role, recency at source, completeness of the record) and
finally by partner and source id, so the choice never depends on input order. The rule recorded in
the provenance is the first criterion that separated the winner from the runner-up.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import numpy as np
import orjson

from wushe.registry.provenance import EVERY_FIELD
from wushe.resolution.config import ResolutionConfig
from wushe.resolution.records import SourceFrame, display

ONLY = "only_source"
TIEBREAK = "tiebreak"


class Survived(NamedTuple):
    """A golden record's values as canonical JSON, their provenance (field -> (member position,
    rule)) and the name and division it is listed under."""

    body: bytes
    provenance: dict[str, tuple[int, str]]
    name: str | None
    division: str | None


class Survivor:
    """Chooses golden values for clusters of one source frame.

    Each field rule's full ranking (criteria, then partner and source id) is computed once over all
    records with numpy; choosing within a cluster is then a look-up of the two best ranks.
    """

    def __init__(self, src: SourceFrame, config: ResolutionConfig) -> None:
        self.src = src
        self.config = config
        frame = src.frame
        self.partner = frame["partner"].tolist()
        self.names, self.divisions = frame["name"].tolist(), frame["division"].tolist()
        updated = frame["updated"]
        # microseconds, as stored: nanoseconds would wrap round for a date before 1677 (a typo'd year)
        stamps = updated.to_numpy(dtype="datetime64[us]").view(np.int64) if len(updated) else np.empty(0, np.int64)
        self.criteria = {
            "recency": -np.where(updated.isna().to_numpy(), np.iinfo(np.int64).min + 1, stamps),
            "completeness": -frame["completeness"].to_numpy(dtype=np.int64),
        }
        self.tiebreak = np.lexsort((frame["source_id"].to_numpy(dtype=object).astype(str),
                                    frame["partner"].to_numpy(dtype=object).astype(str))).argsort()
        self._ranks: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[list[int], dict[str, list[Any]]]] = {}
        self._fields: dict[str, tuple[list[int], list[tuple[list[Any], str]]]] = {}

    def _priority(self, roles: tuple[str, ...]) -> np.ndarray:
        rank = {}
        for partner in set(self.partner):
            held = self.config.roles.get(partner, ())
            rank[partner] = min((roles.index(r) for r in held if r in roles), default=len(roles))
        return np.array([rank[p] for p in self.partner], dtype=np.int64)

    def _ranking(self, order: tuple[str, ...], roles: tuple[str, ...]) -> tuple[list[int], dict[str, list[Any]]]:
        cached = self._ranks.get((order, roles))
        if cached is None:
            columns = {c: (self._priority(roles) if c == "priority" else self.criteria[c]) for c in order}
            keys = [self.tiebreak] + [columns[c] for c in reversed(order)]
            rank = np.lexsort(keys).argsort()
            cached = (rank.tolist(), {c: v.tolist() for c, v in columns.items()})
            self._ranks[(order, roles)] = cached
        return cached

    def survive(self, members: Sequence[int]) -> "Survived":
        """The golden values of one cluster (given by member positions) and where each came from; a
        single member supplies every field (``EVERY_FIELD``) and its body is the golden body."""
        src = self.src
        if len(members) == 1:
            pos = members[0]
            return Survived(src.bodies[pos], {EVERY_FIELD: (pos, ONLY)}, self.names[pos], self.divisions[pos])
        payloads = {pos: src.payload(pos) for pos in members}
        fields = sorted({k for payload in payloads.values() for k in payload})
        data: dict[str, Any] = {}
        provenance: dict[str, tuple[int, str]] = {}
        for name in fields:
            candidates = [pos for pos in members if name in payloads[pos]]
            pos, rule = self._choose(name, candidates)
            data[name] = payloads[pos][name]
            provenance[name] = (pos, rule)
        return Survived(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), provenance, *display(src.kind, data))

    def _choose(self, field_name: str, candidates: list[int]) -> tuple[int, str]:
        if len(candidates) == 1:
            return candidates[0], ONLY
        rank, criteria = self._field_ranking(field_name)
        first, second = sorted(candidates, key=rank.__getitem__)[:2]
        for values, label in criteria:
            if values[first] != values[second]:
                return first, label
        return first, TIEBREAK

    def _field_ranking(self, field_name: str) -> tuple[list[int], list[tuple[list[Any], str]]]:
        """A field's ranking of every record, and its criteria's values with the rule each is
        recorded as; looked up once per field, not once per cluster."""
        found = self._fields.get(field_name)
        if found is None:
            rule = self.config.survivorship.rule(self.src.kind, field_name)
            order = tuple(c for c in rule.order if c != "priority" or rule.priority)
            rank, columns = self._ranking(order, rule.priority)
            found = self._fields[field_name] = (rank, [
                (columns[c], f"priority:{'>'.join(rule.priority)}" if c == "priority" else c) for c in order])
        return found
