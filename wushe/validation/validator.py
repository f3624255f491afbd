"""Validate one batch of contract records with Great Expectations.

The context, data source and suites are built once per process (GX's import alone takes seconds)
and reused for every batch. A batch becomes one DataFrame; the built-in suite runs on it once with
``result_format`` BOOLEAN_ONLY, its checks keeping which rows fail, and the plugins' suite (if any)
with COMPLETE so each expectation returns the index of every failing row. Tombstones (deletions)
carry no payload, so only their envelope is checked.
"""

from __future__ import annotations

import operator
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from wushe.contract import KINDS, Record
from wushe.errors import WusheError
from wushe.validation.catalogue import RuleInfo, describe
from wushe.validation.columns import SOURCE_ID, UNKNOWN_FIELDS, UPDATED_AT, flatten

if TYPE_CHECKING:
    import pandas as pd
    import pluggy

# wushe's own expectations keep their failing rows (checks.record): GX need only say pass or fail;
# a plugin's expectation needs GX to list its failing rows
PASS_FAIL = {"result_format": "BOOLEAN_ONLY"}
ROWS = {"result_format": "COMPLETE", "partial_unexpected_count": 0, "return_unexpected_index_query": False}
_DELETED = operator.methodcaller("get", "deleted")
WHOLE_ROW_RULES = frozenset({"CONTRACT.REQUIRED", "CONTRACT.UNKNOWN_FIELD"})  # checked on every row
ENVELOPE_FIELDS = {SOURCE_ID: "source_id", UPDATED_AT: "source_updated_at", UNKNOWN_FIELDS: "payload"}


@dataclass(frozen=True)
class Problem:
    """One broken rule in one row: what the partner must fix."""

    field: str
    value: Any
    rule_id: str
    tier: str

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "rule": self.rule_id, "tier": self.tier}


@dataclass
class RuleOutcome:
    """How one expectation fared on a batch (summed over batches into ``validation_result``)."""

    rule_id: str
    tier: str
    field: str
    expectation: str
    kwargs: dict[str, Any]
    checked: int = 0
    failed: int = 0


@dataclass
class BatchReport:
    """What validation decided about each row of a batch."""

    kind: str
    records: Sequence[Record]
    problems: dict[int, list[Problem]] = field(default_factory=dict)  # row -> every rule it broke
    outcomes: list[RuleOutcome] = field(default_factory=list)
    rules: dict[str, RuleInfo] = field(default_factory=dict)  # texts of plugin rules

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def rejected(self) -> dict[int, list[Problem]]:
        """Rows with at least one error: they go to quarantine."""
        return {i: p for i, p in self.problems.items() if any(x.tier == "error" for x in p)}

    @property
    def flagged(self) -> dict[int, list[Problem]]:
        """Rows with warnings only: accepted, and reported to the partner."""
        return {i: p for i, p in self.problems.items() if all(x.tier != "error" for x in p)}

    def valid_records(self) -> list[Record]:
        """The records that passed every error-tier rule (flagged ones included), in batch order."""
        rejected = self.rejected
        return [rec for i, rec in enumerate(self.records) if i not in rejected]

    def texts(self, rule_id: str) -> RuleInfo:
        return describe(rule_id, self.rules)


class ValidationError(WusheError):
    """A rule could not be evaluated: the batch is not accepted rather than accepted unchecked."""


class Validator:
    """Validates batches of contract records; one per process (see :func:`validator`)."""

    def __init__(self, pm: pluggy.PluginManager | None = None) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.execution_engine import pandas_execution_engine

        # GX fingerprints every in-memory batch below this size by hashing it, pickling the whole
        # frame when cells hold lists; a transient batch needs no fingerprint
        if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
            pandas_execution_engine.HASH_THRESHOLD = 0

        from wushe.validation.suites import build_suite, build_tombstone_suite

        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = self._context.data_sources.add_pandas("wushe").add_dataframe_asset("batch")
        self._batches = asset.add_batch_definition_whole_dataframe("whole batch")
        self._suites: dict[str, tuple[Any, Any]] = {}  # kind -> (built-in suite, plugins' suite or None)
        self.rules: dict[str, RuleInfo] = {}
        for kind in KINDS:
            suite, plugins, extra = build_suite(kind, pm)
            self._suites[kind] = (suite, plugins)
            self.rules.update(extra)
        self._tombstones = {kind: (build_tombstone_suite(kind), None) for kind in KINDS}
        self._lock = threading.Lock()

    def suites(self, kind: str) -> tuple[Any, Any]:
        """The built-in suite of ``kind`` and the plugins' suite (None when no plugin adds rules)."""
        try:
            return self._suites[kind]
        except KeyError:
            raise WusheError(f"unknown record kind {kind!r}; expected one of: {', '.join(KINDS)}") from None

    def validate(self, records: Sequence[Record], kind: str) -> BatchReport:
        """Validate a batch of records of one kind."""
        suites = self.suites(kind)
        report = BatchReport(kind, records, rules=self.rules)
        deleted = list(map(_DELETED, records))  # a C loop: this runs over every record
        if any(deleted):
            live = [i for i, d in enumerate(deleted) if not d]
            dead = [i for i, d in enumerate(deleted) if d]
        else:
            live, dead = list(range(len(records))), []
        for rows, target in ((live, suites), (dead, self._tombstones[kind])):
            if rows:
                subset = records if len(rows) == len(records) else [records[i] for i in rows]
                self._run(report, target, flatten(kind, subset), rows)
        return report

    def _run(self, report: BatchReport, suites: tuple[Any, Any], frame: pd.DataFrame, rows: list[int]) -> None:
        from wushe.validation.checks import batch_scope

        builtin, plugins = suites
        with self._lock, batch_scope() as scope:  # one GX context is not made for concurrent use
            batch = self._batches.get_batch(batch_parameters={"dataframe": frame})
            self._read(report, frame, rows, batch.validate(builtin, result_format=PASS_FAIL).results, scope)
            if plugins is not None:
                self._read(report, frame, rows, batch.validate(plugins, result_format=ROWS).results, None)

    def _read(self, report: BatchReport, frame: pd.DataFrame, rows: list[int], results: Any, scope: Any) -> None:
        """Turn GX's results into per-row problems and per-rule counts.

        With a ``scope``, the expectations are wushe's own and their checks' findings name the
        failing rows of each column; without, GX's COMPLETE results list them.
        """
        outcomes = {(o.rule_id, o.field): o for o in report.outcomes}

        def outcome(rule_id: str, tier: str, column: str, config: Any) -> RuleOutcome:
            found = outcomes.get((rule_id, column))
            if found is None:
                kwargs = {k: v for k, v in config.kwargs.items() if k not in ("result_format", "batch_id")}
                found = outcomes[(rule_id, column)] = RuleOutcome(rule_id, tier, column, config.type, kwargs)
                report.outcomes.append(found)
            return found

        for res in results:
            config = res.expectation_config
            meta = config.meta or {}
            rule_id, tier, field_name = meta.get("rule_id"), meta.get("tier", "error"), meta.get("field", "")
            if res.exception_info and res.exception_info.get("raised_exception"):
                raise ValidationError(f"validation rule {rule_id} could not run: "
                                      f"{res.exception_info.get('exception_message')}")
            parts = (self._found(res, frame, scope, rule_id, field_name) if scope is not None
                     else self._listed(res, frame, rule_id, field_name))
            for column, failing, checked in parts:
                counted = outcome(rule_id, tier, column, config)
                counted.checked += checked
                counted.failed += len(failing)
                self._collect(report, frame, rows, failing, column, rule_id, tier)

    @staticmethod
    def _listed(res: Any, frame: pd.DataFrame, rule_id: str, field_name: str) -> list[tuple[str, Any, int]]:
        """A plugin expectation's failing rows, as GX's COMPLETE result lists them: (field, rows, checked)."""
        stats = res.result or {}
        failing = [int(i) for i in stats.get("unexpected_index_list") or []]
        if stats.get("unexpected_count") and not failing:
            raise ValidationError(f"validation rule {rule_id} reported failures without naming the rows")
        checked = int(stats.get("element_count", len(frame))) - int(stats.get("missing_count") or 0)
        return [(field_name, failing, checked)]

    @staticmethod
    def _found(res: Any, frame: pd.DataFrame, scope: Any, rule_id: str, field_name: str
               ) -> list[tuple[str, Any, int]]:
        """A built-in expectation's failing rows per column, from its checks' findings."""
        import numpy as np

        parts = []
        for column in res.expectation_config.kwargs.get("column_list") or [field_name]:
            passes = scope.findings.get((rule_id, column))
            if passes is not None:
                checked = (len(frame) if rule_id in WHOLE_ROW_RULES or column not in frame.columns
                           else scope.present_count(frame[column]))
                parts.append((column, np.flatnonzero(~passes), checked))
        if not parts:
            raise ValidationError(f"validation rule {rule_id} ran without its checks' findings")
        if any(len(failing) for _, failing, _ in parts) == bool(res.success):
            raise ValidationError(f"validation rule {rule_id}: the checks and Great Expectations disagree "
                                  "on whether it passed")
        return parts

    @staticmethod
    def _collect(report: BatchReport, frame: pd.DataFrame, rows: list[int], failing: Any, column: str,
                 rule_id: str, tier: str) -> None:
        if not len(failing):
            return
        values = [frame[c].to_numpy(dtype=object) for c in column.split(",") if c in frame.columns]
        shown = ENVELOPE_FIELDS.get(column, column)
        for position in map(int, failing):
            value = values[0][position] if len(values) == 1 else [v[position] for v in values]
            report.problems.setdefault(rows[position], []).append(Problem(shown, value, rule_id, tier))


_shared: Validator | None = None
_shared_lock = threading.Lock()


def validator() -> Validator:
    """The process-wide validator (built on first use: Great Expectations loads here)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Validator()
        return _shared
