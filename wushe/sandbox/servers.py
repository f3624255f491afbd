"""The two REST simulators: real HTTP servers on loopback, serving a generated night.

Both are stdlib ``ThreadingHTTPServer`` apps speaking HTTP/1.1 with keep-alive. Records are
rendered to JSON bytes once when a night is loaded, so a page is a join of byte strings and a
server sustains tens of thousands of records a second. Each server reloads by itself when the
folder's ``manifest.json`` changes (a new night was generated into it).

Charity fund (``charity_fund``), bearer-token auth:

    GET /api/v1/{organizations|funds|donations|wishes}?limit=500&cursor=...&updated_since=ISO
    → {"data": [...], "next_cursor": "..." | null, "has_more": bool}

Records are ordered by (updatedAt, id); ``updated_since`` keeps records with ``updatedAt`` at or
after it; ``cursor`` continues after the last record of the previous page. Tombstones included.

Merchants (``merchants``), rate-limited (HTTP 429 + ``Retry-After`` seconds):

    GET /open/{shops|services}?page=1&size=500      (or ?offset=0&limit=500)
    → {"code": 0, "msg": "ok", "data": {"total": N, "page": P, "size": S, "list": [...]}}

Both answer ``GET /health``. Faults (:mod:`wushe.sandbox.faults`) are switched through
:class:`wushe.sandbox.up.Sandbox`, in process or over its control port.
"""

from __future__ import annotations

import base64
import bisect
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from wushe.sandbox.faults import API_DRIFT, Faults

MAX_PAGE = 1000
DEFAULT_PAGE = 500


class Dataset:
    """One partner's streams of a generated night, pre-rendered."""

    def __init__(self, folder: Path, partner: str, streams: tuple[str, ...], order_key: str) -> None:
        self.records: dict[str, list[bytes]] = {}
        self.drifted: dict[str, list[bytes]] = {}
        self.keys: dict[str, list[tuple[str, str]]] = {}
        drift = API_DRIFT[partner]
        old, new = drift["rename"]
        added, value = drift["add"]
        for stream in streams:
            path = folder / partner / f"{stream}.ndjson"
            rows = [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []
            id_key = next(iter(rows[0])) if rows else "id"
            rows.sort(key=lambda r: (r.get(order_key) or "", str(r[id_key])) if order_key else r[id_key])
            self.records[stream] = [orjson.dumps(r) for r in rows]
            self.drifted[stream] = [orjson.dumps(_drift(r, old, new, added, value)) for r in rows]
            self.keys[stream] = [(r.get(order_key) or "", str(r[id_key])) for r in rows] if order_key else []


def _drift(row: dict[str, Any], old: str, new: str, added: str, value: str) -> dict[str, Any]:
    return {(new if k == old else k): v for k, v in row.items()} | {added: value}


class SimulatorServer(ThreadingHTTPServer):
    """A partner API on a loopback port; ``faults`` may be changed while it runs."""

    daemon_threads = True
    allow_reuse_address = True
    partner: str
    streams: tuple[str, ...]
    order_key: str | None

    def __init__(self, folder: Path, port: int = 0, *, faults: Faults | None = None, host: str = "127.0.0.1") -> None:
        super().__init__((host, port), self.handler_class())
        self.folder = Path(folder)
        self.faults = faults or Faults()
        self._manifest_mtime = -1.0
        self._load_lock = threading.Lock()
        self.dataset: Dataset | None = None
        self.refresh()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def refresh(self) -> Dataset:
        """The loaded night; reloaded when a new night has been generated into the folder."""
        manifest = self.folder / "manifest.json"
        mtime = manifest.stat().st_mtime if manifest.exists() else 0.0
        if mtime != self._manifest_mtime or self.dataset is None:
            with self._load_lock:
                if mtime != self._manifest_mtime or self.dataset is None:
                    self.dataset = Dataset(self.folder, self.partner, self.streams, self.order_key or "")
                    self._manifest_mtime = mtime
        return self.dataset


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SimulatorServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: request lines would carry tokens and personal data into logs."""

    def send_json(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """Send a JSON body, bent by the encoding and truncation faults when they are on."""
        faults = self.server.faults
        if faults.encoding:
            body = body.decode("utf-8").encode("gb18030")
        if faults.truncate:
            body = body[: max(1, len(body) // 2)]
        self._send(status, body, headers)

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, orjson.dumps({"error": message, "code": status, "msg": message}), headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        faults = self.server.faults
        url = urlsplit(self.path)
        if url.path == "/health":
            return self._send(200, b'{"status":"ok"}', None)
        if faults.slow:
            time.sleep(faults.slow)
        if faults.take_error():
            return self.error(500, "Internal Server Error")
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        self.serve(url.path, params)

    def serve(self, path: str, params: dict[str, str]) -> None:
        raise NotImplementedError

    def page_size(self, value: str | None) -> int | None:
        try:
            size = int(value) if value else DEFAULT_PAGE
        except ValueError:
            return None
        return size if 1 <= size <= MAX_PAGE else None


# -- charity fund --------------------------------------------------------------------------------------


class _FundHandler(_Handler):
    server: "CharityFundServer"

    def serve(self, path: str, params: dict[str, str]) -> None:
        server = self.server
        if self.headers.get("Authorization") != f"Bearer {server.token}":
            return self.error(401, "missing or invalid token", {"WWW-Authenticate": 'Bearer realm="charity_fund"'})
        stream = path.removeprefix("/api/v1/")
        data = server.refresh()
        if not path.startswith("/api/v1/") or stream not in data.records:
            return self.error(404, f"no such endpoint {path}")
        limit = self.page_size(params.get("limit"))
        if limit is None:
            return self.error(400, f"limit must be 1..{MAX_PAGE}")
        keys = data.keys[stream]
        start = 0
        if params.get("updated_since"):
            since = _as_local_iso(params["updated_since"])
            if since is None:
                return self.error(400, "updated_since must be an ISO-8601 time, e.g. 2026-01-01T02:00:00+08:00")
            start = bisect.bisect_left(keys, (since, ""))
        if params.get("cursor"):
            try:
                after = tuple(base64.urlsafe_b64decode(params["cursor"].encode()).decode().split("|", 1))
            except Exception:
                return self.error(400, "bad cursor")
            start = max(start, bisect.bisect_right(keys, after))
        records = [] if server.faults.empty else (data.drifted if server.faults.drift else data.records)[stream]
        stop = min(start + limit, len(records))
        more = stop < len(records)
        cursor = base64.urlsafe_b64encode("|".join(keys[stop - 1]).encode()).decode() if more and stop > start else None
        body = b'{"data":[' + b",".join(records[start:stop]) + b'],"next_cursor":' + orjson.dumps(cursor) + \
            b',"has_more":' + (b"true" if more else b"false") + b"}"
        self.send_json(200, body)


def _as_local_iso(value: str) -> str | None:
    """An ISO time as the fund stores it (+08:00), so times compare as text; naive means local."""
    from datetime import datetime

    from wushe.sandbox.world import CST

    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    return (moment.replace(tzinfo=CST) if moment.tzinfo is None else moment.astimezone(CST)).isoformat()


class CharityFundServer(SimulatorServer):
    partner = "charity_fund"
    streams = ("organizations", "funds", "donations", "wishes")
    order_key = "updatedAt"

    def __init__(self, folder: Path, port: int = 0, *, token: str, faults: Faults | None = None) -> None:
        self.token = token
        super().__init__(folder, port, faults=faults)

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _FundHandler


# -- merchants ------------------------------------------------------------------------------------------


class _MerchantsHandler(_Handler):
    server: "MerchantsServer"

    def serve(self, path: str, params: dict[str, str]) -> None:
        server = self.server
        wait = server.limiter.acquire()
        if wait:
            return self.error(429, "请求过于频繁，请稍后再试", {"Retry-After": str(max(1, round(wait)))})
        stream = path.removeprefix("/open/")
        data = server.refresh()
        if not path.startswith("/open/") or stream not in data.records:
            return self.error(404, f"no such endpoint {path}")
        records = [] if server.faults.empty else (data.drifted if server.faults.drift else data.records)[stream]
        if "offset" in params or "limit" in params:
            size = self.page_size(params.get("limit"))
            try:
                offset = int(params.get("offset") or 0)
            except ValueError:
                offset = -1
            page = offset // size + 1 if size and offset >= 0 else 0
        else:
            size = self.page_size(params.get("size"))
            try:
                page = int(params.get("page") or 1)
            except ValueError:
                page = 0
            offset = (page - 1) * (size or 0)
        if size is None or page < 1 or offset < 0:
            return self.error(400, f"page >= 1, offset >= 0 and size/limit 1..{MAX_PAGE}")
        chunk = records[offset:offset + size]
        body = b'{"code":0,"msg":"ok","data":{"total":' + str(len(records)).encode() + b',"page":' + str(page).encode() + \
            b',"size":' + str(size).encode() + b',"list":[' + b",".join(chunk) + b"]}}"
        self.send_json(200, body)


class RateLimiter:
    """A token bucket: ``rate`` requests a second, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self) -> float:
        """0 when the request may go ahead, else the seconds until a token is free."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


class MerchantsServer(SimulatorServer):
    partner = "merchants"
    streams = ("shops", "services")
    order_key = None

    def __init__(self, folder: Path, port: int = 0, *, faults: Faults | None = None, rate: float = 50.0,
                 burst: int = 50) -> None:
        self.limiter = RateLimiter(rate, burst)
        super().__init__(folder, port, faults=faults)

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _MerchantsHandler
