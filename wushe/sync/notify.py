"""Telling plugins a run finished. A failing notifier is logged; it never fails the sync."""

from __future__ import annotations

import logging

import pluggy

from wushe.sync.report import SyncReport

log = logging.getLogger("wushe.notify")


def notify_finished(report: SyncReport, pm: pluggy.PluginManager | None = None) -> None:
    from wushe.plugins import plugin_manager

    pm = pm or plugin_manager()
    for impl in pm.hook.wushe_sync_finished.get_hookimpls():
        try:
            impl.function(report=report)
        except Exception as exc:  # one broken notifier must not hide the report from the others
            log.error("notifier %s failed: %s: %s", impl.plugin_name, type(exc).__name__, exc)
