"""The partners file: env references for secrets, and one clear error naming file, partner and field."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr

from wushe import hookimpl
from wushe.config import expand_env, load_partners
from wushe.connector import CheckResult, Connector, Stream
from wushe.errors import ConfigError
from wushe.plugins import create_plugin_manager


class FundConfig(BaseModel):
    base_url: str
    token: SecretStr
    page_size: int = 100


class FundConnector(Connector):
    name = "test_fund"
    Config = FundConfig

    def check(self, config):
        return CheckResult(True, "ok")

    def streams(self, config):
        return [Stream("needs", "need")]

    def read(self, config, stream, state):
        return iter(())


class _Plugin:
    @hookimpl
    def wushe_connectors(self):
        return [FundConnector]


@pytest.fixture
def pm():
    manager = create_plugin_manager()
    manager.register(_Plugin(), name="test_fund_plugin")
    return manager


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "partners.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
settings:
  concurrency: 2
partners:
  yuanling_fund:
    connector: test_fund
    title: 园岭社区基金会
    config:
      base_url: http://127.0.0.1:8701
      token: ${FUND_TOKEN}
      page_size: ${FUND_PAGE_SIZE:-50}
"""


def test_a_valid_file_is_loaded_with_secrets_from_the_environment(tmp_path, pm, monkeypatch) -> None:
    monkeypatch.setenv("FUND_TOKEN", "s3cr3t-token-value")
    partners = load_partners(write(tmp_path, GOOD), pm=pm)
    fund = partners.get("yuanling_fund")
    assert fund.title == "园岭社区基金会"
    assert fund.config.token.get_secret_value() == "s3cr3t-token-value"
    assert fund.config.page_size == 50
    assert "s3cr3t" not in repr(fund.config)
    assert partners.settings.concurrency == 2
    assert isinstance(fund.connector(), FundConnector)


def test_a_missing_secret_names_file_partner_and_field(tmp_path, pm) -> None:
    path = write(tmp_path, GOOD)
    with pytest.raises(ConfigError) as err:
        load_partners(path, pm=pm)
    assert str(err.value) == (
        f"{path}: partner 'yuanling_fund': field config.token: environment variable FUND_TOKEN is not set"
    )


def test_a_connector_config_error_names_the_field(tmp_path, pm, monkeypatch) -> None:
    monkeypatch.setenv("FUND_TOKEN", "x")
    path = write(tmp_path, GOOD.replace("page_size: ${FUND_PAGE_SIZE:-50}", "page_size: many"))
    with pytest.raises(ConfigError, match=r"partner 'yuanling_fund': connector 'test_fund': field config.page_size"):
        load_partners(path, pm=pm)


def test_an_unknown_connector_lists_the_available_ones(tmp_path, pm) -> None:
    path = write(tmp_path, "partners:\n  shops:\n    connector: nosuch\n")
    with pytest.raises(ConfigError, match=r"partner 'shops': field connector: no connector named 'nosuch'.*test_fund"):
        load_partners(path, pm=pm)


def test_an_unknown_setting_is_rejected(tmp_path, pm) -> None:
    path = write(tmp_path, "partners:\n  shops:\n    connector: test_fund\n    schedule: daily\n")
    with pytest.raises(ConfigError, match=r"partner 'shops': field schedule: Extra inputs are not permitted"):
        load_partners(path, pm=pm)


def test_bad_partner_names_are_rejected(tmp_path, pm) -> None:
    path = write(tmp_path, "partners:\n  Shops-1:\n    connector: test_fund\n")
    with pytest.raises(ConfigError, match="lowercase letters"):
        load_partners(path, pm=pm, resolve_connectors=False)


def test_broken_yaml_gives_the_line(tmp_path) -> None:
    path = write(tmp_path, "partners:\n  shops: [\n")
    with pytest.raises(ConfigError, match=r"not valid YAML at line \d"):
        load_partners(path)


def test_a_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="the partners file does not exist"):
        load_partners(tmp_path / "nope.yaml")


def test_select_returns_enabled_partners_or_named_ones(tmp_path, pm, monkeypatch) -> None:
    monkeypatch.setenv("FUND_TOKEN", "x")
    text = GOOD + "  old_fund:\n    connector: test_fund\n    enabled: false\n    config: {base_url: x, token: y}\n"
    partners = load_partners(write(tmp_path, text), pm=pm)
    assert [p.name for p in partners.select(None)] == ["yuanling_fund"]
    assert [p.name for p in partners.select(["old_fund"])] == ["old_fund"]
    with pytest.raises(ConfigError, match="no partner named 'ghost'"):
        partners.select(["ghost"])


@given(st.text(alphabet=st.characters(blacklist_characters="$"), max_size=40))
def test_text_without_references_passes_through_unchanged(text: str) -> None:
    assert expand_env({"a": [text]}, "", "f", environ={}) == {"a": [text]}


@given(st.from_regex(r"[A-Z_][A-Z0-9_]{0,10}", fullmatch=True), st.text(alphabet="abc123/:.", max_size=20))
def test_references_are_replaced_by_the_variable(name: str, value: str) -> None:
    assert expand_env(f"pre-${{{name}}}-post", "x", "f", environ={name: value}) == f"pre-{value}-post"


def test_the_files_batch_size_reaches_connectors_that_read_in_batches(tmp_path) -> None:
    text = """
settings:
  batch_size: 20000
partners:
  shops:
    connector: csv
    config: {folder: shops, streams: {list: {pattern: "*.csv", kind: organization, id: 编号, mapping: {name: 名称}}}}
  estates:
    connector: csv
    config: {folder: estates, batch_size: 700, streams: {list: {pattern: "*.csv", kind: organization, id: 编号, mapping: {name: 名称}}}}
"""
    partners = load_partners(write(tmp_path, text))
    assert partners.get("shops").config.batch_size == 20000
    assert partners.get("estates").config.batch_size == 700  # the partner's own wins


def test_a_partner_reads_as_many_streams_at_once_as_its_connector_allows_unless_the_file_says(
        tmp_path, pm, monkeypatch) -> None:
    monkeypatch.setenv("FUND_TOKEN", "x")
    monkeypatch.setattr(FundConnector, "parallel_streams", 1)  # an API whose rate limit its streams share
    text = GOOD + "  other_fund:\n    connector: test_fund\n    parallel_streams: 3\n    config: {base_url: x, token: y}\n"
    partners = load_partners(write(tmp_path, text), pm=pm)
    assert partners.get("yuanling_fund").parallel_streams() == 1
    assert partners.get("other_fund").parallel_streams() == 3
    monkeypatch.setattr(FundConnector, "parallel_streams", None)
    assert partners.get("yuanling_fund").parallel_streams() is None  # no limit
    with pytest.raises(ConfigError, match=r"partner 'yuanling_fund': field parallel_streams"):
        load_partners(write(tmp_path, GOOD.replace("    title:", "    parallel_streams: 0\n    title:")), pm=pm)
