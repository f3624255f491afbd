"""Writes one log line per finished sync run: a summary for ops, an error when a partner failed."""

from __future__ import annotations

import logging

from wushe import hookimpl

log = logging.getLogger("wushe.sync")


@hookimpl
def wushe_sync_finished(report) -> None:
    totals = report.totals()
    counts = ", ".join(f"{k} {v:,}" for k, v in totals.items())
    if report.failed:
        log.error("sync %s %s in %.1f s; failed partners: %s; %s", report.run_id, report.status, report.seconds,
                  ", ".join(report.failed_partners) or "-", counts)
    else:
        log.info("sync %s %s in %.1f s; %s", report.run_id, report.status, report.seconds, counts)
