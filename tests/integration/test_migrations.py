"""Migrations: `wushe init` reaches head on SQLite and PostgreSQL, twice is a no-op, models match."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from wushe.errors import RegistryError
from wushe.registry.db import make_engine
from wushe.registry.migrate import current_revision, downgrade, head_revision, require_current, table_names, upgrade
from wushe.registry.models import Base



def test_upgrade_reaches_head_and_is_idempotent(registry_url: str) -> None:
    engine = make_engine(registry_url)
    before, after = upgrade(engine)
    assert before is None and after == head_revision(engine)
    tables = table_names(engine)
    assert set(Base.metadata.tables) <= tables
    assert upgrade(engine) == (after, after)
    assert table_names(engine) == tables
    engine.dispose()


def test_models_and_migrations_agree(registry_url: str) -> None:
    engine = make_engine(registry_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models differ from migrations: {diff}"
    engine.dispose()


def test_downgrade_to_base_and_back(registry_url: str) -> None:
    engine = make_engine(registry_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not (set(Base.metadata.tables) & table_names(engine))
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    engine.dispose()


def test_an_uninitialised_registry_says_how_to_fix_it(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with pytest.raises(RegistryError, match="run `wushe init`"):
        require_current(engine)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL: in WAL mode no commit is lost to a process crash
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 2500
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 16384  # a new database


def test_field_provenance_rows_move_onto_their_golden_records_and_back(registry_url: str) -> None:
    """0009 folds the per-field provenance rows into the golden record; downgrading restores them."""
    from sqlalchemy import text

    engine = make_engine(registry_url)
    upgrade(engine, "0008_pending")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO source_record (id, partner, kind, source_id, stream, version, content_hash, deleted, payload,"
            " first_seen_at, changed_at, last_seen_at, pending) VALUES (7, 'fund', 'organization', 'F1', 'orgs', 1,"
            " 'h', false, '{}', '2026-11-01 00:00:00', '2026-11-01 00:00:00', '2026-11-01 00:00:00', false)"))
        conn.execute(text(
            "INSERT INTO golden_record (id, kind, status, data, created_at, updated_at) VALUES"
            " ('org-1', 'organization', 'active', '{\"name\": \"园岭社区基金会\", \"phones\": [\"0755-1\"]}',"
            " '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
        for field, value, rule in (("name", '"园岭社区基金会"', "priority:civil_affairs"),
                                   ("phones", '["0755-1"]', "recency")):
            conn.execute(text(
                "INSERT INTO field_provenance (golden_id, field, value, source_record_id, partner, source_id, rule)"
                " VALUES ('org-1', :field, :value, 7, 'fund', 'F1', :rule)"), {"field": field, "value": value,
                                                                                  "rule": rule})
    upgrade(engine)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT provenance FROM golden_record WHERE id = 'org-1'")).scalar()
    stored = stored if isinstance(stored, dict) else __import__("json").loads(stored)
    assert stored == {"name": [7, "priority:civil_affairs"], "phones": [7, "recency"]}
    assert "field_provenance" not in table_names(engine)

    downgrade(engine, "0008_pending")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT field, source_id, rule FROM field_provenance ORDER BY field")).all()
    assert [tuple(r) for r in rows] == [("name", "F1", "priority:civil_affairs"), ("phones", "F1", "recency")]
    engine.dispose()


def test_pending_flags_move_into_the_resolution_queue_and_back(registry_url: str) -> None:
    """0011 carries the records flagged pending into ``pending_record``; downgrading flags them again."""
    from sqlalchemy import text

    engine = make_engine(registry_url)
    upgrade(engine, "0010_match_features")
    with engine.begin() as conn:
        for rid, pending in ((7, True), (8, False)):
            conn.execute(text(
                "INSERT INTO source_record (id, partner, kind, source_id, stream, version, content_hash, deleted,"
                " payload, first_seen_at, changed_at, last_seen_at, pending) VALUES (:id, 'fund', 'organization',"
                " :sid, 'orgs', 1, 'h', false, '{}', '2026-11-01 00:00:00', '2026-11-01 00:00:00',"
                " '2026-11-01 00:00:00', :pending)"), {"id": rid, "sid": f"F{rid}", "pending": pending})
        # a filled registry: other tables point at its source records
        conn.execute(text("INSERT INTO match_feature (source_record_id, fingerprint, data) VALUES (7, 'f', :data)"),
                      {"data": b"[]"})
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT source_record_id, kind FROM pending_record")).all() == [(7, "organization")]
    downgrade(engine, "0010_match_features")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM source_record WHERE pending ORDER BY id")).scalars().all() == [7]
        assert "pending_record" not in table_names(engine)
    engine.dispose()


def test_golden_names_and_divisions_stored_as_the_text_nan_are_cleared(registry_url: str) -> None:
    """0017: a single-source golden record without a name or division got the text 'nan' on PostgreSQL."""
    from sqlalchemy import text

    engine = make_engine(registry_url)
    upgrade(engine, "0016_live_stream_index")
    with engine.begin() as conn:
        for gid, name, division in (("org-1", "nan", "NaN"), ("org-2", "园岭长者饭堂", "440304002001")):
            conn.execute(text(
                "INSERT INTO golden_record (id, kind, status, display_name, division_code, data, created_at, updated_at)"
                " VALUES (:id, 'organization', 'active', :name, :division, '{}', '2026-11-01 00:00:00',"
                " '2026-11-01 00:00:00')"), {"id": gid, "name": name, "division": division})
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, display_name, division_code FROM golden_record ORDER BY id")).all() == [
            ("org-1", None, None), ("org-2", "园岭长者饭堂", "440304002001")]
    engine.dispose()


def test_a_downgrade_folds_the_blocking_index_deltas_into_its_partitions(registry_url: str) -> None:
    """0018: the earlier version reads a kind's index from its partitions alone."""
    import numpy as np

    from wushe.resolution.blocking import BlockIndex

    engine = make_engine(registry_url)
    upgrade(engine)
    rng = np.random.default_rng(7)
    index = BlockIndex("volunteer", rng.integers(-2**63, 2**63 - 1, 3000, dtype=np.int64), rng.integers(0, 900, 3000))
    with engine.begin() as conn:
        index.save(conn)
    for _night in range(3):
        drop, keys = rng.choice(index.rids, 20), rng.integers(-2**63, 2**63 - 1, 40, dtype=np.int64)
        with engine.begin() as conn:
            stored = BlockIndex.load(conn, "volunteer")
            stored.replace(drop, keys, np.concatenate([drop, drop]))
            stored.save(conn)
    with engine.connect() as conn:
        expected = BlockIndex.load(conn, "volunteer")
    downgrade(engine, "0017_golden_nan_text")
    assert "match_block_delta" not in table_names(engine)
    with engine.connect() as conn:
        from sqlalchemy import text

        rows = conn.execute(text("SELECT part, keys, rids FROM match_block WHERE kind = 'volunteer'")).all()
    folded = BlockIndex("volunteer", np.concatenate([np.frombuffer(k, dtype="<i8") for _p, k, _r in rows]),
                        np.concatenate([np.frombuffer(r, dtype="<i8") for _p, _k, r in rows]))
    assert (folded.keys == expected.keys).all() and (folded.rids == expected.rids).all()
    assert all(((np.frombuffer(k, dtype="<i8").view(np.uint64) >> np.uint64(54)) == part).all() for part, k, _r in rows)
    upgrade(engine)
    engine.dispose()
