"""``wushe sandbox``: generate, serve and check the synthetic partners."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from wushe.cli.output import console, print_json

sandbox_app = typer.Typer(
    help="Sandbox partners 沙盒合作单位: a synthetic city with ground truth, served over real transports.",
    no_args_is_help=True,
)


@sandbox_app.command("generate")
def generate_cmd(
    out: Path = typer.Option(Path("var/sandbox"), "--out", help="Folder to write the night into."),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives byte-identical output."),
    entities: int = typer.Option(10_000, "--entities", min=100, help="Size of the world (entities on night 0)."),
    night: int = typer.Option(0, "--night", min=0, help="Which night's state to write (1-3% changes a night)."),
    invalid_share: float = typer.Option(0.02, "--invalid-share", min=0.0, max=0.5,
                                        help="Share of rows broken on purpose (each labelled with its rule)."),
    processes: int = typer.Option(2, "--processes", min=1, max=2, help="Worker processes (the output is the same)."),
) -> None:
    """Generate every partner's export for one night, plus the ground truth (生成沙盒数据)."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from wushe.sandbox import generate

    expected = int(entities * 1.12)
    started = time.perf_counter()
    with Progress(TextColumn("[bold]sandbox[/] rows"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("rows", total=expected)
        manifest = generate(out, seed, entities, night, invalid_share=invalid_share, processes=processes,
                            progress=lambda n: bar.advance(task, n))
    seconds = time.perf_counter() - started
    console.print(f"wrote night {night} of seed {seed} ({manifest.rows:,} rows) to {out} in {seconds:.1f} s")
    for partner, streams in manifest.counts.items():
        console.print(f"  {partner}: " + ", ".join(f"{s} {n:,}" for s, n in streams.items()))


@sandbox_app.command("up")
def up_cmd(
    folder: Path = typer.Option(Path("var/sandbox"), "--dir", help="A folder made by `wushe sandbox generate`."),
    fund_port: int = typer.Option(8701, "--fund-port", help="Port of the charity fund API (0: any free port)."),
    merchants_port: int = typer.Option(8702, "--merchants-port", help="Port of the merchants API (0: any free port)."),
    control_port: int = typer.Option(8709, "--control-port", help="Port for switching faults while up (0: any)."),
    civil_url: Optional[str] = typer.Option(None, "--civil-url", metavar="URL",
                                            help="Load the civil-affairs database into this server (MariaDB/PostgreSQL)."),
    fault: list[str] = typer.Option([], "--fault", metavar="PARTNER:FAULT[=VALUE]",
                                    help="Start with a fault, e.g. merchants:errors=5, charity_fund:slow=3, property_files:encoding."),
    rate: float = typer.Option(50.0, "--rate", help="Merchants API rate limit, requests per second."),
) -> None:
    """Serve the sandbox partners on loopback and write partners.yaml (启动沙盒合作单位)."""
    import signal
    import threading

    from wushe.sandbox import Sandbox
    from wushe.sandbox.faults import parse_fault

    parsed = [parse_fault(spec) for spec in fault]
    sandbox = Sandbox(folder, fund_port=fund_port, merchants_port=merchants_port, control_port=control_port,
                      civil_url=civil_url, rate=rate, burst=max(1, int(rate))).start()
    for partner, name, value in parsed:
        sandbox.set_fault(partner, **{name: value})
    console.print(f"sandbox up: charity_fund {sandbox.url('charity_fund')}, merchants {sandbox.url('merchants')}")
    console.print(f"partners file: {sandbox.partners_file}  (Ctrl-C to stop)")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


@sandbox_app.command("truth")
def truth_cmd(
    folder: Path = typer.Option(Path("var/sandbox"), "--dir", help="A folder made by `wushe sandbox generate`."),
    partner: Optional[str] = typer.Option(None, "--partner", help="Only this partner."),
    rows: bool = typer.Option(False, "--rows", help="Print every truth row as CSV instead of a summary."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Summarise (or print) the ground truth of a generated folder (真值)."""
    import sys
    from collections import Counter

    from wushe.sandbox import read_truth

    if rows:
        sys.stdout.write("partner,stream,kind,source_id,entity_id,rule_id,deleted\n")
        for t in read_truth(folder, partner):
            sys.stdout.write(f"{t.partner},{t.stream},{t.kind},{t.source_id},{t.entity_id},{t.rule_id or ''},{int(t.deleted)}\n")
        return
    per_partner: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    entities: dict[str, set[str]] = {}
    deleted = 0
    for t in read_truth(folder, partner):
        per_partner[t.partner] += 1
        entities.setdefault(t.kind, set()).add(t.entity_id)
        deleted += t.deleted
        if t.rule_id:
            invalid[t.rule_id] += 1
    summary = {"rows": sum(per_partner.values()), "rows_per_partner": dict(per_partner),
               "entities_per_kind": {k: len(v) for k, v in sorted(entities.items())},
               "invalid_rows_per_rule": dict(sorted(invalid.items())), "tombstones": deleted}
    if as_json:
        print_json(summary)
        return
    console.print(f"{summary['rows']:,} rows describe " +
                  ", ".join(f"{n:,} {k}s" for k, n in summary["entities_per_kind"].items()))
    for name, n in per_partner.items():
        console.print(f"  {name}: {n:,} rows")
    console.print(f"  invalid on purpose: {sum(invalid.values()):,} rows; tombstones: {deleted:,}")
    for rule_id, n in summary["invalid_rows_per_rule"].items():
        console.print(f"    {rule_id}: {n:,}")


def register(app: typer.Typer) -> None:
    app.add_typer(sandbox_app, name="sandbox")
