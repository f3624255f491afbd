"""The property-management companies (物业) connector: ``connector: property_files``.

Registered through the ``wushe`` entry point group like any third-party plugin.
"""

from __future__ import annotations

from wushe import hookimpl
from wushe_property_files.connector import PropertyFilesConnector

__all__ = ["PropertyFilesConnector"]


@hookimpl
def wushe_connectors() -> list[type]:
    return [PropertyFilesConnector]
