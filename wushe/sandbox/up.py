"""Serve a generated sandbox: the two REST simulators, the drop folder, the database, a partners file.

In process (tests, benchmarks)::

    with Sandbox("var/sandbox").start() as sb:
        sb.partners_file          # partners.yaml that connects to it
        sb.set_fault("merchants", errors=3)

As a subprocess (the demo, a shell)::

    sb = SandboxProcess("var/sandbox").start()   # runs `wushe sandbox up --dir var/sandbox`
    sb.set_fault("charity_fund", down=True)
    sb.stop()

``up`` writes ``sandbox.json`` next to the data: ports, the control port and its key, the pid.
The control port takes ``POST /faults`` with ``{"partner": ..., "<fault>": value, "clear": bool}``
and the header ``X-Sandbox-Control: <key>``.

Credentials in ``partners.yaml`` are sandbox-only values behind environment references:
``${WUSHE_SANDBOX_FUND_TOKEN:-sandbox-fund-token}`` (the fund's bearer token; set the variable
before ``up`` to use another) and ``${WUSHE_SANDBOX_CIVIL_URL:-...}`` for a database server.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson

from wushe.errors import WusheError
from wushe.sandbox.faults import API_DRIFT, Faults, apply_file_fault, apply_sql_fault
from wushe.sandbox.generate import Manifest
from wushe.sandbox.servers import CharityFundServer, MerchantsServer, SimulatorServer

DEFAULT_FUND_PORT = 8701
DEFAULT_MERCHANTS_PORT = 8702
DEFAULT_TOKEN = "sandbox-fund-token"
TOKEN_ENV = "WUSHE_SANDBOX_FUND_TOKEN"
CIVIL_URL_ENV = "WUSHE_SANDBOX_CIVIL_URL"
LARGE_NIGHT = 100_000  # partner rows from which a sync of the sandbox runs partners in processes
LARGE_BATCH = 20_000  # and reads them in batches of this many


def sqlite_readonly_url(path: Path) -> str:
    """A read-only SQLite URL: a missing file is an error, not a new empty database."""
    return f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"


class Sandbox:
    """The sandbox partners of one generated folder, served in this process."""

    def __init__(self, folder: str | Path, *, fund_port: int = DEFAULT_FUND_PORT,
                 merchants_port: int = DEFAULT_MERCHANTS_PORT, control_port: int | None = None,
                 token: str | None = None, civil_url: str | None = None, rate: float = 50.0, burst: int = 50) -> None:
        self.folder = Path(folder)
        self.manifest = Manifest.load(self.folder)
        self.token = token or os.environ.get(TOKEN_ENV) or DEFAULT_TOKEN
        self.civil_url = civil_url
        self.rate, self.burst = rate, burst
        self.ports = {"charity_fund": fund_port, "merchants": merchants_port}
        self.control_port = control_port
        self.control_key = secrets.token_hex(16)
        self.faults = {name: Faults() for name in API_DRIFT}
        self.servers: dict[str, SimulatorServer] = {}
        self._control: ThreadingHTTPServer | None = None

    # -- life cycle ----------------------------------------------------------------------------------

    def start(self) -> "Sandbox":
        for name in API_DRIFT:
            self._start_server(name)
        if self.civil_url:
            from wushe.sandbox.sql import copy_database

            copy_database(str(self.civil_sqlite), self.civil_url)
        if self.control_port is not None:
            self._control = _control_server(self, self.control_port)
            self.control_port = self._control.server_address[1]
        self.write_partners_file()
        return self

    def stop(self) -> None:
        for name in list(self.servers):
            self._stop_server(name)
        if self._control:
            self._control.shutdown()
            self._control.server_close()
            self._control = None

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _start_server(self, name: str) -> None:
        if name == "charity_fund":
            server: SimulatorServer = CharityFundServer(self.folder, self.ports[name], token=self.token,
                                                        faults=self.faults[name])
        else:
            server = MerchantsServer(self.folder, self.ports[name], faults=self.faults[name], rate=self.rate,
                                     burst=self.burst)
        self.ports[name] = server.port
        # a short poll keeps stop() quick (shutdown waits for the loop to look)
        threading.Thread(target=server.serve_forever, args=(0.05,), name=f"sandbox-{name}", daemon=True).start()
        self.servers[name] = server

    def _stop_server(self, name: str) -> None:
        server = self.servers.pop(name, None)
        if server:
            server.shutdown()
            server.server_close()

    # -- where things are ---------------------------------------------------------------------------------

    @property
    def civil_sqlite(self) -> Path:
        return self.folder / "civil_affairs" / "civil_affairs.sqlite"

    @property
    def drop_folder(self) -> Path:
        return self.folder / "property_files" / "drop"

    @property
    def partners_file(self) -> Path:
        return self.folder / "partners.yaml"

    def url(self, partner: str) -> str:
        base = f"http://127.0.0.1:{self.ports[partner]}"
        return base + ("/api/v1" if partner == "charity_fund" else "/open")

    def state(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "ports": self.ports, "control_port": self.control_port,
                "control_key": self.control_key, "urls": {p: self.url(p) for p in self.ports},
                "partners_file": str(self.partners_file)}

    # -- faults ---------------------------------------------------------------------------------------------

    def set_fault(self, partner: str, **switches: Any) -> None:
        """Switch faults of one partner, e.g. ``set_fault("merchants", errors=5)`` or ``down=True``."""
        if partner in self.faults:
            down = switches.pop("down", None)
            self.faults[partner].set(**switches)
            if down is not None:
                self.faults[partner].down = bool(down)
                if down and partner in self.servers:
                    self._stop_server(partner)
                elif not down and partner not in self.servers:
                    self._start_server(partner)
            return
        day = f"{self.manifest_snapshot():%Y%m%d}"
        for fault, on in switches.items():
            if not on:
                continue
            if partner == "property_files":
                apply_file_fault(self.drop_folder, day, fault)
            elif partner == "civil_affairs":
                url = self.civil_url or f"sqlite:///{self.civil_sqlite}"
                apply_sql_fault(url, fault, None if self.civil_url else self.civil_sqlite)
            else:
                raise WusheError(f"unknown partner {partner!r}")

    def clear_faults(self) -> None:
        """Switch every API fault off and bring downed servers back (file faults need a regenerate)."""
        for name, faults in self.faults.items():
            faults.clear()
            if name not in self.servers:
                self._start_server(name)

    def manifest_snapshot(self):
        from datetime import datetime

        return datetime.fromisoformat(Manifest.load(self.folder).snapshot)

    # -- partners file ----------------------------------------------------------------------------------

    def write_partners_file(self) -> Path:
        import yaml

        manifest = self.manifest
        orgs_note = f"seed {manifest.seed}, {manifest.entities} entities, night {manifest.night}"
        if self.civil_url:
            from sqlalchemy.engine import make_url

            has_secret = make_url(self.civil_url).password is not None
            civil_url = f"${{{CIVIL_URL_ENV}}}" if has_secret else f"${{{CIVIL_URL_ENV}:-{self.civil_url}}}"
        else:
            civil_url = sqlite_readonly_url(self.civil_sqlite)
        companies = manifest.property_companies
        # a large night's APIs are read a thousand rows a request, the most they allow: half the
        # requests against the merchants' rate limit (50 a second)
        page_size = 1000 if manifest.rows >= LARGE_NIGHT else 500
        document = {
            "settings": {"concurrency": 4, **large_night_settings(manifest.rows)},
            "partners": {
                "charity_fund": {
                    "connector": "charity_fund", "title": "园岭社区基金会", "roles": ["fund"],
                    "config": {"base_url": self.url("charity_fund"), "token": f"${{{TOKEN_ENV}:-{DEFAULT_TOKEN}}}",
                               "page_size": page_size},
                },
                "property_files": {
                    "connector": "property_files", "title": "物业服务企业（" + "、".join(companies) + "）",
                    "config": {"folder": str(self.drop_folder.resolve()),
                               "companies": [_company(i, c, manifest.property_legal_names) for i, c in enumerate(companies)]},
                },
                "merchants": {
                    "connector": "merchants", "title": "爱心商家联盟", "roles": ["merchant"],
                    "config": {"base_url": self.url("merchants"), "page_size": page_size},
                },
                "civil_affairs": {
                    "connector": "civil_affairs", "title": "区民政局", "roles": ["civil_affairs"],
                    "config": {"url": civil_url},
                },
            },
        }
        header = (f"# wushe sandbox partners ({orgs_note}); generated by `wushe sandbox up`.\n"
                  f"# Credentials are sandbox-only; set {TOKEN_ENV} (and {CIVIL_URL_ENV}) to override them.\n")
        text = header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        self.partners_file.write_text(text, encoding="utf-8")
        (self.folder / "sandbox.json").write_bytes(orjson.dumps(self.state(), option=orjson.OPT_INDENT_2))
        return self.partners_file


def large_night_settings(rows: int) -> dict[str, int]:
    """A large night's partners are synced in processes of their own (a process costs seconds to
    start, so a small night's run as threads) and read in larger batches (each batch pays a fixed
    cost to validate and commit)."""
    if rows < LARGE_NIGHT:
        return {}
    return {"partner_processes": min(4, os.cpu_count() or 1), "batch_size": LARGE_BATCH}


def _company(position: int, short: str, legal_names: list[str]) -> dict[str, Any]:
    """One property company as the ``property_files`` connector takes it: its file prefix, its
    registered name (the provider of its venues and services) and its export format."""
    from wushe.sandbox.partners.property_files import export_style

    style = export_style(position)
    legal = {"legal_name": legal_names[position]} if position < len(legal_names) else {}
    return {"name": short, **legal, "format": style, **({"encoding": "gb18030"} if style == "csv" else {})}


def _control_server(sandbox: Sandbox, port: int) -> ThreadingHTTPServer:
    class Control(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet."""

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status, answer = 200, {"ok": True}
            if self.path != "/faults":
                status, answer = 404, {"error": "not found"}
            elif self.headers.get("X-Sandbox-Control") != sandbox.control_key:
                status, answer = 403, {"error": "bad control key"}
            else:
                try:
                    request = orjson.loads(body or b"{}")
                    partner = request.pop("partner", None)
                    if request.pop("clear", False):
                        sandbox.clear_faults()
                    if partner:
                        sandbox.set_fault(partner, **request)
                except Exception as exc:
                    status, answer = 400, {"error": str(exc)}
            data = orjson.dumps(answer)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", port), Control)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="sandbox-control", daemon=True).start()
    return server


class SandboxProcess:
    """``wushe sandbox up`` in a subprocess, with the same fault switches as :class:`Sandbox`."""

    def __init__(self, folder: str | Path, *, fund_port: int = 0, merchants_port: int = 0,
                 extra_args: list[str] | None = None) -> None:
        self.folder = Path(folder)
        self.args = ["--fund-port", str(fund_port), "--merchants-port", str(merchants_port), "--control-port", "0",
                     *(extra_args or [])]
        self.proc: subprocess.Popen | None = None
        self.state: dict[str, Any] = {}

    def start(self, timeout: float = 60) -> "SandboxProcess":
        state_file = self.folder / "sandbox.json"
        state_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen([sys.executable, "-m", "wushe", "sandbox", "up", "--dir", str(self.folder), *self.args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise WusheError(f"wushe sandbox up exited: {self.proc.stderr.read().decode(errors='replace')[-500:]}")
            if state_file.exists():
                self.state = orjson.loads(state_file.read_bytes())
                if self.state.get("pid") == self.proc.pid:
                    return self
            time.sleep(0.1)
        self.stop()
        raise WusheError(f"wushe sandbox up did not come up within {timeout:.0f} s")

    def url(self, partner: str) -> str:
        return self.state["urls"][partner]

    @property
    def partners_file(self) -> Path:
        return Path(self.state["partners_file"])

    def set_fault(self, partner: str, **switches: Any) -> None:
        self._control({"partner": partner, **switches})

    def clear_faults(self) -> None:
        self._control({"clear": True})

    def _control(self, request: dict[str, Any]) -> None:
        import requests

        response = requests.post(f"http://127.0.0.1:{self.state['control_port']}/faults", data=orjson.dumps(request),
                                 headers={"X-Sandbox-Control": self.state["control_key"]}, timeout=30)
        if response.status_code != 200:
            raise WusheError(f"sandbox control: {response.json().get('error')}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()

    def __enter__(self) -> "SandboxProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
