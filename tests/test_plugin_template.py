"""`wushe plugin new` writes a package that installs and passes the conformance kit as generated,
also when wushe itself is installed from its wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wushe.cli.main import app
from wushe.errors import WusheError
from wushe.scaffold import render

ROOT = Path(__file__).resolve().parents[1]


def test_render_renames_package_entry_point_and_connector(tmp_path):
    target = render("yuanling_property", tmp_path)
    assert target.name == "wushe-yuanling-property"
    assert (target / "wushe_yuanling_property" / "connector.py").is_file()
    assert (target / "wushe_yuanling_property" / "data" / "services.csv").is_file()
    pyproject = (target / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "wushe-yuanling-property"' in pyproject and 'yuanling_property = "wushe_yuanling_property"' in pyproject
    assert 'name = "yuanling_property"' in (target / "wushe_yuanling_property" / "connector.py").read_text(encoding="utf-8")
    assert not list(target.rglob("*plugin_example*")) and not list(target.rglob("__pycache__"))
    for text in (p.read_text(encoding="utf-8") for p in target.rglob("*") if p.suffix in (".py", ".toml", ".md")):
        assert "plugin_example" not in text and "plugin-example" not in text


@pytest.mark.parametrize("name", ["X", "1abc", "has-dash", "a"])
def test_bad_plugin_names_are_refused(tmp_path, name):
    with pytest.raises(WusheError, match="use 2-41 lowercase letters"):
        render(name, tmp_path)


def test_cli_creates_the_package_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    first = runner.invoke(app, ["plugin", "new", "bl_fund", "--dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert (tmp_path / "wushe-bl-fund" / "wushe_bl_fund").is_dir()
    again = runner.invoke(app, ["plugin", "new", "bl_fund", "--dir", str(tmp_path)])
    assert again.exit_code != 0 and "already exists" in str(again.exception)


@pytest.mark.slow
def test_generated_plugin_passes_the_kit_in_a_fresh_venv_with_wushe_from_its_wheel(tmp_path):
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT"))}
    run = lambda *cmd, **kw: subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, timeout=600, **kw)  # noqa: E731
    wheels = tmp_path / "wheels"
    run(uv, "build", "--wheel", "-q", "-o", str(wheels), str(ROOT))
    venv = tmp_path / "venv"
    run(uv, "venv", "-q", "--python", sys.executable, str(venv))
    python = venv / "bin" / "python"
    run(uv, "pip", "install", "-q", "--python", str(python), str(next(wheels.glob("wushe-*.whl"))), "pytest")
    # the template comes from the installed wheel, not from this source tree
    made = run(str(venv / "bin" / "wushe"), "plugin", "new", "bl_merchants", "--dir", str(tmp_path / "out"), cwd=tmp_path)
    assert "created" in made.stdout
    package = tmp_path / "out" / "wushe-bl-merchants"
    run(uv, "pip", "install", "-q", "--python", str(python), str(package))
    listed = run(str(venv / "bin" / "wushe"), "plugins", "--json", cwd=tmp_path)
    assert '"bl_merchants"' in listed.stdout
    tests = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")],
                           capture_output=True, text=True, env=env, timeout=600, cwd=package)
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert "10 passed" in tests.stdout
