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
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
