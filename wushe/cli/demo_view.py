"""Rendering the demo's example lookups and the way on from there."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from wushe.cli.output import console
from wushe.demo import DemoPaths, Lookups

SHOWN = 8


def print_lookups(found: Lookups) -> None:
    from wushe.taxonomy import divisions, taxonomy

    place, area = divisions().full_name(found.community), divisions().full_name(found.area, from_level="province")
    term = taxonomy("resource_categories").terms[found.category]
    title = f"查询 lookup: {place} 附近的{term.zh} ({term.en} near {place})"
    if found.area != found.community:
        title += f"\n{place} 暂无，扩大到 {area} (none in the community itself; widened to {area})"
    table = Table(title=title, header_style="bold", title_justify="left")
    for col in ("编号 id", "名称 name", "费用 cost", "咨询电话 phone"):
        table.add_column(col)
    for item in found.nearby[:SHOWN]:
        table.add_row(item["id"], escape(item["name"] or ""), item["cost"] or "", item["phone"] or "")
    if len(found.nearby) > SHOWN:
        table.add_row("…", f"共 {len(found.nearby)} 条 ({len(found.nearby)} in all)", "", "")
    console.print(table)
    if found.most_reported:
        _print_golden(found.most_reported)
    quarantine = Table(title="隔离 quarantine: 被拒收的行 rows rejected, by partner and rule", header_style="bold",
                       title_justify="left")
    for col in ("合作单位 partner", "规则 rule", "行数 rows"):
        quarantine.add_column(col)
    for partner, rule, count in found.quarantine[:SHOWN]:
        quarantine.add_row(partner, rule, f"{count:,}")
    console.print(quarantine)


def _print_golden(detail: dict) -> None:
    partners = sorted({s["partner"] for s in detail["sources"]})
    console.print(f"\n[bold]主记录 golden record {detail['id']}[/] {escape(detail['name'] or '')}: "
                  f"{len(detail['sources'])} 条来源记录 source records from {', '.join(partners)}")
    table = Table(header_style="bold")
    for col in ("字段 field", "值 value", "来源 partner", "规则 rule"):
        table.add_column(col)
    for f in detail["fields"][:12]:
        value = f["value"] if isinstance(f["value"], str) else str(f["value"])
        table.add_row(f["label"], escape(value[:60]), f["partner"], f["rule"])
    console.print(table)


def print_next_steps(paths: DemoPaths) -> None:
    lines = [
        ("运行记录 run history", "wushe runs"),
        ("主记录与来源 a golden record and its provenance", "wushe show ID"),
        ("导出 export", "wushe export --kind resource --format csv"),
        ("隔离与整改 quarantine and corrections", "wushe quarantine list"),
        ("待审核合并 merges to review", "wushe review list"),
        ("沙盒数据 the sandbox partners", f"wushe sandbox up --dir {paths.sandbox}"),
        ("夜间调度 serve the nightly schedule", f"wushe serve --config {paths.sandbox / 'partners.yaml'}"),
        ("文档 docs", "docs/connectors.md, docs/sandbox.md, deployments/README.md"),
    ]
    table = Table(title="下一步 where next", title_justify="left", show_header=False)
    table.add_column()
    table.add_column()
    for what, command in lines:
        table.add_row(what, escape(command))
    console.print(table)
    console.print(f"The commands above read the demo registry after: export WUSHE_DATABASE_URL={paths.url}",
                  soft_wrap=True)
