"""Extraction throughput and peak memory of the declarative connectors.

Reads resource records from a REST API served by a separate process on loopback, and from XLSX and
CSV exports generated here, through the same code a nightly sync uses (connector → mapping →
batches). Prints records per second (timed run) and the peak Python heap of a small and a large
read (traced runs): memory is flat when the large read needs no more than the small one.

    uv run python bench/extract.py [--rest 200000] [--xlsx 60000] [--csv 200000]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import sys
import tempfile
import time
import tracemalloc
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
    stream = connector.streams(config)[0]
    return sum(len(b.records) for b in connector.read(config, stream, None))


def measure(label: str, small: int, large: int, make: Callable[[int], tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    peaks = []
    for size in (small, large):
        connector, raw = make(size)
        tracemalloc.start()
        assert drain(connector, raw) == size
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    connector, raw = make(large)
    started = time.perf_counter()
    got = drain(connector, raw)
    seconds = time.perf_counter() - started
    return {"source": label, "records": got, "seconds": seconds, "rate": got / seconds, "peaks": peaks, "sizes": (small, large)}


def rest_case(count: int) -> tuple[Any, dict[str, Any]]:
    from wushe_declarative import RestConnector

    ready, port = multiprocessing.Event(), multiprocessing.Value("i", 0)
    proc = multiprocessing.Process(target=serve, args=(count, ready, port), daemon=True)
    proc.start()
    ready.wait(120)
    PROCS.append(proc)
    raw = {"base_url": f"http://127.0.0.1:{port.value}/", "pagination": {"type": "page", "size": PAGE},
           "streams": {"resources": STREAM | {"path": "api/resources", "records_path": "data"}}}
    return RestConnector("bench"), raw


def file_case(suffix: str, folder: Path) -> Callable[[int], tuple[Any, dict[str, Any]]]:
    def make(count: int) -> tuple[Any, dict[str, Any]]:
        from wushe_declarative import CsvConnector, XlsxConnector

        where = folder / f"{suffix}-{count}"
        if not where.exists():
            where.mkdir()
            write = write_xlsx if suffix == "xlsx" else write_csv
            write(where / f"资源清单.{suffix}", count)
        raw = {"folder": str(where), "streams": {"resources": STREAM | {"pattern": f"*.{suffix}"}}}
        return (XlsxConnector if suffix == "xlsx" else CsvConnector)("bench"), raw

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rest", type=int, default=200_000, help="records served by the REST partner")
    parser.add_argument("--xlsx", type=int, default=60_000, help="rows of the XLSX export")
    parser.add_argument("--csv", type=int, default=200_000, help="rows of the CSV export (GB18030)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            results.append(measure("REST (loopback, 1000/page)", args.rest // 10, args.rest, rest_case))
            results.append(measure("XLSX (streamed)", args.xlsx // 10, args.xlsx, file_case("xlsx", Path(tmp))))
            results.append(measure("CSV (GB18030)", args.csv // 10, args.csv, file_case("csv", Path(tmp))))
        finally:
            for proc in PROCS:
                proc.terminate()
    targets = {"REST": 50_000, "XLSX": 20_000}
    print(f"{'source':<28}{'records':>10}{'seconds':>9}{'records/s':>11}   peak heap small → large (MiB)   target")
    for r in results:
        target = next((t for k, t in targets.items() if r["source"].startswith(k)), None)
        verdict = "" if target is None else (f"≥{target:,}/s {'met' if r['rate'] >= target else 'MISSED'}")
        small, large = r["sizes"]
        print(f"{r['source']:<28}{r['records']:>10,}{r['seconds']:>9.2f}{r['rate']:>11,.0f}   "
              f"{r['peaks'][0]:6.1f} ({small:,}) → {r['peaks'][1]:6.1f} ({large:,})   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
