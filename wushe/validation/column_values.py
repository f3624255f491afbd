"""One column of a batch, with what several rules need to know about its values, computed once.

Every check over a column reads each Python object of it, and reading a hundred thousand objects
scattered in memory costs far more than the arithmetic on them. So a column's facts (each value's
exact type, which cells hold a value, the values parsed as numbers or dates, the elements of a list
column) are computed on first use and shared by every rule that asks, instead of each rule making
its own pass. Subsets (the present cells, a list column's elements) carry the types they already know.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

NONE_TYPE = type(None)
_type_of = np.frompyfunc(type, 1, 1)
_length = np.frompyfunc(len, 1, 1)
_get = np.frompyfunc(dict.get, 2, 1)


def _objects(values: Iterable[Any], count: int = -1) -> np.ndarray:
    """An object array of the values as they are (numpy would unpack values that are lists)."""
    return np.fromiter(values, dtype=object, count=count)


def types(values: np.ndarray) -> np.ndarray:
    """The exact Python type of every value (compare with ``==``: a bool is not an int here)."""
    return _type_of(values) if len(values) else np.empty(0, dtype=object)


def _float_or_nan(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        return np.nan


def _filled(values: np.ndarray, kind: type) -> np.ndarray:
    """Which values of one type (text, list or object) are not blank or empty."""
    found = map(str.strip, values.tolist()) if kind is str else values.tolist()
    return np.fromiter(map(bool, found), dtype=bool, count=len(values))


_UNIFORM = {"string": str, "floating": float}  # what pandas' C pass can vouch for


class ColumnValues:
    """The values of one column (or of a subset of it) as an object array, and facts about them."""

    def __init__(self, values: np.ndarray, kinds: np.ndarray | None = None, uniform: type | None = None) -> None:
        self.values = values
        self._kinds = kinds
        self._memo: dict[Any, Any] = {}
        if uniform is None and kinds is None and len(values):
            uniform = _UNIFORM.get(pd.api.types.infer_dtype(values, skipna=False))
            if uniform is None and values[0] is None and values.tolist().count(None) == len(values):
                uniform = NONE_TYPE
        self.uniform = uniform  # the one type of every value, when a cheap pass could tell

    def __len__(self) -> int:
        return len(self.values)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, the first time ``key`` is asked for; what it gave, every later time."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def kinds(self) -> np.ndarray:
        """Each value's exact type: the one pass over the objects that most checks need."""
        if self._kinds is None:
            self._kinds = np.full(len(self), self.uniform, dtype=object) if self.uniform else types(self.values)
        return self._kinds

    def of_type(self, kind: type) -> np.ndarray:
        """Which values are exactly of ``kind`` (a str or float subclass counts as one where the
        column is uniform)."""
        if self.uniform is not None:
            return self.cached(("type", kind), lambda: np.full(len(self), kind is self.uniform))
        return self.cached(("type", kind), lambda: np.asarray(self.kinds == kind, dtype=bool))

    def take(self, mask: np.ndarray) -> ColumnValues:
        """The values where ``mask`` holds, keeping what is known of their types."""
        if self.uniform is not None:
            return ColumnValues(self.values[mask], uniform=self.uniform)
        return ColumnValues(self.values[mask], self.kinds[mask])

    @property
    def there(self) -> np.ndarray:
        """Which cells hold a value (neither None nor NaN); blank text and empty lists do."""

        def compute() -> np.ndarray:
            there = ~self.of_type(NONE_TYPE)
            floats = self.of_type(float)
            if floats.any():
                there[floats] = ~np.isnan(self.values[floats].astype(np.float64))
            return there

        return self.cached("there", compute)

    @property
    def present(self) -> ColumnValues:
        """The cells that hold a value, as a subset (this column itself when every cell does: not
        cached then, for a column holding itself would live until the cyclic collector's next pass,
        and with it the batch's values it holds)."""
        if self.there.all():
            return self
        return self.cached("present", lambda: self.take(self.there))

    def filled(self) -> np.ndarray:
        """Not missing, not blank text, not an empty list or object (what a required field needs)."""

        def compute() -> np.ndarray:
            if self.uniform is str:
                return _filled(self.values, str)
            filled = self.there.copy()
            for kind in (str, list, dict):
                these = self.of_type(kind)
                if these.any():
                    filled[these] = _filled(self.values[these], kind)
            return filled

        return self.cached("filled", compute)

    def distinct(self, mask: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """``fn`` over the distinct values where ``mask`` holds (codes and dates repeat a lot),
        spread back to those cells; the values must be hashable there (text is)."""
        codes, uniques = pd.factorize(self.values[mask], use_na_sentinel=False)
        return fn(np.asarray(uniques, dtype=object))[codes]

    def elements(self, key: str | None = None, keep_missing: bool = False) -> tuple[ColumnValues, np.ndarray]:
        """The elements of a list column and the row each comes from.

        With ``key``, the cells hold lists of objects and the elements are those objects' ``key``
        values (objects without it give None, kept only with ``keep_missing``). A present cell that
        is not a list counts as one element of itself.
        """
        return self.cached(("elements", key, keep_missing), lambda: self._spread(key, keep_missing))

    def _spread(self, key: str | None, keep_missing: bool) -> tuple[ColumnValues, np.ndarray]:
        rows = np.flatnonzero(self.there)
        lists = self.present.of_type(list)
        cells = self.present.values
        sizes = np.ones(len(rows), dtype=np.int64)
        sizes[lists] = _length(cells[lists]).astype(np.int64)
        if not lists.all():  # a lone value is an element of itself
            cells = cells.copy()
            singles = ~lists
            cells[singles] = _objects((v,) for v in cells[singles])
        flat = _objects(itertools.chain.from_iterable(cells), int(sizes.sum()))
        owners = np.repeat(rows, sizes)
        values = ColumnValues(flat)
        if key is not None:
            objects = values.of_type(dict)
            values, owners = ColumnValues(_get(flat[objects], key)), owners[objects]
        if not keep_missing:
            values, owners = values.present, owners[values.there]
        return values, owners

    def numbers(self) -> np.ndarray:
        """The values as float64: numbers, and text that reads as one (as the contract's models
        accept); NaN for anything else, booleans included."""
        return self.cached("numbers", self._numbers)

    def _numbers(self) -> np.ndarray:
        out = np.full(len(self), np.nan)
        numeric = self.of_type(int) | self.of_type(float)
        if numeric.any():
            try:
                out[numeric] = self.values[numeric].astype(np.float64)
            except OverflowError:  # an integer beyond float's range is not a number the registry can hold
                out[numeric] = np.fromiter(map(_float_or_nan, self.values[numeric]), dtype=np.float64)
        rest = self.there & ~numeric & ~self.of_type(bool)
        if rest.any():
            out[rest] = pd.to_numeric(pd.Series(self.values[rest], dtype=object), errors="coerce").astype(np.float64)
        return out

    def dates(self) -> np.ndarray:
        """Real calendar dates (datetime64) from ISO text (YYYY-MM-DD) or date objects; NaT otherwise."""
        return self.cached("dates", self._dates)

    def _dates(self) -> np.ndarray:
        out = np.full(len(self), np.datetime64("NaT"), dtype="datetime64[us]")
        text = self.of_type(str)
        if text.any():
            out[text] = self.distinct(text, lambda uniques: pd.to_datetime(
                pd.Series(uniques, dtype=object), format="%Y-%m-%d", errors="coerce").to_numpy(dtype="datetime64[us]"))
        objects = self.of_type(dt.date)
        if objects.any():
            out[objects] = pd.to_datetime(pd.Series(self.values[objects], dtype=object),
                                          errors="coerce").to_numpy(dtype="datetime64[us]")
        return out
