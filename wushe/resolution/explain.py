"""Why two records were linked (or queued for review): each comparison's level, weight and similarity.

Built from the arrays the scorer already computed, so explaining a million links costs list
look-ups, not numpy calls per link.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from wushe.resolution.comparison import Comparison


class Explainer:
    """Explains the pairs ``edges`` (indices into the scored pairs) and only those."""

    def __init__(self, comp: Comparison, weights: dict[str, np.ndarray], probability: np.ndarray,
                 edges: np.ndarray) -> None:
        edges = np.unique(edges)
        self.position = dict(zip(edges.tolist(), range(len(edges))))
        self.names = list(comp.levels)
        self.levels = {n: comp.levels[n][edges].tolist() for n in self.names}
        self.weights = {n: np.round(weights[n][edges], 2).tolist() for n in self.names}
        self.similarity = {n: np.round(v[edges], 3).tolist() for n, v in comp.similarity.items()}
        self.probability = np.round(probability[edges], 4).tolist()

    def explain(self, pair: int, other_key: str) -> dict[str, Any]:
        """The explanation of scored pair ``pair``, naming the record on the other side."""
        edge = self.position[pair]
        compared: dict[str, dict[str, Any]] = {}
        agreed: list[str] = []
        disagreed: list[str] = []
        for name in self.names:
            level = self.levels[name][edge]
            if level < 0:
                continue
            weight = self.weights[name][edge]
            compared[name] = {"level": level, "weight": weight}
            if weight > 0:
                agreed.append(name)
            elif weight < 0:
                disagreed.append(name)
        return {
            "matched_with": other_key,
            "probability": self.probability[edge],
            "agreed": agreed,
            "disagreed": disagreed,
            "comparisons": compared,
            "similarity": {name: values[edge] for name, values in self.similarity.items()},
        }
