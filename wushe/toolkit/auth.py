"""Authentication styles a partner API may ask for, as config models that build ``requests`` auth.

In the partners file::

    auth: {type: api_key, header: X-API-Key, key: "${FUND_API_KEY}"}
    auth: {type: bearer, token: "${MERCHANTS_TOKEN}"}
    auth: {type: basic, username: wushe, password: "${CIVIL_PASSWORD}"}
    auth: {type: oauth2_client_credentials, token_url: https://…/oauth/token,
           client_id: wushe, client_secret: "${CLIENT_SECRET}", scope: read}

Secrets are :class:`~pydantic.SecretStr`, so a config's repr or JSON dump never shows them.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Annotated, Literal, Union

import requests
from pydantic import BaseModel, ConfigDict, Field, SecretStr

if TYPE_CHECKING:
    from wushe.toolkit.http import HttpClient


class _Auth(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def secrets(self) -> list[str]:
        """The secret values this auth sends, so errors and logs can be scrubbed of them."""
        return [v.get_secret_value() for v in self.__dict__.values() if isinstance(v, SecretStr)]

    def build(self, client: HttpClient) -> requests.auth.AuthBase:
        raise NotImplementedError


class HeaderAuth(requests.auth.AuthBase):
    """Sends one fixed header (API keys, bearer tokens)."""

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self._value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self.name] = self._value
        return request

    def __repr__(self) -> str:
        return f"HeaderAuth({self.name!r}, '***')"


class ApiKeyAuth(_Auth):
    type: Literal["api_key"] = "api_key"
    header: str = Field("X-API-Key", description="Header that carries the key")
    key: SecretStr = Field(min_length=4, description="The API key")
    prefix: str = Field("", description="Text before the key in the header, e.g. 'ApiKey '")

    def build(self, client: HttpClient) -> requests.auth.AuthBase:
        return HeaderAuth(self.header, self.prefix + self.key.get_secret_value())


class BearerAuth(_Auth):
    type: Literal["bearer"] = "bearer"
    token: SecretStr = Field(min_length=4, description="The bearer token")

    def build(self, client: HttpClient) -> requests.auth.AuthBase:
        return HeaderAuth("Authorization", f"Bearer {self.token.get_secret_value()}")


class BasicAuth(_Auth):
    type: Literal["basic"] = "basic"
    username: str
    password: SecretStr = Field(min_length=4)

    def build(self, client: HttpClient) -> requests.auth.AuthBase:
        return requests.auth.HTTPBasicAuth(self.username, self.password.get_secret_value())


class OAuth2ClientCredentials(_Auth):
    type: Literal["oauth2_client_credentials"] = "oauth2_client_credentials"
    token_url: str = Field(description="The token endpoint (absolute, or relative to base_url)")
    client_id: str
    client_secret: SecretStr = Field(min_length=4)
    scope: str | None = None
    client_auth: Literal["basic", "body"] = Field(
        "basic", description="Send the client credentials as HTTP basic auth (RFC 6749 default) or in the form body"
    )
    refresh_margin_seconds: float = Field(30, ge=0, description="Fetch a new token this long before the old one expires")

    def build(self, client: HttpClient) -> requests.auth.AuthBase:
        return ClientCredentialsAuth(self, client)


class ClientCredentialsAuth(requests.auth.AuthBase):
    """Fetches an access token from the token endpoint, reuses it, and refreshes it before expiry
    (or at once after a 401, through :meth:`invalidate`)."""

    def __init__(self, config: OAuth2ClientCredentials, client: HttpClient) -> None:
        self.config = config
        self.client = client
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at - self.config.refresh_margin_seconds:
                self._token, lifetime = self._fetch()
                self._expires_at = time.monotonic() + lifetime
            return self._token

    def _fetch(self) -> tuple[str, float]:
        cfg = self.config
        form = {"grant_type": "client_credentials"}
        if cfg.scope:
            form["scope"] = cfg.scope
        basic = None
        if cfg.client_auth == "basic":
            basic = requests.auth.HTTPBasicAuth(cfg.client_id, cfg.client_secret.get_secret_value())
        else:
            form |= {"client_id": cfg.client_id, "client_secret": cfg.client_secret.get_secret_value()}
        body = self.client.post_form(cfg.token_url, form, auth=basic, expected="an OAuth2 token response")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise self.client.error(
                "the OAuth2 token response has no access_token", location=cfg.token_url, transient=False
            )
        self.client.scrubber.add(token)
        try:
            lifetime = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        return token, lifetime

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        return request

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(token_url={self.config.token_url!r}, client_id={self.config.client_id!r})"


AuthConfig = Annotated[
    Union[ApiKeyAuth, BearerAuth, BasicAuth, OAuth2ClientCredentials], Field(discriminator="type")
]
