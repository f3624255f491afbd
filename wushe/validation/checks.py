"""Vectorised checks over the columns of a batch: what the custom expectations compute.

The element checks take a pandas Series of present values and return a numpy boolean array, True
where the value passes. :func:`column_check` composes them for one contract column: missing
values pass (CONTRACT.REQUIRED covers them), and a list-valued column (phones, coverage,
``items[].quantity``) passes a row when every element does. Within :func:`batch_scope` the three
rules of an identifier family share one computation, and every (rule, column) result is kept so
the validator can name the failing field of each failing row.
"""

from __future__ import annotations

import datetime as dt
import math
from contextlib import contextmanager
from functools import cache
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from wushe.validation import identifier_arrays as arrays
from wushe.validation.columns import UNKNOWN, UNKNOWN_FIELDS, Column, kind_columns

Check = Callable[[pd.Series], np.ndarray]


class BatchScope:
    """What the checks found in one batch: per (rule id, column), which rows pass."""

    def __init__(self) -> None:
        self.memo: dict[tuple[Any, ...], np.ndarray] = {}
        self.findings: dict[tuple[str, str], np.ndarray] = {}

    def present_count(self, series: pd.Series) -> int:
        """How many cells of the column hold a value."""
        return int(_present_mask(series).sum())


_scope: BatchScope | None = None


@contextmanager
def batch_scope() -> Iterator[BatchScope]:
    """Within this block the rules of an identifier family share one computation, and every
    (rule, column) result is kept for the validator to name the failing field of each row."""
    global _scope
    outer, _scope = _scope, BatchScope()
    try:
        yield _scope
    finally:
        _scope = outer


def record(rule_id: str, column: str, passes: np.ndarray) -> None:
    """Keep which rows of ``column`` passed ``rule_id``, for the validator to name them."""
    if _scope is not None:
        _scope.findings[(rule_id, column)] = passes


def _bools(values: Any, n: int) -> np.ndarray:
    return np.fromiter(values, dtype=bool, count=n)


_type_of = np.frompyfunc(type, 1, 1)
_stripped = np.frompyfunc(str.strip, 1, 1)
_length = np.frompyfunc(len, 1, 1)


def types(values: np.ndarray) -> np.ndarray:
    """The exact Python type of every value (compare with ``==``: a bool is not an int here)."""
    return _type_of(values) if len(values) else np.empty(0, dtype=object)


def _dedup(values: pd.Series, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``fn`` over the distinct values only, spread back to every row (codes repeat a lot)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return fn(np.asarray(uniques, dtype=object))[codes]


# -- presence ------------------------------------------------------------------------------------


def _blank(values: np.ndarray) -> np.ndarray:
    """None, NaN, blank text, an empty list or object."""
    kinds = types(values)
    blank = kinds == type(None)
    for kind, test in ((float, lambda v: np.isnan(v.astype(np.float64))), (str, lambda v: _stripped(v) == ""),
                       (list, lambda v: _length(v) == 0), (dict, lambda v: _length(v) == 0)):
        these = kinds == kind
        if these.any():
            blank[these] = test(values[these])
    return blank


def present(series: pd.Series) -> np.ndarray:
    """Not missing, not blank text, not an empty list."""
    if _text_dtype(series):
        return ~(series.isna() | series.eq("") | series.str.isspace()).to_numpy(dtype=bool)
    return ~_blank(series.to_numpy(dtype=object))


# -- types ---------------------------------------------------------------------------------------


def _text_dtype(values: pd.Series) -> bool:
    """pandas already knows every present value is text."""
    return pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values.dtype)


def _of_type(kind: type) -> Check:
    def check(values: pd.Series) -> np.ndarray:
        return np.asarray(types(values.to_numpy(dtype=object)) == kind, dtype=bool)

    return check


def _is_str(values: pd.Series) -> np.ndarray:
    if _text_dtype(values) or pd.api.types.infer_dtype(values, skipna=False) == "string":
        return np.ones(len(values), dtype=bool)
    return _of_type(str)(values)


def parse_dates(series: pd.Series) -> pd.Series:
    """Real calendar dates from ISO text (YYYY-MM-DD) or date objects; NaT for anything else."""
    if _text_dtype(series):
        return pd.to_datetime(series, format="%Y-%m-%d", errors="coerce")
    values = series.to_numpy(dtype=object)
    kinds = types(values)
    # dates repeat: parse each distinct text once
    codes, uniques = pd.factorize(np.where(kinds == str, values, None))
    distinct = pd.to_datetime(pd.Series(uniques, dtype=object), format="%Y-%m-%d", errors="coerce").array
    parsed = pd.Series(pd.api.extensions.take(distinct, codes, allow_fill=True), index=series.index)
    objects = kinds == dt.date
    if objects.any():
        parsed[objects] = pd.to_datetime(pd.Series(values[objects], dtype=object), errors="coerce").to_numpy()
    return parsed


def parse_numbers(series: pd.Series) -> pd.Series:
    """Numbers, and text that reads as one (as the contract's pydantic models accept); else NaN."""
    if pd.api.types.is_float_dtype(series.dtype) or pd.api.types.is_integer_dtype(series.dtype):
        return series.astype("float64")
    values = series.to_numpy(dtype=object)
    is_bool = types(values) == bool
    cleaned = pd.Series(np.where(is_bool, None, values), index=series.index, dtype=object)
    return pd.to_numeric(cleaned, errors="coerce").astype("float64")


def _is_datetime(values: pd.Series) -> np.ndarray:
    """An ISO-8601 timestamp with its offset, or an aware datetime."""

    def aware(v: Any) -> bool:
        if type(v) is str:
            try:
                return dt.datetime.fromisoformat(v).tzinfo is not None
            except ValueError:
                return False
        return isinstance(v, dt.datetime) and v.tzinfo is not None

    return _dedup(values, lambda uniques: _bools(map(aware, uniques), len(uniques)))


def _is_integer(values: pd.Series) -> np.ndarray:
    numbers = parse_numbers(values)
    return (numbers.notna() & (numbers == np.floor(numbers))).to_numpy()


def _is_object_list(values: pd.Series) -> np.ndarray:
    return _bools((type(v) is list and all(type(i) is dict for i in v) for v in values.to_numpy(dtype=object)),
                  len(values))


TYPE_CHECKS: dict[str, Check] = {
    "str": _is_str,
    "date": lambda values: parse_dates(values).notna().to_numpy(),
    "datetime": _is_datetime,
    "number": lambda values: parse_numbers(values).notna().to_numpy(),
    "integer": _is_integer,
    "bool": _of_type(bool),
    "object": _of_type(dict),
    "list": _is_object_list,
}


def type_check(column: Column) -> Check:
    """The contract type of one value of ``column`` (an element, for a list-valued column)."""
    if column.type == "enum":
        allowed = column.value_set
        return lambda values: _is_str(values) & values.isin(allowed).to_numpy()
    return TYPE_CHECKS[column.type]


# -- identifiers, codes, values ------------------------------------------------------------------

FAMILIES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "uscc": arrays.uscc_problems,
    "id_number": lambda values: arrays.id_number_problems(values),
    "phone": arrays.phone_problems,
    "division": lambda values: _dedup(pd.Series(values, dtype=object), arrays.division_problems),
}


def identifier_problems(values: pd.Series, family: str) -> np.ndarray:
    """Per value: the rule id it breaks, or None; text only (other types are CONTRACT.TYPE's)."""
    key = (family, values.name, len(values), values.index[0] if len(values) else None)
    if _scope is not None and key in _scope.memo:
        return _scope.memo[key]
    raw = values.to_numpy(dtype=object)
    text = _is_str(values)
    problems = np.full(len(raw), None, dtype=object)
    if text.all():
        problems = FAMILIES[family](raw)
    elif text.any():
        problems[text] = FAMILIES[family](raw[text])
    if _scope is not None:
        _scope.memo[key] = problems
    return problems


@cache
def taxonomy_codes(name: str) -> frozenset[str]:
    from wushe.taxonomy import taxonomy

    return frozenset(term.code for term in taxonomy(name))


def known_code(values: pd.Series, taxonomy: str) -> np.ndarray:
    """The code is in the taxonomy (non-text values are CONTRACT.TYPE's concern)."""
    codes = taxonomy_codes(taxonomy)
    return _dedup(values, lambda uniques: _bools((type(v) is not str or v in codes for v in uniques), len(uniques)))


def non_negative(values: pd.Series) -> np.ndarray:
    """Not below zero (values that are not numbers are CONTRACT.TYPE's concern)."""
    return ~(parse_numbers(values) < 0).to_numpy()


def ordered(low: pd.Series, high: pd.Series, as_type: str, rule_id: str = "") -> np.ndarray:
    """``low`` is not above ``high`` where both are readable as ``as_type`` (date or number)."""
    parse = parse_dates if as_type == "date" else parse_numbers
    a, b = parse(low), parse(high)
    passes = ~((a > b) & a.notna() & b.notna()).to_numpy()
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


def elements(series: pd.Series, column: Column, keep_missing: bool = False) -> pd.Series:
    """The elements of a list-valued column, indexed by their row (missing ones dropped unless asked).

    A sub-field of a list of objects (``items[].quantity``) holds the whole list in each cell; its
    elements are the sub-field's values. Within a batch scope each column is spread out once, however
    many rules read its elements.
    """
    key = ("elements", series.name, len(series), keep_missing)
    if _scope is not None and key in _scope.memo:
        return _scope.memo[key]
    flat = _spread(series, column)
    flat = flat if keep_missing else flat[flat.notna().to_numpy()]
    if _scope is not None:
        _scope.memo[key] = flat
    return flat


def _spread(series: pd.Series, column: Column) -> pd.Series:
    flat = series.explode()
    if column.nested:
        flat = flat[(flat.map(type) == dict).to_numpy()]
        key = column.leaf
        flat = pd.Series([item.get(key) for item in flat], index=flat.index, dtype=object, name=series.name)
    return flat


def _present_mask(series: pd.Series) -> np.ndarray:
    """Which cells hold a value; computed once per column and batch (every rule asks)."""
    key = ("present", series.name, len(series))
    if _scope is not None and key in _scope.memo:
        return _scope.memo[key]
    there = series.notna().to_numpy()
    if _scope is not None:
        _scope.memo[key] = there
    return there


def _where_present(series: pd.Series, check: Check) -> np.ndarray:
    there = _present_mask(series)
    if there.all():
        return np.asarray(check(series), dtype=bool)
    passes = np.ones(len(series), dtype=bool)
    if there.any():
        passes[there] = check(series[there])
    return passes


def _per_element(column: Column, check: Check, *, whole: Check | None = None, keep_missing: bool = False) -> Check:
    """A row passes when every element passes ``check`` (and the cell itself ``whole``)."""

    def run(series: pd.Series) -> np.ndarray:
        passes = np.ones(len(series), dtype=bool)
        there = _present_mask(series)
        if not there.any():
            return passes
        cells = series[there]
        if whole is not None:
            passes[there] = whole(cells)
        flat = elements(cells, column, keep_missing)
        if len(flat):
            failing = flat.index[~np.asarray(check(flat), dtype=bool)]
            passes &= ~series.index.isin(failing)
        return passes

    return run


def column_check(rule_id: str, column: Column | None) -> Check | None:
    """The vectorised check of ``rule_id`` on a whole column, or None where the rule does not apply."""
    if column is None:
        return None
    if (rule_id == "CONTRACT.UNKNOWN_FIELD") != (column.name == UNKNOWN_FIELDS):
        return None
    if rule_id == "CONTRACT.UNKNOWN_FIELD":
        return lambda series: ~_present_mask(series)
    if rule_id == "CONTRACT.REQUIRED":
        if not column.required:
            return None
        # a required sub-field of a list of objects (items[].name): every object carries it
        return _per_element(column, present, keep_missing=True) if column.many and column.nested else present
    check = _element_check(rule_id, column)
    if check is None:
        return None
    if column.many:
        whole = _of_type(list) if rule_id == "CONTRACT.TYPE" and not column.nested else None
        return _per_element(column, check, whole=whole)
    return lambda series: _where_present(series, check)


def rule_passes(frame: pd.DataFrame, kind: str, rule_id: str) -> np.ndarray:
    """Rows of ``frame`` passing ``rule_id`` on every column of ``kind`` it applies to."""
    spec = kind_columns(kind)
    passes = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        check = column_check(rule_id, UNKNOWN if name == UNKNOWN_FIELDS else spec.by_name.get(name))
        if check is None:
            continue
        column_passes = check(frame[name])
        record(rule_id, name, column_passes)
        passes &= column_passes
    return passes
