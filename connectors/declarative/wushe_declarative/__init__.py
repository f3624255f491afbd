"""Declarative connectors: ``rest``, ``csv``, ``xlsx`` and ``sql``.

A partner with an API, an export folder or a database joins by describing it in the partners file
(where the data is, how to log in, which record kind, which columns) — no code. These connectors
register through the ``wushe`` entry point exactly like a third-party plugin.
"""

from __future__ import annotations

from wushe import hookimpl
from wushe_declarative.files import CsvConnector, XlsxConnector
from wushe_declarative.rest import RestConnector
from wushe_declarative.sql import SqlConnector

__all__ = ["CsvConnector", "RestConnector", "SqlConnector", "XlsxConnector"]


@hookimpl
def wushe_connectors() -> list[type]:
    return [RestConnector, CsvConnector, XlsxConnector, SqlConnector]
