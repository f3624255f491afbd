"""Sandbox benchmark: generation time and peak memory for 1,000,000 source records, and the REST
simulators' serving throughput measured from a real client over loopback.

    uv run python bench/sandbox.py [--records 1000000] [--out DIR] [--keep]

Targets (issue 3): generation of 1,000,000 source records in at most 60 s; REST simulators serving
at least 20,000 records/s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests

ROWS_PER_ENTITY = 1.09  # partner rows per base entity, measured on the default world


def peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def bench_generate(out: Path, records: int, processes: int) -> tuple[int, float]:
    from wushe.sandbox import generate

    entities = int(records / ROWS_PER_ENTITY) + 1
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    manifest = generate(out, seed=1, entities=entities, night=0, processes=processes)
    seconds = time.perf_counter() - started
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    print(f"generate: {manifest.rows:,} source records from {entities:,} entities in {seconds:.1f} s "
          f"({manifest.rows / seconds:,.0f} records/s, {processes} processes)")
    print(f"generate: {cpu:.1f} CPU-seconds in all ({cpu / manifest.rows * 1e6:.0f} µs a record); "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after on {os.cpu_count()} cores")
    print(f"generate: peak memory {peak_mib(resource.RUSAGE_SELF):,.0f} MiB (main), "
          f"{peak_mib(resource.RUSAGE_CHILDREN):,.0f} MiB (largest worker)")
    return manifest.rows, seconds


def _fund_pages(session: requests.Session, base: str, stream: str) -> int:
    n, cursor = 0, None
    while True:
        params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        body = session.get(f"{base}/{stream}", params=params, timeout=60).json()
        n += len(body["data"])
        if not body["has_more"]:
            return n
        cursor = body["next_cursor"]


def _merchant_pages(session: requests.Session, base: str, stream: str) -> int:
    n, page = 0, 1
    while True:
        response = session.get(f"{base}/{stream}", params={"page": page, "size": 1000}, timeout=60)
        if response.status_code == 429:
            time.sleep(float(response.headers["Retry-After"]))
            continue
        batch = response.json()["data"]["list"]
        n += len(batch)
        if len(batch) < 1000:
            return n
        page += 1


def bench_serving(out: Path) -> None:
    from wushe.sandbox import SandboxProcess

    with SandboxProcess(out).start(timeout=300) as sb:
        for partner, streams, read in (
            ("charity_fund", ("organizations", "funds", "donations", "wishes"), _fund_pages),
            ("merchants", ("shops", "services"), _merchant_pages),
        ):
            session = requests.Session()
            if partner == "charity_fund":
                session.headers["Authorization"] = "Bearer sandbox-fund-token"
            base = sb.url(partner)
            started = time.perf_counter()
            n = sum(read(session, base, s) for s in streams)
            seconds = time.perf_counter() - started
            print(f"serve {partner}: {n:,} records in {seconds:.2f} s = {n / seconds:,.0f} records/s "
                  f"(one keep-alive client, pages of 1000{', rate limit honoured' if partner == 'merchants' else ''})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="wushe-sandbox-bench-")) / "sandbox"
    try:
        rows, seconds = bench_generate(out, args.records, args.processes)
        bench_serving(out)
        print(f"target: >= {args.records:,} records in <= 60 s: {'met' if rows >= args.records and seconds <= 60 else 'NOT met'}")
    finally:
        if not args.keep:
            shutil.rmtree(out.parent if args.out is None else out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
