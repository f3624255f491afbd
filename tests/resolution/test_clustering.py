"""Clustering resists chaining, honours constraints and caps cluster size; ids are stable."""

from __future__ import annotations

import numpy as np

from wushe.resolution.clustering import Constraints, Edges, cluster
from wushe.resolution.features import HEAD_OFFICE
from wushe.resolution.ids import assign_ids, natural_id
from wushe.resolution.model import MatchModel, estimate

NONE = np.empty((0, 2), dtype=np.int64)


def _edges(pairs: list[tuple[int, int]], probs: list[float], forced: list[bool] | None = None) -> Edges:
    return Edges(np.array(pairs, dtype=np.int64).reshape(-1, 2), np.array(probs, dtype=float),
                 np.array(forced or [False] * len(pairs)))


def _groups(labels: np.ndarray) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for i, label in enumerate(labels.tolist()):
        out.setdefault(label, set()).add(i)
    return {frozenset(g) for g in out.values()}


def test_a_chain_breaks_at_its_weakest_link() -> None:
    # 0~1 and 1~2 both accepted, but 0 and 2 are surely different: keep the stronger link
    labels = cluster(3, _edges([(0, 1), (1, 2)], [0.99, 0.95]), np.array([[0, 2]]), NONE, Constraints(), max_size=10)
    assert _groups(labels) == {frozenset({0, 1}), frozenset({2})}


def test_different_credit_codes_branches_and_types_never_share_a_cluster() -> None:
    credit = np.array(["A", "", "B"], dtype=object)
    labels = cluster(3, _edges([(0, 1), (1, 2)], [0.99, 0.98]), NONE, NONE,
                     Constraints({"credit_code": credit}), max_size=10)
    assert _groups(labels) == {frozenset({0, 1}), frozenset({2})}
    branch = np.array([HEAD_OFFICE, "园岭支行", "深圳园岭支行", "八卦岭支行"], dtype=object)
    labels = cluster(4, _edges([(0, 1), (1, 2), (2, 3)], [0.97, 0.99, 0.98]), NONE, NONE,
                     Constraints(branch=branch), max_size=10)
    assert _groups(labels) == {frozenset({0}), frozenset({1, 2}), frozenset({3})}
    etype = np.array(["协会", "志愿者协会", "基金会"], dtype=object)
    labels = cluster(3, _edges([(0, 1), (1, 2)], [0.99, 0.98]), NONE, NONE,
                     Constraints(nested={"entity_type": etype}), max_size=10)
    assert _groups(labels) == {frozenset({0, 1}), frozenset({2})}


def test_one_to_one_within_a_partner_of_distinct_records() -> None:
    group = np.array(["civil", "fund", "civil"], dtype=object)
    labels = cluster(3, _edges([(0, 1), (1, 2)], [0.99, 0.97]), NONE, NONE,
                     Constraints(distinct_group=group), max_size=10)
    assert _groups(labels) == {frozenset({0, 1}), frozenset({2})}


def test_oversized_clusters_split_at_their_weakest_edges() -> None:
    pairs = [(i, i + 1) for i in range(9)]
    probs = [0.99] * 4 + [0.91] + [0.99] * 4
    labels = cluster(10, _edges(pairs, probs), NONE, NONE, Constraints(), max_size=5)
    assert _groups(labels) == {frozenset(range(5)), frozenset(range(5, 10))}


def test_steward_links_beat_the_model_but_not_a_never_link() -> None:
    labels = cluster(3, _edges([(0, 1), (1, 2)], [0.2, 0.2], [True, True]), np.array([[0, 1]]),
                     np.array([[1, 2]]), Constraints(), max_size=10)
    assert _groups(labels) == {frozenset({0, 1}), frozenset({2})}


def test_ids_follow_the_majority_and_retire_into_successors() -> None:
    kind = "organization"
    first = assign_ids(kind, [["p/organization/a", "q/organization/b"], ["p/organization/c"]], [[None, None], [None]],
                       set())
    a_id, c_id = first.ids
    assert a_id == natural_id(kind, "p/organization/a") and not first.events
    # c joins a's cluster: a's id survives, c's id retires into it
    merged = assign_ids(kind, [["p/organization/a", "q/organization/b", "p/organization/c"]], [[a_id, a_id, c_id]],
                        set())
    assert merged.ids == [a_id] and merged.retired == {c_id: [a_id]}
    assert (a_id, "merged", [c_id], {}) in merged.events
    # a clash with a live id outside the pass takes the next natural id
    clash = assign_ids(kind, [["p/organization/a"]], [[None]], {a_id})
    assert clash.ids == [natural_id(kind, "p/organization/a", 1)]


def test_em_learns_weights_from_unlabelled_pairs() -> None:
    rng = np.random.default_rng(1)
    truth = rng.random(20000) < 0.3
    default = MatchModel.default("volunteer")
    levels = {}
    for name, m in default.m.items():
        u = default.u[name]
        levels[name] = np.where(truth, rng.choice(len(m), 20000, p=m), rng.choice(len(u), 20000, p=u)).astype(np.int8)
    model = estimate("volunteer", levels)
    probability, _ = model.score(levels)
    predicted = probability >= 0.5
    assert (predicted == truth).mean() > 0.97
    assert abs(model.prior - 0.3) < 0.05
