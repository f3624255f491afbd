"""Ops commands: ``sync`` (run now), ``runs`` (history and reports), ``serve`` (the schedules)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Optional

import typer

from wushe.cli.output import console, print_json

CONFIG_HELP = "The partners file (合作单位配置)."


def sync(
    partners: Optional[list[str]] = typer.Argument(None, help="Partners to sync (default: every enabled one)."),
    config: Path = typer.Option(Path("partners.yaml"), "--config", "-c", help=CONFIG_HELP),
    since: Optional[datetime] = typer.Option(
        None, "--since", help="Backfill: read again from this time, whatever the stored cursors say."),
    full: bool = typer.Option(False, "--full", help="Backfill: read everything again from the beginning."),
) -> None:
    """Sync partners into the registry now, with a progress display per partner stream."""
    from wushe.cli.report_view import print_report
    from wushe.cli.sync_progress import SyncProgress
    from wushe.config import load_partners
    from wushe.registry.db import engine
    from wushe.registry.migrate import require_current
    from wushe.sync.engine import prepare_workers, run_sync

    cfg = load_partners(config)
    eng = engine()
    prepare_workers(eng, cfg, partners or None)
    require_current(eng)
    start = None
    if since or full:
        from wushe.toolkit.incremental import Watermark

        start = Watermark(since).to_state() if since else {}
    with SyncProgress(console) as progress:
        report = run_sync(eng, cfg, partners or None, trigger="backfill" if start is not None else "cli",
                          progress=progress.update, since=start)
    print_report(report)
    if report.failed:
        raise typer.Exit(1)


def runs(
    run_id: Optional[str] = typer.Argument(None, help="A run id (default: the latest run)."),
    limit: int = typer.Option(10, "--limit", "-n", help="How many recent runs to list."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Recent sync runs and the report of one; exits non-zero when a partner failed in it."""
    from rich.table import Table

    from wushe.cli.report_view import print_report, status_text
    from wushe.errors import WusheError
    from wushe.registry.db import engine, utc
    from wushe.sync.report import load_report, recent_runs

    eng = engine()
    recent = recent_runs(eng, limit)
    if not recent:
        raise WusheError("no sync runs yet; run `wushe sync` or `wushe demo`")
    chosen = run_id or recent[0].id
    report = load_report(eng, chosen)
    if as_json:
        print_json(report.as_dict())
    else:
        table = Table(title="recent runs 最近同步", header_style="bold", title_justify="left")
        for col in ("run", "trigger", "status", "started (UTC)", "seconds"):
            table.add_column(col)
        for run in recent:
            seconds = (utc(run.finished_at) - utc(run.started_at)).total_seconds() if run.finished_at else None
            table.add_row(run.id, run.trigger, status_text(run.status), f"{utc(run.started_at):%Y-%m-%d %H:%M:%S}",
                          f"{seconds:.1f}" if seconds is not None else "—")
        console.print(table)
        print_report(report)
    if report.failed:
        raise typer.Exit(1)


def serve(
    config: Path = typer.Option(Path("partners.yaml"), "--config", "-c", help=CONFIG_HELP),
    cron: str = typer.Option("0 2 * * *", "--cron", help="When the nightly sync runs."),
    timezone: str = typer.Option("Asia/Shanghai", "--timezone", help="Time zone of the schedule."),
) -> None:
    """Serve the schedules on this machine: the nightly sync, and one deployment per partner for reruns."""
    from wushe.config import load_partners

    load_partners(config)  # fail now, not at 02:00
    from wushe_flows.deployments import serve_all

    serve_all(str(config.resolve()), cron=cron, timezone=timezone)


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
    app.command("runs")(runs)
    app.command("serve")(serve)
