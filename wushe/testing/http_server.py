"""A real HTTP server on the loopback interface for testing connectors (and benchmarking them).

Routes map a path to a function of the request that returns status, headers and body, so a test
can serve pages, fail, rate-limit, stall or send garbage exactly as a partner might::

    with LoopbackServer() as server:
        server.route("/items", lambda req: json_response({"data": [...]}))
        client.get_json(server.url + "/items")
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit

import orjson


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # when set, the body is sent in pieces with this pause between them (a slow partner)
    drip_seconds: float | None = None


Handler = Callable[[Request], Response]


def json_response(value: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"Content-Type": "application/json", **(headers or {})}, orjson.dumps(value))


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (a free port); every request is logged in ``requests``."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command, parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()},
                    {k: v for k, v in self.headers.items()}, self.rfile.read(length) if length else b"",
                )
                server.requests.append(request)
                handler = server.routes.get(parts.path)
                response = handler(request) if handler else json_response({"error": "not found"}, 404)
                self.send_response(response.status)
                headers = {"Content-Length": str(len(response.body)), **response.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if response.drip_seconds is None:
                    self.wfile.write(response.body)
                    return
                for i in range(len(response.body)):
                    self.wfile.write(response.body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(response.drip_seconds)

            do_GET = do_POST = _serve

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="loopback-http", daemon=True)

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
