"""Opening the registry: what every connection to PostgreSQL is set up with."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from wushe.registry.db import make_engine

pytestmark = pytest.mark.postgres


def _database_zone(url: str, zone: str) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = conn.execute(text("select current_database()")).scalar_one()
        conn.execute(text(f'ALTER DATABASE "{name}" SET timezone TO \'{zone}\''))
    admin.dispose()


def test_timestamps_come_back_in_utc_whatever_the_servers_zone(postgres_url: str) -> None:
    _database_zone(postgres_url, "Asia/Shanghai")
    engine = make_engine(postgres_url)
    with engine.connect() as conn:
        moment = conn.execute(text("select timestamptz '2026-11-20 02:00:00+08:00'")).scalar_one()
    engine.dispose()
    assert moment == datetime(2026, 11, 19, 18, 0, tzinfo=timezone.utc)
    assert moment.tzinfo is timezone.utc  # not a ZoneInfo: pandas reads these in one C pass


def test_connection_options_in_the_url_are_kept(postgres_url: str) -> None:
    engine = make_engine(postgres_url + "?options=-c%20TimeZone%3DAsia/Shanghai")
    with engine.connect() as conn:
        zone = conn.execute(text("show timezone")).scalar_one()
    engine.dispose()
    assert zone == "Asia/Shanghai"


def test_bytes_round_trip_through_the_bulk_writer(registry) -> None:
    """On PostgreSQL a table with bytes is copied in binary form; nothing of a value may change."""
    from sqlalchemy import select

    from wushe.registry.bulk import insert_rows
    from wushe.registry.models import MatchBlock

    blob = bytes(range(256)) * 40  # every byte value, and past the size PostgreSQL would compress
    with registry.begin() as conn:
        insert_rows(conn, MatchBlock.__table__, ("kind", "part", "keys", "rids"),
                    [("volunteer", 7, blob, b""), ("volunteer", 2**31 - 1, b"\\x00\x00", b"\\")])
    with registry.connect() as conn:
        stored = conn.execute(select(MatchBlock.part, MatchBlock.keys, MatchBlock.rids).order_by(MatchBlock.part)).all()
    assert [tuple(row) for row in stored] == [(7, blob, b""), (2**31 - 1, b"\\x00\x00", b"\\")]


def test_postgres_keeps_the_blocking_index_uncompressed(postgres_url) -> None:
    from wushe.registry.migrate import upgrade

    engine = make_engine(postgres_url)
    upgrade(engine)
    with engine.connect() as conn:
        storage = dict(conn.execute(text(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'match_block'::regclass "
            "AND attname IN ('keys', 'rids')")).all())
    engine.dispose()
    assert storage == {"keys": "e", "rids": "e"}


def test_the_bulk_updater_changes_rows_by_key_and_plans_its_statement_once_on_postgres(registry) -> None:
    """Rows are updated in place by key; on PostgreSQL one prepared statement serves every row,
    and the connection goes back to preparing nothing."""
    from sqlalchemy import select

    from wushe.registry.bulk import insert_rows, update_rows
    from wushe.registry.models import MatchModel

    table = MatchModel.__table__
    at = datetime(2026, 11, 20, tzinfo=timezone.utc)
    with registry.begin() as conn:
        insert_rows(conn, table, ("kind", "params", "trained_at"),
                    [(kind, '{"m": 1}', at) for kind in ("organization", "volunteer", "need")])
    with registry.begin() as conn:
        update_rows(conn, table, "kind", ("params",), [('{"m": 2}', "volunteer"), ('{"m": 3}', "need")])
        if registry.dialect.name == "postgresql":
            prepared = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'UPDATE match_model%%'").scalar()
            assert prepared == 1
            assert conn.connection.driver_connection.prepare_threshold is None
    with registry.connect() as conn:
        stored = dict(conn.execute(select(table.c.kind, table.c.params)).all())
    assert stored == {"organization": {"m": 1}, "volunteer": {"m": 2}, "need": {"m": 3}}


def test_the_bulk_updater_sets_every_value_of_a_large_batch_the_last_row_of_a_key_winning(registry) -> None:
    """A batch large enough for PostgreSQL's one-statement update (rows copied into a temporary
    table, then joined) stores what updating row by row would: JSON, times, NULLs, a repeated key's
    last row; and it can run again in the same transaction."""
    from sqlalchemy import select

    from wushe.registry.bulk import SET_UPDATE_ROWS, Cells, insert_rows, update_rows
    from wushe.registry.models import MatchModel

    table = MatchModel.__table__
    cells = Cells(registry.dialect.name)
    at = datetime(2026, 11, 20, tzinfo=timezone.utc)
    kinds = [f"k{i:05d}" for i in range(SET_UPDATE_ROWS + 200)]
    with registry.begin() as conn:
        insert_rows(conn, table, ("kind", "params", "trained_at", "run_id"),
                    [(kind, '{"m": 0}', cells.ts(at), "night-1") for kind in kinds])
    later = datetime(2026, 12, 1, 2, 30, tzinfo=timezone.utc)
    changed = kinds[:SET_UPDATE_ROWS + 100]
    rows = [(f'{{"m": {i}, "名": "园岭"}}', cells.ts(later), None if i % 2 else "night-2", kind)
            for i, kind in enumerate(changed)]
    rows.append(('{"m": -1}', cells.ts(at), "again", changed[0]))  # the same key later in the batch
    with registry.begin() as conn:
        update_rows(conn, table, "kind", ("params", "trained_at", "run_id"), rows)
        update_rows(conn, table, "kind", ("run_id",), [("night-3", kind) for kind in changed[-SET_UPDATE_ROWS:]])
    with registry.connect() as conn:
        stored = {kind: (params, trained.replace(tzinfo=timezone.utc) if trained.tzinfo is None else trained, run)
                  for kind, params, trained, run in conn.execute(select(table.c.kind, table.c.params,
                                                                        table.c.trained_at, table.c.run_id))}
    expected = {kind: ({"m": 0}, at, "night-1") for kind in kinds}
    for i, kind in enumerate(changed):
        expected[kind] = ({"m": i, "名": "园岭"}, later, None if i % 2 else "night-2")
    expected[changed[0]] = ({"m": -1}, at, "again")
    for kind in changed[-SET_UPDATE_ROWS:]:
        expected[kind] = (*expected[kind][:2], "night-3")
    assert stored == expected


def _hold_write_lock(url: str, seconds: float, started, released) -> None:
    import time

    from wushe.registry.db import make_engine, write_transaction

    with write_transaction(make_engine(url)) as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
        started.set()
        time.sleep(seconds)
        released.value = time.time()


def test_a_writer_of_another_process_starts_as_soon_as_the_last_write_ends(tmp_path) -> None:
    """Waiting on SQLite's busy timeout, a writer slept in steps (here it would have woken about
    80 ms after the write before it ended); queued on the writers' lock file, it starts at once."""
    import multiprocessing
    import time

    from wushe.registry.db import write_transaction

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    context = multiprocessing.get_context("spawn")
    started, released = context.Event(), context.Value("d", 0.0)
    holder = context.Process(target=_hold_write_lock, args=(url, 0.25, started, released))
    holder.start()
    try:
        assert started.wait(60)
        with write_transaction(engine) as conn:
            began = time.time()
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    finally:
        holder.join(30)
    assert released.value > 0 and began >= released.value
    assert began - released.value < 0.04


def test_a_job_written_in_steps_keeps_its_committed_steps_and_ends_with_them_in_the_registry_file(tmp_path) -> None:
    """What a step commits is seen at once and stays when a later step fails (that one is rolled
    back); once the job ends, the registry file alone holds every committed step (its WAL was
    copied back), and the writer's connection checkpoints by itself again."""
    import shutil
    import sqlite3

    from wushe.registry.db import AUTOCHECKPOINT_PAGES, write_in_steps

    engine = make_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with write_in_steps(engine) as steps:
        steps.conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        steps.commit()
        with engine.connect() as other:
            assert other.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 1
        steps.conn.exec_driver_sql("INSERT INTO t VALUES (2)")
    with pytest.raises(RuntimeError), write_in_steps(engine) as steps:
        steps.conn.exec_driver_sql("INSERT INTO t VALUES (3)")
        steps.commit()
        steps.conn.exec_driver_sql("INSERT INTO t VALUES (4)")
        raise RuntimeError("a step fails")
    shutil.copy(tmp_path / "registry.db", tmp_path / "file-alone.db")  # the WAL is not copied
    alone = sqlite3.connect(tmp_path / "file-alone.db")
    assert sorted(x for (x,) in alone.execute("SELECT x FROM t")) == [1, 2, 3]
    alone.close()
    with engine.connect() as conn:
        assert conn.connection.driver_connection.execute("PRAGMA wal_autocheckpoint").fetchone() == (
            AUTOCHECKPOINT_PAGES,)
    engine.dispose()
