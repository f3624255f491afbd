"""The civil-affairs bureau (民政局) connector: ``connector: civil_affairs``.

Registered through the ``wushe`` entry point group like any third-party plugin.
"""

from __future__ import annotations

from wushe import hookimpl
from wushe_civil_affairs.connector import CivilAffairsConnector

__all__ = ["CivilAffairsConnector"]


@hookimpl
def wushe_connectors() -> list[type]:
    return [CivilAffairsConnector]
