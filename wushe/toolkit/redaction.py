"""Keeping credentials out of logs, errors and reprs.

Configs hold credentials as :class:`pydantic.SecretStr`. What can still leak is a URL (a password in
its user part, a token in its query) or a header; these helpers blank them before a message is
built. :class:`Scrubber` is the last line: it replaces any known secret value in a text.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping
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


def redact_headers(headers: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, str]:
    """A copy of ``headers`` safe to print: credential headers (and ``extra`` names) are blanked."""
    hidden = SENSITIVE_HEADERS | {h.lower() for h in extra}
    return {k: MASK if k.lower() in hidden else v for k, v in headers.items()}


class Scrubber:
    """Replaces every registered secret value in a text with ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        # very short values would blank ordinary words; configs require longer secrets anyway
        self._secrets.update(s for s in secrets if s and len(s) >= 4)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def __repr__(self) -> str:
        return f"Scrubber({len(self._secrets)} secrets)"
