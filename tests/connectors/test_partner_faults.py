"""Partner faults end in a clear ConnectorError or in Unreadable rows — never a hang, never a
green read with data missing — and no error or log line carries a credential."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from tests.connectors.partner_configs import partner_config
from wushe.connector import Batch
from wushe.errors import ConnectorError
from wushe.plugins import connectors
from wushe.sandbox import Sandbox

STREAM = {"charity_fund": "funds", "merchants": "services", "property_files": "venues", "civil_affairs": "t_shzz"}


def read(sandbox: Sandbox, partner: str, stream: str | None = None, state: dict | None = None, **extra: Any) -> list[Batch]:
    connector = connectors()[partner](partner)
    config = connector.parse_config(partner_config(sandbox, partner, **extra), partner=partner)
    target = next(s for s in connector.streams(config) if s.name == (stream or STREAM[partner]))
    return list(connector.read(config, target, state))


def read_error(sandbox: Sandbox, partner: str, stream: str | None = None, **extra: Any) -> ConnectorError:
    started = time.monotonic()
    with pytest.raises(ConnectorError) as caught:
        read(sandbox, partner, stream, **extra)
    assert time.monotonic() - started < 20, "a fault must end the read quickly"
    message = str(caught.value)
    assert partner in message and (stream or STREAM[partner]) in message, message
    assert "sandbox-fund-token" not in message
    return caught.value


def record_ids(batches: list[Batch]) -> set[str]:
    return {r["source_id"] for b in batches for r in b.records}


@pytest.mark.parametrize("partner", ["charity_fund", "merchants"])
def test_an_api_that_is_down_is_a_transient_error_naming_the_url(partner, partner_sandbox):
    sandbox = partner_sandbox()
    url = sandbox.url(partner)
    sandbox.set_fault(partner, down=True)
    error = read_error(sandbox, partner, retries=2)
    assert error.transient and url in str(error) and "could not connect" in str(error)
    connector = connectors()[partner](partner)
    result = connector.check(connector.parse_config(partner_config(sandbox, partner, retries=0), partner=partner))
    assert not result.ok and partner in result.message


@pytest.mark.parametrize("partner", ["charity_fund", "merchants"])
def test_a_burst_of_500s_is_retried_and_the_read_is_whole(partner, partner_sandbox):
    sandbox = partner_sandbox()
    clean = record_ids(read(sandbox, partner))
    sandbox.set_fault(partner, errors=3)
    assert record_ids(read(sandbox, partner)) == clean


def test_merchants_rate_limit_waits_as_retry_after_says(partner_sandbox, caplog):
    sandbox = partner_sandbox(rate=4, burst=1)
    caplog.set_level(logging.INFO, logger="wushe.toolkit.http")
    started = time.monotonic()
    batches = read(sandbox, "merchants", "shops", page_size=5)
    assert time.monotonic() - started >= 1, "Retry-After (1 s at least) was not honoured"
    assert any("429" in m for m in caplog.messages)
    assert len(record_ids(batches)) == sandbox.manifest.counts["merchants"]["shops"]


def test_merchants_rate_limit_longer_than_allowed_is_an_error(partner_sandbox):
    sandbox = partner_sandbox(rate=0.2, burst=1)
    error = read_error(sandbox, "merchants", "shops", page_size=5, max_retry_after_seconds=0.5)
    assert "429" in str(error) and "max_retry_after_seconds" in str(error) and error.transient


@pytest.mark.parametrize("partner", ["charity_fund", "merchants"])
@pytest.mark.parametrize("fault", ["truncate", "encoding"])
def test_broken_json_is_an_error(partner, fault, partner_sandbox):
    sandbox = partner_sandbox()
    sandbox.set_fault(partner, **{fault: True})
    assert "malformed JSON" in str(read_error(sandbox, partner))


def test_a_slow_api_times_out(partner_sandbox):
    sandbox = partner_sandbox()
    sandbox.set_fault("charity_fund", slow=1)
    assert "no response within" in str(read_error(sandbox, "charity_fund", timeout_seconds=0.2, retries=0))
    time.sleep(1.2)  # the server's late answer fails inside this test, not during a later one


@pytest.mark.parametrize("partner, field", [("charity_fund", "title"), ("merchants", "phone"),
                                            ("property_files", "场地名称"), ("civil_affairs", "zzmc")])
def test_schema_drift_is_an_error_naming_the_missing_field(partner, field, partner_sandbox):
    sandbox = partner_sandbox()
    sandbox.set_fault(partner, drift=True)
    assert field in str(read_error(sandbox, partner))


@pytest.mark.parametrize("partner", ["charity_fund", "merchants", "property_files", "civil_affairs"])
def test_an_empty_export_is_an_error_not_a_withdrawal_of_everything(partner, partner_sandbox):
    sandbox = partner_sandbox()
    sandbox.set_fault(partner, empty=True)
    assert "expected" in str(read_error(sandbox, partner))


def test_an_empty_incremental_read_is_fine(partner_sandbox):
    sandbox = partner_sandbox()
    state = read(sandbox, "charity_fund")[-1].state
    sandbox.set_fault("charity_fund", empty=True)
    assert not record_ids(read(sandbox, "charity_fund", state=state))


def test_property_files_not_delivered_is_an_error(partner_sandbox):
    sandbox = partner_sandbox()
    sandbox.set_fault("property_files", down=True)
    error = read_error(sandbox, "property_files")
    assert str(sandbox.drop_folder) in str(error) and "expected" in str(error)


def test_property_files_older_than_allowed_are_an_error(partner_sandbox):
    sandbox = partner_sandbox()
    assert read(sandbox, "property_files", max_age_days=None)
    error = read_error(sandbox, "property_files", max_age_days=1)
    assert "not delivered" in str(error) and "max_age_days" in str(error)


def test_an_undecodable_csv_line_comes_back_unreadable_and_the_rest_arrives(partner_sandbox):
    sandbox = partner_sandbox("night0")
    clean = read(sandbox, "property_files", "repairs")
    sandbox.set_fault("property_files", encoding=True)
    broken = read(sandbox, "property_files", "repairs")
    unreadable = [u for b in broken for u in b.unreadable]
    assert unreadable and "not valid gb18030" in unreadable[0].reason
    assert len(record_ids(broken)) + len(unreadable) >= len(record_ids(clean))
    assert record_ids(broken) < record_ids(clean)


def test_civil_database_gone_is_an_error(partner_sandbox):
    sandbox = partner_sandbox()
    sandbox.set_fault("civil_affairs", down=True)
    assert "could not" in str(read_error(sandbox, "civil_affairs"))


def test_a_fund_tombstone_arrives_as_a_deleted_record(partner_sandbox):
    import orjson

    sandbox = partner_sandbox()
    path = sandbox.folder / "charity_fund" / "wishes.ndjson"
    last = orjson.loads(path.read_bytes().splitlines()[-1])
    state = read(sandbox, "charity_fund", "wishes")[-1].state
    tombstone = last | {"deleted": True, "updatedAt": "2030-01-01T00:00:00+08:00"}
    path.write_bytes(path.read_bytes() + orjson.dumps(tombstone) + b"\n")
    from tests.connectors.partner_sources import _bump_manifest

    _bump_manifest(sandbox.folder)
    records = [r for b in read(sandbox, "charity_fund", "wishes", state=state) for r in b.records]
    assert [(r["source_id"], r["deleted"]) for r in records] == [(last["id"], True)]


def test_a_wrong_token_is_refused_without_showing_it(partner_sandbox, caplog):
    sandbox = partner_sandbox()
    caplog.set_level(logging.DEBUG)
    error = read_error(sandbox, "charity_fund", token="a-wrong-secret-token")
    assert "401" in str(error) and "a-wrong-secret-token" not in str(error)
    assert not any("a-wrong-secret-token" in m or "sandbox-fund-token" in m for m in caplog.messages)
