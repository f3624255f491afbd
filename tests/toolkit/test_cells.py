"""Cell helpers of coded connectors."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wushe.toolkit.cells import REQUIRED, compact

VALUES = st.one_of(st.none(), st.just(""), st.just({}), st.just([]), st.just(0), st.just(0.0), st.just(False),
                   st.text(max_size=3), st.integers(), st.dictionaries(st.text(max_size=1), st.integers(), max_size=1))


@given(st.dictionaries(st.sampled_from(["name", "title", "phone", "note", "capacity", "age_min"]), VALUES))
def test_compact_drops_only_empty_optional_values(payload: dict) -> None:
    kept = compact(payload)
    assert kept == {k: v for k, v in payload.items()
                    if k in REQUIRED or not (v is None or (type(v) is str and v == "") or (type(v) is dict and not v))}
    assert list(kept) == [k for k in payload if k in kept]  # order as the partner's fields
