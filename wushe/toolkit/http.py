"""JSON over HTTP for connectors: one session, bounded waits, retries only where they can help.

- every call has a connect and a read timeout, and the whole response a deadline, so a partner
  that stalls or drips bytes ends in an error, never a hang;
- 5xx answers and connection failures are retried with exponential backoff; 4xx answers are not
  (a retry cannot fix a wrong URL or a refused credential);
- 429 waits as long as ``Retry-After`` says, up to a bound; a longer wait is an error;
- a body that is not JSON (wrong content type, truncated, garbage) is an error;
- every error is a :class:`~wushe.errors.ConnectorError` naming the partner, the URL (credentials
  blanked) and what was expected, and no message, log line or repr carries a secret.
"""

from __future__ import annotations

import email.utils
import logging
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar, Callable, Mapping
from urllib.parse import urljoin

import orjson
import requests
from pydantic import ConfigDict, Field
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from wushe.errors import ConnectorError
from wushe.toolkit.auth import AuthConfig
from wushe.toolkit.redaction import HidesSecrets, Scrubber, install_log_filter, redact_headers, redact_url, secret_header_names

log = logging.getLogger("wushe.toolkit.http")

MAX_BACKOFF_SECONDS = 30.0
install_log_filter("urllib3.connectionpool")  # it logs every request URL at DEBUG


class HttpSettings(HidesSecrets):
    """How to reach a partner's HTTP API; connectors embed this in their ``Config``.

    The URL may carry a password and a header a token: like SecretStr fields, they are blanked
    wherever the settings are shown.
    """

    shown_as = {"base_url": redact_url, "headers": lambda h: redact_headers(h, secret_header_names(h))}

    model_config = ConfigDict(extra="forbid")
    transport: ClassVar[frozenset[str]] = frozenset({
        "base_url", "auth", "headers", "connect_timeout_seconds", "timeout_seconds", "total_timeout_seconds", "retries",
        "backoff_seconds", "max_retry_after_seconds", "verify_tls", "strict_content_type"})

    base_url: str = Field(description="Root URL of the partner's API; paths are resolved against it")
    auth: AuthConfig | None = Field(None, description="How to authenticate (api_key, bearer, basic, oauth2_client_credentials)")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra headers sent with every request")
    connect_timeout_seconds: float = Field(10, gt=0, description="Longest wait for a connection")
    timeout_seconds: float = Field(30, gt=0, description="Longest silence while waiting for or reading a response")
    total_timeout_seconds: float = Field(300, gt=0, description="Longest time one response may take in all")
    retries: int = Field(4, ge=0, le=20, description="Retries after a 5xx answer, a 429 or a connection failure")
    backoff_seconds: float = Field(0.5, ge=0, description="First wait before a retry; it doubles each time (30 s at most)")
    max_retry_after_seconds: float = Field(120, ge=0, description="Longest Retry-After wait honoured; longer is an error")
    verify_tls: bool = Field(True, description="Check the server's TLS certificate")
    strict_content_type: bool = Field(True, description="Refuse responses whose Content-Type is not JSON")


@dataclass
class JsonResponse:
    """A decoded JSON answer with what pagination needs from the response around it."""

    data: Any
    url: str
    headers: Mapping[str, str]
    links: dict[str, dict[str, str]] = field(default_factory=dict)


class _Retry(Exception):
    """Internal: the attempt failed in a way a retry may fix."""

    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.wait = wait


class _Unauthorized(Exception):
    """Internal: the server refused the credentials (HTTP 401)."""


class HttpClient:
    """A ``requests`` session for one connector instance, with wushe's error and retry rules."""

    def __init__(
        self,
        settings: HttpSettings,
        *,
        partner: str,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.partner = partner
        self._sleep = sleep
        self.scrubber = Scrubber(settings.auth.secrets() if settings.auth else ())
        self.scrubber.add(*(settings.headers[h] for h in secret_header_names(settings.headers)))
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "wushe-connector"})
        self.session.headers.update(settings.headers)
        self.session.verify = settings.verify_tls
        adapter = HTTPAdapter(max_retries=0, pool_maxsize=4)  # retries are ours, with our rules
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.auth = settings.auth.build(self) if settings.auth else None

    def __repr__(self) -> str:
        return f"HttpClient(partner={self.partner!r}, base_url={redact_url(self.settings.base_url)!r})"

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def url(self, path_or_url: str) -> str:
        """``path_or_url`` resolved against the base URL."""
        base = self.settings.base_url if self.settings.base_url.endswith("/") else self.settings.base_url + "/"
        return urljoin(base, path_or_url.lstrip("/")) if "://" not in path_or_url else path_or_url

    def error(self, message: str, *, location: str, transient: bool) -> ConnectorError:
        """A ConnectorError for this partner with the URL and message scrubbed of secrets."""
        return ConnectorError(
            self.scrubber(message), partner=self.partner, location=self.scrubber(redact_url(location)), transient=transient
        )

    def get_json(self, url: str, params: Mapping[str, Any] | None = None, *, expected: str = "a JSON document") -> JsonResponse:
        """GET ``url`` and decode its JSON body; ``expected`` says what the caller wanted, for errors."""
        return self._request("GET", self.url(url), params=params, expected=expected)

    def post_form(self, url: str, form: Mapping[str, str], *, auth: Any = None, expected: str) -> Any:
        """POST a form (used for OAuth2 token requests) and decode the JSON answer."""
        return self._request("POST", self.url(url), data=form, auth=auth, expected=expected, use_auth=False).data

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        auth: Any = None,
        expected: str,
        use_auth: bool = True,
    ) -> JsonResponse:
        s = self.settings
        refreshed = False
        attempt = 0
        shown = requests.Request(method, url, params=params).prepare().url or url  # for messages: with the query
        while True:
            request_auth = auth if auth is not None else (self.auth if use_auth else None)
            try:
                return self._attempt(method, url, params, data, request_auth, expected)
            except _Unauthorized:
                if not refreshed and hasattr(request_auth, "invalidate"):
                    request_auth.invalidate()  # the token expired early: fetch a new one, once
                    refreshed = True
                    continue
                raise self.error(
                    f"HTTP 401 Unauthorized: the credentials were refused; expected {expected}", location=shown, transient=False
                ) from None
            except _Retry as retry:
                if attempt >= s.retries:
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise self.error(f"{retry.problem}{tries}; expected {expected}", location=shown, transient=True) from None
                wait = retry.wait if retry.wait is not None else min(s.backoff_seconds * 2**attempt, MAX_BACKOFF_SECONDS)
                log.info("%s %s: %s; retry %d of %d in %.1f s", method, self.scrubber(redact_url(shown)), retry.problem, attempt + 1, s.retries, wait)
                self._sleep(wait)
                attempt += 1

    def _attempt(self, method: str, url: str, params: Any, data: Any, auth: Any, expected: str) -> JsonResponse:
        s = self.settings
        deadline = time.monotonic() + s.total_timeout_seconds
        try:
            resp = self.session.request(
                method, url, params=params, data=data, auth=auth, stream=True,
                timeout=(s.connect_timeout_seconds, s.timeout_seconds),
            )
        except requests.exceptions.ConnectTimeout:
            raise _Retry(f"no connection within {s.connect_timeout_seconds:g} s") from None
        except requests.exceptions.ReadTimeout:
            raise _Retry(f"no response within {s.timeout_seconds:g} s") from None
        except requests.exceptions.ConnectionError as exc:
            raise _Retry(f"could not connect ({_os_reason(exc)})") from None
        with resp:
            status = resp.status_code
            if status == 429:
                raise _Retry("HTTP 429 Too Many Requests", self._retry_after(resp, url, expected))
            if status >= 500:
                raise _Retry(f"HTTP {status} {resp.reason}")
            if status == 401:
                raise _Unauthorized()
            if status >= 400:
                raise self.error(f"HTTP {status} {resp.reason}; expected {expected}", location=resp.url, transient=False)
            body = self._read_body(resp, deadline)
            return JsonResponse(self._decode(resp, body, expected), resp.url, resp.headers, resp.links)

    def _read_body(self, resp: requests.Response, deadline: float) -> bytes:
        """The whole body, read as it arrives so the deadline holds even for a dripping server."""
        chunks: list[bytes] = []
        try:
            while True:
                chunk = resp.raw.read1(1 << 16, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _Retry(f"the response took longer than {self.settings.total_timeout_seconds:g} s")
        except ReadTimeoutError:
            raise _Retry(f"no data for {self.settings.timeout_seconds:g} s while reading the response") from None
        except (ProtocolError, OSError) as exc:
            raise _Retry(f"the response ended early (the connection broke: {_os_reason(exc)})") from None
        return b"".join(chunks)

    def _decode(self, resp: requests.Response, body: bytes, expected: str) -> Any:
        ctype = resp.headers.get("Content-Type", "")
        if self.settings.strict_content_type and ctype and "json" not in ctype.lower():
            raise self.error(
                f"expected {expected} as JSON, but the server sent {ctype.split(';')[0]} ({len(body)} bytes)",
                location=resp.url, transient=False,
            )
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            what = "truncated or malformed JSON" if body else "an empty body"
            raise self.error(
                f"expected {expected}, but the response is {what} ({exc}; {len(body)} bytes)",
                location=resp.url, transient=False,
            ) from None

    def _retry_after(self, resp: requests.Response, url: str, expected: str) -> float | None:
        raw = resp.headers.get("Retry-After")
        if raw is None:
            return None
        try:
            wait = float(raw)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(raw)
            except (TypeError, ValueError):
                return None
            wait = when.timestamp() - time.time()
        wait = max(wait, 0.0)
        if wait > self.settings.max_retry_after_seconds:
            raise self.error(
                f"rate limited (HTTP 429): the partner asks to wait {wait:g} s, more than "
                f"max_retry_after_seconds ({self.settings.max_retry_after_seconds:g}); expected {expected}",
                location=url, transient=True,
            )
        return wait


def _os_reason(exc: BaseException) -> str:
    """The operating system's words for a connection failure, without the URL requests adds."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror
        for arg in getattr(seen, "args", ()):
            if isinstance(arg, OSError) and arg.strerror:
                return arg.strerror
            reason = getattr(arg, "reason", None)
            if isinstance(reason, OSError) and reason.strerror:
                return reason.strerror
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__


class ClientCache:
    """One :class:`HttpClient` per connector instance, kept across streams and reads (connections
    are reused) and replaced when the settings change."""

    def __init__(self, partner: str) -> None:
        self.partner = partner
        self._client: HttpClient | None = None
        self._settings: HttpSettings | None = None

    def __call__(self, settings: HttpSettings) -> HttpClient:
        if self._client is None or self._settings != settings:
            if self._client is not None:
                self._client.close()
            self._client = HttpClient(settings, partner=self.partner)
            self._settings = settings
        return self._client
