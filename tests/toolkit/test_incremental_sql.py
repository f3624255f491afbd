"""Incremental state over real databases: nothing lost, nothing doubled, at any batch boundary."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from wushe.errors import ConnectorError
from wushe.toolkit.incremental import CursorTracker, Watermark
from wushe.toolkit.sql import SqlSource

BASE = datetime(2026, 11, 1, 8, 0, 0)


def read(source: SqlSource, state, batch_size, stop_after=None):
    """One incremental read; returns the keys delivered, the state after each batch, and the last state."""
    tracker = CursorTracker(state, ordered=True)
    keys, states = [], []
    for part in source.stream("SELECT * FROM items", expected=["id", "updated"], cursor="updated", key="id",
                              lower=tracker.lower_bound, batch_size=batch_size):
        keys += [row["id"] for row in part if tracker.admit(row["updated"], str(row["id"]))]
        states.append(tracker.checkpoint())
        if stop_after is not None and len(states) >= stop_after:
            break
    return keys, states, tracker.final()


def fill(url: str, rows: list[tuple[str, int]], *, create: bool) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        if create:
            conn.execute(text("DROP TABLE IF EXISTS items"))
            conn.execute(text("CREATE TABLE items (id VARCHAR(20) PRIMARY KEY, updated TIMESTAMP NOT NULL, name VARCHAR(50))"))
        if rows:
            conn.execute(text("INSERT INTO items (id, updated, name) VALUES (:id, :updated, :name)"),
                         [{"id": k, "updated": BASE + timedelta(minutes=m), "name": f"机构{k}"} for k, m in rows])
    engine.dispose()


rows_strategy = st.lists(st.tuples(st.integers(0, 5)), min_size=1, max_size=40).map(
    lambda minutes: [(f"k{i:03d}", m[0]) for i, m in enumerate(minutes)]
)


@given(rows=rows_strategy, more=st.lists(st.integers(0, 8), max_size=10), batch=st.integers(1, 7), crash=st.integers(1, 6))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_cursor_collisions_across_batch_boundaries_never_lose_or_repeat(tmp_path, rows, more, batch, crash):
    """Many rows share a cursor value; a read stops after some batch (a crash), resumes from that
    batch's state; rows then change (same or later cursor values); the next read picks them up."""
    url = f"sqlite:///{tmp_path / uuid.uuid4().hex}.db"
    fill(url, rows, create=True)
    source = SqlSource(url)
    first, states, _ = read(source, None, batch, stop_after=crash)
    resumed, _, state = read(source, states[-1], batch)
    assert sorted(first + resumed) == sorted(k for k, _ in rows), "a resumed read lost or repeated rows"
    top = max(m for _, m in rows)
    new_rows = [(f"n{i:03d}", top + m % 3) for i, m in enumerate(more)]  # at or after the last cursor
    fill(url, new_rows, create=False)
    after, _, state = read(source, state, batch)
    assert sorted(after) == sorted(k for k, _ in new_rows)
    assert read(source, state, batch)[0] == []
    source.close()


def test_state_round_trips_as_json_and_future_state_yields_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    fill(url, [("a", 1), ("b", 1), ("c", 2)], create=True)
    source = SqlSource(url)
    keys, _, state = read(source, None, 2)
    assert keys == ["a", "b", "c"] and state["ids"] == ["c"]
    assert Watermark.from_state(state).to_state() == state
    assert read(source, {"cursor": "2099-01-01 00:00:00", "cursor_type": "str", "ids": []}, 2)[0] == []


def test_rows_out_of_cursor_order_are_an_error_for_an_ordered_source():
    tracker = CursorTracker(None, ordered=True)
    tracker.admit(5, "a")
    with pytest.raises(ConnectorError, match="not in cursor order"):
        tracker.admit(4, "b")


def test_an_unordered_source_only_advances_when_complete():
    tracker = CursorTracker({"cursor": 3, "cursor_type": "int", "ids": ["x"]}, ordered=False)
    assert [tracker.admit(c, k) for c, k in ((5, "a"), (3, "x"), (3, "y"), (2, "z"), (4, "b"))] == [True, False, True, False, True]
    assert tracker.checkpoint() == {"cursor": 3, "cursor_type": "int", "ids": ["x"]}
    assert tracker.final() == {"cursor": 5, "cursor_type": "int", "ids": ["a"]}


# the first read stops mid-stream on purpose (a crash): pymysql then warns that the server-side
# cursor was left unread
@pytest.mark.filterwarnings("ignore:Previous unbuffered result was left incomplete")
@pytest.mark.parametrize("backend", [pytest.param("mariadb", marks=pytest.mark.mariadb), pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_watermark_reads_stream_on_server_databases(request, backend):
    url = request.getfixturevalue("mariadb_url" if backend == "mariadb" else "postgres_url")
    rows = [(f"k{i:04d}", i // 7) for i in range(200)]  # seven rows share each cursor value
    fill(url, rows, create=True)
    source = SqlSource(url)
    first, states, _ = read(source, None, 10, stop_after=3)
    rest, _, state = read(source, states[-1], 10)
    assert sorted(first + rest) == [k for k, _ in rows]
    assert isinstance(Watermark.from_state(state).cursor, datetime)
    fill(url, [("same", 199 // 7), ("later", 99)], create=False)  # "same" shares the last cursor value
    assert sorted(read(source, state, 10)[0]) == ["later", "same"]
    source.close()


def test_missing_columns_and_unreachable_databases_are_clear_errors(tmp_path, postgres_server):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    fill(url, [("a", 1)], create=True)
    with pytest.raises(ConnectorError, match="expected columns 更新时间; the query returns id, updated, name"):
        next(SqlSource(url).stream("SELECT * FROM items", expected=["id", "更新时间"]))
    secret = "pw-Zq81x"
    bad = SqlSource(f"postgresql+psycopg://postgres:{secret}@127.0.0.1:1/none", connect_timeout=2)
    with pytest.raises(ConnectorError, match="could not connect the partner database") as caught:
        bad.ping()
    assert secret not in str(caught.value) and "127.0.0.1:1" in str(caught.value) and caught.value.transient
