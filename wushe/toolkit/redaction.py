"""Keeping credentials out of logs, errors and reprs.

Configs hold credentials as :class:`pydantic.SecretStr`. What can still leak is a URL (a password in
its user part, a token in its query) or a header; these helpers blank them before a message is
built. :class:`Scrubber` is the last line: it replaces any known secret value in a text.
"""

from __future__ import annotations

import logging
import re
import weakref
from typing import Any, Callable, ClassVar, Iterable, Mapping

from pydantic import BaseModel, SerializationInfo, model_serializer
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
SENSITIVE_PARAM = re.compile(r"(token|key|secret|password|passwd|pwd|signature|sig|auth|credential|session)", re.I)
SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token"}
)


def redact_url(url: str) -> str:
    """``url`` without a password and with secret-looking query values blanked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        name = user.split(":", 1)[0]
        netloc = f"{name}:{MASK}@{host}" if ":" in user else f"{name}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if SENSITIVE_PARAM.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters safe to print: secret-looking names get their values blanked."""
    return {k: MASK if SENSITIVE_PARAM.search(k) else v for k, v in params.items()}


_QUERY_SECRET = re.compile(r"([?&][^=&\s\"']*" + SENSITIVE_PARAM.pattern + r"[^=&\s\"']*=)[^&\s\"']*", re.I)


def redact_text(text: str) -> str:
    """Blank secret-looking query values in any text holding URLs (log lines of HTTP libraries)."""
    return _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, text)


def redact_headers(headers: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, str]:
    """A copy of ``headers`` safe to print: credential headers (and ``extra`` names) are blanked."""
    hidden = SENSITIVE_HEADERS | {h.lower() for h in extra}
    return {k: MASK if k.lower() in hidden else v for k, v in headers.items()}


def secret_header_names(headers: Mapping[str, str]) -> list[str]:
    """The headers of ``headers`` whose names say they carry a credential."""
    return [h for h in headers if h.lower() in SENSITIVE_HEADERS or SENSITIVE_PARAM.search(h)]


class Scrubber:
    """Replaces every registered secret value in a text with ``***``.

    Every live scrubber also cleans the log records of the HTTP libraries (see :class:`LogFilter`).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(*secrets)
        _LIVE.add(self)

    def add(self, *secrets: str | None) -> None:
        # very short values would blank ordinary words; configs require longer secrets anyway
        self._secrets.update(s for s in secrets if s and len(s) >= 4)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def __repr__(self) -> str:
        return f"Scrubber({len(self._secrets)} secrets)"


_LIVE: weakref.WeakSet[Scrubber] = weakref.WeakSet()


class LogFilter(logging.Filter):
    """Cleans records of loggers that print request URLs (urllib3 at DEBUG): secret-looking query
    values and every secret a live :class:`Scrubber` knows are blanked."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = redact_text(record.getMessage())
        for scrubber in list(_LIVE):
            text = scrubber(text)
        record.msg, record.args = text, None
        return True


def install_log_filter(*names: str) -> None:
    """Attach :class:`LogFilter` to the named loggers, once."""
    for name in names:
        target = logging.getLogger(name)
        if not any(isinstance(f, LogFilter) for f in target.filters):
            target.addFilter(LogFilter())


class HidesSecrets(BaseModel):
    """A config model whose fields listed in ``shown_as`` are shown redacted, the way SecretStr
    fields are: in its repr and in JSON dumps (Python dumps keep the values, for use)."""

    shown_as: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            show = self.shown_as.get(name) if name else None
            yield name, show(value) if show and value is not None else value

    @model_serializer(mode="wrap")
    def _hide_secrets(self, handler: Any, info: SerializationInfo) -> Any:
        data = handler(self)
        if info.mode_is_json() and isinstance(data, dict):
            for name, show in self.shown_as.items():
                if data.get(name) is not None:
                    data[name] = show(data[name])
        return data
