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
    from wushe.validation.rules import PluginRule

hookspec = pluggy.HookspecMarker("wushe")
hookimpl = pluggy.HookimplMarker("wushe")


@hookspec
def wushe_connectors() -> list[type[Connector]]:
    """Connector classes this plugin provides, each with a unique ``name``."""


@hookspec
def wushe_expectations(kind: str) -> list[PluginRule]:
    """Extra validation rules for records of ``kind`` (organization, resource, need, volunteer, donation).

    Each :class:`wushe.validation.rules.PluginRule` pairs a Great Expectations 1.x map expectation
    over the batch's flattened columns with a :class:`wushe.validation.catalogue.RuleInfo`: a stable,
    plugin-namespaced rule id, a tier (``error`` quarantines the row, ``warning`` accepts it
    flagged) and the Chinese and English texts of the corrections report. Import Great Expectations
    inside the hook: it is called only when validation runs. Return ``[]`` for other kinds.
    """


@hookspec
def wushe_taxonomy_crosswalk(partner: str) -> dict[str, dict[str, list[str]]] | None:
    """Partner words mapped to taxonomy codes, per taxonomy, for ``partner``; None if not this plugin's."""


@hookspec
def wushe_exporters() -> list[Exporter]:
    """Export formats this plugin provides, each with a unique ``name``."""


@hookspec
def wushe_sync_finished(report: Any) -> None:
    """Called once a sync run has finished, with its report; used to notify people."""
