"""Built-in export formats. They register through the ``wushe`` entry point like any plugin."""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO, Iterable

import orjson

from wushe import hookimpl
from wushe.exporting import Column, Exporter


def _cell(value: Any) -> Any:
    """A CSV cell: scalars as they are, lists of scalars joined, anything nested as JSON."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return "；".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return value


class CsvExporter(Exporter):
    """UTF-8 CSV with a byte-order mark, so Excel opens Chinese text correctly."""

    name = "csv"
    title = "CSV"
    suffix = ".csv"
    media_type = "text/csv; charset=utf-8"

    def write(self, rows: Iterable[dict[str, Any]], columns: list[Column], out: BinaryIO, *, lang: str = "zh") -> int:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow([c.header(lang) for c in columns])
        count = 0
        for row in rows:
            writer.writerow([_cell(row.get(c.key)) for c in columns])
            count += 1
        text.flush()
        text.detach()
        return count


class JsonLinesExporter(Exporter):
    """One JSON object per line, keys in English: the format for machines."""

    name = "jsonl"
    title = "JSON Lines"
    suffix = ".jsonl"
    media_type = "application/x-ndjson"

    def write(self, rows: Iterable[dict[str, Any]], columns: list[Column], out: BinaryIO, *, lang: str = "zh") -> int:
        keys = [c.key for c in columns]
        count = 0
        for row in rows:
            out.write(orjson.dumps({k: row.get(k) for k in keys}, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
        return count


@hookimpl
def wushe_exporters() -> list[Exporter]:
    return [CsvExporter(), JsonLinesExporter()]
