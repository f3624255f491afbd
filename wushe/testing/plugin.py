"""The pytest plugin of the conformance kit, loaded through the ``pytest11`` entry point.

It stays light (pytest loads it in every project where wushe is installed): it declares the
``connector_case`` fixture a connector package overrides, and the ``conformance`` marker.
"""

from __future__ import annotations

import pytest

INSTRUCTIONS = (
    "define a `connector_case` fixture returning wushe.testing.ConnectorCase(connector=..., config=..., "
    "bad_config=..., add_records=..., add_malformed=...) in your conftest.py; see the wushe.testing docstring "
    "or docs/connectors.md"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: a wushe connector conformance check")


@pytest.fixture
def connector_case():  # pragma: no cover - replaced by the connector package's own fixture
    """The connector under test; a connector package overrides this fixture."""
    pytest.fail(f"the wushe conformance kit needs your connector: {INSTRUCTIONS}", pytrace=False)


@pytest.fixture
def loopback_server():
    """A real HTTP server on 127.0.0.1 whose routes the test sets (see wushe.testing.http_server)."""
    from wushe.testing.http_server import LoopbackServer

    with LoopbackServer() as server:
        yield server
