"""The Fellegi-Sunter model: how much each level of agreement says, learned without labels.

Among candidate pairs there are two populations, matches and non-matches; each comparison's level
is drawn from one distribution per population (m and u), independently given the population. EM
estimates m, u and the share of matches from the data itself (Winkler; Splink does the same), so
the weights fit a data set nobody has seen instead of thresholds tuned to one sandbox. The pairs
are reduced to their distinct level patterns first, so EM costs nothing at a million pairs.

Small inputs (a delta, a unit test) keep the stored parameters of the last full run, or the
defaults below when there is none; the defaults encode the same general knowledge as the
comparisons (a shared valid credit code or phone is strong, a common exact name is not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from wushe.resolution.comparison import LEVELS

MIN_PAIRS_TO_LEARN = 2000
# EM is a MAP estimate with the defaults as a Dirichlet prior worth this share of the pairs: a level
# never seen among matches in one data set (no stale phone, say) must not become impossible.
PRIOR_WEIGHT = 0.01
MIN_PRIOR_PAIRS = 50.0
TF_BOUNDS = (-8.0, 4.0)
EXACT_NAME_LEVELS = {"organization": 2, "volunteer": 1, "identity": 0}  # top name levels that mean "same name"  # bits a value's frequency may move the exact-agreement weight

def _joint(phone: tuple[list[float], list[float]], address: tuple[list[float], list[float]]
           ) -> tuple[list[float], list[float]]:
    """Default m and u of the joint contact levels (comparison.contact_level), as if independent;
    a missing side counts as neither agreeing nor disagreeing."""
    out = []
    for k in (0, 1):
        p = [1.0, *phone[k]]  # index 0: phone missing
        a = [1.0, *address[k]]
        table = [p[level // 4] * a[level % 4] for level in range(12)]
        table[0] = 1e-6  # unused: both missing is -1
        total = sum(table)
        out.append([v / total for v in table])
    return out[0], out[1]


# m then u, per level ascending (level 0 = disagreement)
DEFAULTS: dict[str, tuple[float, dict[str, tuple[list[float], list[float]]]]] = {
    "organization": (0.3, {
        "name": ([0.01, 0.03, 0.08, 0.18, 0.30, 0.40], [0.55, 0.25, 0.12, 0.05, 0.025, 0.005]),
        "credit_code": ([0.01, 0.99], [0.95, 0.05]),
        "contact": _joint(([0.2, 0.8], [0.97, 0.03]), ([0.1, 0.2, 0.7], [0.85, 0.1, 0.05])),
        "division": ([0.05, 0.1, 0.15, 0.2, 0.5], [0.6, 0.25, 0.08, 0.04, 0.03]),
        "entity_type": ([0.02, 0.98], [0.3, 0.7]),
        "source": ([0.3, 0.7], [0.5, 0.5]),
    }),
    "volunteer": (0.3, {
        "name": ([0.02, 0.05, 0.08, 0.85], [0.5, 0.1, 0.1, 0.3]),
        "id_number": ([0.01, 0.99], [0.99, 0.01]),
        "phone": ([0.1, 0.9], [0.99, 0.01]),
        "birth_date": ([0.03, 0.07, 0.9], [0.9, 0.05, 0.05]),
        "gender": ([0.02, 0.98], [0.5, 0.5]),
        "division": ([0.05, 0.1, 0.25, 0.6], [0.5, 0.2, 0.2, 0.1]),
    }),
    "identity": (0.5, {"identity": ([0.001, 0.999], [0.999, 0.001])}),
}


@dataclass
class MatchModel:
    family: str
    prior: float  # share of matches among candidate pairs
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    trained_pairs: int = 0

    @classmethod
    def default(cls, family: str) -> "MatchModel":
        prior, table = DEFAULTS[family]
        return cls(family, prior, {c: np.array(m) for c, (m, _) in table.items()},
                   {c: np.array(u) for c, (_, u) in table.items()})

    def comparison_weights(self, levels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """log2(m/u) of each pair's level per comparison; 0 where a side is missing."""
        out: dict[str, np.ndarray] = {}
        for name, level in levels.items():
            table = np.log2(self.m[name] / self.u[name])
            out[name] = np.where(level >= 0, table[np.clip(level, 0, None)], 0.0)
        return out

    def score(self, levels: dict[str, np.ndarray], tf_adjust: np.ndarray | None = None
              ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(match probability, per-comparison weights) of each pair.

        ``tf_adjust`` (bits per pair) corrects the weight of an exact name agreement for how common
        the name is: 张伟 agreeing says less than 欧阳娜娜 agreeing.
        """
        parts = self.comparison_weights(levels)
        if tf_adjust is not None and "name" in levels:
            exact = levels["name"] >= len(self.m["name"]) - EXACT_NAME_LEVELS[self.family]
            parts["name"] = parts["name"] + np.where(exact, np.clip(tf_adjust, *TF_BOUNDS), 0.0)
        total = np.log2(self.prior / (1 - self.prior)) + sum(parts.values())
        return 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60))), parts

    def to_params(self) -> dict[str, Any]:
        return {"family": self.family, "prior": self.prior, "trained_pairs": self.trained_pairs,
                "m": {c: v.tolist() for c, v in self.m.items()}, "u": {c: v.tolist() for c, v in self.u.items()}}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "MatchModel":
        return cls(params["family"], params["prior"], {c: np.array(v) for c, v in params["m"].items()},
                   {c: np.array(v) for c, v in params["u"].items()}, params.get("trained_pairs", 0))


def estimate(family: str, levels: dict[str, np.ndarray], known: np.ndarray | None = None, *,
             iterations: int = 40) -> MatchModel:
    """EM over the distinct level patterns of the pairs, starting from the defaults.

    ``known`` (per pair: 1 certain match, 0 certain non-match, -1 unknown) anchors the two classes:
    pairs sharing an exact key are matches and pairs with a hard conflict are not, whatever EM
    would make of them, so the classes cannot drift to another split of the data (one district
    against the rest, say). The name comparison is kept monotone: closer names never weigh less.
    """
    model = MatchModel.default(family)
    names = list(LEVELS[family])
    n_pairs = len(next(iter(levels.values()))) if levels else 0
    if n_pairs < MIN_PAIRS_TO_LEARN:
        return model
    known = np.full(n_pairs, -1, dtype=np.int64) if known is None else known.astype(np.int64)
    # one integer per level pattern (mixed radix over level + 1), so finding the patterns is a 1-D unique
    code = known + 1
    for n in names:
        code = code * (LEVELS[family][n] + 1) + (levels[n].astype(np.int64) + 1)
    unique_codes, counts = np.unique(code, return_counts=True)
    patterns = np.empty((len(unique_codes), len(names)), dtype=np.int64)
    rest = unique_codes.copy()
    for k in range(len(names) - 1, -1, -1):
        base = LEVELS[family][names[k]] + 1
        patterns[:, k] = rest % base - 1
        rest //= base
    label = rest - 1
    counts = counts.astype(np.float64)
    defaults = MatchModel.default(family)
    pseudo = max(MIN_PRIOR_PAIRS, PRIOR_WEIGHT * n_pairs)
    for _ in range(iterations):
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for k, name in enumerate(names):
            level = patterns[:, k]
            seen = level >= 0
            log_m[seen] += np.log(model.m[name][level[seen]])
            log_u[seen] += np.log(model.u[name][level[seen]])
        odds = np.log(model.prior) + log_m - np.log1p(-model.prior) - log_u
        post = np.where(label >= 0, label, 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700))))
        matched, unmatched = counts * post, counts * (1 - post)
        model.prior = float(np.clip(matched.sum() / counts.sum(), 1e-4, 0.99))
        for k, name in enumerate(names):
            level = patterns[:, k]
            seen = level >= 0
            size = LEVELS[family][name]
            m = np.bincount(level[seen], weights=matched[seen], minlength=size) + pseudo * defaults.m[name]
            u = np.bincount(level[seen], weights=unmatched[seen], minlength=size) + pseudo * defaults.u[name]
            model.m[name], model.u[name] = m / m.sum(), u / u.sum()
        if "name" in model.m:
            model.m["name"], model.u["name"] = _monotone(model.m["name"], model.u["name"])
    model.trained_pairs = n_pairs
    return model


def _monotone(m: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool adjacent levels whose weight would fall as agreement rises (pool-adjacent-violators)."""
    blocks = [[k] for k in range(len(m))]
    changed = True
    while changed:
        changed = False
        for b in range(len(blocks) - 1):
            left, right = blocks[b], blocks[b + 1]
            if m[left].sum() / u[left].sum() > m[right].sum() / u[right].sum():
                blocks[b : b + 2] = [left + right]
                changed = True
                break
    m_out, u_out = m.copy(), u.copy()
    for block in blocks:
        ratio = m[block].sum() / u[block].sum()
        m_out[block] = u[block] * ratio
    return m_out / m_out.sum(), u_out
