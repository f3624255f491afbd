"""The multi-machine setup of deployments/README.md, on one machine: a real Prefect server, the
``wushe-process`` work pool and the ``wushe-registry-writes`` limit, the deployments of
``deployments/prefect.yaml``, two process workers and one PostgreSQL registry. The nightly run
fans the sandbox partners out over both workers and the registry ends up merged."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from wushe.sandbox import PARTNERS, Sandbox, generate

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prefect(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    done = subprocess.run([str(BIN / "prefect"), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the Prefect server exited while starting"
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the Prefect server at {url} did not become healthy in {timeout:.0f} s")


@pytest.fixture
def prefect_env(tmp_path: Path, postgres_url: str) -> Iterator[dict[str, str]]:
    """A Prefect server of its own (its home in tmp_path), and the environment workers share."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL=api, PREFECT_LOGGING_LEVEL="INFO",
               PREFECT_WORKER_QUERY_SECONDS="2", PREFECT_WORKER_PREFETCH_SECONDS="2",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", WUSHE_HOME=str(tmp_path / "wushe-home"),
               WUSHE_DIR=str(ROOT), WUSHE_DATABASE_URL=postgres_url)
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(api, server)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@contextmanager
def _workers(env: dict[str, str], folder: Path) -> Iterator[list[Path]]:
    """Two process workers on the pool, at most two flow runs each, logging to files."""
    procs, logs = [], []
    for name in ("worker-a", "worker-b"):
        path = folder / f"{name}.log"
        fh = open(path, "w")
        procs.append(subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", "wushe-process", "--name", name, "--limit", "2"],
            env=env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT))
        logs.append((path, fh))
    try:
        yield [path for path, _ in logs]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        for _, fh in logs:
            fh.close()


def _submitted(log: Path) -> set[str]:
    """Flow runs a worker took, from its log (a run both workers reached for goes to one of them:
    the other's submission is aborted)."""
    text = log.read_text(errors="replace")
    aborted = set(re.findall(r"Aborted submission of flow run '([0-9a-f-]{36})'", text))
    return set(re.findall(r"[Ss]ubmitting flow run '([0-9a-f-]{36})'", text)) - aborted


def test_nightly_fans_partners_out_over_two_workers_into_one_postgres_registry(
        tmp_path: Path, prefect_env: dict[str, str]) -> None:
    generate(tmp_path / "sandbox", seed=7, entities=300, night=1)
    with Sandbox(tmp_path / "sandbox", fund_port=0, merchants_port=0).start() as sandbox:
        env = {**prefect_env, "WUSHE_PARTNERS_FILE": str(sandbox.partners_file)}
        subprocess.run([str(BIN / "wushe"), "init"], env=env, cwd=ROOT, check=True, capture_output=True)
        _prefect(env, "work-pool", "create", "wushe-process", "--type", "process")
        _prefect(env, "gcl", "create", "wushe-registry-writes", "--limit", "2")
        deployed = _prefect(env, "--no-prompt", "deploy", "--all", "--prefect-file", "deployments/prefect.yaml")
        for name in ("nightly", *(f"partner-{p}" for p in PARTNERS)):
            assert name in deployed
        with _workers(env, tmp_path) as logs:
            out = _prefect(env, "deployment", "run", "wushe-nightly-sync/nightly", "--param", "fan_out=true",
                           "--watch", "--watch-timeout", "600", timeout=660)
            assert "COMPLETED" in out.upper(), out
    taken = [_submitted(log) for log in logs]
    assert all(taken), f"each worker should take flow runs of the night, took {[len(t) for t in taken]}"
    assert len(set.union(*taken)) == 1 + len(PARTNERS)  # the nightly run and one run per partner

    runs = subprocess.run([str(BIN / "wushe"), "runs", "--json"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert runs.returncode == 0, runs.stderr
    report = json.loads(runs.stdout)
    assert report["status"] == "succeeded"
    assert {s["partner"] for s in report["streams"]} == set(PARTNERS)
    assert sum(s["merged"] for s in report["streams"]) > 0
