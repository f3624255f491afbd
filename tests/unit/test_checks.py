"""The column checks agree with their one-value definitions on any mix of values."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from wushe.validation import checks
from wushe.validation.column_values import types

CELLS = st.one_of(st.none(), st.text(" \t\n\u3000ab", max_size=3), st.floats(allow_nan=True), st.integers(),
                  st.booleans(), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=1), st.integers(),
                                                                                       max_size=1),
                  st.dates(), st.sampled_from(["2026-01-31", "2026-02-30", "2026-1-5", "31/01/2026"]))


def blank(value: object) -> bool:
    """A missing or empty value, one at a time."""
    if value is None:
        return True
    if type(value) is str:
        return not value.strip()
    if type(value) is float:
        return math.isnan(value)
    if type(value) in (list, dict):
        return not value
    return False


@given(st.lists(CELLS, max_size=20))
def test_presence_agrees_with_the_scalar_definition(values: list) -> None:
    series = pd.Series(values, dtype=object)
    assert checks.present(series).tolist() == [not blank(v) for v in values]


@given(st.lists(CELLS, max_size=20))
def test_date_parsing_agrees_value_by_value(values: list) -> None:
    whole = checks.parse_dates(pd.Series(values, dtype=object))
    one_by_one = [checks.parse_dates(pd.Series([v], dtype=object)).iloc[0] for v in values]
    assert [None if pd.isna(a) else a for a in whole] == [None if pd.isna(b) else b for b in one_by_one]


@given(st.lists(CELLS, max_size=20))
def test_exact_types(values: list) -> None:
    found = types(pd.Series(values, dtype=object).to_numpy())
    assert found.tolist() == [type(v) for v in values]
    for kind in (dict, list, bool, str, dt.date):
        assert (found == kind).tolist() == [type(v) is kind for v in values]


def missing(value: object) -> bool:
    return value is None or (type(value) is float and math.isnan(value))


LIST_CELLS = st.one_of(CELLS, st.lists(st.one_of(CELLS, st.dictionaries(st.sampled_from("ab"), CELLS, max_size=2)),
                                       max_size=3))


@given(st.lists(LIST_CELLS, max_size=12), st.booleans())
def test_list_elements_agree_with_one_row_at_a_time(values: list, keep_missing: bool) -> None:
    column = checks.column_values(pd.Series(values, dtype=object))
    flat, owners = column.elements(None, keep_missing)
    expected = [(row, e) for row, v in enumerate(values) if not missing(v)
                for e in (v if type(v) is list else [v]) if keep_missing or not missing(e)]
    assert list(zip(owners.tolist(), flat.values.tolist())) == expected


@given(st.lists(LIST_CELLS, max_size=12), st.booleans())
def test_sub_field_elements_read_each_object_of_a_list(values: list, keep_missing: bool) -> None:
    column = checks.column_values(pd.Series(values, dtype=object))
    flat, owners = column.elements("a", keep_missing)
    expected = [(row, e.get("a")) for row, v in enumerate(values) if not missing(v)
                for e in (v if type(v) is list else [v]) if type(e) is dict and (keep_missing or not missing(e.get("a")))]
    assert list(zip(owners.tolist(), flat.values.tolist())) == expected


@given(st.lists(st.one_of(CELLS, st.sampled_from([" 12 ", "1e3", "-0.5", "inf", "十", 10**400])), max_size=20))
def test_numbers_agree_value_by_value(values: list) -> None:
    def one(value: object) -> float:
        if type(value) is bool or missing(value):
            return math.nan
        if type(value) is int and abs(value) > 1e308:  # beyond float: not a number the registry can hold
            return math.nan
        return float(pd.to_numeric(pd.Series([value], dtype=object), errors="coerce").astype("float64").iloc[0])

    found = checks.parse_numbers(pd.Series(values, dtype=object)).tolist()
    assert [None if math.isnan(v) else v for v in found] == [None if math.isnan(one(v)) else one(v) for v in values]

