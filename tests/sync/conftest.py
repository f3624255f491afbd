"""Partners for sync tests: real CSV drop folders read by the declarative csv connector."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest


HEADER = ["编号", "名称", "统一社会信用代码", "联系电话", "所属社区", "更新时间"]


def org_rows(n: int, start: int = 0, prefix: str = "园岭爱心商家") -> list[list[str]]:
    return [[f"M{i:05d}", f"{prefix}{i}号店", "", f"0755-8{i:07d}", "440304002001", "2026-11-20 08:00:00"]
            for i in range(start, start + n)]


def write_csv(folder: Path, rows: list[list[str]], name: str = "商家名单.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


PARTNERS = """
settings:
  concurrency: 2
  gates: {{min_rows: 5}}
partners:
  shops:
    connector: csv
    title: 园岭爱心商家
    config:
      folder: {shops}
      batch_size: 7
      streams:
        merchants:
          pattern: "*.csv"
          kind: organization
          id: 编号
          mapping:
            name: 名称
            credit_code: 统一社会信用代码
            phones: {{column: 联系电话, split: "[,，、 ]+"}}
            division_code: 所属社区
            org_type: {{const: merchant}}
  estates:
    connector: csv
    title: 物业公司
    config:
      folder: {estates}
      streams:
        companies:
          pattern: "*.csv"
          kind: organization
          id: 编号
          mapping:
            name: 名称
            phones: {{column: 联系电话, split: "[,，、 ]+"}}
            division_code: 所属社区
            org_type: {{const: property_company}}
"""


@pytest.fixture
def drop(tmp_path: Path) -> dict[str, Path]:
    return {"shops": tmp_path / "shops", "estates": tmp_path / "estates"}


@pytest.fixture
def partners_file(tmp_path: Path, drop: dict[str, Path]) -> Path:
    write_csv(drop["shops"], org_rows(20))
    write_csv(drop["estates"], org_rows(5, prefix="万科物业园岭"))
    path = tmp_path / "partners.yaml"
    path.write_text(PARTNERS.format(shops=drop["shops"], estates=drop["estates"]), encoding="utf-8")
    return path
