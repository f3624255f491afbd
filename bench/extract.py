"""Extraction throughput and peak memory of the declarative and the partner connectors.

Reads resource records from a REST API served by a separate process on loopback, and from XLSX and
CSV exports generated here, through the same code a nightly sync uses (connector → mapping →
batches); then every stream of the sandbox's charity fund and merchants (served by `wushe sandbox
up` in a separate process) through the `charity_fund` and `merchants` connectors. Each read runs in a fresh process; printed are the records per second of the large read
(wall clock, and per CPU-second of the reading process, which other load on the machine does not
change) and the peak resident memory of a small and a large read: memory is flat when the large
read needs no more than the small one.

    uv run python bench/extract.py [--rest 200000] [--xlsx 100000] [--csv 200000] [--partners 100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

START = datetime(2026, 11, 1, 8, 0, 0)
PAGE = 1000
HEADERS = ["编号", "名称", "类型", "类别", "名额", "地址", "更新时间"]
MAPPING = {
    "name": "名称",
    "resource_type": {"column": "类型", "lookup": {"服务": "SERVICE", "物资": "GOODS"}},
    "categories": {"column": "类别", "split": "、", "crosswalk": "resource_categories"},
    "capacity.total": {"column": "名额", "type": "number"},
    "location.address": "地址",
}
STREAM = {"kind": "resource", "id": "编号", "updated_at": "更新时间", "mapping": MAPPING}


def row(i: int) -> list[Any]:
    return [f"R{i:08d}", f"长者义剪服务{i % 997}", "服务", "义剪、上门看诊", 10 + i % 40,
            f"福田区园岭街道百花二路{i % 300}号", (START + timedelta(seconds=i // 3)).isoformat(sep=" ")]


def serve(count: int, ready: Any, port: Any) -> None:
    """The REST partner, in its own process: pages of records sorted by time, then id."""
    import orjson

    from wushe.testing.http_server import LoopbackServer, Response

    # pages are rendered up front: the figure is about wushe's extraction, not this server
    pages = [
        orjson.dumps({"data": [dict(zip(HEADERS, row(i))) for i in range(start, min(start + PAGE, count))]})
        for start in range(0, count + 1, PAGE)
    ]

    def page(request: Any) -> Response:
        number = int(request.query.get("page", 1)) - 1
        body = pages[number] if number < len(pages) else b'{"data": []}'
        return Response(200, {"Content-Type": "application/json"}, body)

    server = LoopbackServer()
    server.route("/api/resources", page)
    server.start()
    port.value = int(server.url.rsplit(":", 1)[1])
    ready.set()
    time.sleep(3600)


def drain(connector: Any, raw: dict[str, Any]) -> int:
    config = connector.parse_config(raw, partner="bench")
    return sum(len(b.records) for stream in connector.streams(config) for b in connector.read(config, stream, None))


def run_one(source: str, size: int, folder: Path, *, prepare_only: bool = False) -> dict[str, Any]:
    """One read in this (fresh) process: records, seconds, peak resident memory.

    With ``prepare_only`` it only writes the files or generates the world the read needs, so that
    the measured process does not carry their memory.
    """
    connector, raw = CASES[source](size, folder)
    started, cpu = time.perf_counter(), time.process_time()
    got = 0 if prepare_only else drain(connector, raw)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    for proc in PROCS:
        proc.stop() if hasattr(proc, "stop") else proc.terminate()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"records": got, "seconds": seconds, "cpu": cpu, "rss": rss}


def measure(source: str, small: int, large: int, folder: Path) -> dict[str, Any]:
    """A small and a large read, each in its own process so peak memory is its own."""
    runs = []
    for size in (small, large):
        command = [sys.executable, __file__, "--one", source, str(size), str(folder)]
        subprocess.run([*command, "--prepare"], check=True, capture_output=True, timeout=1800)
        out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=1800)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    big = runs[1]
    return {"source": LABELS[source], "records": big["records"], "seconds": big["seconds"],
            "rate": big["records"] / big["seconds"], "cpu_rate": big["records"] / big["cpu"], "rss": (runs[0]["rss"], runs[1]["rss"]), "sizes": (small, large)}


def rest_case(count: int, folder: Path) -> tuple[Any, dict[str, Any]]:
    from wushe_declarative import RestConnector

    ready, port = multiprocessing.Event(), multiprocessing.Value("i", 0)
    proc = multiprocessing.Process(target=serve, args=(count, ready, port), daemon=True)
    proc.start()
    ready.wait(120)
    PROCS.append(proc)
    raw = {"base_url": f"http://127.0.0.1:{port.value}/", "pagination": {"type": "page", "size": PAGE},
           "streams": {"resources": STREAM | {"path": "api/resources", "records_path": "data"}}}
    return RestConnector("bench"), raw


def file_case(suffix: str, engine: str = "auto") -> Callable[[int, Path], tuple[Any, dict[str, Any]]]:
    def make(count: int, folder: Path) -> tuple[Any, dict[str, Any]]:
        from wushe_declarative import CsvConnector, XlsxConnector

        where = folder / f"{suffix}-{count}"
        if not where.exists():
            where.mkdir()
            write = write_xlsx if suffix == "xlsx" else write_csv
            write(where / f"资源清单.{suffix}", count)
        stream = STREAM | {"pattern": f"*.{suffix}"} | ({"engine": engine} if suffix == "xlsx" else {})
        raw = {"folder": str(where), "streams": {"resources": stream}}
        return (XlsxConnector if suffix == "xlsx" else CsvConnector)("bench"), raw

    return make


def partner_case(partner: str) -> Callable[[int, Path], tuple[Any, dict[str, Any]]]:
    """A sandbox world of ``entities`` served by ``wushe sandbox up`` in its own process."""

    def make(entities: int, folder: Path) -> tuple[Any, dict[str, Any]]:
        from wushe.config import load_partners
        from wushe.plugins import connectors
        from wushe.sandbox import SandboxProcess, generate

        where = folder / f"sandbox-{entities}"
        if not where.exists():
            generate(where, 1, entities, 0)
        sandbox = SandboxProcess(where, extra_args=["--rate", "100000"]).start()
        PROCS.append(sandbox)
        raw = load_partners(sandbox.partners_file, resolve_connectors=False).get(partner).config
        return connectors()[partner]("bench"), dict(raw)

    return make


def write_xlsx(path: Path, count: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("资源")
    sheet.append(["园岭街道资源清单"])
    sheet.append(HEADERS)
    for i in range(count):
        sheet.append(row(i))
    book.save(path)


def write_csv(path: Path, count: int) -> None:
    with open(path, "w", encoding="gb18030", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        out.writerows(row(i) for i in range(count))


PROCS: list[Any] = []
CASES: dict[str, Callable[[int, Path], tuple[Any, dict[str, Any]]]] = {
    "rest": rest_case, "xlsx": file_case("xlsx"), "xlsx_stream": file_case("xlsx", "openpyxl"), "csv": file_case("csv"),
    "charity_fund": partner_case("charity_fund"), "merchants": partner_case("merchants"),
}
LABELS = {"rest": "REST (loopback, 1000/page)", "xlsx": "XLSX (auto: calamine)", "xlsx_stream": "XLSX (openpyxl stream)",
          "csv": "CSV (GB18030)", "charity_fund": "charity_fund (sandbox)", "merchants": "merchants (sandbox)"}
TARGETS = {"rest": 50_000, "xlsx": 20_000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rest", type=int, default=200_000, help="records served by the REST partner")
    parser.add_argument("--xlsx", type=int, default=100_000, help="rows of the XLSX export")
    parser.add_argument("--csv", type=int, default=200_000, help="rows of the CSV export (GB18030)")
    parser.add_argument("--partners", type=int, default=100_000, help="entities of the sandbox world the partner connectors read")
    parser.add_argument("--one", nargs=3, metavar=("SOURCE", "SIZE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), Path(args.one[2]), prepare_only=args.prepare)))
        return 0
    sizes = {"rest": args.rest, "xlsx": args.xlsx, "xlsx_stream": args.xlsx, "csv": args.csv,
             "charity_fund": args.partners, "merchants": args.partners}
    with tempfile.TemporaryDirectory() as tmp:
        results = [(name, measure(name, size // 10, size, Path(tmp))) for name, size in sizes.items()]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall-clock rates drop when others share them)")
    print(f"{'source':<28}{'records':>10}{'seconds':>9}{'records/s':>11}{'per CPU-s':>11}   peak RSS small → large read (MiB)   target")
    for name, r in results:
        target = TARGETS.get(name)
        verdict = "" if target is None else f"≥{target:,}/s {'met' if r['rate'] >= target else 'MISSED'}"
        small, large = r["sizes"]
        print(f"{r['source']:<28}{r['records']:>10,}{r['seconds']:>9.2f}{r['rate']:>11,.0f}{r['cpu_rate']:>11,.0f}   "
              f"{r['rss'][0]:6.0f} ({small:>7,}) → {r['rss'][1]:6.0f} ({large:>7,})   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
