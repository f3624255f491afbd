"""Vectorised checks over the columns of a batch: what the custom expectations compute.

The element checks take the present values of a column (:class:`ColumnValues`) and return a numpy
boolean array, True where the value passes. :func:`column_check` composes them for one contract
column: missing values pass (CONTRACT.REQUIRED covers them), and a list-valued column (phones,
coverage, ``items[].quantity``) passes a row when every element does. Within :func:`batch_scope`
a column's facts (types, presence, parsed values, identifier verdicts) are computed once for all
its rules, and every (rule, column) result is kept so the validator can name the failing field of
each failing row.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from functools import cache
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from wushe.validation import identifier_arrays as arrays
from wushe.validation.column_values import ColumnValues
from wushe.validation.columns import UNKNOWN, UNKNOWN_FIELDS, Column, kind_columns

Check = Callable[[ColumnValues], np.ndarray]


class BatchScope:
    """One batch's columns, with what the checks learned of them, and which rows passed each
    (rule id, column)."""

    def __init__(self) -> None:
        self.columns: dict[str, ColumnValues] = {}
        self.findings: dict[tuple[str, str], np.ndarray] = {}

    def present_count(self, series: pd.Series) -> int:
        """How many cells of the column hold a value."""
        return int(column_values(series).there.sum())


_scope: BatchScope | None = None


@contextmanager
def batch_scope() -> Iterator[BatchScope]:
    """Within this block each column is read once for all the rules that check it, and every
    (rule, column) result is kept for the validator to name the failing field of each row."""
    global _scope
    outer, _scope = _scope, BatchScope()
    try:
        yield _scope
    finally:
        _scope = outer


def column_values(series: pd.Series) -> ColumnValues:
    """The column's values; within a batch scope, the same object for every rule that asks."""
    if _scope is None:
        return ColumnValues(series.to_numpy(dtype=object))
    found = _scope.columns.get(series.name)
    if found is None or len(found) != len(series):
        found = _scope.columns[series.name] = ColumnValues(series.to_numpy(dtype=object))
    return found


def record(rule_id: str, column: str, passes: np.ndarray) -> None:
    """Keep which rows of ``column`` passed ``rule_id``, for the validator to name them."""
    if _scope is not None:
        _scope.findings[(rule_id, column)] = passes


def _bools(values: Any, n: int) -> np.ndarray:
    return np.fromiter(values, dtype=bool, count=n)


def present(series: pd.Series) -> np.ndarray:
    """Not missing, not blank text, not an empty list."""
    return column_values(series).filled()


def parse_dates(series: pd.Series) -> pd.Series:
    """Real calendar dates from ISO text (YYYY-MM-DD) or date objects; NaT for anything else."""
    return pd.Series(column_values(series).dates(), index=series.index)


def parse_numbers(series: pd.Series) -> pd.Series:
    """Numbers, and text that reads as one (as the contract's pydantic models accept); else NaN."""
    return pd.Series(column_values(series).numbers(), index=series.index)


# -- types ---------------------------------------------------------------------------------------


def _of_type(kind: type) -> Check:
    return lambda values: values.of_type(kind)


def _aware(text: str) -> bool:
    try:
        return dt.datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _is_datetime(values: ColumnValues) -> np.ndarray:
    """An ISO-8601 timestamp with its offset, or an aware datetime. Timestamps are nearly all
    distinct: each is parsed, which costs less than finding the distinct ones first."""
    passes = np.zeros(len(values), dtype=bool)
    text = values.of_type(str)
    if text.any():
        passes[text] = _bools(map(_aware, values.values[text].tolist()), int(text.sum()))
    moments = values.of_type(dt.datetime)
    if moments.any():
        passes[moments] = _bools((v.tzinfo is not None for v in values.values[moments]), int(moments.sum()))
    return passes


def _is_integer(values: ColumnValues) -> np.ndarray:
    numbers = values.numbers()
    return ~np.isnan(numbers) & (numbers == np.floor(numbers))


def _is_object_list(values: ColumnValues) -> np.ndarray:
    passes = values.of_type(list).copy()
    rows = np.flatnonzero(passes)
    passes[rows] = _bools((all(type(i) is dict for i in v) for v in values.values[rows]), len(rows))
    return passes


def _is_one_of(allowed: frozenset[str]) -> Check:
    def check(values: ColumnValues) -> np.ndarray:
        passes = values.of_type(str).copy()
        if passes.any():
            passes[passes] = values.distinct(passes, lambda uniques: _bools((v in allowed for v in uniques),
                                                                            len(uniques)))
        return passes

    return check


TYPE_CHECKS: dict[str, Check] = {
    "str": _of_type(str),
    "date": lambda values: ~np.isnat(values.dates()),
    "datetime": _is_datetime,
    "number": lambda values: ~np.isnan(values.numbers()),
    "integer": _is_integer,
    "bool": _of_type(bool),
    "object": _of_type(dict),
    "list": _is_object_list,
}


def type_check(column: Column) -> Check:
    """The contract type of one value of ``column`` (an element, for a list-valued column)."""
    if column.type == "enum":
        return _is_one_of(frozenset(column.value_set))
    return TYPE_CHECKS[column.type]


# -- identifiers, codes, values ------------------------------------------------------------------

FAMILIES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "uscc": arrays.uscc_problems,
    "id_number": lambda values: arrays.id_number_problems(values),
    "phone": arrays.phone_problems,
}


def identifier_problems(values: ColumnValues, family: str) -> np.ndarray:
    """Per value: the rule id it breaks, or None; text only (other types are CONTRACT.TYPE's).
    The rules of one family share this one computation."""

    def compute() -> np.ndarray:
        text = values.of_type(str)
        problems = np.full(len(values), None, dtype=object)
        if family == "division":  # codes repeat: each distinct one checked once
            problems[text] = values.distinct(text, arrays.division_problems)
        elif text.all():
            problems = FAMILIES[family](values.values)
        elif text.any():
            problems[text] = FAMILIES[family](values.values[text])
        return problems

    return values.cached(("problems", family), compute)


@cache
def taxonomy_codes(name: str) -> frozenset[str]:
    from wushe.taxonomy import taxonomy

    return frozenset(term.code for term in taxonomy(name))


def known_code(values: ColumnValues, taxonomy: str) -> np.ndarray:
    """The code is in the taxonomy (non-text values are CONTRACT.TYPE's concern)."""
    codes = taxonomy_codes(taxonomy)
    passes = np.ones(len(values), dtype=bool)
    text = values.of_type(str)
    if text.any():
        passes[text] = values.distinct(text, lambda uniques: _bools((v in codes for v in uniques), len(uniques)))
    return passes


def non_negative(values: ColumnValues) -> np.ndarray:
    """Not below zero (values that are not numbers are CONTRACT.TYPE's concern)."""
    return ~(values.numbers() < 0)


def ordered(low: pd.Series, high: pd.Series, as_type: str, rule_id: str = "") -> np.ndarray:
    """``low`` is not above ``high`` where both are readable as ``as_type`` (date or number)."""
    a, b = column_values(low), column_values(high)
    if as_type == "date":
        a, b = a.dates(), b.dates()
        passes = ~((a > b) & ~np.isnat(a) & ~np.isnat(b))
    else:
        passes = ~(a.numbers() > b.numbers())  # NaN compares false
    if rule_id:
        record(rule_id, f"{low.name},{high.name}", passes)
    return passes


# -- rules over columns --------------------------------------------------------------------------

IDENTIFIER_RULES = {
    "uscc": ("CN.USCC.FORMAT", "CN.USCC.CHECKSUM", "CN.USCC.ORGCODE"),
    "id_number": ("CN.IDCARD.FORMAT", "CN.IDCARD.BIRTHDATE", "CN.IDCARD.CHECKSUM"),
    "phone": ("CN.PHONE.FORMAT",),
    "division": ("CN.DIVISION.FORMAT", "CN.DIVISION.UNKNOWN"),
}
TAXONOMY_BY_FIELD = {"org_type": "org_types", "categories": "resource_categories", "category": "resource_categories",
                     "target_groups": "target_groups"}
SIGNED_FIELDS = frozenset({"lat", "lon"})  # coordinates may be negative; every other number may not
COLUMN_RULES = ("CONTRACT.REQUIRED", "CONTRACT.TYPE", "CONTRACT.UNKNOWN_FIELD", *(r for rules in IDENTIFIER_RULES.values() for r in rules),
                "TAXONOMY.UNKNOWN", "VALUE.NEGATIVE")


def identifier_family(column: Column) -> str | None:
    """Which identifier a text column holds, by the contract field's name."""
    if column.type != "str":
        return None
    leaf = column.leaf
    if leaf == "credit_code":
        return "uscc"
    if leaf == "id_number":
        return "id_number"
    if leaf in ("phone", "phones") or leaf.endswith("_phone"):
        return "phone"
    if leaf in ("division_code", "coverage"):
        return "division"
    return None


def _element_check(rule_id: str, column: Column) -> Check | None:
    """The check of ``rule_id`` on one present value of ``column``; None where it does not apply."""
    if rule_id == "CONTRACT.TYPE":
        return type_check(column)
    family = identifier_family(column)
    if family and rule_id in IDENTIFIER_RULES[family]:
        return lambda values: identifier_problems(values, family) != rule_id
    taxonomy = TAXONOMY_BY_FIELD.get(column.leaf)
    if rule_id == "TAXONOMY.UNKNOWN" and taxonomy and column.type == "str":
        return lambda values: known_code(values, taxonomy)
    if rule_id == "VALUE.NEGATIVE" and column.type in ("number", "integer") and column.leaf not in SIGNED_FIELDS:
        return non_negative
    return None


def _where_present(check: Check) -> Check:
    """A scalar column passes where its cell is missing, else where ``check`` passes."""

    def run(values: ColumnValues) -> np.ndarray:
        there = values.there
        if there.all():
            return np.asarray(check(values), dtype=bool)
        passes = np.ones(len(values), dtype=bool)
        if there.any():
            passes[there] = check(values.present)
        return passes

    return run


def _per_element(column: Column, check: Check, *, whole: Check | None = None, keep_missing: bool = False) -> Check:
    """A row passes when every element passes ``check`` (and the cell itself ``whole``)."""
    key = column.leaf if column.nested else None

    def run(values: ColumnValues) -> np.ndarray:
        passes = np.ones(len(values), dtype=bool)
        if whole is not None and values.there.any():
            passes[values.there] = whole(values.present)
        flat, owners = values.elements(key, keep_missing)
        if len(flat):
            passes[owners[~np.asarray(check(flat), dtype=bool)]] = False
        return passes

    return run


def column_check(rule_id: str, column: Column | None) -> Check | None:
    """The vectorised check of ``rule_id`` on a whole column, or None where the rule does not apply."""
    if column is None:
        return None
    if (rule_id == "CONTRACT.UNKNOWN_FIELD") != (column.name == UNKNOWN_FIELDS):
        return None
    if rule_id == "CONTRACT.UNKNOWN_FIELD":
        return lambda values: ~values.there
    if rule_id == "CONTRACT.REQUIRED":
        if not column.required:
            return None
        # a required sub-field of a list of objects (items[].name): every object carries it
        filled = ColumnValues.filled
        return _per_element(column, filled, keep_missing=True) if column.many and column.nested else filled
    check = _element_check(rule_id, column)
    if check is None:
        return None
    if column.many:
        whole = _of_type(list) if rule_id == "CONTRACT.TYPE" and not column.nested else None
        return _per_element(column, check, whole=whole)
    return _where_present(check)


def rule_passes(frame: pd.DataFrame, kind: str, rule_id: str) -> np.ndarray:
    """Rows of ``frame`` passing ``rule_id`` on every column of ``kind`` it applies to."""
    spec = kind_columns(kind)
    passes = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        check = column_check(rule_id, UNKNOWN if name == UNKNOWN_FIELDS else spec.by_name.get(name))
        if check is None:
            continue
        column_passes = check(column_values(frame[name]))
        record(rule_id, name, column_passes)
        passes &= column_passes
    return passes
