"""Field declarations shared by the contract models.

Every contract field carries an English description and its Chinese label, so the JSON Schema,
the docs, exports and the staff UI all read their column names from one place. Fields that hold a
resident's personal data are marked ``personal``; masking and auditing read that mark.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field


def _extra(zh: str, personal: bool) -> dict[str, Any]:
    extra: dict[str, Any] = {"label_zh": zh}
    if personal:
        extra["personal"] = True
    return extra


def field(zh: str, description: str, *, personal: bool = False, default: Any = None, **kwargs: Any) -> Any:
    """Declare a contract field with its Chinese label (and personal-data mark)."""
    return Field(default, description=f"{description} ({zh})", json_schema_extra=_extra(zh, personal), **kwargs)


def required(zh: str, description: str, *, personal: bool = False, **kwargs: Any) -> Any:
    """Declare a contract field every record of the kind must carry."""
    return Field(..., description=f"{description} ({zh})", json_schema_extra=_extra(zh, personal), **kwargs)


def list_field(zh: str, description: str) -> Any:
    """Declare a list-valued contract field that defaults to empty."""
    return Field(default_factory=list, description=f"{description} ({zh})", json_schema_extra=_extra(zh, False))
