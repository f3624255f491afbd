"""Clustering accepted pairs into entities without letting similar names chain together.

Connected components of the accepted pairs are taken as they are when nothing speaks against them
(the common case, computed with scipy in one pass). A component is rebuilt edge by edge, strongest
first, when it holds a contradiction: two different valid credit codes or ID-number hashes, a head
office with its branch or two different branches, two different entity types, two records of a
partner whose records are all distinct entities, a pair the model is sure differs (the signature of
a chain: A~B, B~C but A≁C), a steward's never-link, or more records than the size cap. An edge
that would join two groups across such a contradiction is skipped, so a chain breaks at its
weakest link and an oversized cluster splits at its weakest edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from wushe.resolution.comparison import nested


@dataclass
class Constraints:
    """Per-record facts that two members of one entity may not contradict."""

    exclusive: dict[str, np.ndarray] = field(default_factory=dict)  # attribute -> value per record ("" = unknown)
    nested: dict[str, np.ndarray] = field(default_factory=dict)  # like exclusive, but 协会 fits 志愿者协会
    branch: np.ndarray | None = None  # branch designation per record ("" = unknown; see features.HEAD_OFFICE)
    distinct_group: np.ndarray | None = None  # partner per record when its records are distinct entities, else ""


@dataclass
class Edges:
    pairs: np.ndarray  # (k, 2) record positions
    probability: np.ndarray  # (k,)
    forced: np.ndarray  # (k,) bool: a steward's always-link


def cluster(n: int, accepted: Edges, negative: np.ndarray, never: np.ndarray, constraints: Constraints, *,
            max_size: int) -> np.ndarray:
    """A cluster label per record (the smallest member position of its cluster).

    ``negative`` are pairs the model is sure differ; ``never`` are stewards' never-links. A steward's
    always-link (a forced edge) wins over the model and its constraints, not over a never-link.
    """
    labels = _components(n, accepted.pairs)
    flagged = _contradicted(labels, np.concatenate([negative, never]), constraints, max_size)
    if flagged.any():
        rebuild = np.isin(labels, np.flatnonzero(flagged))
        in_flagged = rebuild[accepted.pairs[:, 0]] if len(accepted.pairs) else np.zeros(0, dtype=bool)
        _greedy(labels, rebuild, accepted, in_flagged, negative, never, constraints, max_size)
    return _canonical(labels)


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    if len(pairs) == 0:
        return np.arange(n)
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def _contradicted(labels: np.ndarray, negative: np.ndarray, c: Constraints, max_size: int) -> np.ndarray:
    """Which component labels hold a contradiction."""
    n_labels = int(labels.max()) + 1 if len(labels) else 0
    bad = np.zeros(n_labels, dtype=bool)
    sizes = np.bincount(labels, minlength=n_labels)
    bad |= sizes > max_size
    for values in [*c.exclusive.values(), *c.nested.values()]:
        known = values != ""
        counts = pd.Series(values[known]).groupby(labels[known]).nunique()
        bad[counts.index[counts.to_numpy() > 1]] = True
    if c.branch is not None:
        known = c.branch != ""
        counts = pd.Series(c.branch[known]).groupby(labels[known]).nunique()
        bad[counts.index[counts.to_numpy() > 1]] = True
    if c.distinct_group is not None:
        grouped = c.distinct_group != ""
        dup = pd.DataFrame({"label": labels[grouped], "g": c.distinct_group[grouped]}).duplicated()
        bad[labels[grouped][dup.to_numpy()]] = True
    if len(negative):
        same = labels[negative[:, 0]] == labels[negative[:, 1]]
        bad[labels[negative[same, 0]]] = True
    return bad


class _Group:
    __slots__ = ("members", "exclusive", "nested", "branches", "distinct")

    def __init__(self, row: int, c: Constraints) -> None:
        self.members = [row]
        self.exclusive = {name: ({v[row]} if v[row] else set()) for name, v in c.exclusive.items()}
        self.nested = {name: ({v[row]} if v[row] else set()) for name, v in c.nested.items()}
        self.branches = {c.branch[row]} if c.branch is not None and c.branch[row] else set()
        self.distinct = {c.distinct_group[row]} if c.distinct_group is not None and c.distinct_group[row] else set()

    def compatible(self, other: "_Group") -> bool:
        for name, values in self.exclusive.items():
            theirs = other.exclusive[name]
            if values and theirs and values != theirs:
                return False
        if self.distinct & other.distinct:
            return False
        for name, values in self.nested.items():
            if not all(nested(x, y) for x in values for y in other.nested[name]):
                return False
        return all(nested(x, y) for x in self.branches for y in other.branches)

    def absorb(self, other: "_Group") -> None:
        self.members.extend(other.members)
        for name, values in other.exclusive.items():
            self.exclusive[name] |= values
        for name, values in other.nested.items():
            self.nested[name] |= values
        self.branches |= other.branches
        self.distinct |= other.distinct


def _adjacency(pairs: np.ndarray, rows: dict[int, int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for a, b in pairs.tolist():
        if a in rows and b in rows:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


def _greedy(labels: np.ndarray, rebuild: np.ndarray, accepted: Edges, in_flagged: np.ndarray, negative: np.ndarray,
            never: np.ndarray, c: Constraints, max_size: int) -> None:
    """Rebuild the flagged components edge by edge, strongest first (steward links before all)."""
    rows = np.flatnonzero(rebuild)
    group_of = {int(r): _Group(int(r), c) for r in rows}
    parent = {int(r): int(r) for r in rows}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def inside(pairs: np.ndarray) -> np.ndarray:
        return pairs[rebuild[pairs[:, 0]] & rebuild[pairs[:, 1]]] if len(pairs) else pairs

    against, vetoed = _adjacency(inside(negative), parent), _adjacency(inside(never), parent)

    def opposed(small: _Group, large: _Group, pairs: dict[int, set[int]]) -> bool:
        large_members = set(large.members)
        return any(pairs.get(x, set()) & large_members for x in small.members)

    pairs = accepted.pairs[in_flagged]
    forced = accepted.forced[in_flagged]
    order = np.lexsort((pairs[:, 1], pairs[:, 0], -accepted.probability[in_flagged], ~forced))
    for (a, b), steward in zip(pairs[order].tolist(), forced[order].tolist()):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ga, gb = group_of[ra], group_of[rb]
        small, large = (ga, gb) if len(ga.members) <= len(gb.members) else (gb, ga)
        if opposed(small, large, vetoed):
            continue
        if not steward and (len(ga.members) + len(gb.members) > max_size or not ga.compatible(gb)
                            or opposed(small, large, against)):
            continue
        keep, drop = (ra, rb) if large is ga else (rb, ra)
        large.absorb(small)
        parent[drop] = keep
        del group_of[drop]
    for r in rows.tolist():
        labels[r] = find(r) + len(labels)  # offset: never collides with an untouched component's label


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel each cluster by its smallest member position (independent of processing order)."""
    frame = pd.Series(np.arange(len(labels))).groupby(labels).transform("min")
    return frame.to_numpy()
