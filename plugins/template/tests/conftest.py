"""The conformance kit's fixture: the connector, a good and a bad config, and a test source."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest

from wushe.testing import ConnectorCase
from wushe_plugin_example.connector import SAMPLE_FOLDER, ExampleConnector


@pytest.fixture
def connector_case(tmp_path):
    folder = tmp_path / "drop"
    shutil.copytree(SAMPLE_FOLDER, folder)
    export = folder / "services.csv"
    added = []

    def add_records(stream: str, count: int) -> None:
        with open(export, "a", encoding="utf-8") as fh:
            for _ in range(count):
                added.append(len(added))
                stamp = (datetime(2026, 12, 1) + timedelta(minutes=len(added))).strftime("%Y-%m-%d %H:%M:%S")
                fh.write(f"N{len(added):03d},新服务{len(added)},上门服务,义剪,新单位,5,0755-1,{stamp}\n")

    def add_malformed(stream: str) -> None:
        with open(export, "a", encoding="utf-8") as fh:
            fh.write("BAD1,坏数据,上门服务,义剪,某单位,5,0755-1,不是时间\n")

    return ConnectorCase(
        connector=ExampleConnector,
        config={"folder": str(folder), "batch_size": 2},
        bad_config={"folder": str(tmp_path / "missing")},
        invalid_config={"batch_size": 0},
        add_records=add_records,
        add_malformed=add_malformed,
    )
