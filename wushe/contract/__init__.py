"""The record contract: the shape of what connectors hand to the registry (design §5)."""

from __future__ import annotations

from typing import Any

from wushe.contract.kinds import PAYLOADS, Donation, Need, Organization, Ref, Resource, Volunteer
from wushe.contract.record import KINDS, RECORD_MODELS, Envelope, Kind, Record, make_record
from wushe.errors import WusheError

__all__ = [
    "KINDS",
    "PAYLOADS",
    "RECORD_MODELS",
    "Donation",
    "Envelope",
    "Kind",
    "Need",
    "Organization",
    "Record",
    "Ref",
    "Resource",
    "Volunteer",
    "field_labels",
    "json_schema",
    "make_record",
    "personal_fields",
    "record_model",
]


def record_model(kind: str) -> type[Envelope]:
    """The pydantic model of a whole record of ``kind``; a clear error for an unknown kind."""
    try:
        return RECORD_MODELS[kind]
    except KeyError:
        raise WusheError(f"unknown record kind {kind!r}; expected one of: {', '.join(KINDS)}") from None


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a record of ``kind``, envelope included."""
    return record_model(kind).model_json_schema()


def field_labels(kind: str) -> dict[str, str]:
    """Top-level payload field → Chinese label, in declaration order."""
    record_model(kind)  # a clear error for an unknown kind
    model = PAYLOADS[kind]
    return {name: (info.json_schema_extra or {}).get("label_zh", name) for name, info in model.model_fields.items()}


def personal_fields(kind: str) -> frozenset[str]:
    """Top-level payload fields of ``kind`` that hold a resident's personal data."""
    record_model(kind)
    model = PAYLOADS[kind]
    return frozenset(
        name for name, info in model.model_fields.items() if (info.json_schema_extra or {}).get("personal")
    )
