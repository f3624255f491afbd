"""Staff and steward commands on golden records: ``review``, ``show``, ``export``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from wushe.cli.output import console, print_json

KIND_HELP = "记录类型 Record kind: organization, resource, need, volunteer, donation."
ROLE_HELP = "读者角色 Reader role (viewer, staff, steward, admin); personal data is masked below steward."

review_app = typer.Typer(help="审核待定的合并 Review uncertain merges: list, accept (link) or reject (keep apart).",
                         no_args_is_help=True)


def _engine():
    from wushe.registry.db import engine
    from wushe.registry.migrate import require_current

    eng = engine()
    require_current(eng)
    return eng


def _config(partners: Optional[Path]):
    """Resolution settings, with partner roles from the partners file when one is given."""
    from wushe.resolution.config import ResolutionConfig

    if partners is None:
        return ResolutionConfig()
    from wushe.config import load_partners

    return ResolutionConfig.from_partners(load_partners(partners, resolve_connectors=False))


PARTNERS_OPTION = typer.Option(None, "--partners", envvar="WUSHE_PARTNERS", metavar="FILE",
                               help="合作单位配置 Partners file (partner roles for survivorship).")


@review_app.command("list")
def review_list(
    kind: Optional[str] = typer.Option(None, "--kind", help=KIND_HELP),
    limit: int = typer.Option(50, "--limit", min=1, help="最多显示 At most this many items."),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON Print JSON."),
) -> None:
    """列出待审核的配对 List open review items, most likely matches first."""
    from rich.table import Table

    from wushe.resolution.steward import open_reviews

    with _engine().connect() as conn:
        items = open_reviews(conn, kind, limit)
    if as_json:
        print_json(items)
        return
    table = Table(title="待审核 Open reviews", header_style="bold")
    for col in ("id", "类型 kind", "记录一 left", "记录二 right", "概率 score", "一致 agreed", "不一致 disagreed"):
        table.add_column(col)
    for item in items:
        expl = item.get("explanation") or {}
        table.add_row(str(item["id"]), item["kind"], item["left_key"], item["right_key"], f"{item['score']:.3f}",
                      ", ".join(expl.get("agreed", [])), ", ".join(expl.get("disagreed", [])))
    console.print(table)


def _decide(item_id: int, accept: bool, by: str, note: Optional[str], partners: Optional[Path]) -> None:
    from wushe.resolution.resolver import resolve
    from wushe.resolution.steward import decide_review

    config = _config(partners)
    with _engine().begin() as conn:
        keys = decide_review(conn, item_id, accept, by=by, note=note)
        resolve(conn, keys, config=config)
    verb = "合并 linked" if accept else "保持分开 kept apart"
    console.print(f"review {item_id}: {verb}")


@review_app.command("accept")
def review_accept(
    item_id: int = typer.Argument(..., metavar="ID", help="审核编号 Review item id."),
    by: str = typer.Option("steward", "--by", help="审核人 Who decides."),
    note: Optional[str] = typer.Option(None, "--note", help="说明 Why."),
    partners: Optional[Path] = PARTNERS_OPTION,
) -> None:
    """确认是同一实体并合并 Accept: the two records are one entity (always link)."""
    _decide(item_id, True, by, note, partners)


@review_app.command("reject")
def review_reject(
    item_id: int = typer.Argument(..., metavar="ID", help="审核编号 Review item id."),
    by: str = typer.Option("steward", "--by", help="审核人 Who decides."),
    note: Optional[str] = typer.Option(None, "--note", help="说明 Why."),
    partners: Optional[Path] = PARTNERS_OPTION,
) -> None:
    """确认不是同一实体 Reject: the two records are different entities (never link)."""
    _decide(item_id, False, by, note, partners)


def show(
    golden_id: str = typer.Argument(..., metavar="ID", help="主记录编号 Golden record id, e.g. org-0123456789abcdef."),
    role: str = typer.Option("staff", "--role", help=ROLE_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON Print JSON."),
) -> None:
    """查看主记录：字段来源、数据来源与关联 Show a golden record: each field's provenance, its sources, links."""
    from rich.table import Table

    from wushe.resolution.inspect import golden_detail

    with _engine().begin() as conn:
        detail = golden_detail(conn, golden_id, role=role)
    if as_json:
        print_json(detail)
        return
    console.rule(f"{detail['id']}  {detail['name'] or ''}  [{detail['status']}]")
    if detail["successor_ids"]:
        console.print(f"已合并到 now part of: {', '.join(detail['successor_ids'])}")
    fields = Table(title="字段与来源 Fields and provenance", header_style="bold")
    for col in ("字段 field", "值 value", "来源 partner", "来源编号 source id", "更新 changed at source", "规则 rule"):
        fields.add_column(col)
    for f in detail["fields"]:
        fields.add_row(f["label"], _text(f["value"]), f["partner"], f["source_id"], str(f["changed_at_source"] or ""),
                       f["rule"])
    console.print(fields)
    sources = Table(title="数据来源 Sources", header_style="bold")
    for col in ("来源 partner", "来源编号 source id", "方式 method", "概率 score", "一致 agreed"):
        sources.add_column(col)
    for s in detail["sources"]:
        sources.add_row(s["partner"], s["source_id"], s["method"], f"{s['score']:.3f}",
                        ", ".join((s["explanation"] or {}).get("agreed", [])))
    console.print(sources)
    for link in detail["links"]:
        console.print(f"关联 link {link['role']}: {link['target_id'] or '未找到 unresolved'} ({link['method']})")


def _text(value: object) -> str:
    if isinstance(value, list):
        return "；".join(_text(v) for v in value)
    if isinstance(value, dict):
        import orjson

        return orjson.dumps(value).decode()
    return "" if value is None else str(value)


def export(
    kind: str = typer.Option(..., "--kind", help=KIND_HELP),
    fmt: str = typer.Option("csv", "--format", help="格式 Export format (an exporter plugin: csv, jsonl...)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="输出文件 Output file (default: standard output)."),
    lang: str = typer.Option("zh", "--lang", help="表头语言 Header language: zh or en."),
    role: str = typer.Option("staff", "--role", help=ROLE_HELP),
) -> None:
    """导出主记录（含编号与来源） Export golden records of a kind, each with its id and sources."""
    from wushe.contract import record_model
    from wushe.plugins import exporter
    from wushe.resolution.inspect import export_columns, export_rows

    record_model(kind)
    writer = exporter(fmt)
    with _engine().begin() as conn:
        rows = export_rows(conn, kind, role=role)
        if out is None:
            count = writer.write(rows, export_columns(kind), sys.stdout.buffer, lang=lang)
            sys.stdout.buffer.flush()
        else:
            with out.open("wb") as fh:
                count = writer.write(rows, export_columns(kind), fh, lang=lang)
            console.print(f"exported {count} {kind} records to {out}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.command("show")(show)
    app.command("export")(export)
