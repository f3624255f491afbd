"""Stable golden ids: the same clusters get the same ids on every run, whatever the input order.

A cluster keeps the id that most of its members already had (ties: the smaller id), so a merge
keeps the surviving entity's id and a split leaves the id with its largest part. A cluster with no
earlier id gets one derived from its smallest member key (``partner/kind/source_id``): a rerun on
the same input, or a crashed run repeated, computes the same ids. Merges, splits and retirements
are returned as events, and a retired id names its successors.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

PREFIX = {"organization": "org", "resource": "res", "need": "need", "volunteer": "vol", "donation": "don"}


def natural_id(kind: str, anchor_key: str, salt: int = 0) -> str:
    """The id a new cluster takes from its smallest member key."""
    text = f"{kind}\x1f{anchor_key}" + (f"\x1f{salt}" if salt else "")
    return f"{PREFIX[kind]}-{hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}"


@dataclass
class Assignment:
    ids: list[str]  # golden id per cluster
    events: list[tuple[str, str, list[str], dict]] = field(default_factory=list)  # (golden id, event, related, detail)
    retired: dict[str, list[str]] = field(default_factory=dict)  # retired id -> successor ids


def assign_ids(kind: str, members: list[list[str]], previous: list[list[str | None]], taken: set[str]) -> Assignment:
    """Ids for clusters given as member keys and each member's previous golden id (None when new).

    ``taken`` holds ids of live golden records outside this pass, which no cluster may take.
    """
    claims: list[tuple[int, str, str, int]] = []  # (-count, old id, anchor, cluster)
    anchors = [min(keys) for keys in members]
    for c, olds in enumerate(previous):
        for old, count in Counter(o for o in olds if o).items():
            claims.append((-count, old, anchors[c], c))
    claims.sort()
    ids: list[str | None] = [None] * len(members)
    used: set[str] = set()
    for _neg, old, _anchor, c in claims:
        if ids[c] is None and old not in used:
            ids[c] = old
            used.add(old)
    for c in sorted(range(len(members)), key=lambda c: anchors[c]):
        if ids[c] is None:
            salt = 0
            while (candidate := natural_id(kind, anchors[c], salt)) in used or candidate in taken:
                salt += 1
            ids[c] = candidate
            used.add(candidate)
    final = [i for i in ids if i is not None]
    return _events(final, previous, Assignment(final))


def _events(ids: list[str], previous: list[list[str | None]], out: Assignment) -> Assignment:
    went_to: dict[str, set[str]] = {}
    came_from: dict[str, set[str]] = {}
    for new, olds in zip(ids, previous):
        for old in olds:
            if old:
                went_to.setdefault(old, set()).add(new)
                came_from.setdefault(new, set()).add(old)
    current = set(ids)
    for new in ids:
        absorbed = sorted(came_from.get(new, set()) - {new})
        if absorbed:
            out.events.append((new, "merged", absorbed, {}))
    for old, targets in sorted(went_to.items()):
        if old in current:
            others = sorted(targets - {old})
            if others:
                out.events.append((old, "split", others, {}))
        else:
            successors = sorted(targets)
            out.retired[old] = successors
            out.events.append((old, "retired", successors, {"reason": "merged" if len(successors) == 1 else "split"}))
    return out
