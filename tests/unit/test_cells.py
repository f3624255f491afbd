"""Timestamp cells: a whole column converts exactly as its values do one at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wushe.registry.bulk import Cells

OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=OFFSETS)
VALUES = st.one_of(
    st.none(),
    MOMENTS,
    MOMENTS.map(datetime.isoformat),
    MOMENTS.map(lambda moment: moment.isoformat(" ", "seconds")),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)).map(datetime.isoformat),
    st.sampled_from(["2026-11-01T02:00:00+08:00", "2026-11-01T02:00:00Z", "2026-11-01T02:00:00.5+08:00",
                     "2026-11-01T02:00:00+08:00:30", "0001-01-01T00:00:00+00:00"]),
)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@given(values=st.lists(VALUES, max_size=12))
def test_a_column_converts_as_its_values_one_by_one(dialect: str, values: list) -> None:
    cells = Cells(dialect)
    assert cells.ts_column(values) == [cells.ts(v) for v in values]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_column_of_parsed_timestamps_converts_as_well(dialect: str) -> None:
    texts = ["2026-11-01T02:00:00+08:00", None, "2026-11-01T02:00:00.123456+00:00"]
    parsed = pd.to_datetime(pd.Series(texts, dtype=object), utc=True, format="ISO8601")
    cells = Cells(dialect)
    assert cells.ts_column(parsed) == [cells.ts(v) for v in texts]


@pytest.mark.parametrize("text", ["", "NaT", "now", "today"])
def test_a_column_refuses_text_that_is_no_timestamp_as_its_values_do(text: str) -> None:
    cells = Cells("postgresql")
    with pytest.raises(ValueError):
        cells.ts(text)
    with pytest.raises(ValueError):
        cells.ts_column(["2026-11-01T02:00:00+08:00", text])


def test_sqlite_cells_are_sqlalchemys_text_form() -> None:
    assert Cells("sqlite").ts_column(["2026-11-01T02:00:00+08:00", "2026-11-01T02:00:00+08:00"]) == [
        "2026-10-31 18:00:00.000000", "2026-10-31 18:00:00.000000"]
