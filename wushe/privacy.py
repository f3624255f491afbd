"""Personal data: masking for roles that may not see it, and keyed hashes for ID numbers.

Which fields are personal is declared once, in the contract (``personal=True``). ID numbers are
never stored raw: the registry keeps an HMAC under the deployment's secret key (for matching) and a
masked form (for people).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Callable

from wushe import settings
from wushe.contract import personal_fields

ROLES = ("viewer", "staff", "steward", "admin")
# roles that see personal fields unmasked (each such read is audited)
UNMASKED_ROLES = frozenset({"steward", "admin"})


def mask_phone(value: str) -> str:
    """138****5678: keep the first three and last four digits."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(value: str) -> str:
    """110***********123X: the region prefix and the serial end stay, the birth date never shows."""
    value = value.strip()
    if len(value) < 8:
        return "*" * len(value)
    keep = 4 if len(value) >= 18 else 3  # a 15-digit number's date ends three before its end
    return value[:3] + "*" * (len(value) - 3 - keep) + value[-keep:]


def mask_name(value: str) -> str:
    """张*, 欧阳**: keep the first character."""
    value = value.strip()
    return value[:1] + "*" * max(len(value) - 1, 1) if value else value


def mask_value(field: str, value: Any) -> Any:
    """Mask one personal value by what the field holds."""
    if value is None or value == "":
        return value
    if isinstance(value, list):
        return [mask_value(field, v) for v in value]
    text = str(value)
    if "phone" in field:
        return mask_phone(text)
    if "id_number" in field:
        return mask_id_number(text)
    if "name" in field:
        return mask_name(text)
    return "***"


def mask_payload(kind: str, payload: dict[str, Any], role: str = "viewer") -> dict[str, Any]:
    """A copy of ``payload`` with personal fields masked unless ``role`` may see them."""
    if role in UNMASKED_ROLES:
        return payload
    hidden = personal_fields(kind)
    return {k: (mask_value(k, v) if k in hidden else v) for k, v in payload.items()}


IdDigest = Callable[[str], str]


def id_number_digest(value: str) -> str:
    """Keyed hash of a normalised ID number: equal numbers match, the number cannot be recovered."""
    return id_number_hasher()(value)


def id_number_hasher() -> IdDigest:
    """:func:`id_number_digest` with the key read once, for a batch of records: finding the key
    (its settings, the key file's absolute path) costs more than the hash itself, 5.4 against
    3.4 µs, on each of a first night's 280,000 volunteers."""
    keyed = hmac.new(settings.secret_key(), digestmod=hashlib.sha256)

    def digest(value: str) -> str:
        hasher = keyed.copy()
        hasher.update(value.strip().upper().encode())
        return hasher.hexdigest()[:32]

    return digest


def protect_payload(payload: dict[str, Any], id_digest: IdDigest | None = None) -> dict[str, Any]:
    """The payload as the registry may store it: a raw ID number becomes its digest and masked
    form (``id_digest``: an :func:`id_number_hasher` for a batch's payloads)."""
    raw = payload.get("id_number")
    if not raw:
        return payload
    protected = {k: v for k, v in payload.items() if k != "id_number"}
    protected["id_number_hash"] = (id_digest or id_number_digest)(str(raw))
    protected["id_number_masked"] = mask_id_number(str(raw))
    return protected
