"""The plugin manager: loads plugins from the entry-point group ``wushe``.

Built-in plugins are registered through the same entry points as third-party ones, so what a
partner's package can do, the built-ins do the same way. ``WUSHE_PLUGINS=name1,name2`` is the
allow-list for production (unset: every installed plugin loads); ``WUSHE_TRACE_HOOKS=1`` logs each
hook call with its arguments and results.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

import pluggy

from wushe import hookspecs
from wushe.errors import PluginError

if TYPE_CHECKING:
    from wushe.connector import Connector
    from wushe.exporting import Exporter

GROUP = "wushe"
log = logging.getLogger("wushe.plugins")

# what a plugin is called, by the hook it implements (first match wins)
KIND_BY_HOOK = {
    "wushe_connectors": "connector",
    "wushe_exporters": "exporter",
    "wushe_sync_finished": "notifier",
    "wushe_expectations": "expectations",
    "wushe_taxonomy_crosswalk": "crosswalk",
}


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str | None
    version: str | None
    module: str
    hooks: tuple[str, ...]
    kinds: tuple[str, ...] = field(default=())


def allow_list() -> set[str] | None:
    """Entry-point names allowed by ``WUSHE_PLUGINS``; None means all."""
    raw = os.environ.get("WUSHE_PLUGINS", "").strip()
    return {n.strip() for n in raw.split(",") if n.strip()} or None


def _load(pm: pluggy.PluginManager, ep: EntryPoint) -> None:
    try:
        plugin = ep.load()
    except Exception as exc:
        dist = ep.dist.name if ep.dist else "?"
        raise PluginError(f"plugin {ep.name!r} (from {dist}) failed to load: {type(exc).__name__}: {exc}") from exc
    try:
        pm.register(plugin, name=ep.name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {ep.name!r} breaks the hook contract: {exc}") from exc
    pm._wushe_dists[ep.name] = ep.dist  # type: ignore[attr-defined]


def create_plugin_manager(allow: set[str] | None = None, *, trace: bool | None = None) -> pluggy.PluginManager:
    """A fresh plugin manager with the allowed installed plugins registered."""
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    pm._wushe_dists = {}  # type: ignore[attr-defined]
    installed = {ep.name: ep for ep in entry_points(group=GROUP)}
    if allow is not None:
        missing = sorted(allow - installed.keys())
        if missing:
            raise PluginError(
                f"WUSHE_PLUGINS names {', '.join(missing)}, which is not installed "
                f"(installed: {', '.join(sorted(installed)) or 'none'})"
            )
    for name in sorted(installed):
        if allow is None or name in allow:
            _load(pm, installed[name])
    if trace if trace is not None else os.environ.get("WUSHE_TRACE_HOOKS") == "1":
        pm.trace.root.setwriter(lambda msg: log.info("hook %s", msg.rstrip()))
        pm.enable_tracing()
    return pm


@cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (allow-list and tracing from the environment)."""
    return create_plugin_manager(allow_list())


def plugin_infos(pm: pluggy.PluginManager | None = None) -> list[PluginInfo]:
    """Name, distribution, version, module, hooks and kind of every registered plugin."""
    pm = pm or plugin_manager()
    infos = []
    for name, plugin in sorted(pm.list_name_plugin()):
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        dist = pm._wushe_dists.get(name)  # type: ignore[attr-defined]
        kinds = tuple(kind for hook, kind in KIND_BY_HOOK.items() if hook in hooks)
        module = getattr(plugin, "__name__", type(plugin).__name__)
        infos.append(PluginInfo(name, dist.name if dist else None, dist.version if dist else None, module, hooks, kinds))
    return infos


def _article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


def _collect_named(results: list[list[Any]], what: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for group in results:
        for item in group or ():
            name = getattr(item, "name", None)
            if not name:
                raise PluginError(f"a plugin provides {_article(what)} {what} without a name: {item!r}")
            if name in found and found[name] is not item:
                raise PluginError(f"two plugins provide {_article(what)} {what} named {name!r}")
            found[name] = item
    return dict(sorted(found.items()))


def connectors(pm: pluggy.PluginManager | None = None) -> dict[str, type[Connector]]:
    """Every available connector class by name."""
    return _collect_named((pm or plugin_manager()).hook.wushe_connectors(), "connector")


def connector_class(name: str, pm: pluggy.PluginManager | None = None) -> type[Connector]:
    available = connectors(pm)
    try:
        return available[name]
    except KeyError:
        raise PluginError(
            f"no connector named {name!r} is installed (available: {', '.join(available) or 'none'})"
        ) from None


def exporters(pm: pluggy.PluginManager | None = None) -> dict[str, Exporter]:
    """Every available export format by name."""
    return _collect_named((pm or plugin_manager()).hook.wushe_exporters(), "exporter")


def exporter(name: str, pm: pluggy.PluginManager | None = None) -> Exporter:
    available = exporters(pm)
    try:
        return available[name]
    except KeyError:
        raise PluginError(f"no export format {name!r} (available: {', '.join(available) or 'none'})") from None
