"""The wushe conformance kit, run against this plugin's connector."""

from wushe.testing import ConnectorConformance


class TestConformance(ConnectorConformance):
    pass
