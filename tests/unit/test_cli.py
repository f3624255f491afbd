"""The CLI: fast start, one-line errors, the foundation commands."""

import json
import os
import subprocess
import sys
import time

from typer.testing import CliRunner

from wushe.cli.main import app

runner = CliRunner()
HEAVY = ("pandas", "great_expectations", "prefect", "sqlalchemy", "numpy", "fastapi")


def _wushe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wushe", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_cli_start_imports_no_heavy_library() -> None:
    code = "import sys, wushe.cli.main; print([m for m in %r if m in sys.modules])" % (HEAVY,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_answers_well_under_a_second() -> None:
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        result = _wushe("--help")
        timings.append(time.perf_counter() - start)
        assert result.returncode == 0 and "init" in result.stdout
    assert sorted(timings)[1] < 1.0, timings


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("wushe ")


def test_init_is_idempotent(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    first = runner.invoke(app, ["--database", url, "init"])
    assert first.exit_code == 0, first.output
    assert "migrated from empty" in first.output
    second = runner.invoke(app, ["--database", url, "init"])
    assert second.exit_code == 0 and "up to date" in second.output


def test_plugins_json() -> None:
    result = runner.invoke(app, ["plugins", "--json"])
    assert result.exit_code == 0
    names = {p["name"]: p for p in json.loads(result.stdout)}
    assert names["exporters"]["hooks"] == ["wushe_exporters"]


def test_contract_schema_and_taxonomy() -> None:
    schema = json.loads(runner.invoke(app, ["contract", "--schema", "volunteer"]).stdout)
    assert schema["title"] == "VolunteerRecord"
    tax = json.loads(runner.invoke(app, ["contract", "--taxonomy", "target_groups", "--json"]).stdout)
    assert any(item["zh"] == "独居" for item in tax["items"])


def test_user_errors_are_one_line_without_traceback() -> None:
    result = _wushe("contract", "--schema", "shop")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: unknown record kind 'shop'; expected one of: organization, resource, need, volunteer, donation"
    ]


def test_an_unreachable_registry_is_one_line_and_hides_the_password() -> None:
    result = _wushe("--database", "postgresql://wushe:hunter2secret@127.0.0.1:1/x", "init")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "hunter2secret" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot reach the registry" in result.stderr


def test_importing_the_main_module_as_a_worker_process_runs_no_command() -> None:
    """A spawned worker process re-imports ``__main__`` under another name; the CLI must not start
    (it would parse the worker's arguments and exit)."""
    import runpy

    runpy.run_module("wushe.__main__", run_name="__mp_main__")  # returns instead of raising SystemExit
