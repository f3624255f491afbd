"""Configurations of the four partner connectors for a served sandbox, as ``partners.yaml`` has them."""

from __future__ import annotations

from typing import Any

from wushe.config import load_partners
from wushe.sandbox import Sandbox

FAST_RETRIES = {"backoff_seconds": 0.01, "connect_timeout_seconds": 2, "timeout_seconds": 5}


def partner_config(sandbox: Sandbox, partner: str, **extra: Any) -> dict[str, Any]:
    """The partner's config from the sandbox's partners file (variables resolved), plus ``extra``."""
    config = dict(load_partners(sandbox.partners_file, resolve_connectors=False).get(partner).config)
    if partner in ("charity_fund", "merchants"):
        config |= FAST_RETRIES
    return config | extra
