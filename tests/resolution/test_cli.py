"""The staff and steward commands: review, show, export."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.resolution import cases
from tests.resolution.helpers import full, golden_of, write
from wushe.cli.main import app
from wushe.contract import make_record
from wushe.registry.db import make_engine
from wushe.registry.migrate import upgrade


@pytest.fixture
def filled(sqlite_url, monkeypatch):
    monkeypatch.setenv("WUSHE_DATABASE_URL", sqlite_url)
    engine = make_engine(sqlite_url)
    upgrade(engine)
    write(engine, cases.records("organization", cases.ORGANIZATIONS) + cases.records("volunteer", cases.VOLUNTEERS))
    write(engine, [make_record("civil", "volunteer", "x", cases.AT, {"name": "欧阳娜娜", "division_code": "440304002001"}),
                   make_record("fund", "volunteer", "y", cases.AT, {"name": "欧阳娜娜", "division_code": "440304"})])
    full(engine)
    yield engine
    engine.dispose()


def test_review_list_and_accept(filled) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["review", "list", "--kind", "volunteer", "--json"])
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.output)
    item = next(i for i in items if i["left_key"] == "civil/volunteer/x")
    accepted = runner.invoke(app, ["review", "accept", str(item["id"]), "--by", "李社工"])
    assert accepted.exit_code == 0, accepted.output
    ids = golden_of(filled, "volunteer")
    assert ids["civil/volunteer/x"] == ids["fund/volunteer/y"]
    again = runner.invoke(app, ["review", "reject", str(item["id"])])
    assert again.exit_code != 0 and "already decided" in str(again.exception)


def test_show_prints_provenance_and_masks_personal_data(filled) -> None:
    runner = CliRunner()
    org = golden_of(filled, "organization")["fund/organization/f1"]
    shown = runner.invoke(app, ["show", org, "--json"])
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.output)
    assert {s["partner"] for s in detail["sources"]} == {"fund", "merchants", "property"}
    assert all(f["partner"] and f["rule"] for f in detail["fields"])
    person = golden_of(filled, "volunteer")["civil/volunteer/v1"]
    masked = json.loads(runner.invoke(app, ["show", person, "--json"]).output)
    phone = next(f for f in masked["fields"] if f["field"] == "phone")
    assert phone["value"] == "138****8000" and masked["name"] == "张*"
    assert runner.invoke(app, ["show", "org-nope"]).exit_code != 0


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_carries_ids_and_sources(filled, fmt, tmp_path) -> None:
    out = tmp_path / f"orgs.{fmt}"
    result = CliRunner().invoke(app, ["export", "--kind", "organization", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8-sig")
    if fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines()]
        assert len(rows) == len(set(golden_of(filled, "organization").values()))
        branch = next(r for r in rows if {"partner": "merchants", "source_id": "m1"} in r["sources"])
        assert branch["id"].startswith("org-") and len(branch["sources"]) == 3
    else:
        header = text.splitlines()[0]
        assert header.startswith("编号,名称") and "来源" in header
