"""Why two records were linked (or queued for review): each comparison's level, weight and similarity.

Built from the arrays the scorer already computed, so explaining a million links costs list
look-ups, not numpy calls per link.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from wushe.resolution.comparison import Comparison


class Explainer:
    def __init__(self, comp: Comparison, weights: dict[str, np.ndarray], probability: np.ndarray) -> None:
        self.names = list(comp.levels)
        self.levels = {n: comp.levels[n].tolist() for n in self.names}
        self.weights = {n: np.round(weights[n], 2).tolist() for n in self.names}
        self.similarity = {n: np.round(v, 3).tolist() for n, v in comp.similarity.items()}
        self.probability = np.round(probability, 4).tolist()

    def explain(self, edge: int, other_key: str) -> dict[str, Any]:
        """The explanation of pair ``edge``, naming the record on the other side."""
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
