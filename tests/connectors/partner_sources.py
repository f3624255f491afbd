"""The four sandbox partners as conformance-kit sources: each can take new rows (changed later
than all others) and a row no connector can map, the way that partner's system would hold them."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, text

from wushe.sandbox import Sandbox

LATER = "2030-01-01 00:00:{:02d}"
NOT_A_TIME = "上周三"


def _bump_manifest(folder: Path) -> None:
    """The REST simulators reload a folder whose manifest changed."""
    manifest = folder / "manifest.json"
    stamp = manifest.stat().st_mtime + 1
    os.utime(manifest, (stamp, stamp))


class RestSource:
    """A REST partner's NDJSON files under a running sandbox (charity_fund or merchants)."""

    def __init__(self, sandbox: Sandbox, partner: str) -> None:
        self.folder, self.partner = sandbox.folder, partner
        self.added = 0
        fund = partner == "charity_fund"
        self.key, self.updated = ("id", "updatedAt") if fund else (None, "updated_at")

    def _path(self, stream: str) -> Path:
        return self.folder / self.partner / f"{stream}.ndjson"

    def _rows(self, stream: str) -> list[dict[str, Any]]:
        return [orjson.loads(line) for line in self._path(stream).read_bytes().splitlines() if line.strip()]

    def _append(self, stream: str, rows: list[dict[str, Any]]) -> None:
        with self._path(stream).open("ab") as fh:
            fh.write(b"".join(orjson.dumps(r) + b"\n" for r in rows))
        _bump_manifest(self.folder)

    def _new(self, stream: str, updated: str) -> dict[str, Any]:
        rows = self._rows(stream)
        template = dict(rows[-1])
        self.added += 1
        if self.key:  # the fund: text ids, ISO times with zone
            template["id"] = f"NEW{self.added:09d}"
            template["updatedAt"] = updated.replace(" ", "T") + "+08:00" if updated != NOT_A_TIME else updated
            template["deleted"] = False
        else:  # merchants: integer ids, local times
            key = "shop_id" if stream == "shops" else "service_id"
            template[key] = max(r[key] for r in rows) + self.added
            template["updated_at"] = updated
        return template

    def add_records(self, stream: str, count: int, *, tied: bool = False) -> None:
        """``count`` new rows, each changed later than the last (or all at one time: ``tied``)."""
        self._append(stream, [self._new(stream, LATER.format(0 if tied else self.added + i)) for i in range(count)])

    def add_malformed(self, stream: str) -> None:
        self._append(stream, [self._new(stream, NOT_A_TIME)])


class PropertySource:
    """The drop folder: rows go into the first company's newest CSV files (GB18030)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.drop = sandbox.drop_folder
        self.company = sandbox.manifest.property_companies[0]
        self.day = f"{sandbox.manifest_snapshot():%Y%m%d}"
        self.added = 0

    def _file(self, word: str) -> Path:
        return self.drop / f"{self.company}_{word}_{self.day}.csv"

    def _append(self, stream: str, updated: str) -> None:
        from wushe.sandbox.exports import write_csv

        word = "场地" if stream == "venues" else "维修服务"
        table = list(csv.reader(io.StringIO(self._file(word).read_bytes().decode("gb18030"))))
        place = list(csv.reader(io.StringIO(self._file("楼栋").read_bytes().decode("gb18030"))))[1]
        self.added += 1
        row = dict.fromkeys(table[0], "")
        values = [f"{'CD' if stream == 'venues' else 'WX'}9{self.added:09d}", f"新增{word}{self.added}", place[0], place[1],
                  "共享会议室", "10", "5", "周一 09:00-10:00", "免费", "", "0755-82000000", "社区居民", "2026/1/1", "", "", updated]
        row.update(zip(table[0], values))
        write_csv(self._file(word), [*table, list(row.values())])

    def add_records(self, stream: str, count: int) -> None:
        for i in range(count):
            self._append(stream, LATER.format(self.added + i))

    def add_malformed(self, stream: str) -> None:
        self._append(stream, NOT_A_TIME)


class CivilSource:
    """The bureau's database: new rows copy a table's last row with a new id and a later update_time."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.added = 0

    def _insert(self, table: str, updated: str) -> None:
        with self.engine.begin() as conn:
            last = conn.execute(text(f"SELECT * FROM {table} ORDER BY id DESC LIMIT 1")).mappings().one()
            row = dict(last) | {"id": last["id"] + 1, "update_time": updated, "del_flag": "0"}
            columns = ", ".join(row)
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row)
        self.added += 1

    def add_records(self, table: str, count: int, *, tied: bool = False) -> None:
        """``count`` new rows, each changed later than the last (or all at one time: ``tied``)."""
        for i in range(count):
            self._insert(table, LATER.format(0 if tied else self.added + i))

    def add_malformed(self, table: str) -> None:
        self._insert(table, NOT_A_TIME)
