"""The community charity fund (园岭社区基金会) connector: ``connector: charity_fund``.

Registered through the ``wushe`` entry point group like any third-party plugin.
"""

from __future__ import annotations

from wushe import hookimpl
from wushe_charity_fund.connector import CharityFundConnector

__all__ = ["CharityFundConnector"]


@hookimpl
def wushe_connectors() -> list[type]:
    return [CharityFundConnector]
