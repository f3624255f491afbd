"""The hooks a wushe plugin can implement.

Every hook is named ``wushe_*``. A plugin is a module (or object) with functions decorated by
``wushe.hookimpl``, registered under the entry-point group ``wushe``. ``docs/plugins.md`` documents
each hook with an example; a test fails when a hook here is missing from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from wushe.connector import Connector
    from wushe.exporting import Exporter

hookspec = pluggy.HookspecMarker("wushe")
hookimpl = pluggy.HookimplMarker("wushe")


@hookspec
def wushe_connectors() -> list[type[Connector]]:
    """Connector classes this plugin provides, each with a unique ``name``."""


@hookspec
def wushe_expectations(kind: str) -> list[Any]:
    """Extra validation rules for records of ``kind``, each with a stable rule id and a tier."""


@hookspec
def wushe_taxonomy_crosswalk(partner: str) -> dict[str, dict[str, list[str]]] | None:
    """Partner words mapped to taxonomy codes, per taxonomy, for ``partner``; None if not this plugin's."""


@hookspec
def wushe_exporters() -> list[Exporter]:
    """Export formats this plugin provides, each with a unique ``name``."""


@hookspec
def wushe_sync_finished(report: Any) -> None:
    """Called once a sync run has finished, with its report; used to notify people."""
