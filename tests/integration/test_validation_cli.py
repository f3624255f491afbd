"""``wushe quarantine`` and ``wushe validate --docs`` as ops and partners use them."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from wushe.cli.main import app
from wushe.connector import Unreadable
from wushe.contract import make_record
from wushe.errors import WusheError
from wushe.registry.db import make_engine
from wushe.registry.migrate import upgrade
from wushe.registry.models import AuditLog, SourceRecord, SyncRun
from wushe.validation.stage import StreamValidation

UPDATED = "2026-11-20T02:00:00+08:00"
ID_NUMBER = "11010519491231002X"
BAD_ID = ID_NUMBER[:17] + "1"


@pytest.fixture
def populated(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, validator):
    monkeypatch.setenv("WUSHE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("WUSHE_ACTOR", "zhou")
    engine = make_engine(sqlite_url)
    upgrade(engine)
    records = [
        make_record("civil", "volunteer", "v1", UPDATED, {"name": "王五", "phone": "13700001111", "id_number": BAD_ID}),
        make_record("civil", "volunteer", "v2", UPDATED, {"name": "赵六", "phone": "8888", "hours": 3}),
        make_record("civil", "volunteer", "v3", UPDATED, {"name": "钱七", "hours": 5}),
    ]
    with engine.begin() as conn:
        conn.execute(insert(SyncRun.__table__).values(id="run-1", trigger="nightly", status="succeeded",
                                                      started_at=datetime.now(timezone.utc)))
        StreamValidation("civil", "volunteers", "volunteer", run_id="run-1", validator=validator).process(
            conn, records, unreadable=[Unreadable("invalid byte sequence for GB18030", "0xff 0xfe", "line 9")])
    yield engine
    engine.dispose()


def run(*args: str):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result


def audits(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AuditLog)).scalar()


def test_list_masks_personal_data_for_staff(populated) -> None:
    result = run("quarantine", "list", "--json")
    assert result.exit_code == 0
    assert ID_NUMBER[:10] not in result.output and "王五" not in result.output
    assert "CN.IDCARD.CHECKSUM" in result.output and "SOURCE.UNREADABLE" in result.output
    assert audits(populated) == 0


def test_show_unmasked_for_a_steward_is_audited(populated) -> None:
    listed = run("quarantine", "list", "--rule", "CN.IDCARD.CHECKSUM", "--json", "--role", "viewer").output
    item_id = listed.split('"id": ')[1].split(",")[0]
    shown = run("quarantine", "show", item_id, "--role", "steward")
    assert shown.exit_code == 0 and BAD_ID in shown.output and "身份证号校验位错误" in shown.output
    assert audits(populated) == 1
    masked = run("quarantine", "show", item_id)
    assert BAD_ID not in masked.output and "110***********0021" in masked.output
    with pytest.raises(WusheError, match="no quarantine item 999"):
        run("quarantine", "show", "999")


def test_unknown_roles_and_statuses_are_refused(populated) -> None:
    with pytest.raises(WusheError, match="unknown role"):
        run("quarantine", "list", "--role", "root")
    with pytest.raises(WusheError, match="unknown status"):
        run("quarantine", "list", "--status", "lost")


def test_the_corrections_report_has_one_row_per_problem_in_chinese(populated, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    result = run("quarantine", "export", "--partner", "civil", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    sheet = book["修改清单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("civil 数据修改清单")
    header = rows[1]
    assert header[:8] == ("问题编号", "记录类型", "来源编号", "字段", "填写的值", "规则编号", "问题", "修改方法")
    body = {r[5]: dict(zip(header, r)) for r in rows[2:]}
    assert set(body) == {"CN.IDCARD.CHECKSUM", "CN.PHONE.FORMAT", "SOURCE.UNREADABLE"}
    id_row = body["CN.IDCARD.CHECKSUM"]
    assert (id_row["记录类型"], id_row["来源编号"], id_row["字段"]) == ("志愿者", "v1", "身份证号（id_number）")
    assert id_row["填写的值"] == "110***********0021"  # masked by default
    assert (id_row["问题"], id_row["修改方法"], id_row["级别"]) == ("身份证号校验位错误", "核对身份证原件", "错误（未入库）")
    phone = body["CN.PHONE.FORMAT"]
    assert phone["级别"] == "提醒（已入库）" and phone["填写的值"] == "****"
    assert body["SOURCE.UNREADABLE"]["填写的值"] == "invalid byte sequence for GB18030"
    assert "规则说明" in book.sheetnames
    assert audits(populated) == 0


def test_english_headers_and_other_formats(populated, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    run("quarantine", "export", "--partner", "civil", "--lang", "en", "--out", str(out), "--role", "admin")
    header = list(load_workbook(out)["Corrections"].iter_rows(values_only=True))[1]
    assert header[:5] == ("Item", "Record kind", "Source id", "Field", "Value")
    assert BAD_ID in [c for r in load_workbook(out)["Corrections"].iter_rows(values_only=True) for c in r]
    assert audits(populated) == 1  # the unmasked export, once
    csv_out = tmp_path / "report.csv"
    assert run("quarantine", "export", "-p", "civil", "--format", "csv", "-o", str(csv_out)).exit_code == 0
    assert "身份证号校验位错误" in csv_out.read_text(encoding="utf-8-sig")


def test_dismiss_and_replay(populated) -> None:
    listed = run("quarantine", "list", "--rule", "CN.IDCARD.CHECKSUM", "--json").output
    item_id = listed.split('"id": ')[1].split(",")[0]
    dry = run("quarantine", "replay", "--dry-run")
    assert "0 rows would pass (0 new, 0 updated); 1 still invalid" in dry.output and "1 unreadable" in dry.output
    assert run("quarantine", "dismiss", item_id).output.strip() == "dismissed 1 of 1 item(s)"
    assert "dismissed" in run("quarantine", "list", "--status", "dismissed").output
    assert run("quarantine", "replay").output.startswith("0 rows passed and were merged")
    with populated.connect() as conn:
        assert conn.execute(select(func.count()).select_from(SourceRecord)).scalar() == 0


def test_data_docs_are_built_from_stored_results(populated, tmp_path: Path) -> None:
    result = run("validate", "--docs", str(tmp_path / "docs"))
    assert result.exit_code == 0, result.output
    pages = list((tmp_path / "docs" / "validations").rglob("*.html"))
    assert len(pages) == 1 and "civil.volunteers" in pages[0].name
    text = pages[0].read_text()
    assert "CN.IDCARD.CHECKSUM" in text and "run-1" in text
    assert BAD_ID not in text and "13700001111" not in text
    assert (tmp_path / "docs" / "index.html").exists()


def test_the_cli_and_wushe_start_without_great_expectations_or_pandas() -> None:
    code = "import sys, wushe, wushe.cli.main, wushe.validation.identifiers; " \
           "print(sorted(m for m in ('great_expectations', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
