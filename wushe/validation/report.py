"""The corrections report a partner receives: one row per problem, what to fix and how.

Chinese by default (``lang="en"`` for English headers and texts). Rows come from the quarantine
store already masked for the reader's role; the xlsx is written with openpyxl's write-only mode,
so a report of a hundred thousand problems streams instead of building a workbook in memory.
"""

from __future__ import annotations

from typing import Any, BinaryIO, Iterable, Iterator

from wushe.contract import field_labels
from wushe.exporting import Column
from wushe.validation.catalogue import CATALOGUE, RuleInfo, describe

COLUMNS = [
    Column("item", "问题编号", "Item"),
    Column("kind", "记录类型", "Record kind"),
    Column("source_id", "来源编号", "Source id"),
    Column("field", "字段", "Field"),
    Column("value", "填写的值", "Value"),
    Column("rule", "规则编号", "Rule"),
    Column("problem", "问题", "Problem"),
    Column("fix", "修改方法", "How to fix"),
    Column("severity", "级别", "Severity"),
    Column("status", "状态", "Status"),
    Column("first_seen", "首次发现", "First seen"),
    Column("last_seen", "最近发现", "Last seen"),
    Column("times_seen", "出现次数", "Times seen"),
]
KIND_ZH = {"organization": "机构", "resource": "资源", "need": "需求", "volunteer": "志愿者", "donation": "捐赠"}
SEVERITY = {"error": ("错误（未入库）", "error (not accepted)"), "warning": ("提醒（已入库）", "warning (accepted)")}
STATUS = {"open": ("待修改", "to correct"), "flagged": ("待核对", "to check"), "fixed": ("已修改", "fixed"),
          "superseded": ("已有新版本", "superseded"), "replayed": ("已重新校验通过", "passed on replay"),
          "dismissed": ("已忽略", "dismissed")}
ENVELOPE_LABELS = {"source_id": ("来源编号", "source id"), "source_updated_at": ("来源更新时间", "source updated at"),
                   "payload": ("整条记录", "whole record"), "": ("整行", "whole row")}


def _field_label(kind: str | None, field: str, lang: str) -> str:
    if field in ENVELOPE_LABELS:
        zh, en = ENVELOPE_LABELS[field]
        return en if lang == "en" else zh
    if lang == "en" or not kind:
        return field
    labels = field_labels(kind)
    parts = [p.replace("[]", "") for p in field.split(",")[0].split(".")]
    label = labels.get(parts[0], parts[0])
    shown = label if len(parts) == 1 else f"{label}·{parts[1]}"
    return f"{shown}（{field}）"


def _texts(problem: dict[str, Any]) -> RuleInfo:
    rule_id = problem.get("rule", "")
    if rule_id not in CATALOGUE and problem.get("zh"):  # a plugin's rule: its texts were stored with it
        return RuleInfo(rule_id, problem.get("tier", "error"), problem["zh"], problem.get("fix_zh", ""),
                        problem.get("en", rule_id))
    return describe(rule_id)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}={_text(v)}" for k, v in value.items())
    return str(value)


def report_rows(items: Iterable[dict[str, Any]], lang: str = "zh") -> Iterator[dict[str, Any]]:
    """One row per problem of each (already masked) quarantine item."""
    pick = 1 if lang == "en" else 0
    for item in items:
        for problem in item.get("problems") or []:
            info = _texts(problem)
            kind = item.get("kind")
            yield {
                "item": item["id"],
                "kind": kind if lang == "en" else KIND_ZH.get(kind or "", kind),
                "source_id": item.get("source_id"),
                "field": _field_label(kind, problem.get("field") or "", lang),
                "value": _text(problem.get("value")),
                "rule": info.id,
                "problem": info.en if lang == "en" else info.zh,
                "fix": info.fix_zh if lang != "en" else "",
                "severity": SEVERITY.get(item.get("severity", "error"), ("", ""))[pick],
                "status": STATUS.get(item.get("status", ""), (item.get("status"), item.get("status")))[pick],
                "first_seen": item.get("created_at"),
                "last_seen": item.get("last_seen_at"),
                "times_seen": item.get("times_seen"),
            }


def write_xlsx(rows: Iterable[dict[str, Any]], out: BinaryIO, *, lang: str = "zh", title: str = "") -> int:
    """Write the report as an xlsx workbook (streaming); returns the number of problem rows."""
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Corrections" if lang == "en" else "修改清单")
    sheet.freeze_panes = "A3"
    widths = {"item": 10, "kind": 10, "source_id": 16, "field": 24, "value": 28, "rule": 22, "problem": 36,
              "fix": 40, "severity": 14, "status": 12, "first_seen": 20, "last_seen": 20, "times_seen": 10}
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = widths[column.key]
    sheet.append([title])
    sheet.append([c.header(lang) for c in COLUMNS])
    count = 0
    for row in rows:
        cells = []
        for c in COLUMNS:
            value = row.get(c.key)
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)  # Excel has no time zones; times are UTC
            cells.append(value)
        sheet.append(cells)
        count += 1
    rules = book.create_sheet("Rules" if lang == "en" else "规则说明")
    rules.append(["Rule", "Severity", "Problem", "How to fix"] if lang == "en" else ["规则编号", "级别", "问题", "修改方法"])
    for info in CATALOGUE.values():
        severity = SEVERITY[info.tier][1 if lang == "en" else 0]
        rules.append([info.id, severity, info.en if lang == "en" else info.zh, "" if lang == "en" else info.fix_zh])
    book.save(out)
    return count
