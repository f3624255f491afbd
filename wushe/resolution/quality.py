"""Pairwise precision and recall of a clustering against ground truth (for tests and benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd


@dataclass(frozen=True)
class PairwiseQuality:
    precision: float
    recall: float
    predicted_pairs: int
    true_pairs: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_quality(predicted: Sequence[str], truth: Sequence[str]) -> PairwiseQuality:
    """Precision and recall over all record pairs: a pair is predicted when both records share a
    predicted cluster, true when they share a true entity."""
    frame = pd.DataFrame({"p": list(predicted), "t": list(truth)})
    both = _pairs(frame.groupby(["p", "t"]).size())
    predicted_pairs = _pairs(frame.groupby("p").size())
    true_pairs = _pairs(frame.groupby("t").size())
    return PairwiseQuality(both / predicted_pairs if predicted_pairs else 1.0, both / true_pairs if true_pairs else 1.0,
                           predicted_pairs, true_pairs)
