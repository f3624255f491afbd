"""Whole-stream reads leave the rows the registry holds unchanged unmapped."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Sequence

from hypothesis import given
from hypothesis import strategies as st

from wushe.connector import Unreadable, rows_known
from wushe.registry.known_rows import StoredRows
from wushe.toolkit.incremental import CursorTracker
from wushe.toolkit.reading import UNCHANGED_SPAN, CodedMapper, MappingError, RecordMaker, batches
from wushe.toolkit.tabular import Row

AT = datetime(2026, 11, 20, tzinfo=timezone.utc)


class Remembered:
    """A registry that holds the rows whose ids are given, exactly as they are read."""

    def __init__(self, ids: set[str]) -> None:
        self.ids = ids
        self.asked: list[tuple[str, str]] = []

    def digest(self, values: dict[str, Any]) -> str:
        return f"{values['id']}:{values['name']}"

    def unchanged(self, rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
        self.asked.extend(rows)
        return {source_id: f"row {source_id}" for source_id, _digest in rows if source_id in self.ids}


def build(row: dict[str, Any]) -> dict[str, Any]:
    if not row["name"]:
        raise MappingError("名称 is empty")
    return {"name": row["name"], "org_type": "merchant"}


def maker() -> RecordMaker:
    return RecordMaker("shops", CodedMapper("organization", build), id_column="id")


def rows(n: int) -> list[Row | Unreadable]:
    return [Row({"id": f"S{i}", "name": "" if i == 7 else f"商家{i}"}, f"row {i}", AT) for i in range(n)]


def test_rows_held_unchanged_are_counted_but_not_mapped() -> None:
    known = Remembered({"S1", "S2", "S3", "S7"})
    with rows_known(known):
        read = list(batches([*rows(10), Unreadable("row 10: no id", {})], maker(), tracker=None, batch_size=6))
    assert [len(b) for b in read] == [11]  # 7 rows to write: fewer than two batches' worth
    assert sum(len(b) for b in read) == 11  # every row read is accounted for
    assert [r["source_id"] for b in read for r in b.records] == ["S0", "S4", "S5", "S6", "S8", "S9"]
    assert {k: v for b in read for k, v in b.unchanged.items()} == {f"S{i}": f"row S{i}" for i in (1, 2, 3, 7)}
    assert {k: v for b in read for k, v in b.row_digests.items()} == {r["source_id"]: f"{r['source_id']}:{r['payload']['name']}"
                                                                   for b in read for r in b.records}
    assert [u.reason for b in read for u in b.unreadable] == ["row 10: no id"]


def test_a_batch_goes_once_it_holds_a_batch_of_rows_to_write() -> None:
    with rows_known(Remembered(set())):
        read = list(batches(rows(13), maker(), tracker=None, batch_size=6))
    assert [len(b.records) + len(b.unreadable) for b in read] == [6, 6, 1]


def test_a_batch_of_unchanged_rows_spans_several_batches_of_rows_read() -> None:
    """A full export read again: few batches to validate and commit, each within a bound."""
    known = Remembered({f"S{i}" for i in range(100)} - {"S5", "S55"})
    with rows_known(known):
        read = list(batches(rows(100), maker(), tracker=None, batch_size=5))
    assert [len(b) for b in read] == [5 * UNCHANGED_SPAN, 5 * UNCHANGED_SPAN]
    assert [[r["source_id"] for r in b.records] for b in read] == [["S5"], ["S55"]]


def test_a_source_id_read_twice_is_not_joined_into_one_batch() -> None:
    """Within a batch the last row for an id wins; read apart, each row keeps its place."""
    known = Remembered({"S1"})
    again = [Row({"id": "S1", "name": "商家1"}, "row 4", AT)]
    with rows_known(known):
        read = list(batches([*rows(3), rows(4)[3], *again, Row({"id": "S9", "name": "商家9"}, "row 5", AT)],
                            maker(), tracker=None, batch_size=3))
    assert [len(b) for b in read] == [3, 3]  # every row read is accounted for
    assert [sorted(b.unchanged) for b in read] == [["S1"], ["S1"]]


def test_a_row_that_changed_is_mapped_and_may_be_unreadable() -> None:
    with rows_known(Remembered(set())):
        read = list(batches(rows(10), maker(), tracker=None, batch_size=100))
    assert len(read[0].records) == 9 and "名称 is empty" in read[0].unreadable[0].reason


def test_an_empty_whole_read_still_ends_with_a_batch() -> None:
    with rows_known(Remembered(set())):
        assert [len(b) for b in batches([], maker(), tracker=None, batch_size=5)] == [0]


def test_an_incremental_read_maps_every_row_it_admits() -> None:
    known = Remembered({"S1", "S2"})
    stamped = RecordMaker("shops", CodedMapper("organization", build), id_column="id", updated_at="at")
    changed = [Row({"id": f"S{i}", "name": f"商家{i}", "at": "2026-11-20 08:00:00"}, f"row {i}", None) for i in range(4)]
    with rows_known(known):
        read = list(batches(changed, stamped, tracker=CursorTracker(None, ordered=False), batch_size=10))
    assert [r["source_id"] for b in read for r in b.records] == ["S0", "S1", "S2", "S3"]
    assert known.asked == []


VALUES = st.dictionaries(st.text(max_size=4), st.one_of(st.none(), st.integers(), st.text(max_size=4),
                                                     st.lists(st.integers(), max_size=2)), max_size=5)


@given(VALUES, st.randoms())
def test_a_row_digest_ignores_the_order_of_columns(values: dict, rnd) -> None:
    items = list(values.items())
    rnd.shuffle(items)
    stored = StoredRows(None, "shops", "organization", "merchants", b"k" * 32)
    assert stored.digest(dict(items)) == stored.digest(values)


@given(VALUES, st.text(max_size=4), st.text(max_size=4))
def test_a_row_digest_changes_with_any_value_and_with_the_key(values: dict, column: str, other: str) -> None:
    stored = StoredRows(None, "shops", "organization", "merchants", b"k" * 32)
    changed = {**values, column: other}
    assert (stored.digest(changed) == stored.digest(values)) == (values.get(column, object()) == other)
    assert StoredRows(None, "shops", "organization", "merchants", b"j" * 32).digest(values) != stored.digest(values)
