"""The resolver: normalise → block → score → cluster → assign ids → survive → write, per kind.

Two entry points, both plain Python on the caller's connection and transaction:

* :func:`resolve` after a batch write: given the keys ``write_source_records`` reported as touched,
  it finds their candidates through the persistent blocking index, scores the touched records
  against them (with their stored features), re-clusters only the records involved (the touched
  ones, the candidates close enough to one of them to link or be reviewed, and the members of the
  golden records either belongs to) and rewrites only the golden records that changed. Its cost
  follows the delta.
* :func:`resolve_all`, the cross-partner pass: every live record of a kind, with the match model
  re-learned from the whole registry.

Each kind is first planned (:func:`plan_kind`: reads only, everything decided in memory), then its
plan is written (:func:`apply_plan`), organisations first since the other kinds link to them. The
kinds can be planned by other processes while this one writes (``wushe.resolution.parallel``).

Everything is derived from the registry's content and keys (never from time or autoincrement), so
a run repeated after a crash converges to the same registry.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import Connection

from wushe.gcpause import cyclic_gc_paused
from wushe.memory import release_freed_memory
from wushe.resolution import blocking, links, store, stored_features
from wushe.resolution.clustering import Constraints, Edges, cluster
from wushe.resolution.comparison import (EXACT, LEVELS, BigramIdf, Comparison, compare_identity, compare_organizations,
                                         compare_volunteers, exact_match, model_family, no_pairs)
from wushe.resolution.config import ResolutionConfig
from wushe.resolution.explain import Explainer
from wushe.resolution.features import features
from wushe.resolution.ids import assign_ids, natural_id
from wushe.resolution.model import MatchModel, estimate
from wushe.resolution.parallel import in_writing_order, plan_of, planned_elsewhere, workload
from wushe.resolution.records import (SourceFrame, combined, live_at_least, live_counts, load_records, record_ids,
                                     source_keys)
from wushe.resolution.steward import (OverrideRule, existing_reviews, overrides_touching, parse_source_key,
                                      source_key)
from wushe.resolution.survivorship import Survivor

# organisations first: the other kinds link to them
ORDER = ("organization", "volunteer", "resource", "need", "donation")


@dataclass
class KindReport:
    records: int = 0
    pairs: int = 0
    clusters: int = 0
    written: int = 0
    retired: int = 0
    reviews: int = 0
    seconds: float = 0.0


@dataclass
class ResolveReport:
    kinds: dict[str, KindReport] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {kind: vars(r) for kind, r in self.kinds.items()}


def resolve(conn: Connection, touched: Iterable[Sequence[str]], *, run_id: str | None = None,
            config: ResolutionConfig | None = None, now: datetime | None = None, workers: int = 1) -> ResolveReport:
    """Re-resolve what these source records (``(partner, kind, source_id, ...)``) touch.

    A kind of which at least half the live records are touched (a first night, a partner's
    re-import) is resolved whole instead: that costs less than following every record's
    neighbours, and learns the kind's match model from all of it.
    """
    keys = {(t[0], t[1], t[2]) for t in touched}
    by_kind: dict[str, list[int]] = {}
    for (_p, kind, _s), rid in record_ids(conn, keys).items():
        by_kind.setdefault(kind, []).append(rid)
    return resolve_records(conn, by_kind, run_id=run_id, config=config, now=now, workers=workers)


def resolve_records(conn: Connection, by_kind: dict[str, list[int]], *, run_id: str | None = None,
                    config: ResolutionConfig | None = None, now: datetime | None = None,
                    workers: int = 1, written: Callable[[str], None] | None = None,
                    meanwhile: Callable[[], None] | None = None) -> ResolveReport:
    """:func:`resolve` for source records given by row id, per kind; ``written`` is called with
    each kind once its plan is written (to commit it, say), ``meanwhile`` once the planning has
    started (a query of the caller's, say, which this process would otherwise wait through).

    A registry without golden records has never been resolved: every kind is resolved whole, without
    counting its live records (on a first night, 1.7 s for the five kinds, before planning starts).
    Nor are they counted to size the work: their records are all given, and counting read every
    source record (0.36-0.49 s on PostgreSQL after a first night's load, 1.4 s on a busy machine)."""
    jobs: dict[str, list[int] | None] = {}
    first = not store.any_golden(conn)
    for kind in ORDER:
        mine = sorted(by_kind.get(kind, ()))
        if mine:
            jobs[kind] = None if first else mine
    given = {kind: len(rids) for kind, rids in by_kind.items()} if first else {}
    return _run(conn, jobs, given, config, now, run_id, workers, written, meanwhile)


def resolve_all(conn: Connection, kinds: Iterable[str] | None = None, *, run_id: str | None = None,
                config: ResolutionConfig | None = None, now: datetime | None = None,
                workers: int = 1) -> ResolveReport:
    """Resolve every live record of these kinds (all kinds by default) across all partners."""
    wanted = set(kinds or ORDER)
    jobs: dict[str, list[int] | None] = {kind: None for kind in ORDER if kind in wanted}
    return _run(conn, jobs, live_counts(conn), config, now, run_id, workers)


def _run(conn: Connection, jobs: dict[str, list[int] | None], live: dict[str, int], config: ResolutionConfig | None,
         now: datetime | None, run_id: str | None, workers: int,
         written: Callable[[str], None] | None = None, meanwhile: Callable[[], None] | None = None) -> ResolveReport:
    """Plan and write each kind, once the kinds its records link to are written; the kinds may be
    planned by ``workers`` processes meanwhile (see ``wushe.resolution.parallel``). ``live`` counts
    (or nearly: see :func:`resolve_records`) the live records of the kinds resolved whole."""
    config = config or ResolutionConfig()
    now = now or datetime.now(timezone.utc)
    report = ResolveReport()
    with cyclic_gc_paused(), planned_elsewhere(conn, jobs, workload(jobs, live), config, now, workers) as planned:
        if meanwhile is not None:
            meanwhile()
        for kind in in_writing_order(list(jobs), planned, links.referred_kinds):
            # taken out of ``planned`` so that a written plan is freed, not kept until the pass ends
            plan = plan_of(planned.pop(kind), kind) if kind in planned else plan_kind(conn, kind, jobs[kind], config, now)
            report.kinds[kind] = apply_plan(conn, plan, now=now, run_id=run_id)
            del plan
            if written is not None:
                written(kind)
            release_freed_memory()  # while the next plan is being made: the peaks of the two do not add up
    report.kinds = {kind: report.kinds[kind] for kind in jobs}  # reported in dependency order
    return report


@dataclass
class _Scope:
    src: SourceFrame
    feats: pd.DataFrame
    keys: pd.DataFrame
    previous: dict[int, str]  # source record id -> golden id now
    states: dict[str, store.GoldenState]
    withdrawn: list[int]  # touched records that are no longer live
    overrides: list[OverrideRule]
    index: blocking.BlockIndex  # the kind's blocking index as it is after this pass
    delta: bool  # the index was loaded from the registry, not built from the whole kind
    computed: tuple[np.ndarray, pd.DataFrame]  # records whose features this pass computed from payloads, theirs


@dataclass
class KindPlan:
    """What one kind's pass decided, from reads of the registry only; :func:`apply_plan` writes it.

    Planning is most of a pass's work and reads only its own kind's records, golden records and
    blocking index, so kinds can be planned in other processes while this one writes.
    """

    kind: str
    report: KindReport
    out: store.GoldenWrite
    states: dict[str, store.GoldenState]
    previous: dict[int, str]
    index: blocking.BlockIndex  # as much of the kind's index as storing it needs (BlockIndex.to_store)
    model: dict[str, Any] | None  # match model parameters to store (a whole-kind pass learns them)
    reviews: list[tuple[str, str, float, dict[str, Any]]]
    references: links.References
    relinks: links.Relinks  # the links of other records to the golden records it retires, to look up again
    features: tuple[list[int], list[bytes]]  # features computed from payloads, to store (rids, encoded)


def plan_kind(conn: Connection, kind: str, touched: list[int] | None, config: ResolutionConfig,
              now: datetime) -> KindPlan:
    """Resolve the records of ``kind`` that ``touched`` reaches (every live one when None), in memory.

    ``touched`` holding at least half the kind's live records is resolved whole (see :func:`resolve`).
    That is asked here, by the process making the plan, rather than before planning starts: on
    PostgreSQL, counting a night 2's five kinds so far took 0.41 s, while the planning processes waited."""
    started = time.perf_counter()
    if touched is not None and not live_at_least(conn, kind, 2 * len(touched) + 1):
        touched = None
    stored = None if touched is None else store.load_model(conn, kind)
    scope = _full_scope(conn, kind) if touched is None else _delta_scope(conn, kind, touched, stored, config)
    src, feats = scope.src, scope.feats
    report = KindReport(records=len(src))
    counts = _name_counts(kind, feats, scope.index if scope.delta else None)
    pairs = _pairs(src, kind, scope.keys, scope.overrides)
    idf = _idf(kind, feats, stored)
    comp = _compare(kind, feats, pairs, idf)
    model, tf_mean, learned = _model(kind, comp, counts, idf, stored, learn=touched is None or len(src) >= 1000,
                                     keep=touched is None)
    probability, weights = _score(model, comp, pairs, counts, tf_mean)
    report.pairs = len(pairs)
    labels, forced = _cluster(kind, src, feats, pairs, comp, probability, scope.overrides, config)
    best = _best_edges(labels, pairs, probability, forced)
    unsure = _unsure(labels, pairs, comp, probability, config)
    explainer = Explainer(comp, weights, probability, np.concatenate([best["edge"].to_numpy(), unsure]))
    out = _golden_write(conn, kind, src, labels, best, probability, forced, explainer, scope, config)
    report.clusters = len(np.unique(labels)) if len(labels) else 0
    report.written, report.retired = len(out.goldens), len(out.retired)
    golden_of = dict(scope.previous)
    golden_of.update((rid, gid) for rid, gid, *_rest in out.xrefs)
    report.seconds = time.perf_counter() - started
    return KindPlan(kind, report, out, scope.states, scope.previous, scope.index.to_store(), learned,
                    _reviews(kind, src, pairs, unsure, probability, explainer), links.references(conn, kind, src, golden_of),
                    links.relinks(conn, out.retired, src.frame["rid"].tolist()),
                    stored_features.encoded(kind, *scope.computed))


def apply_plan(conn: Connection, plan: KindPlan, *, now: datetime, run_id: str | None) -> KindReport:
    """Write what :func:`plan_kind` decided, within the caller's transaction."""
    started = time.perf_counter()
    kind, report = plan.kind, plan.report
    # a kind never written before has no features or links stored to replace (they are written with
    # its golden records, which are never deleted): a first night does not look for them, every
    # record of the kind in a statement each
    replace = store.any_golden(conn, kind)
    plan.index.save(conn)
    stored_features.write(conn, kind, *plan.features, plan.out.unlink, replace=replace)
    if plan.model is not None:
        store.save_model(conn, kind, plan.model, now=now, run_id=run_id)
    store.write(conn, plan.out, plan.states, plan.previous, now=now, run_id=run_id)
    existing = existing_reviews(conn, kind, [(a, b) for a, b, _s, _e in plan.reviews])
    report.reviews = store.add_reviews(conn, kind, plan.reviews, existing, now=now, run_id=run_id)
    links.store_references(conn, plan.references, replace=replace)
    if plan.out.retired:
        links.follow_successors(conn, plan.out.retired, plan.relinks)
    report.seconds = round(report.seconds + time.perf_counter() - started, 3)
    return report


def _full_scope(conn: Connection, kind: str) -> _Scope:
    src = load_records(conn, kind)
    feats = features(src)
    keys = blocking.blocking_keys(kind, feats)
    rids = src.frame["rid"].to_numpy()
    index = blocking.BlockIndex(kind, keys["key"].to_numpy(), rids[keys["row"].to_numpy()])
    previous = store.all_previous_goldens(conn, kind)
    states = store.active_goldens(conn, kind)
    states.update(store.golden_states(conn, set(previous.values()) - set(states)))
    live = set(rids.tolist())
    withdrawn = sorted(rid for rid in previous if rid not in live)
    return _Scope(src, feats, keys, previous, states, withdrawn, overrides_touching(conn, kind, None), index,
                  delta=False, computed=(rids, feats))


def _delta_scope(conn: Connection, kind: str, touched: list[int], stored: dict[str, Any] | None,
                 config: ResolutionConfig) -> _Scope:
    """The records a delta re-resolves: the touched ones, the candidates that come close to one of
    them (see :func:`_near`), and every member of the golden records either belongs to now."""
    fresh = load_records(conn, kind, touched)
    fresh_feats = features(fresh)
    fresh_keys = blocking.blocking_keys(kind, fresh_feats)
    index = blocking.BlockIndex.load(conn, kind)
    key_hashes = fresh_keys["key"].to_numpy()
    fresh_rids = fresh.frame["rid"].to_numpy()
    index.replace(np.asarray(touched, dtype=np.int64), key_hashes, fresh_rids[fresh_keys["row"].to_numpy()])
    candidates = sorted(set(index.sharing(key_hashes).tolist()) - set(touched))
    found, found_feats = stored_features.read(conn, kind, candidates)
    others = load_records(conn, kind, sorted(set(candidates) - set(found.tolist())))
    computed = [(fresh_rids, fresh_feats), (others.frame["rid"].to_numpy(), features(others))]
    rids, feats = _stacked([(found, found_feats), *computed])
    around = sorted(set(touched) | _near(kind, rids, feats, touched, index, stored, config))
    previous = store.previous_goldens(conn, around)
    involved = set(around) | set(store.members_of(conn, set(previous.values())))
    overrides = overrides_touching(conn, kind, _keys_of(conn, kind, involved))
    involved |= _override_partners(conn, kind, overrides)
    loaded = combined(kind, [fresh, others])  # read and decoded already: a delta's touched records are most of it
    have = loaded.frame["rid"].to_numpy()
    rest = load_records(conn, kind, sorted(involved - set(have.tolist())))
    src = combined(kind, [loaded.take(np.flatnonzero(np.isin(have, list(involved))).tolist()), rest])
    feats, missing = _reused(src, rids, feats)
    computed.append((src.frame["rid"].to_numpy()[missing], feats.iloc[missing]))
    keys = _keys(kind, src.frame["rid"].to_numpy(), feats, index)
    previous = store.previous_goldens(conn, sorted(involved))
    live = set(src.frame["rid"].tolist())
    withdrawn = sorted(rid for rid in involved if rid not in live)
    return _Scope(src, feats, keys, previous, store.golden_states(conn, set(previous.values())), withdrawn, overrides,
                  index, delta=True, computed=_stacked(computed))


def _stacked(parts: list[tuple[np.ndarray, pd.DataFrame]]) -> tuple[np.ndarray, pd.DataFrame]:
    """Records' ids and feature frames, one after the other (empty ones left out: they would turn
    a column of flags into one of objects)."""
    kept = [(rids, feats) for rids, feats in parts if len(rids)] or parts[:1]
    return (np.concatenate([rids for rids, _f in kept]).astype(np.int64),
            pd.concat([feats for _r, feats in kept], ignore_index=True))


def _reused(src: SourceFrame, rids: np.ndarray, feats: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The features of ``src``, row-aligned: those of records in ``rids`` taken from ``feats``, the
    others computed (features are a record's own: computing them again gives the same); and the
    positions of the computed ones."""
    at = pd.Index(rids).get_indexer(src.frame["rid"].to_numpy())
    have, missing = np.flatnonzero(at >= 0), np.flatnonzero(at < 0)
    parts = [feats.iloc[at[have]].set_axis(have)]
    if len(missing):
        parts.append(features(src.take(missing.tolist())).set_axis(missing))
    return pd.concat(parts).sort_index().reset_index(drop=True), missing


def _near(kind: str, rids: np.ndarray, feats: pd.DataFrame, touched: list[int], index: blocking.BlockIndex,
          stored: dict[str, Any] | None, config: ResolutionConfig) -> set[int]:
    """The records of ``rids`` (touched ones and their candidates, ``feats`` row-aligned) that a
    touched record could link to or queue for review with: only their golden records can change.
    Scored with the stored model, as the pass then scores them; without one, every candidate is near."""
    if stored is None or not _fits(stored["model"], model_family(kind)):
        return set(rids.tolist())
    pairs = blocking.candidate_pairs(_keys(kind, rids, feats, index), touching=np.isin(rids, touched))
    comp = _compare(kind, feats, pairs, _idf(kind, feats, stored))
    probability, _ = _score(MatchModel.from_params(stored["model"]), comp, pairs, _name_counts(kind, feats, index),
                            stored.get("tf_mean"))
    close = pairs[probability >= min(config.review, config.accept)]
    return set(rids[close.ravel()].tolist())


def _keys(kind: str, rids: np.ndarray, feats: pd.DataFrame, index: blocking.BlockIndex) -> pd.DataFrame:
    """The blocking keys of records ``rids`` (``feats`` row-aligned): read from the index, which holds
    those of every record resolved (the touched ones' new keys already merged in); computed for the
    records it holds none of."""
    stored = index.keys_of(rids)
    missing = np.flatnonzero(~np.isin(np.arange(len(rids)), stored["row"].to_numpy()))
    if len(missing) == 0:
        return stored
    computed = blocking.blocking_keys(kind, feats.iloc[missing].reset_index(drop=True))
    computed["row"] = missing[computed["row"].to_numpy()]
    return pd.concat([stored, computed], ignore_index=True)


def _keys_of(conn: Connection, kind: str, rids: Iterable[int]) -> list[str]:
    return [source_key(p, kind, s) for p, s in source_keys(conn, rids)]


def _override_partners(conn: Connection, kind: str, overrides: list[OverrideRule]) -> set[int]:
    keys = {parse_source_key(k) for o in overrides for k in (o.left, o.right) if k}
    return set(record_ids(conn, keys).values())


_NAME_COLUMN = {"organization": "pinyin", "volunteer": "name"}


def _name_counts(kind: str, feats: pd.DataFrame, index: blocking.BlockIndex | None) -> np.ndarray | None:
    """How many records in the registry share each record's whole name (for frequency weighting):
    counted in the frame on a full pass, in the stored index on a delta."""
    column = _NAME_COLUMN.get(kind)
    if column is None or feats.empty:
        return None
    values = feats[column]
    if index is None:
        return values.map(values.value_counts()).to_numpy(dtype=np.float64)
    hashes = blocking.hash_keys([blocking.name_key_text(kind, v) for v in values.tolist()])
    return np.maximum(index.counts(hashes), 1).astype(np.float64)


def _tf_mean(counts: np.ndarray | None) -> float | None:
    """The typical frequency of a name two records agree on (geometric mean, weighted by the pairs
    each name forms), so the frequency adjustment averages to zero over exact agreements."""
    if counts is None or len(counts) == 0:
        return None
    pairs_per_row = counts - 1
    if pairs_per_row.sum() <= 0:
        return 1.0
    return float(np.exp2((pairs_per_row * np.log2(counts)).sum() / pairs_per_row.sum()))


def _idf(kind: str, feats: pd.DataFrame, stored: dict[str, Any] | None) -> BigramIdf | None:
    """Bigram weights: the stored ones on a delta, learned from the data on a full pass."""
    if model_family(kind) != "organization":
        return None
    if stored is not None and stored.get("idf"):
        return BigramIdf(stored["idf"]["frequent"], stored["idf"]["n_docs"])
    return BigramIdf.learn(feats["stem"].tolist())


def _model(kind: str, comp: Comparison, counts: np.ndarray | None, idf: BigramIdf | None,
           stored: dict[str, Any] | None, *, learn: bool, keep: bool
           ) -> tuple[MatchModel, float | None, dict[str, Any] | None]:
    """The model to score with, and its parameters when they are to be stored: a whole-kind pass
    learns the model from the data and keeps it; a delta reuses the stored one."""
    family = model_family(kind)
    if stored is not None and _fits(stored["model"], family):
        return MatchModel.from_params(stored["model"]), stored.get("tf_mean"), None
    model = MatchModel.default(family)
    if learn:
        model = _learn(family, comp)
    tf_mean = _tf_mean(counts)
    params = None
    if keep:
        params = {"model": model.to_params(), "tf_mean": tf_mean,
                  "idf": {"frequent": idf.frequent, "n_docs": idf.n_docs} if idf is not None else None}
    return model, tf_mean, params


def _fits(params: dict[str, Any], family: str) -> bool:
    """Whether stored parameters have this version's comparisons and levels (a model stored before
    an upgrade that changed them is learned again rather than misread)."""
    m = params.get("m") or {}
    return set(m) == set(LEVELS[family]) and all(len(m[name]) == n for name, n in LEVELS[family].items())


def _learn(family: str, comp: Comparison) -> MatchModel:
    """EM on the candidate pairs: pairs sharing an exact key anchor the match class, pairs with a
    hard conflict the non-match class."""
    return estimate(family, comp.levels, np.where(comp.conflict, 0, np.where(exact_match(comp), 1, -1)))


def _compare(kind: str, feats: pd.DataFrame, pairs: np.ndarray, idf: BigramIdf | None) -> Comparison:
    if len(pairs) == 0:
        return no_pairs(model_family(kind))
    if kind == "organization":
        assert idf is not None
        return compare_organizations(feats, pairs, idf)
    if kind == "volunteer":
        return compare_volunteers(feats, pairs)
    return compare_identity(feats, pairs)


def _source_keys(src: SourceFrame) -> list[str]:
    """The source key (``partner/kind/source_id``) of each record, row-aligned."""
    return [source_key(p, src.kind, s) for p, s in zip(src.frame["partner"].tolist(), src.frame["source_id"].tolist())]


def _override_pairs(src: SourceFrame, overrides: list[OverrideRule]) -> dict[str, np.ndarray]:
    """Stewards' decisions as position pairs (always, never) and isolated positions (split)."""
    position = {key: i for i, key in enumerate(_source_keys(src))} if overrides else {}
    found: dict[str, list] = {"always_link": [], "never_link": [], "split": []}
    for rule in overrides:
        a = position.get(rule.left)
        if a is None:
            continue
        if rule.action == "split":
            found["split"].append(a)
            continue
        b = position.get(rule.right or "")
        if b is not None and a != b:
            found[rule.action].append((min(a, b), max(a, b)))
    as_pairs = {k: np.array(v, dtype=np.int64).reshape(-1, 2) for k, v in found.items() if k != "split"}
    as_pairs["split"] = np.array(found["split"], dtype=np.int64)
    return as_pairs


def _pairs(src: SourceFrame, kind: str, keys: pd.DataFrame, overrides: list[OverrideRule]) -> np.ndarray:
    """Candidate pairs from blocking, plus every pair a steward said to link."""
    pairs = blocking.candidate_pairs(keys)
    steward = _override_pairs(src, overrides)["always_link"]
    if len(steward):
        n = max(len(src), 1)
        codes = np.unique(np.concatenate([pairs[:, 0] * n + pairs[:, 1], steward[:, 0] * n + steward[:, 1]]))
        pairs = np.stack([codes // n, codes % n], axis=1)
    return pairs


def _score(model: MatchModel, comp: Comparison, pairs: np.ndarray, counts: np.ndarray | None, tf_mean: float | None
           ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Match probability and per-comparison weights of each pair; a hard conflict scores zero."""
    adjust = None
    if counts is not None and tf_mean and len(pairs):
        adjust = np.log2(tf_mean / np.maximum(counts[pairs[:, 0]], counts[pairs[:, 1]]))
    probability, weights = model.score(comp.levels, adjust)
    probability = np.where(exact_match(comp), np.maximum(probability, EXACT), probability)
    return np.where(comp.conflict, 0.0, probability), weights


def _pair_mask(pairs: np.ndarray, wanted: np.ndarray, n: int) -> np.ndarray:
    if len(wanted) == 0 or len(pairs) == 0:
        return np.zeros(len(pairs), dtype=bool)
    return np.isin(pairs[:, 0] * n + pairs[:, 1], wanted[:, 0] * n + wanted[:, 1])


def _constraints(kind: str, src: SourceFrame, feats: pd.DataFrame, config: ResolutionConfig) -> Constraints:
    partners = src.frame["partner"].to_numpy(dtype=object)
    distinct = np.where(np.isin(partners, list(config.distinct_partners)), partners, "").astype(object)
    if kind == "organization":
        return Constraints({"credit_code": feats["credit"].to_numpy(dtype=object)},
                           {"entity_type": feats["etype"].to_numpy(dtype=object)},
                           feats["branch_sound"].to_numpy(dtype=object), distinct)
    if kind == "volunteer":
        return Constraints({"id_number": feats["id_hash"].to_numpy(dtype=object)}, {}, None, distinct)
    return Constraints({}, {}, None, distinct)


def _cluster(kind: str, src: SourceFrame, feats: pd.DataFrame, pairs: np.ndarray, comp: Comparison,
             probability: np.ndarray, overrides: list[OverrideRule], config: ResolutionConfig
             ) -> tuple[np.ndarray, np.ndarray]:
    n = len(src)
    steward = _override_pairs(src, overrides)
    forced = _pair_mask(pairs, steward["always_link"], n)
    never = steward["never_link"]
    if len(steward["split"]):
        touches = np.isin(pairs[:, 0], steward["split"]) | np.isin(pairs[:, 1], steward["split"])
        never = np.concatenate([never, pairs[touches]])
        forced &= ~touches
    accepted = ((probability >= config.accept) & ~comp.conflict) | forced
    negative = pairs[((probability < config.certain_non_match) | comp.conflict) & ~forced]
    edges = Edges(pairs[accepted], np.where(forced, 1.0, probability)[accepted], forced[accepted])
    labels = cluster(n, edges, negative, never, _constraints(kind, src, feats, config), max_size=config.max_cluster)
    return labels, forced


def _best_edges(labels: np.ndarray, pairs: np.ndarray, probability: np.ndarray, forced: np.ndarray) -> pd.DataFrame:
    """For each linked record, its strongest edge inside its cluster (the match that explains it)."""
    if len(pairs) == 0:
        return pd.DataFrame({"row": [], "other": [], "edge": []}, dtype=np.int64)
    inside = labels[pairs[:, 0]] == labels[pairs[:, 1]]
    edge = np.flatnonzero(inside)
    score = np.where(forced, 2.0, probability)[edge]
    both = pd.DataFrame({
        "row": np.concatenate([pairs[edge, 0], pairs[edge, 1]]),
        "other": np.concatenate([pairs[edge, 1], pairs[edge, 0]]),
        "edge": np.concatenate([edge, edge]),
        "score": np.concatenate([score, score]),
    })
    both = both.sort_values(["row", "score", "other"], ascending=[True, False, True], kind="stable")
    return both.drop_duplicates("row")[["row", "other", "edge"]]


def _golden_write(conn: Connection, kind: str, src: SourceFrame, labels: np.ndarray, best: pd.DataFrame,
                  probability: np.ndarray, forced: np.ndarray, explainer: Explainer, scope: _Scope,
                  config: ResolutionConfig) -> store.GoldenWrite:
    frame = src.frame
    rid = frame["rid"].to_numpy()
    keys = _source_keys(src)
    order = np.argsort(labels, kind="stable")
    bounds = [0, *(np.flatnonzero(np.diff(labels[order])) + 1).tolist(), len(order)]
    ordered = order.tolist()
    clusters = [ordered[a:b] for a, b in zip(bounds[:-1], bounds[1:])] if ordered else []
    member_keys = [[keys[i] for i in c] for c in clusters]
    previous = [[scope.previous.get(int(rid[i])) for i in c] for c in clusters]
    old_ids = set(scope.previous.values())
    clash: dict[str, store.GoldenState] = {}
    # a kind never resolved has no golden records to clash with: a first pass does not send them all its ids
    if store.any_golden(conn, kind):
        clash = store.golden_states(conn, {natural_id(kind, min(k)) for k in member_keys} - old_ids)
    # a retired golden record whose id comes back (its source was sent again) is revived in place
    scope.states.update(clash)
    taken = {gid for gid, st in clash.items() if st.status == "active"}
    assignment = assign_ids(kind, member_keys, previous, taken)

    best_of = dict(zip(best["row"].tolist(), zip(best["other"].tolist(), best["edge"].tolist())))
    survivor = Survivor(src, config)
    out = store.GoldenWrite(kind, retired=dict(assignment.retired), events=list(assignment.events))
    rids = rid.tolist()

    # in id order: the golden and cross-reference indexes then grow at their ends instead of at
    # random pages, which keeps a million-record write out of the page cache's misses
    for gid, members in sorted(zip(assignment.ids, clusters), key=lambda c: c[0]):
        golden = survivor.survive(members)
        xrefs = []
        for i in members:
            link = best_of.get(i)
            if link is None:
                xrefs.append((rids[i], gid, 1.0, "single", None))
            else:
                other, edge = link
                method = "steward" if forced[edge] else "model"
                xrefs.append((rids[i], gid, float(probability[edge]) if not forced[edge] else 1.0, method,
                              orjson.dumps(explainer.explain(edge, keys[other])).decode()))
        provenance = orjson.dumps({field: (rids[pos], rule) for field, (pos, rule) in golden.provenance.items()},
                                  option=orjson.OPT_SORT_KEYS)
        digest = hashlib.blake2b(b"%b\x00%b" % (golden.body, orjson.dumps([x[:4] for x in xrefs])),
                                 digest_size=16).hexdigest()
        state = scope.states.get(gid)
        if state is not None and state.status == "active" and state.content_hash == digest:
            continue
        out.goldens.append((gid, golden.name, golden.division, golden.body, bytes(memoryview(provenance)), digest))
        out.members.append([rids[i] for i in members])
        out.xrefs.extend(xrefs)
    current = set(assignment.ids)
    for old in sorted(old_ids - current - set(out.retired)):
        if scope.states.get(old) is None or scope.states[old].status == "active":
            out.retired[old] = []
            out.events.append((old, "retired", [], {"reason": "no_live_source"}))
    out.unlink = list(scope.withdrawn)
    return out


def _unsure(labels: np.ndarray, pairs: np.ndarray, comp: Comparison, probability: np.ndarray,
            config: ResolutionConfig) -> np.ndarray:
    """Pairs the model is unsure of and that ended up apart: the stewards' queue."""
    if len(pairs) == 0:
        return np.empty(0, dtype=np.int64)
    unsure = (probability >= config.review) & (probability < config.accept) & ~comp.conflict
    unsure &= labels[pairs[:, 0]] != labels[pairs[:, 1]]
    return np.flatnonzero(unsure)


def _reviews(kind: str, src: SourceFrame, pairs: np.ndarray, unsure: np.ndarray, probability: np.ndarray,
             explainer: Explainer) -> list[tuple[str, str, float, dict[str, Any]]]:
    """The stewards' queue items for the unsure pairs: (left key, right key, score, explanation)."""
    if len(unsure) == 0:
        return []
    keys = _source_keys(src)
    items = []
    for edge in unsure.tolist():
        a, b = sorted((keys[pairs[edge, 0]], keys[pairs[edge, 1]]))
        items.append((a, b, round(float(probability[edge]), 4), explainer.explain(edge, b)))
    return items
