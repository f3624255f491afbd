"""Commands that set up and describe the registry: ``init`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from wushe.cli.output import console


def init() -> None:
    """Create or migrate the registry database to the current schema (safe to run again)."""
    from wushe.registry.db import engine, redact
    from wushe.registry.migrate import upgrade

    eng = engine()
    before, after = upgrade(eng)
    where = redact(str(eng.url))
    if before == after:
        console.print(f"registry at {where} is up to date (revision {after})", soft_wrap=True)
    else:
        console.print(f"registry at {where} migrated from {before or 'empty'} to revision {after}", soft_wrap=True)


def demo(
    entities: int = typer.Option(2000, "--entities", min=100, help="Size of the sandbox city (entities on night 0)."),
    folder: Optional[Path] = typer.Option(None, "--folder", help="Where the demo keeps its sandbox and registry "
                                          "(default: WUSHE_HOME/demo; emptied first)."),
    prefect: bool = typer.Option(False, "--prefect", help="Run each night through the Prefect flow "
                                 "(an ephemeral Prefect server; slower to start)."),
) -> None:
    """Sync the sandbox partners for two nights into a demo registry, then look things up in it."""
    import os

    from wushe.cli.demo_view import print_lookups, print_next_steps
    from wushe.cli.report_view import print_report
    from wushe.cli.summary_view import summary_panel
    from wushe.demo import fresh, lookups, run_nights
    from wushe.plugins import plugin_infos
    from wushe.registry.db import engine
    from wushe.registry.summary import summarize
    from wushe.settings import home

    paths = fresh((folder or home() / "demo").resolve())
    os.environ["WUSHE_DATABASE_URL"] = paths.url  # the flows and every command below use the demo registry
    engine.cache_clear()
    eng = engine()
    console.rule("wushe demo 演示")
    installed = sorted(f"{info.name} ({'+'.join(info.kinds)})" for info in plugin_infos())
    console.print(f"plugins 插件: {', '.join(installed)}", soft_wrap=True)
    console.print(f"sandbox partners 沙盒合作单位 at {paths.sandbox}, registry 资源库 at {paths.url}", soft_wrap=True)
    sync = _prefect_night if prefect else _core_night
    for report in run_nights(paths, eng, entities=entities, sync=sync):
        print_report(report)
    console.print(summary_panel(summarize(eng), paths.url))
    print_lookups(lookups(eng))
    print_next_steps(paths)


def _core_night(partners_file: Path, night: int):
    from wushe.cli.sync_progress import SyncProgress
    from wushe.config import load_partners
    from wushe.registry.db import engine
    from wushe.sync.engine import prepare_workers, run_sync

    partners = load_partners(partners_file)
    prepare_workers(engine(), partners)
    console.rule(f"night {night} 第{night}夜同步")
    with SyncProgress(console) as progress:
        return run_sync(engine(), partners, trigger="demo", progress=progress.update)


def _prefect_night(partners_file: Path, night: int):
    from wushe.registry.db import engine
    from wushe.sync.report import load_report, recent_runs
    from wushe_flows.sync import nightly_sync

    console.rule(f"night {night} 第{night}夜同步 (Prefect)")
    nightly_sync(config=str(partners_file), return_state=True)
    return load_report(engine(), recent_runs(engine(), 1)[0].id)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
