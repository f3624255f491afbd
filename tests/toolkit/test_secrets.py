"""A planted secret never shows up: not in logs, errors, reprs, check results or config dumps."""

from __future__ import annotations

import logging

import pytest

from wushe.errors import ConnectorError, WusheError
from wushe.testing.http_server import LoopbackServer, Response, json_response
from wushe.toolkit.http import HttpClient, HttpSettings
from wushe_declarative import RestConnector, SqlConnector

SECRET = "Plant3d-S3cret-0f-the-Fund"


def leaks(*texts: str) -> list[str]:
    return [t for t in texts if SECRET in t]


@pytest.mark.parametrize("auth", [
    {"type": "bearer", "token": SECRET},
    {"type": "api_key", "header": "X-Api-Key", "key": SECRET},
    {"type": "basic", "username": "wushe", "password": SECRET},
    {"type": "oauth2_client_credentials", "token_url": "oauth/token", "client_id": "wushe", "client_secret": SECRET},
])
def test_no_output_carries_the_secret(caplog, loopback_server, auth):
    caplog.set_level(logging.DEBUG)
    echo = lambda r: Response(500, {"Content-Type": "application/json", "X-Echo": str(r.headers)}, str(r.headers).encode())  # noqa: E731
    loopback_server.route("/oauth/token", lambda r: json_response({"access_token": SECRET[::-1], "expires_in": 60}))
    loopback_server.route("/api/items", echo)
    loopback_server.route("/api/html", lambda r: Response(200, {"Content-Type": "text/html"}, SECRET.encode()))
    stream = {"kind": "organization", "id": "id", "path": "api/items", "params": {"access_token": SECRET}, "mapping": {"name": "name"}}
    raw = {"base_url": f"http://wushe:{SECRET}@{loopback_server.url.removeprefix('http://')}/", "auth": auth, "retries": 1, "backoff_seconds": 0.01,
           "headers": {"X-Tenant": "wushe"}, "streams": {"items": stream}}
    connector = RestConnector("charity_fund")
    config = connector.parse_config(raw, partner="charity_fund")
    outputs = [repr(config), str(config), config.model_dump_json(), repr(connector.client(config)), repr(connector.client(config).auth)]
    check = connector.check(config)
    assert not check.ok
    outputs.append(check.message)
    with pytest.raises(ConnectorError) as caught:
        list(connector.read(config, connector.streams(config)[0], None))
    outputs += [str(caught.value), repr(caught.value)]
    with pytest.raises(ConnectorError) as caught:
        connector.client(config).get_json("api/html")
    outputs.append(str(caught.value))
    outputs += [r.getMessage() for r in caplog.records]
    assert not leaks(*outputs)
    assert not [o for o in outputs if SECRET[::-1] in o]  # nor the OAuth2 access token
    assert "charity_fund" in check.message and "access_token=***" in check.message


def test_a_secret_in_a_database_url_stays_hidden(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    raw = {"url": f"postgresql+psycopg://wushe:{SECRET}@127.0.0.1:1/civil", "connect_timeout_seconds": 1,
           "streams": {"orgs": {"kind": "organization", "table": "orgs", "id": "id", "mapping": {"name": "name"}}}}
    connector = SqlConnector("civil_affairs")
    config = connector.parse_config(raw, partner="civil_affairs")
    check = connector.check(config)
    with pytest.raises(ConnectorError) as caught:
        list(connector.read(config, connector.streams(config)[0], None))
    outputs = [repr(config), config.model_dump_json(), check.message, str(caught.value), *(r.getMessage() for r in caplog.records)]
    assert not check.ok and "civil_affairs" in check.message and "wushe:***@127.0.0.1:1" in check.message
    assert not leaks(*outputs)


def test_a_secret_in_the_partners_file_stays_hidden_when_the_config_is_wrong(tmp_path, monkeypatch):
    from wushe.config import load_partners

    monkeypatch.setenv("FUND_TOKEN", SECRET)
    path = tmp_path / "partners.yaml"
    path.write_text(
        "partners:\n  charity_fund:\n    connector: rest\n    config:\n      base_url: http://127.0.0.1:1/\n"
        "      auth: {type: bearer, token: '${FUND_TOKEN}'}\n      retries: many\n      streams: {}\n", encoding="utf-8")
    with pytest.raises(WusheError) as caught:
        load_partners(path)
    assert "charity_fund" in str(caught.value) and not leaks(str(caught.value))


def test_http_client_repr_and_connection_errors_hide_url_credentials():
    with LoopbackServer() as server:
        url = server.url
    client = HttpClient(HttpSettings(base_url=f"http://user:{SECRET}@{url.removeprefix('http://')}/", retries=0), partner="p")
    with pytest.raises(ConnectorError) as caught:
        client.get_json(f"items?token={SECRET}")
    assert not leaks(repr(client), str(caught.value))
