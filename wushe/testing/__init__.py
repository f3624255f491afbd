"""The connector conformance kit: one pytest class any connector must pass.

In the connector package's tests::

    # conftest.py
    import pytest
    from wushe.testing import ConnectorCase

    @pytest.fixture
    def connector_case(tmp_path):
        source = make_test_source(tmp_path)          # your sandbox: a folder, a database, a server
        return ConnectorCase(
            connector=MyConnector,
            config={"folder": str(tmp_path)},         # as in the partners file
            bad_config={"folder": str(tmp_path / "missing")},
            add_records=source.add_records,           # (stream, count): rows changed after all others
            add_malformed=source.add_malformed,       # (stream): one row that cannot be mapped
        )

    # test_conformance.py
    from wushe.testing import ConnectorConformance

    class TestConformance(ConnectorConformance):
        pass

The pytest plugin (``wushe.testing.plugin``, registered through the ``pytest11`` entry point) gives
a ``connector_case`` fixture that fails with these instructions until the package defines its own.
"""

from wushe.testing.case import ConnectorCase, future_state, read_all
from wushe.testing.suite import ConnectorConformance

__all__ = ["ConnectorCase", "ConnectorConformance", "future_state", "read_all"]
