"""Generated folders: byte-identical by seed, truth for every row, readable by plain clients."""

from __future__ import annotations

import csv
import filecmp
import io
import sqlite3
from pathlib import Path

import orjson
import pytest

from tests.sandbox.conftest import SEED, SIZE
from wushe.sandbox import generate, read_truth

pytestmark = pytest.mark.slow


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_folders_whatever_the_worker_count(generated, tmp_path):
    again = tmp_path / "again"
    generate(again, SEED, SIZE, 0, processes=1)
    assert _tree(generated) == _tree(again)
    other = tmp_path / "other"
    generate(other, SEED + 1, SIZE, 0)
    assert not filecmp.cmp(generated / "truth" / "merchants.csv", other / "truth" / "merchants.csv", shallow=False)


def _ndjson_ids(path: Path) -> list[str]:
    return [str(next(iter(orjson.loads(line).values()))) for line in path.read_bytes().splitlines()]


def test_truth_covers_every_row_of_every_export(generated):
    truth = {}
    for t in read_truth(generated):
        truth.setdefault((t.partner, t.stream), []).append(t.source_id)
    for stream in ("organizations", "funds", "donations", "wishes"):
        assert _ndjson_ids(generated / "charity_fund" / f"{stream}.ndjson") == truth[("charity_fund", stream)]
    for stream in ("shops", "services"):
        assert _ndjson_ids(generated / "merchants" / f"{stream}.ndjson") == truth[("merchants", stream)]
    with sqlite3.connect(generated / "civil_affairs" / "civil_affairs.sqlite") as db:
        for table in ("t_shzz", "t_jczz", "t_zyfwd", "t_zyz", "t_btxm", "t_fwxq"):
            ids = {f"{table}:{i}" for (i,) in db.execute(f"SELECT id FROM {table}")}
            assert ids == set(truth[("civil_affairs", table)])
    drop_ids = set()
    for path in (generated / "property_files" / "drop").glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"))))
        drop_ids |= {r[0] for r in rows[1:] if "楼栋" not in path.name}
    from openpyxl import load_workbook

    for path in (generated / "property_files" / "drop").glob("*.xlsx"):
        wb = load_workbook(path, read_only=True)
        for title in ("场地", "维修服务"):
            drop_ids |= {r[0] for r in list(wb[title].iter_rows(values_only=True))[1:]}
        wb.close()
    assert drop_ids == set(truth[("property_files", "venues")]) | set(truth[("property_files", "repairs")])


def test_property_files_read_with_plain_clients(generated):
    drop = generated / "property_files" / "drop"
    csv_files = sorted(drop.glob("*.csv"))
    xlsx_files = sorted(drop.glob("*.xlsx"))
    assert len(csv_files) == 3 and len(xlsx_files) == 1
    venues = next(p for p in csv_files if "场地" in p.name)
    with venues.open(encoding="gb18030", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {"场地编号", "场地名称", "所在小区", "更新时间"} <= rows[0].keys()
    with pytest.raises(UnicodeDecodeError):
        venues.read_bytes().decode("utf-8")  # really GB18030, not UTF-8
    from openpyxl import load_workbook

    wb = load_workbook(xlsx_files[0], read_only=True)
    assert wb.sheetnames == ["场地", "维修服务", "楼栋"]
    header = next(wb["场地"].iter_rows(values_only=True))
    assert header[:3] == ("编号", "名称", "小区")
    wb.close()


def test_civil_affairs_database_reads_with_sqlalchemy(generated):
    from sqlalchemy import create_engine, text

    from wushe.sandbox.up import sqlite_readonly_url

    engine = create_engine(sqlite_readonly_url(generated / "civil_affairs" / "civil_affairs.sqlite"))
    with engine.connect() as conn:
        row = conn.execute(text("SELECT xm, sfzh, sjhm, update_time FROM t_zyz WHERE del_flag = '0' LIMIT 1")).one()
        assert row.xm and len(row.update_time) == 19
        n = conn.execute(text("SELECT count(*) FROM t_fwxq")).scalar()
        assert n > 0
    engine.dispose()


def test_truth_command_summarises_a_folder(generated):
    from typer.testing import CliRunner

    from wushe.cli.main import app

    result = CliRunner().invoke(app, ["sandbox", "truth", "--dir", str(generated), "--json"])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.output)
    assert summary["rows"] == sum(1 for _ in read_truth(generated))
    assert set(summary["rows_per_partner"]) == {"charity_fund", "property_files", "merchants", "civil_affairs"}


def test_generate_command_writes_a_folder(tmp_path):
    from typer.testing import CliRunner

    from wushe.cli.main import app

    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["sandbox", "generate", "--out", str(out), "--entities", "500", "--seed", "5",
                                      "--processes", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").exists() and (out / "truth" / "civil_affairs.csv").exists()
    missing = CliRunner().invoke(app, ["sandbox", "truth", "--dir", str(tmp_path / "nothing")])
    assert missing.exit_code != 0
