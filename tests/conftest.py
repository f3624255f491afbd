"""Shared fixtures: isolated wushe state, and real database servers.

PostgreSQL (127.0.0.1:5432, trust auth) and MariaDB (127.0.0.1:3306, root) are part of the
development and CI machines. A test that needs one starts it when it is down and fails loudly when
it cannot: the suite never skips a server test silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, settings

# Time limits measure the machine, not the code: on a shared CI machine a slow moment failed a
# property test whose inputs took 1.9 s to generate. The properties are what the tests assert.
settings.register_profile("wushe", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("wushe")

PG_ADMIN_URL = os.environ.get("WUSHE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_ADMIN_URL = os.environ.get("WUSHE_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


@pytest.fixture(autouse=True)
def wushe_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own WUSHE_HOME and no inherited registry URL or plugin settings."""
    home = tmp_path / "wushe-home"
    monkeypatch.setenv("WUSHE_HOME", str(home))
    for var in ("WUSHE_DATABASE_URL", "WUSHE_PLUGINS", "WUSHE_TRACE_HOOKS", "WUSHE_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    from wushe.registry import db

    db.engine.cache_clear()
    return home


def _reachable(url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _start(commands: list[list[str]]) -> None:
    for cmd in commands:
        if shutil.which(cmd[0]):
            subprocess.run(cmd, check=False, capture_output=True, timeout=60)


def _require_server(name: str, url: str, start: list[list[str]]) -> None:
    if _reachable(url):
        return
    _start(start)
    for _ in range(30):
        if _reachable(url):
            return
        time.sleep(1)
    pytest.fail(f"{name} is not reachable at {url} and could not be started; server tests need it", pytrace=False)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    start = [["pg_ctlcluster", "--skip-systemctl-redirect", v, "main", "start"] for v in versions]
    _require_server("PostgreSQL", PG_ADMIN_URL, start)
    return PG_ADMIN_URL


@pytest.fixture(scope="session")
def mariadb_server() -> str:
    start = [["start-stop-daemon", "--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd"]]
    _require_server("MariaDB", MARIADB_ADMIN_URL, start)
    return MARIADB_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"wushe_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        from wushe.registry import db

        db.engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def mariadb_url(mariadb_server: str) -> Iterator[str]:
    """A fresh, empty MariaDB database (utf8mb4) for one test, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"wushe_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(mariadb_server)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    try:
        yield mariadb_server.rsplit("/", 1)[0] + f"/{name}?charset=utf8mb4"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'registry.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The registry URL of each supported backend in turn: every test using it runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def registry(registry_url: str):
    """An engine on a freshly migrated registry, on each backend."""
    from wushe.registry.db import make_engine
    from wushe.registry.migrate import upgrade

    engine = make_engine(registry_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def validator():
    """The process-wide batch validator (Great Expectations loads once per test session)."""
    from wushe.validation.validator import validator as shared

    return shared()
