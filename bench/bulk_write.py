"""Write N source records into the registry through the batched path; print records/s and memory.

    uv run python bench/bulk_write.py [--records 1000000] [--batch 10000] [--backend sqlite|postgresql|both]
                                      [--change-every 10]

Records are organisation records shaped like a partner's export (Chinese names, credit codes,
phones, addresses, division codes, distinct update times), generated batch by batch so memory stays
flat. "write" times only the registry write and its commit; "end to end" includes generating them.
Both are given per wall second and per CPU second of this process (the machine may be shared; on
PostgreSQL the server's own CPU is not counted). Resident memory that no file backs is printed at each quarter
to show it does not grow with the record count (SQLite maps the registry's file to read it: those pages are file cache).

Then the same records are written again, as a night's full export delivers them, one in
``--change-every`` with a new address: "rewrite" times that pass, which stores the changed ones as
updates of their stored rows (new versions) and finds the others unchanged.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import line, peak_rss_mb, rss_mb  # noqa: E402

from wushe.contract import make_record  # noqa: E402
from wushe.registry.db import make_engine  # noqa: E402
from wushe.registry.migrate import upgrade  # noqa: E402
from wushe.registry.sources import write_source_records  # noqa: E402

SHANGHAI = timezone(timedelta(hours=8))
STREETS = ["园岭七街", "红荔路", "八卦一路", "碧岭路", "观湖大道", "樟溪路"]
KINDS_OF_SHOP = ["理发店", "药房", "超市", "口腔诊所", "家电维修部", "餐厅"]


def batches(total: int, size: int, change_every: int = 0):
    """The records in batches; with ``change_every``, one in that many has moved to a new address."""
    base = datetime(2026, 11, 1, 2, 0, tzinfo=SHANGHAI)
    fetched = datetime.now(timezone.utc)
    for start in range(0, total, size):
        yield [
            make_record(
                "bench_partner",
                "organization",
                f"ORG-{i:08d}",
                base - timedelta(seconds=i * 7),
                {
                    "name": f"深圳市{STREETS[i % 6][:2]}{KINDS_OF_SHOP[i % 6]}{i}号店",
                    "credit_code": f"91440300MA5F{i % 1000000:06d}",
                    "phones": [f"0755-8{i % 10000000:07d}"],
                    "address": f"深圳市福田区{STREETS[i % 6]}{i % 300}号"
                               + ("（新址）" if change_every and i % change_every == 0 else ""),
                    "division_code": "440304002001",
                    "org_type": "merchant",
                    "society": "charity",
                },
                fetched_at=fetched,
            )
            for i in range(start, min(total, start + size))
        ]


def run(url: str, total: int, size: int, change_every: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    started, started_cpu = time.perf_counter(), time.process_time()
    write_seconds = write_cpu = 0.0
    quarters = [total * q // 4 for q in (1, 2, 3, 4)]
    done = 0
    for batch in batches(total, size):
        _written, seconds, cpu = timed_write(engine, batch)
        write_seconds += seconds
        write_cpu += cpu
        done += len(batch)
        if quarters and done >= quarters[0]:
            quarters.pop(0)
            print(line(f"  {engine.dialect.name} {done:,} written", rss_mb=rss_mb(anonymous=True)), flush=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(line(f"{engine.dialect.name} write", records=total, seconds=write_seconds,
               records_per_s=total / write_seconds, cpu_seconds=write_cpu, records_per_cpu_s=total / write_cpu),
          flush=True)
    print(line(f"{engine.dialect.name} end to end", records_per_s=total / wall, records_per_cpu_s=total / cpu,
               peak_rss_mb=peak_rss_mb()), flush=True)
    if change_every:
        rewrite(engine, total, size, change_every)
    engine.dispose()


def timed_write(engine, batch: list) -> tuple:
    """Write one batch in its own transaction: what it wrote, and the wall and CPU seconds it took."""
    t, t_cpu = time.perf_counter(), time.process_time()
    with engine.begin() as conn:
        written = write_source_records(conn, batch, run_id=None)
    return written, time.perf_counter() - t, time.process_time() - t_cpu


def rewrite(engine, total: int, size: int, change_every: int) -> None:
    seconds = cpu = 0.0
    updated = 0
    for batch in batches(total, size, change_every):
        written, batch_seconds, batch_cpu = timed_write(engine, batch)
        updated += written.counts.updated
        seconds += batch_seconds
        cpu += batch_cpu
    print(line(f"{engine.dialect.name} rewrite (1 in {change_every} changed)", records=total, updated=updated,
               seconds=f"{seconds:.2f}", records_per_s=total / seconds, cpu_seconds=f"{cpu:.2f}"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--change-every", type=int, default=10, help="then rewrite them, one in this many changed (0: no rewrite)")
    parser.add_argument("--pg-url", default=os.environ.get("WUSHE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()

    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", args.records, args.batch, args.change_every)
    if args.backend in ("postgresql", "both"):
        from sqlalchemy import create_engine, text

        name = f"wushe_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(args.pg_url.rsplit("/", 1)[0] + f"/{name}", args.records, args.batch, args.change_every)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
