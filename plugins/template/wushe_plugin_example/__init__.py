"""wushe plugin ``plugin_example``: registers the connector with wushe."""

from __future__ import annotations

from wushe import hookimpl
from wushe_plugin_example.connector import ExampleConnector

__all__ = ["ExampleConnector"]


@hookimpl
def wushe_connectors() -> list[type]:
    return [ExampleConnector]
