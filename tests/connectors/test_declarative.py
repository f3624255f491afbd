"""Declarative connectors configured from a partners file, and how they fail."""

from __future__ import annotations

import textwrap

import openpyxl
import pytest

from wushe.config import load_partners
from wushe.contract import record_model
from wushe.errors import ConfigError, ConnectorError
from wushe.testing.http_server import json_response

LEDGER = textwrap.dedent("""\
    partners:
      yuanling_property:
        connector: xlsx
        title: 园岭物业
        config:
          folder: {folder}
          streams:
            organizations:
              pattern: "物业台账*.xlsx"
              kind: organization
              id: 统一社会信用代码
              mapping:
                name: 名称
                credit_code: 统一社会信用代码
                phones: {{column: 联系电话, split: "[,，、;；/ ]+"}}
                address: 地址
                division_code: {{column: 所属社区, type: division, within: "440304"}}
                org_type: {{const: property_management}}
                society: {{const: community}}
    """)


def test_property_ledger_becomes_organisations_with_no_code(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    for row in (["园岭街道物业台账"], ["名称", "统一社会信用代码", "联系电话", "地址", "所属社区"],
                ["园岭物业管理有限公司", "91440300MA5F000011", "0755-82000001，13800138000", "百花二路1号", "园东社区"],
                ["无代码物业", None, "0755-1", "百花三路", "园东社区"]):
        sheet.append(row)
    book.save(tmp_path / "物业台账_202611.xlsx")
    (tmp_path / "partners.yaml").write_text(LEDGER.format(folder=tmp_path), encoding="utf-8")
    partner = load_partners(tmp_path / "partners.yaml").get("yuanling_property")
    connector = partner.connector()
    assert connector.check(partner.config).ok
    [stream] = connector.streams(partner.config)
    assert stream.full_export and stream.kind == "organization"
    [batch] = list(connector.read(partner.config, stream, None))
    [record] = batch.records
    record_model("organization").model_validate(record)
    assert record["payload"] == {
        "name": "园岭物业管理有限公司", "credit_code": "91440300MA5F000011", "phones": ["0755-82000001", "13800138000"],
        "address": "百花二路1号", "division_code": "440304002001", "org_type": "property_management", "society": "community",
    }
    [bad] = batch.unreadable
    assert bad.reason == "物业台账_202611.xlsx[台账] row 4: 统一社会信用代码 (the record id) is empty"
    assert bad.raw["名称"] == "无代码物业"


def test_a_mapping_mistake_in_the_partners_file_names_file_partner_and_field(tmp_path):
    text = LEDGER.format(folder=tmp_path).replace("name: 名称", "nmae: 名称")
    (tmp_path / "partners.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_partners(tmp_path / "partners.yaml")
    message = str(caught.value)
    assert "partners.yaml" in message and "yuanling_property" in message and "streams.organizations.mapping" in message
    assert "no field 'nmae'" in message


def rest_partner(server, records, **stream):
    from wushe_declarative import RestConnector

    server.route("/api/orgs", lambda r: json_response({"data": records if r.query.get("page") == "1" else []}))
    connector = RestConnector("bl_merchants")
    config = connector.parse_config({
        "base_url": server.url, "pagination": {"type": "page", "size": 50}, "backoff_seconds": 0.01,
        "streams": {"orgs": {"kind": "organization", "id": "id", "updated_at": "updated", "path": "api/orgs",
                             "records_path": "data", "mapping": {"name": "name", "address": "addr"}, **stream}},
    }, partner="bl_merchants")
    return connector, config, connector.streams(config)[0]


def test_rest_schema_drift_is_an_error_naming_partner_stream_url_and_field(loopback_server):
    records = [{"id": i, "title": f"商家{i}", "updated": "2026-11-01T10:00:00"} for i in range(3)]
    connector, config, stream = rest_partner(loopback_server, records)
    with pytest.raises(ConnectorError) as caught:
        list(connector.read(config, stream, None))
    message = str(caught.value)
    assert message.startswith("partner bl_merchants, stream orgs, at http://127.0.0.1")
    assert "no field 'name', which the mapping needs (fields present: id, title, updated)" in message


def test_rest_rows_missing_a_field_or_not_objects_are_unreadable(loopback_server):
    records = [{"id": 1, "name": "甲", "updated": "2026-11-01T10:00:00"}, {"id": 2, "updated": "2026-11-01T10:00:00"},
               "not an object", {"id": 3, "name": "丙", "updated": "yesterday"}]
    connector, config, stream = rest_partner(loopback_server, records)
    batches = list(connector.read(config, stream, None))
    assert [r["source_id"] for b in batches for r in b.records] == ["1"]
    reasons = [u.reason for b in batches for u in b.unreadable]
    assert len(reasons) == 3
    assert "name is empty, and name is required" in reasons[0]
    assert "expected a JSON object, got a str" in reasons[1]
    assert "updated: 'yesterday' does not match the date format ISO 8601" in reasons[2]


def test_a_failure_mid_read_raises_after_the_good_batches_never_a_silent_end(loopback_server):
    from wushe_declarative import RestConnector

    pages = {"1": json_response({"data": [{"id": i, "name": "x", "updated": f"2026-11-01T10:00:{i:02d}"} for i in range(2)]})}
    loopback_server.route("/api/orgs", lambda r: pages.get(r.query["page"]) or json_response({"error": "boom"}, 500))
    connector = RestConnector("bl_merchants")
    config = connector.parse_config({
        "base_url": loopback_server.url, "pagination": {"type": "page", "size": 2}, "retries": 1, "backoff_seconds": 0.01,
        "batch_size": 2, "streams": {"orgs": {"kind": "organization", "id": "id", "updated_at": "updated",
                                             "path": "api/orgs", "records_path": "data", "mapping": {"name": "name"}}},
    }, partner="bl_merchants")
    seen = []
    with pytest.raises(ConnectorError, match="stream orgs.*page=2.*HTTP 500"):
        for batch in connector.read(config, connector.streams(config)[0], None):
            seen.append(batch)
    assert [r["source_id"] for b in seen for r in b.records] == ["0", "1"]
    assert seen[-1].state["ids"] == ["1"]  # resuming from here re-reads nothing and misses nothing


def test_crosswalk_words_come_from_plugins_for_that_partner(tmp_path, monkeypatch):
    from wushe import hookimpl, plugins
    from wushe_declarative import CsvConnector

    class FundWords:
        @hookimpl
        def wushe_taxonomy_crosswalk(self, partner):
            return {"resource_categories": {"剪头发": ["daily.haircut"]}} if partner == "bl_fund" else None

    pm = plugins.create_plugin_manager()
    pm.register(FundWords(), name="fund_words")
    monkeypatch.setattr(plugins, "plugin_manager", lambda: pm)
    assert plugins.crosswalks("bl_fund") == {"resource_categories": {"剪头发": ["daily.haircut"]}}
    assert plugins.crosswalks("someone_else") == {}
    (tmp_path / "services.csv").write_text("编号,名称,类别\nS1,义剪,剪头发、义诊\n", encoding="utf-8")
    stream = {"pattern": "*.csv", "kind": "resource", "id": "编号",
              "mapping": {"name": "名称", "resource_type": {"const": "SERVICE"},
                          "categories": {"column": "类别", "split": "、", "crosswalk": "resource_categories"}}}
    for partner, expected in (("bl_fund", ["daily.haircut", "health.free_clinic"]), ("other", ["剪头发", "health.free_clinic"])):
        connector = CsvConnector(partner)
        config = connector.parse_config({"folder": str(tmp_path), "streams": {"services": stream}}, partner=partner)
        [batch] = list(connector.read(config, connector.streams(config)[0], None))
        assert batch.records[0]["payload"]["categories"] == expected
