"""Auth styles and pagination styles against a real loopback server."""

from __future__ import annotations

import base64

import pytest

from wushe.errors import ConnectorError
from wushe.testing.http_server import Response, json_response
from wushe.toolkit.auth import ApiKeyAuth, BasicAuth, BearerAuth, OAuth2ClientCredentials
from wushe.toolkit.http import HttpClient, HttpSettings
from wushe.toolkit.pagination import (
    CursorPagination,
    LinkHeaderPagination,
    NextUrlPagination,
    NoPagination,
    OffsetPagination,
    PagePagination,
)

ROWS = [{"id": i} for i in range(23)]


def client(server, auth=None) -> HttpClient:
    return HttpClient(HttpSettings(base_url=server.url, auth=auth, backoff_seconds=0.01), partner="merchants")


def guarded(check, body=lambda r: json_response({"ok": True})):
    return lambda r: body(r) if check(r.headers) else json_response({"error": "unauthorized"}, 401)


def test_api_key_header(loopback_server):
    loopback_server.route("/x", guarded(lambda h: h.get("X-Key") == "k-123456"))
    assert client(loopback_server, ApiKeyAuth(header="X-Key", key="k-123456")).get_json("x").data == {"ok": True}


def test_bearer_token(loopback_server):
    loopback_server.route("/x", guarded(lambda h: h.get("Authorization") == "Bearer tok-abcdef"))
    assert client(loopback_server, BearerAuth(token="tok-abcdef")).get_json("x").data == {"ok": True}


def test_basic_auth(loopback_server):
    expected = "Basic " + base64.b64encode(b"wushe:pa55word").decode()
    loopback_server.route("/x", guarded(lambda h: h.get("Authorization") == expected))
    assert client(loopback_server, BasicAuth(username="wushe", password="pa55word")).get_json("x").data == {"ok": True}


def test_refused_credentials_are_not_retried(loopback_server):
    loopback_server.route("/x", guarded(lambda h: False))
    with pytest.raises(ConnectorError, match="HTTP 401 Unauthorized: the credentials were refused") as caught:
        client(loopback_server, BearerAuth(token="wrong-token")).get_json("x")
    assert not caught.value.transient and len(loopback_server.requests) == 1


class TokenEndpoint:
    """An OAuth2 token endpoint issuing numbered tokens that live ``lifetime`` seconds."""

    def __init__(self, lifetime: int = 3600) -> None:
        self.issued: list[str] = []
        self.lifetime = lifetime

    def __call__(self, request) -> Response:
        good = "Basic " + base64.b64encode(b"wushe-client:s3cret-client").decode()
        form = dict(pair.split("=") for pair in request.body.decode().split("&"))
        if request.headers.get("Authorization") != good or form.get("grant_type") != "client_credentials":
            return json_response({"error": "invalid_client"}, 401)
        self.issued.append(f"token-{len(self.issued) + 1:04d}")
        return json_response({"access_token": self.issued[-1], "token_type": "bearer", "expires_in": self.lifetime})


def oauth(server, **extra) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(token_url=f"{server.url}/oauth/token", client_id="wushe-client", client_secret="s3cret-client", **extra)


def test_oauth2_client_credentials_fetches_once_and_reuses_the_token(loopback_server):
    tokens = TokenEndpoint()
    loopback_server.route("/oauth/token", tokens)
    loopback_server.route("/x", guarded(lambda h: h.get("Authorization") == f"Bearer {tokens.issued[-1]}"))
    http = client(loopback_server, oauth(loopback_server))
    for _ in range(3):
        assert http.get_json("x").data == {"ok": True}
    assert tokens.issued == ["token-0001"]


def test_oauth2_token_is_refreshed_before_it_expires(loopback_server):
    tokens = TokenEndpoint(lifetime=10)
    loopback_server.route("/oauth/token", tokens)
    loopback_server.route("/x", guarded(lambda h: h.get("Authorization") == f"Bearer {tokens.issued[-1]}"))
    http = client(loopback_server, oauth(loopback_server, refresh_margin_seconds=10))
    http.get_json("x")
    http.get_json("x")
    assert tokens.issued == ["token-0001", "token-0002"]


def test_oauth2_token_revoked_early_is_fetched_again_once(loopback_server):
    tokens = TokenEndpoint()
    loopback_server.route("/oauth/token", tokens)
    accepted = {"token-0002"}
    loopback_server.route("/x", guarded(lambda h: h.get("Authorization", "").removeprefix("Bearer ") in accepted))
    assert client(loopback_server, oauth(loopback_server)).get_json("x").data == {"ok": True}
    assert tokens.issued == ["token-0001", "token-0002"]


def test_oauth2_wrong_client_secret_is_a_clear_error(loopback_server):
    loopback_server.route("/oauth/token", TokenEndpoint())
    bad = OAuth2ClientCredentials(token_url=f"{loopback_server.url}/oauth/token", client_id="wushe-client", client_secret="not-the-secret")
    with pytest.raises(ConnectorError, match="oauth/token.*HTTP 401.*OAuth2 token response"):
        client(loopback_server, bad).get_json("x")


def paged_server(server, style: str) -> None:
    def page(request):
        q = request.query
        if style == "page":
            start = (int(q["page"]) - 1) * int(q["page_size"])
            return json_response({"data": ROWS[start : start + int(q["page_size"])]})
        if style == "offset":
            start = int(q["offset"])
            return json_response({"data": ROWS[start : start + int(q["limit"])]})
        if style == "cursor":
            start = int(q.get("cursor", 0))
            nxt = start + 10 if start + 10 < len(ROWS) else None
            return json_response({"data": ROWS[start : start + 10], "meta": {"next_cursor": nxt}})
        start = int(q.get("from", 0))
        nxt = f"/items?from={start + 10}" if start + 10 < len(ROWS) else None
        if style == "next_url":
            return json_response({"data": ROWS[start : start + 10], "links": {"next": nxt}})
        headers = {"Link": f'<{server.url}{nxt}>; rel="next"'} if nxt else {}
        return json_response({"data": ROWS[start : start + 10]}, headers=headers)

    server.route("/items", page)


@pytest.mark.parametrize(
    "style, pagination",
    [
        ("page", PagePagination(size=10)),
        ("offset", OffsetPagination(limit=10)),
        ("cursor", CursorPagination(cursor_path="meta.next_cursor")),
        ("next_url", NextUrlPagination(next_path="links.next")),
        ("link_header", LinkHeaderPagination()),
    ],
)
def test_every_pagination_style_reads_every_record_once(loopback_server, style, pagination):
    paged_server(loopback_server, style)
    pages = list(pagination.pages(client(loopback_server), "items", {"sort": "id"}, "data", "records"))
    assert [r for records, _ in pages for r in records] == ROWS
    assert len(pages) == 3
    assert all(r.query.get("sort") == "id" for r in loopback_server.requests[:1])


def test_page_size_divides_the_total_evenly(loopback_server):
    loopback_server.route("/items", lambda r: json_response({"data": ROWS[(int(r.query["page"]) - 1) * 23 :][:23]}))
    pages = list(PagePagination(size=23).pages(client(loopback_server), "items", {}, "data", "records"))
    assert [len(p) for p, _ in pages] == [23, 0]


def test_a_server_ignoring_the_page_parameter_is_an_error_not_a_loop(loopback_server):
    loopback_server.route("/items", lambda r: json_response({"data": ROWS[:10]}))
    with pytest.raises(ConnectorError, match="same page twice"):
        list(PagePagination(size=10).pages(client(loopback_server), "items", {}, "data", "records"))


def test_a_cursor_sent_twice_is_an_error_not_a_loop(loopback_server):
    loopback_server.route("/items", lambda r: json_response({"data": ROWS[:10], "next_cursor": "abc"}))
    with pytest.raises(ConnectorError, match="cursor 'abc' twice"):
        list(CursorPagination().pages(client(loopback_server), "items", {}, "data", "records"))


def test_a_next_link_to_another_host_is_refused(loopback_server):
    loopback_server.route("/items", lambda r: json_response({"data": ROWS[:10], "next": "http://198.51.100.7/steal"}))
    with pytest.raises(ConnectorError, match="another host"):
        list(NextUrlPagination().pages(client(loopback_server), "items", {}, "data", "records"))


def test_records_missing_at_the_records_path_is_schema_drift(loopback_server):
    loopback_server.route("/items", lambda r: json_response({"items": ROWS}))
    with pytest.raises(ConnectorError, match="expected a list of donation records at 'data', found nothing") as caught:
        list(NoPagination().pages(client(loopback_server), "items", {}, "data", "donation records"))
    assert f"{loopback_server.url}/items" in str(caught.value)
