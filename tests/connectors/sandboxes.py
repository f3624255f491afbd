"""Small, real test sources for the declarative connectors: a CSV folder, an XLSX folder, a SQLite
database and a loopback REST API, each able to take new rows and a malformed one."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import create_engine, text

from wushe.testing.http_server import LoopbackServer, Request, Response, json_response

START = datetime(2026, 11, 1, 9, 0, 0)
ORG_HEADERS = ["名称", "统一社会信用代码", "联系电话", "地址", "所属社区"]
ORGS = [
    ["园岭物业管理有限公司", "91440300MA5F000011", "0755-82000001", "福田区园岭街道百花二路1号", "园东社区"],
    ["碧岭物业服务中心", "91440300MA5F000022", "0755-84000002、13800138002", "坪山区碧岭街道碧岭社区", "碧岭社区"],
    ["樟溪物业", "91440300MA5F000033", "", "龙华区观湖街道樟溪社区", "樟溪社区"],
]
RES_HEADERS = ["编号", "名称", "类型", "类别", "名额", "开始日期", "更新时间"]


def resource_row(i: int, minutes: int) -> list[Any]:
    stamp = (START + timedelta(minutes=minutes)).strftime("%Y/%m/%d %H:%M:%S")
    return [f"R{i:04d}", f"义剪服务{i}", "服务", "义剪、上门看诊", str(10 + i), "2026年11月1日", stamp]


ORG_MAPPING = {
    "name": "名称",
    "credit_code": "统一社会信用代码",
    "phones": {"column": "联系电话", "split": "[,，、;；/ ]+"},
    "address": "地址",
    "division_code": {"column": "所属社区", "type": "division"},
    "org_type": {"const": "property_management"},
    "society": {"const": "community"},
}
RES_MAPPING = {
    "name": "名称",
    "resource_type": {"column": "类型", "lookup": {"服务": "SERVICE", "物资": "GOODS"}, "unknown": "error"},
    "categories": {"column": "类别", "split": "、", "crosswalk": "resource_categories"},
    "capacity.total": {"column": "名额", "type": "number"},
    "valid_from": {"column": "开始日期", "type": "date", "format": "%Y年%m月%d日"},
}


def org_stream(**extra: Any) -> dict[str, Any]:
    return {"kind": "organization", "id": "统一社会信用代码", "mapping": ORG_MAPPING, **extra}


def res_stream(**extra: Any) -> dict[str, Any]:
    return {"kind": "resource", "id": "编号", "updated_at": "更新时间", "updated_at_format": "%Y/%m/%d %H:%M:%S", "mapping": RES_MAPPING, **extra}


class TableSource:
    """Two tables (organisations as a full export, resources with an update time) kept in memory
    and written out as files after every change."""

    def __init__(self, folder: Path, suffix: str) -> None:
        self.folder, self.suffix = folder, suffix
        folder.mkdir(parents=True, exist_ok=True)
        self.tables: dict[str, tuple[list[str], list[list[Any]]]] = {
            "organizations": (ORG_HEADERS, [list(r) for r in ORGS]),
            "resources": (RES_HEADERS, [resource_row(i, i // 2) for i in range(7)]),  # pairs share a time
        }
        self.minutes = 100
        for name in self.tables:
            self.write(name)

    def path(self, name: str) -> Path:
        return self.folder / (("物业台账" if name == "organizations" else "资源清单") + self.suffix)

    def write(self, name: str) -> None:
        headers, rows = self.tables[name]
        if self.suffix == ".xlsx":
            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet("台账")
            sheet.append([f"{name} 导出"])  # a title row above the header
            for row in [headers, *rows]:
                sheet.append(row)
            book.save(self.path(name))
        else:
            with open(self.path(name), "w", encoding="gb18030" if name == "organizations" else "utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows([headers, *rows])

    def add_records(self, name: str, count: int) -> None:
        headers, rows = self.tables[name]
        for _ in range(count):
            i = len(rows) + 1000
            if name == "organizations":
                rows.append([f"新物业{i}", f"91440300MA5F{i:06d}", "0755-8888", "福田区", "园东社区"])
            else:
                self.minutes += 1
                rows.append(resource_row(i, self.minutes))
        self.write(name)

    def add_malformed(self, name: str) -> None:
        headers, rows = self.tables[name]
        if name == "organizations":
            rows.append(["没有信用代码的物业", "", "", "", ""])
        else:
            bad = resource_row(9999, self.minutes)
            bad[-1] = "上周三"  # not a time
            rows.append(bad)
        self.write(name)


class SqlSandbox:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        with self.engine.begin() as conn:
            conn.execute(text(
                "CREATE TABLE resources (编号 VARCHAR(32) PRIMARY KEY, 名称 VARCHAR(100), 类型 VARCHAR(20), 类别 VARCHAR(100),"
                " 名额 VARCHAR(20), 开始日期 VARCHAR(40), 更新时间 VARCHAR(40))"
            ))
        self.minutes = 100
        self.insert([resource_row(i, i // 2) for i in range(7)])

    def insert(self, rows: list[list[Any]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("INSERT INTO resources VALUES (:a, :b, :c, :d, :e, :f, :g)"),
                         [dict(zip("abcdefg", r)) for r in rows])

    def add_records(self, name: str, count: int) -> None:
        rows = []
        for i in range(count):
            self.minutes += 1
            rows.append(resource_row(5000 + self.minutes, self.minutes))
        self.insert(rows)

    def add_malformed(self, name: str) -> None:
        bad = resource_row(9999, self.minutes)
        bad[3] = "义剪"
        bad[2] = "不知道"  # a resource type the lookup rejects
        self.insert([bad])


class RestSandbox:
    """A partner API: GET /api/resources?updated_since=…&page=…&page_size=…, sorted by time then id."""

    def __init__(self, server: LoopbackServer, token: str) -> None:
        self.token = token
        self.records = [self.record(resource_row(i, i // 2)) for i in range(7)]
        self.minutes = 100
        server.route("/api/resources", self.serve)

    @staticmethod
    def record(row: list[Any]) -> dict[str, Any]:
        item = dict(zip(RES_HEADERS, row))
        stamp = datetime.strptime(item.pop("更新时间"), "%Y/%m/%d %H:%M:%S")
        return {"id": item["编号"], "title": item["名称"], "type": item["类型"], "tags": item["类别"],
                "quota": int(item["名额"]), "start": "2026-11-01", "updated_at": stamp.isoformat() + "+08:00"}

    def serve(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return json_response({"error": "unauthorized"}, 401)
        rows = sorted(self.records, key=lambda r: (str(r["updated_at"]), r["id"]))
        since = request.query.get("updated_since")
        if since:
            rows = [r for r in rows if str(r["updated_at"]) >= since]
        page, size = int(request.query.get("page", 1)), int(request.query.get("page_size", 100))
        return json_response({"data": rows[(page - 1) * size : page * size], "total": len(rows)})

    def add_records(self, name: str, count: int) -> None:
        for _ in range(count):
            self.minutes += 1
            self.records.append(self.record(resource_row(5000 + self.minutes, self.minutes)))

    def add_malformed(self, name: str) -> None:
        bad = self.record(resource_row(9999, self.minutes))
        bad["quota"] = "很多"
        self.records.append(bad)


REST_MAPPING = {
    "name": "title",
    "resource_type": {"column": "type", "lookup": {"服务": "SERVICE"}},
    "categories": {"column": "tags", "split": "、", "crosswalk": "resource_categories"},
    "capacity.total": {"column": "quota", "type": "number"},
    "valid_from": {"column": "start", "type": "date"},
}
