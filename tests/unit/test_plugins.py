"""The plugin system: entry-point discovery, the allow-list, tracing and the hook documentation."""

import inspect
import logging
import re
from pathlib import Path

import pluggy
import pytest

from wushe import hookimpl, hookspecs
from wushe.errors import PluginError
from wushe.plugins import connectors, create_plugin_manager, exporters, plugin_infos

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HOOKS = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("wushe_")]


def test_hooks_follow_the_naming_convention() -> None:
    assert set(HOOKS) >= {"wushe_connectors", "wushe_expectations", "wushe_taxonomy_crosswalk",
                          "wushe_exporters", "wushe_sync_finished"}


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_exact_signature_and_an_example(hook: str) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    fn = getattr(hookspecs, hook)
    signature = f"{hook}{inspect.signature(fn)}".replace("'", "")
    heading = re.search(rf"^### `{re.escape(hook)}\((.*?)\)(?: -> (.*?))?`$", docs, re.M)
    assert heading, f"docs/plugins.md has no '### `{hook}(...)`' section"
    assert f"### `{signature}`" in docs, f"documented signature differs from the hookspec: {signature}"
    section = docs[heading.end():].split("\n### ", 1)[0]
    assert "```python" in section and f"def {hook}(" in section, f"{hook} has no example"
    assert fn.__doc__, f"{hook} has no docstring"


def test_builtin_plugins_register_through_entry_points() -> None:
    infos = {info.name: info for info in plugin_infos(create_plugin_manager())}
    assert infos["exporters"].distribution == "wushe-exporters"
    assert infos["exporters"].hooks == ("wushe_exporters",)
    assert infos["exporters"].kinds == ("exporter",)
    assert {"csv", "jsonl"} <= set(exporters(create_plugin_manager()))


def test_allow_list_excludes_plugins() -> None:
    pm = create_plugin_manager(allow=set())  # an empty allow-list loads nothing
    assert plugin_infos(pm) == []
    assert exporters(pm) == {}


def test_allow_list_naming_a_missing_plugin_is_an_error() -> None:
    with pytest.raises(PluginError, match="WUSHE_PLUGINS names nosuch, which is not installed"):
        create_plugin_manager(allow={"nosuch"})


def test_tracing_logs_hook_calls(caplog: pytest.LogCaptureFixture) -> None:
    pm = create_plugin_manager(trace=True)
    with caplog.at_level(logging.INFO, logger="wushe.plugins"):
        pm.hook.wushe_exporters()
    assert any("wushe_exporters" in r.getMessage() for r in caplog.records)


class _Dup:
    name = "csv"


def test_two_plugins_providing_the_same_name_is_an_error() -> None:
    pm = create_plugin_manager()

    class Extra:
        @hookimpl
        def wushe_exporters(self):
            return [_Dup()]

    pm.register(Extra(), name="extra")
    with pytest.raises(PluginError, match="two plugins provide an exporter named 'csv'"):
        exporters(pm)


def test_a_plugin_breaking_the_hook_contract_is_rejected() -> None:
    pm = create_plugin_manager()

    class Bad:
        @hookimpl
        def wushe_connectors(self, unexpected):
            return []

    with pytest.raises(pluggy.PluginValidationError):
        pm.register(Bad(), name="bad")


def test_connectors_is_empty_without_connector_plugins() -> None:
    assert isinstance(connectors(create_plugin_manager(allow={"exporters"})), dict)
