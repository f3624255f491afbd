"""Faults of the drop folder and the database, the partners file, MariaDB, and `up` as a process."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
import requests

pytestmark = pytest.mark.slow


def _todays(sb, suffix: str):
    return sorted(p for p in sb.drop_folder.glob(f"*20260101{suffix}"))


def test_file_fault_encoding_error_stops_a_gb18030_reader(sandbox):
    sandbox.set_fault("property_files", encoding=True)
    broken = [p for p in _todays(sandbox, ".csv") if "楼栋" not in p.name]
    for path in broken:
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("gb18030")


def test_file_fault_empty_export_keeps_only_headers(sandbox):
    sandbox.set_fault("property_files", empty=True)
    for path in _todays(sandbox, ".csv"):
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"))))
        assert len(rows) == 1 and rows[0]
    from openpyxl import load_workbook

    wb = load_workbook(_todays(sandbox, ".xlsx")[0], read_only=True)
    assert all(len(list(ws.iter_rows(values_only=True))) == 1 for ws in wb.worksheets)
    wb.close()


def test_file_fault_schema_drift_renames_a_header_and_adds_a_column(sandbox):
    sandbox.set_fault("property_files", drift=True)
    venues = next(p for p in _todays(sandbox, ".csv") if "场地" in p.name)
    with venues.open(encoding="gb18030", newline="") as fh:
        header = next(csv.reader(fh))
    assert "场地名" in header and "场地名称" not in header and header[-1] == "管理处"
    from openpyxl import load_workbook

    wb = load_workbook(_todays(sandbox, ".xlsx")[0], read_only=True)
    header = next(wb["场地"].iter_rows(values_only=True))
    assert "场地名" in header and header[-1] == "管理处"
    wb.close()


def test_file_fault_down_means_no_files_today(sandbox):
    assert _todays(sandbox, ".csv")
    sandbox.set_fault("property_files", down=True)
    assert _todays(sandbox, ".csv") == [] and _todays(sandbox, ".xlsx") == []


def test_database_faults(sandbox):
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import OperationalError

    from wushe.sandbox.up import sqlite_readonly_url

    url = sqlite_readonly_url(sandbox.civil_sqlite)
    sandbox.set_fault("civil_affairs", drift=True)
    engine = create_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("t_shzz")}
    assert "org_name" in columns and "zzmc" not in columns and "sjly" in columns
    with engine.connect() as conn, pytest.raises(OperationalError):
        conn.execute(text("SELECT zzmc FROM t_shzz"))
    engine.dispose()
    sandbox.set_fault("civil_affairs", empty=True)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t_zyz")).scalar() == 0
    engine.dispose()
    sandbox.set_fault("civil_affairs", down=True)
    engine = create_engine(url)
    with pytest.raises(OperationalError):
        engine.connect()
    engine.dispose()


def test_partners_file_connects_to_the_sandbox(sandbox, monkeypatch):
    from wushe.config import load_partners

    text_ = sandbox.partners_file.read_text(encoding="utf-8")
    assert "${WUSHE_SANDBOX_FUND_TOKEN:-sandbox-fund-token}" in text_
    partners = load_partners(sandbox.partners_file, resolve_connectors=False)
    assert [p.name for p in partners] == ["charity_fund", "property_files", "merchants", "civil_affairs"]
    fund = partners.get("charity_fund")
    assert fund.spec.connector == "charity_fund"
    response = requests.get(f"{fund.config['base_url']}/funds", headers={"Authorization": f"Bearer {fund.config['token']}"},
                            timeout=10)
    assert response.status_code == 200
    monkeypatch.setenv("WUSHE_SANDBOX_FUND_TOKEN", "another")
    assert load_partners(sandbox.partners_file, resolve_connectors=False).get("charity_fund").config["token"] == "another"


@pytest.mark.mariadb
def test_civil_affairs_served_from_mariadb(folder, mariadb_server):
    from sqlalchemy import create_engine, text

    from wushe.sandbox import Sandbox

    name = f"wushe_sandbox_{uuid.uuid4().hex[:10]}"
    admin = create_engine(mariadb_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    url = mariadb_server.rsplit("/", 1)[0] + f"/{name}?charset=utf8mb4"
    try:
        with Sandbox(folder, fund_port=0, merchants_port=0, civil_url=url).start() as sb:
            assert "WUSHE_SANDBOX_CIVIL_URL" in sb.partners_file.read_text(encoding="utf-8")
            engine = create_engine(url)
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT xm, sfzh FROM t_zyz ORDER BY id LIMIT 5")).all()
                assert rows and all(len(r.sfzh) in (15, 18) for r in rows)
                comment = conn.execute(text(
                    "SELECT column_comment FROM information_schema.columns "
                    "WHERE table_schema = DATABASE() AND table_name = 't_zyz' AND column_name = 'sfzh'")).scalar()
                assert comment == "身份证号"
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM t_fwxq")).scalar() == _sqlite_needs(folder)
            engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def _sqlite_needs(folder) -> int:
    import sqlite3

    with sqlite3.connect(folder / "civil_affairs" / "civil_affairs.sqlite") as db:
        return db.execute("SELECT count(*) FROM t_fwxq").fetchone()[0]


def test_up_as_a_subprocess_with_faults_over_the_control_port(folder):
    from wushe.sandbox import SandboxProcess

    with SandboxProcess(folder).start() as sb:
        url = f"{sb.url('merchants')}/shops"
        assert requests.get(url, timeout=10).status_code == 200
        sb.set_fault("merchants", errors=1)
        assert requests.get(url, timeout=10).status_code == 500
        sb.set_fault("merchants", down=True)
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(url, timeout=5)
        sb.clear_faults()
        assert requests.get(url, timeout=10).status_code == 200
        assert sb.partners_file.exists()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url, timeout=5)


def test_up_refuses_a_folder_that_was_never_generated(tmp_path):
    from wushe.errors import WusheError
    from wushe.sandbox import Sandbox

    with pytest.raises(WusheError, match="manifest.json"):
        Sandbox(tmp_path)


def test_fault_switches_are_parsed_strictly():
    from wushe.errors import WusheError
    from wushe.sandbox.faults import parse_fault

    assert parse_fault("merchants:errors=5") == ("merchants", "errors", 5)
    assert parse_fault("charity_fund:slow=2.5") == ("charity_fund", "slow", 2.5)
    assert parse_fault("property_files:encoding") == ("property_files", "encoding", True)
    for bad in ("merchants", "nobody:down", "civil_affairs:truncate", "merchants:explode"):
        with pytest.raises(WusheError):
            parse_fault(bad)



@pytest.mark.postgres
def test_civil_affairs_served_from_postgresql(folder, postgres_url):
    from sqlalchemy import create_engine, text

    from wushe.sandbox import Sandbox

    with Sandbox(folder, fund_port=0, merchants_port=0, civil_url=postgres_url).start():
        engine = create_engine(postgres_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t_fwxq")).scalar() == _sqlite_needs(folder)
            latest = conn.execute(text("SELECT max(update_time) FROM t_zyz")).scalar()
            assert latest.startswith("20")
        engine.dispose()
