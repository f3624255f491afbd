"""The HTTP client against a real server on loopback: retries, rate limits, timeouts, bad bodies."""

from __future__ import annotations

import time

import pytest

from wushe.errors import ConnectorError
from wushe.testing.http_server import LoopbackServer, Response, json_response
from wushe.toolkit.http import HttpClient, HttpSettings


def client_for(server: LoopbackServer, **settings) -> HttpClient:
    defaults = {"base_url": server.url, "backoff_seconds": 0.01, "retries": 3}
    return HttpClient(HttpSettings(**(defaults | settings)), partner="fund")


def flaky(failures: list[Response], then: Response):
    """A handler that answers with each of ``failures`` once, then ``then`` forever."""
    pending = list(failures)
    return lambda request: pending.pop(0) if pending else then


def test_5xx_is_retried_until_it_succeeds(loopback_server):
    loopback_server.route("/items", flaky([Response(500), Response(503)], json_response([1, 2])))
    assert client_for(loopback_server).get_json("items").data == [1, 2]
    assert len(loopback_server.requests) == 3


def test_5xx_that_persists_fails_naming_partner_url_and_attempts(loopback_server):
    loopback_server.route("/items", lambda r: Response(502))
    with pytest.raises(ConnectorError) as caught:
        client_for(loopback_server, retries=2).get_json("items", expected="donation records")
    message = str(caught.value)
    assert "fund" in message and f"{loopback_server.url}/items" in message
    assert "HTTP 502" in message and "3 attempts" in message and "donation records" in message
    assert caught.value.transient
    assert len(loopback_server.requests) == 3


@pytest.mark.parametrize("status", [400, 403, 404, 422])
def test_4xx_is_not_retried(loopback_server, status):
    loopback_server.route("/items", lambda r: json_response({"error": "no"}, status))
    with pytest.raises(ConnectorError, match=f"HTTP {status}") as caught:
        client_for(loopback_server).get_json("items")
    assert not caught.value.transient
    assert len(loopback_server.requests) == 1


def test_429_waits_as_long_as_retry_after_says(loopback_server):
    waits: list[float] = []
    loopback_server.route("/items", flaky([Response(429, {"Retry-After": "2"})], json_response([])))
    client = HttpClient(HttpSettings(base_url=loopback_server.url, backoff_seconds=0.01), partner="fund", sleep=waits.append)
    assert client.get_json("items").data == []
    assert waits == [2.0]


def test_429_really_sleeps_the_retry_after(loopback_server):
    loopback_server.route("/items", flaky([Response(429, {"Retry-After": "1"})], json_response([])))
    started = time.monotonic()
    client_for(loopback_server).get_json("items")
    assert time.monotonic() - started >= 1.0


def test_429_asking_for_too_long_a_wait_is_an_error_not_a_hang(loopback_server):
    loopback_server.route("/items", lambda r: Response(429, {"Retry-After": "3600"}))
    with pytest.raises(ConnectorError, match="wait 3600 s, more than max_retry_after_seconds") as caught:
        client_for(loopback_server, max_retry_after_seconds=60).get_json("items")
    assert caught.value.transient
    assert len(loopback_server.requests) == 1


def test_a_silent_server_times_out_and_is_retried(loopback_server):
    loopback_server.route("/slow", lambda r: Response(200, {"Content-Type": "application/json"}, b"[1]" * 3, drip_seconds=0.5))
    with pytest.raises(ConnectorError, match="no response within|no data for") as caught:
        client_for(loopback_server, timeout_seconds=0.2, retries=1).get_json("slow")
    assert caught.value.transient
    assert len(loopback_server.requests) == 2


def test_a_dripping_response_hits_the_total_deadline(loopback_server):
    loopback_server.route("/drip", lambda r: Response(200, {"Content-Type": "application/json"}, b"[" + b"1," * 40 + b"1]", drip_seconds=0.05))
    started = time.monotonic()
    with pytest.raises(ConnectorError, match="took longer than 0.5 s"):
        client_for(loopback_server, timeout_seconds=5, total_timeout_seconds=0.5, retries=0).get_json("drip")
    assert time.monotonic() - started < 3


def test_connection_refused_is_retried_then_reported():
    with LoopbackServer() as server:
        url = server.url
    client = HttpClient(HttpSettings(base_url=url, backoff_seconds=0.01, retries=2), partner="fund")
    with pytest.raises(ConnectorError, match="could not connect") as caught:
        client.get_json("items")
    assert caught.value.transient and url in str(caught.value)


@pytest.mark.parametrize(
    "body, problem",
    [(b'{"data": [{"id": 1}, {"id"', "truncated or malformed JSON"), (b"<html>oops</html>", "truncated or malformed JSON"), (b"", "an empty body")],
)
def test_garbage_json_is_a_clear_error(loopback_server, body, problem):
    loopback_server.route("/items", lambda r: Response(200, {"Content-Type": "application/json"}, body))
    with pytest.raises(ConnectorError, match=problem) as caught:
        client_for(loopback_server).get_json("items", expected="resource records")
    assert "resource records" in str(caught.value) and not caught.value.transient


def test_a_body_shorter_than_its_content_length_is_not_taken_as_complete(loopback_server):
    body = b'{"data": [1, 2, 3]}'
    loopback_server.route("/items", lambda r: Response(200, {"Content-Type": "application/json", "Content-Length": str(len(body) + 50)}, body))
    with pytest.raises(ConnectorError):
        client_for(loopback_server, timeout_seconds=1, retries=0).get_json("items")


def test_wrong_content_type_is_refused(loopback_server):
    loopback_server.route("/items", lambda r: Response(200, {"Content-Type": "text/html; charset=utf-8"}, b"<html>login</html>"))
    with pytest.raises(ConnectorError, match="expected .* as JSON, but the server sent text/html"):
        client_for(loopback_server).get_json("items")


def test_every_call_has_a_timeout_and_one_session_is_reused(loopback_server):
    loopback_server.route("/items", lambda r: json_response([]))
    client = client_for(loopback_server)
    seen = []
    original = client.session.request

    def spy(*args, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(*args, **kwargs)

    client.session.request = spy
    for _ in range(3):
        client.get_json("items")
    assert seen == [(10, 30)] * 3
