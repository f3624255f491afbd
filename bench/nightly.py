"""Nightly sync benchmark: a first full sync of 1,000,000 sandbox source records through every
stage (REST, files and SQL extraction, validation, staging, resolution, commit), then night 2
(incremental), on SQLite and on PostgreSQL. Prints wall time, records per second and peak memory.

    uv run python bench/nightly.py [--records 1000000] [--backend sqlite|postgres|both] [--folder DIR]

The sandbox partners run in their own process (as real partners would), so the figures are the
sync's own. Each night runs in a fresh process; its peak memory is that of the process and its
resolution workers together, sampled (the sandbox left out, and a SQLite registry's file, which
SQLite maps to read: file cache, see ``TreeMemory``). The core engine is timed (what a
Prefect task calls); Prefect's start-up is not included, nor the start of the server that worker
processes are forked from (``wushe.workers``): like the process's own imports, it is paid once as
the process starts, and `wushe sync` starts it before connecting. Its seconds are printed apart.
Before each night, what was written before it (the last night, the sandbox's files) is flushed to
disk, as the hours between two real nights would have done. A yardstick of the machine's speed
(``_common.yardstick_seconds``) is printed at the start and the end: compare runs at like readings.

Targets (issue 7, this 2-core machine): first sync <= 120 s, peak memory <= 4 GB, night 2 <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import TreeMemory, registry_file, yardstick_seconds  # noqa: E402

ROWS_PER_ENTITY = 1.09  # partner rows per base entity, measured on the default world
PG_ADMIN_URL = os.environ.get("WUSHE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def one_night(folder: Path, url: str) -> dict:
    """Serve the folder's partners and sync them once into ``url``; runs in a child process."""
    from wushe.config import load_partners
    from wushe.registry.db import make_engine
    from wushe.registry.migrate import upgrade
    from wushe.sandbox import SandboxProcess
    from wushe.sync.engine import run_sync

    engine = make_engine(url)
    upgrade(engine)
    server_seconds = _start_worker_server()
    with (SandboxProcess(folder).start(timeout=600) as sandbox,
          TreeMemory(exclude={sandbox.proc.pid}, unmapped=registry_file(engine)) as memory):
        partners = load_partners(sandbox.partners_file)
        started = time.perf_counter()
        report = run_sync(engine, partners, trigger="bench", notify=False)
        seconds = time.perf_counter() - started
    partner_seconds: dict[str, float] = {}
    for s in report.streams:
        partner_seconds[s.partner] = partner_seconds.get(s.partner, 0.0) + s.seconds
    return {"seconds": seconds, "server_seconds": server_seconds, "status": report.status, "totals": report.totals(),
            "peak_mb": memory.peak_mb, "partners": partner_seconds, "failed": report.failed_partners,
            "partner_phase": _partner_phase(engine, report.run_id)}


def _start_worker_server() -> float:
    """Start the worker processes' server and wait until it has forked a worker: the seconds a
    sync started together with its process spends on that before its first partner."""
    from concurrent.futures import ProcessPoolExecutor

    from wushe.workers import pool_context, warm_up

    started = time.perf_counter()
    warm_up()
    with ProcessPoolExecutor(max_workers=1, mp_context=pool_context()) as pool:
        pool.submit(os.getpid).result()
    return time.perf_counter() - started


def _partner_phase(engine, run_id: str) -> float:
    """Seconds from the run's start until its last partner stream finished (the rest is resolution)."""
    from sqlalchemy import func, select

    from wushe.registry.models import StreamRun, SyncRun

    with engine.connect() as conn:
        started = conn.scalar(select(SyncRun.started_at).where(SyncRun.id == run_id))
        last = conn.scalar(select(func.max(StreamRun.finished_at)).where(StreamRun.run_id == run_id))
    return (last - started).total_seconds()


def _child(folder: Path, url: str) -> dict:
    # What the last night and the sandbox's generation wrote goes to disk first, as it would in the
    # hours between two nights: left to the system's writeback, it was still being written (seconds
    # of it) when this night's first checkpoint waited for the registry file to reach the disk
    os.sync()
    done = subprocess.run([sys.executable, __file__, "--child", str(folder), "--url", url],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"night failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print(label: str, r: dict) -> None:
    t = r["totals"]
    rate = t["fetched"] / r["seconds"] if r["seconds"] else 0
    print(f"{label:<22} {r['seconds']:7.1f} s  {rate:>9,.0f} records/s  peak {r['peak_mb']:,.0f} MB  "
          f"status {r['status']}  fetched {t['fetched']:,} valid {t['valid']:,} quarantined {t['quarantined']:,} "
          f"new {t['new']:,} updated {t['updated']:,} merged {t['merged']:,} withdrawn {t['withdrawn']:,}")
    slowest = ", ".join(f"{p} {s:.1f} s" for p, s in sorted(r["partners"].items(), key=lambda kv: -kv[1]))
    print(f"{'':<22} worker server started beforehand in {r['server_seconds']:.1f} s (not counted); "
          f"partners {r['partner_phase']:.1f} s, then resolution {r['seconds'] - r['partner_phase']:.1f} s; "
          f"stream seconds by partner: {slowest}" + (f"; FAILED: {r['failed']}" if r["failed"] else ""))


def _postgres_database() -> tuple[str, callable]:
    from sqlalchemy import create_engine, text

    name = f"wushe_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--folder", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_night(args.child, args.url)))
        return 0

    work = args.folder or Path(tempfile.mkdtemp(prefix="wushe-nightly-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(work, args)
    finally:
        if args.folder is None:
            shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, args: argparse.Namespace) -> int:
    from wushe.sandbox import generate

    entities = int(args.records / ROWS_PER_ENTITY) + 1
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    urls, drops = {}, []
    for backend in backends:
        if backend == "sqlite":
            urls[backend] = f"sqlite:///{work / 'registry.db'}"
        else:
            urls[backend], drop = _postgres_database()
            drops.append(drop)
    results: dict[str, list[dict]] = {b: [] for b in backends}
    yardsticks = [yardstick_seconds()]
    print(f"machine yardstick (a fixed pure-Python workload, best of three): {yardsticks[0]:.3f} s")
    try:
        # one backend's two nights after the other's: a server's work after its first night
        # (autovacuum, checkpoints) then slows its own second night only, as it would a real one
        for backend in backends:
            sandbox = work / f"sandbox-{backend}"
            for night in (1, 2):
                started = time.perf_counter()
                manifest = generate(sandbox, seed=1, entities=entities, night=night)
                print(f"sandbox night {night}: {manifest.rows:,} source records generated in "
                      f"{time.perf_counter() - started:.1f} s (not part of the sync figures)")
                results[backend].append(_child(sandbox, urls[backend]))
                _print(f"[{backend}] night {night} ({'full' if night == 1 else 'delta'})", results[backend][-1])
    finally:
        for drop in drops:
            drop()
    yardsticks.append(yardstick_seconds())
    print(f"machine yardstick at the start and the end: {yardsticks[0]:.3f} s, {yardsticks[1]:.3f} s "
          "(compare figures of other runs at a like reading)")
    for backend, (first, second) in results.items():
        ok = first["seconds"] <= 120 and max(first["peak_mb"], second["peak_mb"]) <= 4096 and second["seconds"] <= 10
        print(f"[{backend}] targets (first <= 120 s, peak <= 4 GB, night 2 <= 10 s): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
