"""Resolution benchmark on sandbox data: merge quality, time and memory of a full pass, and a delta.

    uv run python bench/resolve.py                      # about 1,000,000 source records, SQLite
    uv run python bench/resolve.py --entities 91000     # about 100,000
    uv run python bench/resolve.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench

Loads every partner's night-0 records from the sandbox (rows planted invalid are left out, as
validation would quarantine them) into a fresh registry, then, in a separate process so its peak
memory is its own, runs the cross-partner pass ``resolve_all`` (planned by ``--workers`` processes,
as the sync's resolution pass is by ``settings.resolution_workers``). Prints pairwise precision and recall
against the sandbox truth for organisations and volunteers, the wall time and peak memory of the
pass, and the time ``resolve`` takes for a 1% delta (changed, new and deleted records). CPU seconds
are printed beside wall times: on a shared machine they show what the code costs when the wall
clock also counts other processes.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import TreeMemory, registry_file  # noqa: E402

BATCH = 5000


def _load(url: str, seed: int, entities: int) -> tuple[dict[tuple[str, str, str], str], list[dict], int]:
    """Write the sandbox into the registry; returns the truth of organisations and volunteers,
    a 1% sample of records (for the delta) and the number of records written."""
    from wushe import sandbox
    from wushe.registry.db import make_engine
    from wushe.registry.migrate import upgrade
    from wushe.registry.sources import write_source_records

    engine = make_engine(url)
    upgrade(engine)
    truth: dict[tuple[str, str, str], str] = {}
    sample: list[dict] = []
    written = 0
    pick = random.Random(seed)
    with engine.begin() as conn:
        for partner in sandbox.PARTNERS:
            batch: list[dict] = []
            for record, row in sandbox.labelled(seed, entities, partner):
                if row.rule_id or row.deleted:
                    continue
                if record["kind"] in ("organization", "volunteer"):
                    truth[(record["partner"], record["kind"], record["source_id"])] = row.entity_id
                if pick.random() < 0.01:
                    sample.append(record)
                batch.append(record)
                if len(batch) >= BATCH:
                    written += len(batch)
                    write_source_records(conn, batch, run_id="bench-0")
                    batch = []
            written += len(batch)
            write_source_records(conn, batch, run_id="bench-0")
    engine.dispose()
    return truth, sample, written


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _resolve_child(url: str, workers: int) -> None:
    """Run the full pass and print its figures as JSON (the peak memory of this process and its
    workers together)."""
    from wushe.registry.db import make_engine
    from wushe.resolution.resolver import resolve_all

    engine = make_engine(url)
    started, cpu = time.perf_counter(), _cpu_seconds()
    with TreeMemory(unmapped=registry_file(engine)) as memory, engine.begin() as conn:
        report = resolve_all(conn, run_id="bench-1", workers=workers)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": memory.peak_mb, "kinds": report.as_dict()}))


def _quality(url: str, truth: dict[tuple[str, str, str], str]) -> dict[str, object]:
    from sqlalchemy import select

    from wushe.registry.db import make_engine
    from wushe.registry.models import CrossReference, SourceRecord
    from wushe.resolution.quality import pairwise_quality

    engine = make_engine(url)
    query = select(SourceRecord.partner, SourceRecord.kind, SourceRecord.source_id, CrossReference.golden_id).join(
        CrossReference, CrossReference.source_record_id == SourceRecord.id).where(
        SourceRecord.kind.in_(["organization", "volunteer"]))
    found: dict[str, tuple[list[str], list[str]]] = {"organization": ([], []), "volunteer": ([], [])}
    with engine.connect() as conn:
        for partner, kind, source_id, golden in conn.execute(query):
            predicted, true = found[kind]
            predicted.append(golden)
            true.append(truth[(partner, kind, source_id)])
    engine.dispose()
    return {kind: pairwise_quality(p, t) for kind, (p, t) in found.items()}


def _delta(url: str, sample: list[dict], seed: int, workers: int) -> tuple[float, float, int, dict]:
    """Change, add and delete 1% of the records, write them, and time ``resolve`` on what changed."""
    from wushe.contract import make_record
    from wushe.registry.db import make_engine, refresh_statistics
    from wushe.registry.sources import write_source_records
    from wushe.resolution.resolver import resolve

    rng = random.Random(seed + 1)
    changes: list[dict] = []
    for n, record in enumerate(sample):
        roll = rng.random()
        payload = dict(record["payload"])
        if roll < 0.1:
            changes.append(dict(record, deleted=True))
        elif roll < 0.3:
            changes.append(make_record("newcomer", record["kind"], f"n{n}", record["source_updated_at"], payload))
        else:
            payload["description" if record["kind"] != "volunteer" else "skills"] = (
                "夜间更新" if record["kind"] != "volunteer" else ["夜间更新"])
            changes.append(dict(record, payload=payload, source_updated_at="2026-11-25T02:00:00+08:00"))
    engine = make_engine(url)
    refresh_statistics(engine)  # as the sync leaves the registry after a pass (PostgreSQL's planner statistics)
    with engine.begin() as conn:
        touched = write_source_records(conn, changes, run_id="bench-2").touched
    started, cpu = time.perf_counter(), _cpu_seconds()
    with engine.begin() as conn:
        report = resolve(conn, touched, run_id="bench-2", workers=workers)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    engine.dispose()
    return seconds, cpu, len(touched), report.as_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=910_000, help="sandbox size (about 1.1 records each)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", help="registry URL (default: a fresh SQLite file in a temporary folder)")
    parser.add_argument("--workers", type=int, default=2, help="processes planning the kinds (1: in-process)")
    parser.add_argument("--resolve-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.resolve_only:
        _resolve_child(args.resolve_only, args.workers)
        return

    with tempfile.TemporaryDirectory(prefix="wushe-bench-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'registry.db'}"
        started = time.perf_counter()
        truth, sample, written = _load(url, args.seed, args.entities)
        print(f"source records loaded: {written:,} in {time.perf_counter() - started:.1f} s", flush=True)

        child = subprocess.run([sys.executable, __file__, "--resolve-only", url, "--workers", str(args.workers)],
                               capture_output=True, text=True)
        if child.returncode != 0:
            sys.exit(child.stderr)
        full = json.loads(child.stdout.strip().splitlines()[-1])
        quality = _quality(url, truth)
        for kind, q in quality.items():
            print(f"{kind:<13} precision {q.precision:.4f}  recall {q.recall:.4f}  "
                  f"(pairs predicted {q.predicted_pairs:,}, true {q.true_pairs:,})")
        print(f"full pass: {written:,} source records in {full['seconds']:.1f} s ({full['cpu']:.1f} s CPU), "
              f"peak memory {full['peak_mb']:,.0f} MB (the process and its workers together)")
        for kind, figures in full["kinds"].items():
            print(f"  {kind:<13} {figures['records']:>9,} records  {figures['pairs']:>10,} pairs  "
                  f"{figures['clusters']:>9,} golden  {figures['reviews']:>6,} to review  {figures['seconds']:>6.1f} s")
        seconds, cpu, touched, report = _delta(url, sample, args.seed, args.workers)
        involved = sum(k["records"] for k in report.values())
        print(f"1% delta: {touched:,} records touched, {involved:,} re-resolved, {seconds:.2f} s ({cpu:.2f} s CPU)")


if __name__ == "__main__":
    main()
