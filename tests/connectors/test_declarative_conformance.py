"""Every declarative connector passes the conformance kit, on real sources."""

from wushe.testing import ConnectorConformance


class TestDeclarativeConnectors(ConnectorConformance):
    pass
