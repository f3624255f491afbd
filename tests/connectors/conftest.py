from __future__ import annotations

import pytest

from tests.connectors.sandboxes import REST_MAPPING, RestSandbox, SqlSandbox, TableSource, org_stream, res_stream
from wushe.testing import ConnectorCase
from wushe_declarative import CsvConnector, RestConnector, SqlConnector, XlsxConnector

TOKEN = "tok-9d7c1e55-conformance"


SQL_URLS = {"sql": None, "sql-mariadb": "mariadb_url", "sql-postgresql": "postgres_url"}


@pytest.fixture(params=[
    "csv", "xlsx", "sql", "rest",
    pytest.param("sql-mariadb", marks=pytest.mark.mariadb), pytest.param("sql-postgresql", marks=pytest.mark.postgres),
])
def connector_case(request, tmp_path):
    kind = request.param
    if kind in ("csv", "xlsx"):
        source = TableSource(tmp_path / "drop", f".{kind}")
        streams = {"organizations": org_stream(pattern=f"物业台账*.{kind}"), "resources": res_stream(pattern=f"资源清单*.{kind}")}
        return ConnectorCase(
            connector=CsvConnector if kind == "csv" else XlsxConnector,
            config={"folder": str(source.folder), "batch_size": 2, "streams": streams},
            bad_config={"folder": str(tmp_path / "nowhere"), "streams": streams},
            add_records=source.add_records, add_malformed=source.add_malformed,
        )
    if kind.startswith("sql"):
        server = SQL_URLS[kind]
        sandbox = SqlSandbox(request.getfixturevalue(server) if server else f"sqlite:///{tmp_path / 'partner.db'}")
        streams = {"resources": res_stream(table="resources")}
        return ConnectorCase(
            connector=SqlConnector,
            config={"url": sandbox.url, "batch_size": 2, "streams": streams},
            bad_config={"url": sandbox.url, "streams": {"resources": res_stream(table="missing_table")}},
            add_records=sandbox.add_records, add_malformed=sandbox.add_malformed,
        )
    server = request.getfixturevalue("loopback_server")
    sandbox = RestSandbox(server, TOKEN)
    stream = {"kind": "resource", "id": "id", "updated_at": "updated_at", "path": "api/resources", "records_path": "data",
              "since_param": "updated_since", "mapping": REST_MAPPING}
    config = {"base_url": server.url, "auth": {"type": "bearer", "token": TOKEN}, "batch_size": 2,
              "pagination": {"type": "page", "size": 3}, "streams": {"resources": stream}, "backoff_seconds": 0.01}
    return ConnectorCase(
        connector=RestConnector, config=config,
        bad_config=config | {"auth": {"type": "bearer", "token": "wrong-token"}},
        add_records=sandbox.add_records, add_malformed=sandbox.add_malformed,
    )


# -- the four partner connectors, against the sandbox ----------------------------------------------------

PARTNER_SEED, PARTNER_ENTITIES = 20261124, 400


@pytest.fixture(scope="session")
def partner_worlds(tmp_path_factory):
    """Generated sandbox folders (read-only: copy before changing): ``clean`` (night 0, no invalid
    rows, for the kit), ``night0`` and ``night1`` (with invalid rows; night 1 generated over a copy
    of night 0, so the drop folder keeps the earlier day's files)."""
    import shutil

    from wushe.sandbox import generate

    root = tmp_path_factory.mktemp("partners")
    generate(root / "clean", PARTNER_SEED, PARTNER_ENTITIES, 0, invalid_share=0.0, processes=1)
    generate(root / "night0", PARTNER_SEED, PARTNER_ENTITIES, 0, processes=1)
    shutil.copytree(root / "night0", root / "night1")
    generate(root / "night1", PARTNER_SEED, PARTNER_ENTITIES, 1, processes=1)
    return {name: root / name for name in ("clean", "night0", "night1")}


@pytest.fixture
def partner_sandbox(partner_worlds, tmp_path):
    """Serve a private copy of a generated folder: ``partner_sandbox("night0")``; stopped after the test."""
    import shutil

    from wushe.sandbox import Sandbox

    started = []

    def serve(name: str = "clean", **options):
        folder = shutil.copytree(partner_worlds[name], tmp_path / f"{name}-{len(started)}")
        sandbox = Sandbox(folder, fund_port=0, merchants_port=0, **({"rate": 1000, "burst": 1000} | options)).start()
        started.append(sandbox)
        return sandbox

    yield serve
    for sandbox in started:
        sandbox.stop()
