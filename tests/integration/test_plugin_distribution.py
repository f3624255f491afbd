"""A third-party plugin installed as a real distribution is discovered through its entry point."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv_with_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with wushe and a small plugin package built and installed into it."""
    tmp = tmp_path_factory.mktemp("plugin-dist")
    pkg = tmp / "wushe-hello-export"
    (pkg / "wushe_hello_export").mkdir(parents=True)
    (pkg / "pyproject.toml").write_text(textwrap.dedent("""
        [project]
        name = "wushe-hello-export"
        version = "2.3.4"
        dependencies = ["wushe"]

        [project.entry-points.wushe]
        hello_export = "wushe_hello_export"

        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"
    """))
    (pkg / "wushe_hello_export" / "__init__.py").write_text(textwrap.dedent("""
        from wushe import hookimpl
        from wushe.exporting import Exporter

        class Hello(Exporter):
            name, title, suffix, media_type = "hello", "Hello", ".txt", "text/plain"

            def write(self, rows, columns, out, *, lang="zh"):
                n = 0
                for n, _ in enumerate(rows, 1):
                    out.write(b"hello\\n")
                return n

        @hookimpl
        def wushe_exporters():
            return [Hello()]
    """))
    venv = tmp / "venv"
    uv_path = os.environ.get("UV") or shutil.which("uv")  # `uv run` tells its children where uv is
    assert uv_path, "uv is needed to build the test environment (run the suite with `uv run pytest`)"
    subprocess.run([uv_path, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    # wushe and its locked dependencies come from the project environment; the plugin is built and
    # installed into the new environment as a wheel, exactly as a partner would install theirs
    site = next((venv / "lib").glob("python3*/site-packages"))
    project_site = sysconfig.get_paths()["purelib"]
    (site / "project-env.pth").write_text(f"import site; site.addsitedir({project_site!r})\n")
    subprocess.run([uv_path, "pip", "install", "-q", "--no-deps", "--python", str(venv / "bin" / "python"), str(pkg)],
                   check=True)
    (venv / "bin" / "wushe").write_text(f"#!{venv / 'bin' / 'python'}\nfrom wushe.cli.main import run\nrun()\n")
    (venv / "bin" / "wushe").chmod(0o755)
    return venv


def _plugins(venv: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WUSHE_", "VIRTUAL_ENV"))}
    return subprocess.run([str(venv / "bin" / "wushe"), "plugins", "--json"], capture_output=True, text=True,
                          env={**clean, **env}, timeout=120)


def test_installed_plugin_appears_with_its_distribution_and_version(venv_with_plugin: Path) -> None:
    result = _plugins(venv_with_plugin)
    assert result.returncode == 0, result.stderr
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["hello_export"]["distribution"] == "wushe-hello-export"
    assert plugins["hello_export"]["version"] == "2.3.4"
    assert plugins["hello_export"]["kinds"] == ["exporter"]
    assert "exporters" in plugins


def test_allow_list_keeps_it_out(venv_with_plugin: Path) -> None:
    result = _plugins(venv_with_plugin, WUSHE_PLUGINS="exporters")
    assert result.returncode == 0, result.stderr
    assert [p["name"] for p in json.loads(result.stdout)] == ["exporters"]
    code = "import sys; from wushe.plugins import plugin_manager; plugin_manager(); print('wushe_hello_export' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    loaded = subprocess.run([str(venv_with_plugin / "bin" / "python"), "-c", code], capture_output=True, text=True,
                            env={**env, "WUSHE_PLUGINS": "exporters"}, check=True)
    assert loaded.stdout.strip() == "False"
