"""Posts the run report to a webhook: plain JSON, or a WeCom / DingTalk group-bot markdown message.

Settings (environment):
- ``WUSHE_WEBHOOK_URL``: where to post; unset disables the notifier. Bot URLs carry a key, so the
  URL is never logged.
- ``WUSHE_WEBHOOK_FORMAT``: ``json`` (default), ``wecom`` or ``dingtalk``.
- ``WUSHE_WEBHOOK_ON``: ``failure`` (default: only runs where a partner failed) or ``always``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from wushe import hookimpl

log = logging.getLogger("wushe.notify.webhook")
FORMATS = ("json", "wecom", "dingtalk")


def message(report, fmt: str) -> dict[str, Any]:
    """The request body for ``fmt``."""
    title = f"wushe 同步{'失败' if report.failed else '完成'} {report.run_id}"
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n" + _lines(report)}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n" + _lines(report)}}
    return {"event": "wushe.sync_finished", "report": report.as_dict(), "markdown": report.to_markdown()}


def _lines(report) -> str:
    totals = report.totals()
    lines = [f"> 状态 status: {report.status}，用时 {report.seconds:.0f} 秒",
             f"> 抓取 {totals['fetched']:,}，隔离 {totals['quarantined']:,}，新增 {totals['new']:,}，更新 {totals['updated']:,}"]
    for s in report.streams:
        if s.failed:
            lines.append(f"> ❗ {s.partner}/{s.stream}: {s.status} {s.error or ''}".rstrip())
    return "\n".join(lines)


@hookimpl
def wushe_sync_finished(report) -> None:
    url = os.environ.get("WUSHE_WEBHOOK_URL")
    if not url:
        return
    if os.environ.get("WUSHE_WEBHOOK_ON", "failure") != "always" and not report.failed:
        return
    fmt = os.environ.get("WUSHE_WEBHOOK_FORMAT", "json")
    if fmt not in FORMATS:
        log.error("WUSHE_WEBHOOK_FORMAT=%s is not one of %s; no notification sent", fmt, ", ".join(FORMATS))
        return
    import orjson
    import requests

    from wushe.toolkit.redaction import install_log_filter

    install_log_filter("urllib3.connectionpool")  # it logs request URLs, key included, at DEBUG
    body = orjson.dumps(message(report, fmt))
    try:
        response = requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=10)
        response.raise_for_status()
    except requests.RequestException as exc:
        # the URL holds the bot's key: name the failure, never the address
        status = getattr(getattr(exc, "response", None), "status_code", None)
        log.error("webhook notification for run %s failed: %s%s", report.run_id, type(exc).__name__,
                  f" (HTTP {status})" if status else "")
