"""The four partner connectors pass the conformance kit against a served sandbox world: the REST
simulators on loopback, the drop folder and the database (SQLite, and MariaDB)."""

from __future__ import annotations

import pytest
from wushe_charity_fund import CharityFundConnector
from wushe_civil_affairs import CivilAffairsConnector
from wushe_merchants import MerchantsConnector
from wushe_property_files import PropertyFilesConnector

from tests.connectors.partner_configs import partner_config
from tests.connectors.partner_sources import CivilSource, PropertySource, RestSource
from wushe.sandbox.up import sqlite_readonly_url
from wushe.testing import ConnectorCase, ConnectorConformance

CONNECTORS = {"charity_fund": CharityFundConnector, "merchants": MerchantsConnector,
              "property_files": PropertyFilesConnector, "civil_affairs": CivilAffairsConnector}


@pytest.fixture(params=["charity_fund", "merchants", "property_files", "civil_affairs",
                        pytest.param("civil_affairs-mariadb", marks=pytest.mark.mariadb)])
def connector_case(request, partner_sandbox, tmp_path):
    partner, _, server = request.param.partition("-")
    if server:
        url = request.getfixturevalue("mariadb_url")
        sandbox = partner_sandbox("clean", civil_url=url)
    else:
        sandbox = partner_sandbox("clean")
    config = partner_config(sandbox, partner, batch_size=20 if partner != "property_files" else 2)
    if partner == "charity_fund":
        source, bad = RestSource(sandbox, partner), config | {"token": "not-the-token"}
        config["page_size"] = 8
    elif partner == "merchants":
        source, bad = RestSource(sandbox, partner), config | {"base_url": "http://127.0.0.1:9/open", "retries": 0}
        config["page_size"] = 8
    elif partner == "property_files":
        source, bad = PropertySource(sandbox), config | {"folder": str(tmp_path / "nowhere")}
    else:
        source = CivilSource(url if server else f"sqlite:///{sandbox.civil_sqlite}")
        bad = config | {"url": sqlite_readonly_url(tmp_path / "gone.sqlite")}
    return ConnectorCase(connector=CONNECTORS[partner], config=config, bad_config=bad, partner=partner,
                         add_records=source.add_records, add_malformed=source.add_malformed)


class TestPartnerConnectors(ConnectorConformance):
    pass
