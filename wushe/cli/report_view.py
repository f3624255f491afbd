"""Rendering run reports for the terminal."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from wushe.cli.output import console, err_console

from wushe.sync.report import COUNT_LABELS, COUNTS, SyncReport

STATUS_STYLE = {"succeeded": "green", "running": "yellow", "partial": "yellow"}


def status_text(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'red')}]{status}[/]"


def report_table(report: SyncReport) -> Table:
    title = f"sync 同步 {report.run_id} · {status_text(report.status)} · {report.trigger} · {report.seconds:.1f} s"
    table = Table(title=title, header_style="bold", title_justify="left")
    table.add_column("partner 合作单位")
    table.add_column("stream 数据流")
    table.add_column("status 状态")
    for count in COUNTS:
        table.add_column(COUNT_LABELS[count], justify="right")
    table.add_column("s", justify="right")
    for s in report.streams:
        table.add_row(s.partner, s.stream, status_text(s.status), *(f"{getattr(s, c):,}" for c in COUNTS),
                      f"{s.seconds:.1f}")
    totals = report.totals()
    table.add_section()
    table.add_row("total 合计", "", "", *(f"{totals[c]:,}" for c in COUNTS), f"{report.seconds:.1f}")
    return table


def report_errors(report: SyncReport) -> list[str]:
    return [f"{s.partner}/{s.stream}: {s.error}" for s in report.streams if s.error]


def print_report(report: SyncReport) -> None:
    """The report's table, then one line per failure (on stderr)."""
    console.print(report_table(report))
    for line in report_errors(report):
        err_console.print(f"[red]✗[/] {escape(line)}", soft_wrap=True)
