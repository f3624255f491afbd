"""``wushe demo``, the README's first command: two nights of the sandbox partners into a fresh
registry, the reports, example lookups and the way on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wushe.cli.main import app
from wushe.registry.db import make_engine
from wushe.sandbox import PARTNERS
from wushe.sync.report import load_report, recent_runs

pytestmark = pytest.mark.slow


def test_demo_syncs_two_nights_and_looks_things_up(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--entities", "300", "--folder", str(folder)])
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{folder / 'registry.db'}")
    second, first = (load_report(engine, run.id) for run in recent_runs(engine, 2))
    assert first.status == second.status == "succeeded"
    assert {s.partner for s in first.streams} == set(PARTNERS)
    assert first.totals()["new"] > 200 and first.totals()["quarantined"] > 0
    night2 = second.totals()
    assert 0 < night2["new"] + night2["updated"] + night2["withdrawn"] < first.totals()["new"] / 5  # a delta
    for shown in ("第1夜同步", "第2夜同步", "义剪", "主记录 golden record", "下一步 where next"):
        assert shown in result.output


def test_demo_starts_afresh_each_time_and_leaves_the_ops_registry_alone(wushe_home: Path) -> None:
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "wushe", "demo", "--entities", "150"], capture_output=True,
                              text=True, env={**os.environ, "COLUMNS": "200"}, timeout=300)
        assert done.returncode == 0, done.stderr
    assert "registry summary" in done.stdout and "charity_fund (connector)" in done.stdout
    assert len(recent_runs(make_engine(f"sqlite:///{wushe_home / 'demo' / 'registry.db'}"), 10)) == 2
    assert not (wushe_home / "wushe.db").exists()
