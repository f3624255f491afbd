"""The caring merchants (爱心商家) connector: ``connector: merchants``.

Registered through the ``wushe`` entry point group like any third-party plugin.
"""

from __future__ import annotations

from wushe import hookimpl
from wushe_merchants.connector import MerchantsConnector

__all__ = ["MerchantsConnector"]


@hookimpl
def wushe_connectors() -> list[type]:
    return [MerchantsConnector]
