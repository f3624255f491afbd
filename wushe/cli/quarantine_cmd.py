"""``wushe quarantine``: rows kept back by validation, and the corrections report for partners."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Optional

import typer

from wushe.cli.output import console, print_json

app = typer.Typer(help="隔离区：未通过校验的数据行，及给合作单位的修改清单 (quarantined rows and corrections reports).",
                  no_args_is_help=True)

ROLE_HELP = "查看者角色 (role): viewer, staff, steward, admin；steward/admin 可见个人信息，且会记入审计日志."


def _actor() -> str:
    try:
        return os.environ.get("WUSHE_ACTOR") or getpass.getuser()
    except Exception:
        return "unknown"


def _check_role(role: str) -> str:
    from wushe.errors import WusheError
    from wushe.privacy import ROLES

    if role not in ROLES:
        raise WusheError(f"unknown role {role!r}; expected one of: {', '.join(ROLES)}")
    return role


def _statuses(status: list[str] | None) -> list[str]:
    from wushe.errors import WusheError
    from wushe.registry.models import QUARANTINE_ACTIVE
    from wushe.validation.quarantine import STATUSES

    chosen = status or list(QUARANTINE_ACTIVE)
    unknown = sorted(set(chosen) - set(STATUSES))
    if unknown:
        raise WusheError(f"unknown status {', '.join(unknown)}; expected: {', '.join(STATUSES)}")
    return chosen


def _engine():
    from wushe.registry.db import engine
    from wushe.registry.migrate import require_current

    eng = engine()
    require_current(eng)
    return eng


@app.command("list")
def list_items(
    partner: Optional[str] = typer.Option(None, "--partner", "-p", help="只看该合作单位 (one partner)."),
    status: Optional[list[str]] = typer.Option(None, "--status", help="状态，可多次给出 (default: open, flagged)."),
    rule: Optional[str] = typer.Option(None, "--rule", help="只看该规则编号，如 CN.USCC.CHECKSUM (one rule id)."),
    run: Optional[str] = typer.Option(None, "--run", help="最近一次出现在该运行中 (last seen in this run)."),
    limit: int = typer.Option(50, "--limit", min=1, help="最多显示条数 (rows shown)."),
    role: str = typer.Option("staff", "--role", help=ROLE_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON (for scripts)."),
) -> None:
    """列出隔离区中的数据行 (list quarantined rows, newest first; personal data masked by role)."""
    from rich.table import Table

    from wushe.validation.quarantine import read_items

    _check_role(role)
    with _engine().begin() as conn:
        found = list(read_items(conn, role=role, actor=_actor(), partner=partner, statuses=_statuses(status),
                                rule_id=rule, run_id=run, limit=limit))
    if as_json:
        print_json(found)
        return
    table = Table(title=f"隔离区 quarantine ({len(found)})", header_style="bold")
    for col in ("id", "partner", "kind", "source_id", "severity", "status", "rules", "seen"):
        table.add_column(col)
    for item in found:
        table.add_row(str(item["id"]), item["partner"], item["kind"] or "—", item["source_id"] or "—",
                      item["severity"], item["status"], "\n".join(item["rule_ids"] or []), str(item["times_seen"]))
    console.print(table)


@app.command("show")
def show(
    item_id: int = typer.Argument(..., help="编号 (item id)."),
    role: str = typer.Option("staff", "--role", help=ROLE_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON (for scripts)."),
) -> None:
    """显示一条隔离数据：每个问题、原始数据 (one item: its problems and the row as received)."""
    from wushe.errors import WusheError
    from wushe.validation.report import report_rows
    from wushe.validation.quarantine import read_items

    _check_role(role)
    with _engine().begin() as conn:
        found = list(read_items(conn, role=role, actor=_actor(), ids=[item_id], statuses=None, limit=1))
    if not found:
        raise WusheError(f"no quarantine item {item_id}")
    item = found[0]
    if as_json:
        print_json(item)
        return
    console.print(f"[bold]#{item['id']}[/bold] {item['partner']} / {item['stream']} / {item['kind']} "
                  f"source_id={item['source_id']}  {item['severity']} · {item['status']} · seen {item['times_seen']}×")
    for row in report_rows([item]):
        console.print(f"  • [bold]{row['rule']}[/bold] {row['field']} = {row['value']!s}: {row['problem']}；{row['fix']}")
    print_json(item["payload"])


@app.command("dismiss")
def dismiss(
    item_ids: list[int] = typer.Argument(..., help="编号 (item ids)."),
) -> None:
    """忽略隔离数据（不再要求修改）(close items without a correction)."""
    from wushe.validation.quarantine import dismiss as close

    with _engine().begin() as conn:
        done = close(conn, item_ids, by=_actor())
    console.print(f"dismissed {done} of {len(item_ids)} item(s)")


@app.command("replay")
def replay(
    partner: Optional[str] = typer.Option(None, "--partner", "-p", help="只重放该合作单位 (one partner)."),
    item_ids: Optional[list[int]] = typer.Argument(None, help="编号 (item ids; default: every open rejected row)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验，不入库 (validate only, change nothing)."),
) -> None:
    """按现行规则重新校验隔离数据，通过的入库合并 (re-validate rejected rows; stage and merge those that pass)."""
    from wushe.sync.replay import replay_quarantine

    report = replay_quarantine(_engine(), partner=partner, ids=item_ids or None, by=_actor(), dry_run=dry_run)
    console.print(report.to_markdown().split("\n\n", 1)[1].strip(), soft_wrap=True)


@app.command("export")
def export(
    partner: str = typer.Option(..., "--partner", "-p", help="合作单位 (the partner the report is for)."),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx, or any export format installed (csv, jsonl...)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="输出文件 (default: corrections-PARTNER.FORMAT)."),
    lang: str = typer.Option("zh", "--lang", help="zh 中文 / en English."),
    status: Optional[list[str]] = typer.Option(None, "--status", help="状态 (default: open, flagged)."),
    role: str = typer.Option("staff", "--role", help=ROLE_HELP),
) -> None:
    """导出给合作单位的修改清单，每个问题一行 (the partner's corrections report, one row per problem)."""
    from datetime import datetime, timezone

    from wushe.privacy import UNMASKED_ROLES
    from wushe.validation.quarantine import audit_reads, read_items
    from wushe.validation.report import COLUMNS, report_rows, write_xlsx

    _check_role(role)
    target = out or Path(f"corrections-{partner}.{fmt}")
    with _engine().begin() as conn, target.open("wb") as fh:
        # an export is one read: audited once below, not per item
        items = read_items(conn, role=role, actor=_actor(), partner=partner, statuses=_statuses(status), limit=None,
                           audit_each=False)
        rows = report_rows(items, lang)
        if fmt == "xlsx":
            stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            title = f"Corrections for {partner}, {stamp}" if lang == "en" else f"{partner} 数据修改清单（{stamp}）"
            count = write_xlsx(rows, fh, lang=lang, title=title)
        else:
            from wushe.plugins import exporter

            count = exporter(fmt).write(rows, COLUMNS, fh, lang=lang)
        if role in UNMASKED_ROLES:
            audit_reads(conn, [("quarantine_export", partner, ["personal fields"], {"rows": count, "format": fmt})],
                        actor=_actor(), role=role)
    console.print(f"wrote {count} problem row(s) to {target}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="quarantine")
