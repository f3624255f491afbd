"""The column checks agree with their one-value definitions on any mix of values."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from wushe.validation import checks

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
    found = checks.types(pd.Series(values, dtype=object).to_numpy())
    assert found.tolist() == [type(v) for v in values]
    for kind in (dict, list, bool, str, dt.date):
        assert (found == kind).tolist() == [type(v) is kind for v in values]
