"""Rendering a registry summary for the terminal."""

from __future__ import annotations

from rich.panel import Panel
from rich.table import Table

from wushe.registry.db import redact
from wushe.registry.summary import Summary


def summary_panel(summary: Summary, url: str) -> Panel:
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("合作单位 partner")
    table.add_column("类型 kind")
    table.add_column("来源记录 source records", justify="right")
    for (partner, kind), count in sorted(summary.sources.items()):
        table.add_row(partner, kind, f"{count:,}")
    if not summary.sources:
        table.add_row("—", "—", "0")
    golden = ", ".join(f"{k} {n:,}" for k, n in sorted(summary.golden.items())) or "0"
    last = f"{summary.last_run[0]} ({summary.last_run[1]})" if summary.last_run else "none yet"
    lines = Table.grid(padding=(0, 2))
    lines.add_row("registry", redact(url))
    lines.add_row("golden records 主记录", golden)
    lines.add_row("open quarantine 待处理隔离", f"{summary.open_quarantine:,}")
    lines.add_row("open reviews 待审核合并", f"{summary.open_reviews:,}")
    lines.add_row("sync runs 同步次数", f"{summary.runs:,}, last: {last}")
    grid = Table.grid()
    grid.add_row(lines)
    grid.add_row(table)
    return Panel(grid, title="registry summary 资源库概况", expand=False)
