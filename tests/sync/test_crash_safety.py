"""Killing a real sync (SIGKILL) at any point, then rerunning, gives the registry an uninterrupted
sync gives: the same golden records, cross-references and provenance.

Night 1 is synced once into a base registry; each case copies it, starts night 2 as a separate
`wushe sync` process that kills itself at one named point, reruns, and compares digests with an
uninterrupted night 2.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.sync.conftest import PARTNERS, org_rows, write_csv
from wushe.config import load_partners
from wushe.registry.db import make_engine
from wushe.registry.digest import registry_digest
from wushe.registry.migrate import upgrade
from wushe.sync.crashpoints import POINTS
from wushe.sync.engine import run_sync

pytestmark = pytest.mark.slow

# every point on SQLite; on PostgreSQL the ones inside and between transactions
PG_POINTS = ("batch-validated", "batch-stored", "batch-committed:2", "resolution-step", "resolution", "stream-finishing")


def night_two(drop: dict[str, Path]) -> None:
    """Changed, closed and new shops, a renamed estate, one invalid row: the shops' changes
    span three batches (a batch of a full export read again holds a batch's worth of changes)."""
    rows = org_rows(20)
    del rows[3], rows[11]
    rows[0][1] = "园岭爱心商家0号店（新店名）"
    for row in rows[4:16]:
        row[1] += "（新址）"
    rows += org_rows(4, start=100)
    rows[-1][2] = "91440300MA5F000000"  # a bad credit code: quarantined
    write_csv(drop["shops"], rows)
    estates = org_rows(5, prefix="万科物业园岭")
    estates[2][1] = "万科物业园岭分公司"
    write_csv(drop["estates"], estates)


class Backend:
    """Copies of a registry in the state night 1 left it."""

    def __init__(self, name: str, base_url: str, folder: Path, admin_url: str | None = None) -> None:
        self.name, self.base_url, self.folder, self.admin_url = name, base_url, folder, admin_url
        self.copies: list[str] = []

    def copy(self) -> str:
        if self.name == "sqlite":
            target = self.folder / f"{uuid.uuid4().hex[:8]}.db"
            shutil.copy(self.base_url.removeprefix("sqlite:///"), target)
            return f"sqlite:///{target}"
        name = f"wushe_crash_{uuid.uuid4().hex[:10]}"
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.base_url.rsplit("/", 1)[1]}"'))
        admin.dispose()
        self.copies.append(name)
        return self.base_url.rsplit("/", 1)[0] + f"/{name}"

    def drop_copies(self) -> None:
        if not self.copies:
            return
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in [*self.copies, self.base_url.rsplit("/", 1)[1]]:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    """Night-1 partner files, then night-2 files, with the partners file that reads them."""
    folder = tmp_path_factory.mktemp("crash")
    drop = {"shops": folder / "shops", "estates": folder / "estates"}
    write_csv(drop["shops"], org_rows(20))
    write_csv(drop["estates"], org_rows(5, prefix="万科物业园岭"))
    partners_file = folder / "partners.yaml"
    partners_file.write_text(PARTNERS.format(**{k: str(v) for k, v in drop.items()}), encoding="utf-8")
    return folder, drop, partners_file


# the module's registries are copies of one, its identifiers hashed with one key: every sync of theirs
# uses it, in this process and in the crashing ones
KEY = {"WUSHE_SECRET_KEY": "crash-tests-key-" + "0" * 16}


def _sync(url: str, partners_file: Path) -> None:
    engine = make_engine(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WUSHE_SECRET_KEY", KEY["WUSHE_SECRET_KEY"])
        report = run_sync(engine, load_partners(partners_file), notify=False)
    engine.dispose()
    assert not report.failed, report.to_markdown()


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest, world):
    folder, drop, partners_file = world
    if request.param == "sqlite":
        base = Backend("sqlite", f"sqlite:///{folder / 'base.db'}", folder)
    else:
        admin_url = request.getfixturevalue("postgres_server")
        name = f"wushe_crash_base_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        base = Backend("postgresql", admin_url.rsplit("/", 1)[0] + f"/{name}", folder, admin_url)
    write_csv(drop["shops"], org_rows(20))
    write_csv(drop["estates"], org_rows(5, prefix="万科物业园岭"))
    engine = make_engine(base.base_url)
    upgrade(engine)
    engine.dispose()
    _sync(base.base_url, partners_file)  # night 1
    night_two(drop)
    reference = base.copy()
    _sync(reference, partners_file)  # night 2, uninterrupted
    engine = make_engine(reference)
    base.reference_digest = registry_digest(engine)
    engine.dispose()
    yield base
    base.drop_copies()


def _crash(url: str, partners_file: Path, point: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **KEY, "WUSHE_CRASH_AT": point}
    return subprocess.run([sys.executable, "-m", "wushe", "--database", url, "sync", "--config", str(partners_file)],
                          capture_output=True, text=True, env=env, timeout=300)


CASES = [("sqlite", p) for p in (*POINTS, "batch-stored:2", "batch-committed:3")] + [
    pytest.param("postgresql", p, marks=pytest.mark.postgres) for p in PG_POINTS]


@pytest.mark.parametrize(("backend", "point"), CASES, indirect=["backend"])
def test_a_crash_anywhere_then_a_rerun_converges(backend, world, point) -> None:
    url = backend.copy()
    crashed = _crash(url, world[2], point)
    assert crashed.returncode == -signal.SIGKILL, f"{point} was never reached: {crashed.stdout[-800:]}"
    _sync(url, world[2])  # the rerun
    engine = make_engine(url)
    assert registry_digest(engine) == backend.reference_digest
    engine.dispose()


def _processes_file(partners_file: Path) -> Path:
    path = partners_file.with_name("partners-in-processes.yaml")
    path.write_text(partners_file.read_text(encoding="utf-8").replace(
        "concurrency: 2", "concurrency: 2\n  partner_processes: 2"), encoding="utf-8")
    return path


def _processes_marked(mark: str) -> list[int]:
    """Live processes whose environment carries ``mark``."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if mark.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find leftover workers")
@pytest.mark.parametrize(("backend", "point"), [("sqlite", p) for p in ("batch-validated", "batch-stored:2",
                                                                        "stream-finishing")], indirect=["backend"])
def test_a_crash_in_a_partner_process_kills_the_sync_and_a_rerun_converges(backend, world, point) -> None:
    url = backend.copy()
    mark = f"WUSHE_TEST_MARK={uuid.uuid4().hex}"
    env = {**os.environ, **KEY, "WUSHE_CRASH_AT": point, "WUSHE_TEST_MARK": mark.split("=", 1)[1]}
    crashed = subprocess.run([sys.executable, "-m", "wushe", "--database", url, "sync", "--config",
                              str(_processes_file(world[2]))], capture_output=True, text=True, env=env, timeout=300)
    assert crashed.returncode == -signal.SIGKILL, f"{point} was never reached: {crashed.stdout[-800:]}"
    deadline = time.monotonic() + 10
    while _processes_marked(mark) and time.monotonic() < deadline:  # the other worker follows its parent
        time.sleep(0.1)
    assert _processes_marked(mark) == []
    _sync(url, _processes_file(world[2]))  # the rerun, in processes too
    engine = make_engine(url)
    assert registry_digest(engine) == backend.reference_digest
    engine.dispose()
