"""The REST simulators as plain HTTP clients see them, and what each fault looks like."""

from __future__ import annotations


import pytest
import requests

from wushe.sandbox import read_truth

pytestmark = pytest.mark.slow
TOKEN = {"Authorization": "Bearer sandbox-fund-token"}


def _fund_all(sb, stream: str, **params) -> list[dict]:
    records, cursor = [], None
    while True:
        query = dict(params, limit=200, **({"cursor": cursor} if cursor else {}))
        body = requests.get(f"{sb.url('charity_fund')}/{stream}", params=query, headers=TOKEN, timeout=10).json()
        records += body["data"]
        if not body["has_more"]:
            return records
        cursor = body["next_cursor"]


def test_fund_needs_its_token(sandbox):
    response = requests.get(f"{sandbox.url('charity_fund')}/funds", timeout=10)
    assert response.status_code == 401
    assert requests.get(f"{sandbox.url('charity_fund')}/funds", headers={"Authorization": "Bearer wrong"},
                        timeout=10).status_code == 401


def test_fund_cursor_pages_cover_every_record_once(sandbox, folder):
    records = _fund_all(sandbox, "wishes")
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert set(ids) == {t.source_id for t in read_truth(folder, "charity_fund") if t.stream == "wishes"}
    stamps = [(r["updatedAt"], r["id"]) for r in records]
    assert stamps == sorted(stamps)


def test_fund_updated_since_returns_only_later_changes(sandbox):
    everything = _fund_all(sandbox, "donations")
    middle = sorted(r["updatedAt"] for r in everything)[len(everything) // 2]
    later = _fund_all(sandbox, "donations", updated_since=middle)
    assert later and all(r["updatedAt"] >= middle for r in later)
    assert len(later) <= len(everything) // 2 + 5
    utc = requests.get(f"{sandbox.url('charity_fund')}/donations", headers=TOKEN, timeout=10,
                       params={"updated_since": "2100-01-01T00:00:00Z"}).json()
    assert utc == {"data": [], "next_cursor": None, "has_more": False}


def test_merchants_page_and_offset_pagination(sandbox, folder):
    first = requests.get(f"{sandbox.url('merchants')}/shops", params={"page": 1, "size": 50}, timeout=10).json()
    second = requests.get(f"{sandbox.url('merchants')}/shops", params={"offset": 50, "limit": 50}, timeout=10).json()
    assert first["code"] == 0 and first["data"]["page"] == 1 and len(first["data"]["list"]) == 50
    assert second["data"]["page"] == 2
    assert {s["shop_id"] for s in first["data"]["list"]}.isdisjoint({s["shop_id"] for s in second["data"]["list"]})
    total = first["data"]["total"]
    assert total == sum(1 for t in read_truth(folder, "merchants") if t.stream == "shops")
    assert requests.get(f"{sandbox.url('merchants')}/shops", params={"size": 5000}, timeout=10).status_code == 400


def test_merchants_rate_limit_answers_429_with_retry_after(folder):
    from wushe.sandbox import Sandbox

    with Sandbox(folder, fund_port=0, merchants_port=0, rate=2, burst=2).start() as sb:
        codes = [requests.get(f"{sb.url('merchants')}/services", params={"size": 1}, timeout=10) for _ in range(6)]
        limited = [r for r in codes if r.status_code == 429]
        assert limited, [r.status_code for r in codes]
        assert int(limited[0].headers["Retry-After"]) >= 1


def test_fault_500_burst_then_recovery(sandbox):
    sandbox.set_fault("merchants", errors=2)
    codes = [requests.get(f"{sandbox.url('merchants')}/shops", timeout=10).status_code for _ in range(3)]
    assert codes == [500, 500, 200]


def test_fault_slow_response_beyond_a_client_timeout(sandbox):
    sandbox.set_fault("charity_fund", slow=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{sandbox.url('charity_fund')}/funds", headers=TOKEN, timeout=0.5)


def test_fault_truncated_json(sandbox):
    sandbox.set_fault("charity_fund", truncate=True)
    response = requests.get(f"{sandbox.url('charity_fund')}/funds", headers=TOKEN, timeout=10)
    assert response.status_code == 200
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()


def test_fault_schema_drift_renames_and_adds_a_field(sandbox):
    sandbox.set_fault("merchants", drift=True)
    shop = requests.get(f"{sandbox.url('merchants')}/shops", params={"size": 1}, timeout=10).json()["data"]["list"][0]
    assert "tel" in shop and "phone" not in shop and shop["source_channel"] == "商家联盟APP"
    sandbox.set_fault("charity_fund", drift=True)
    fund = requests.get(f"{sandbox.url('charity_fund')}/funds", params={"limit": 1}, headers=TOKEN, timeout=10).json()
    assert "projectName" in fund["data"][0] and "title" not in fund["data"][0]


def test_fault_encoding_error(sandbox):
    sandbox.set_fault("merchants", encoding=True)
    response = requests.get(f"{sandbox.url('merchants')}/shops", params={"size": 20}, timeout=10)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")


def test_fault_empty_export(sandbox):
    sandbox.set_fault("merchants", empty=True)
    body = requests.get(f"{sandbox.url('merchants')}/shops", timeout=10).json()
    assert body["data"]["total"] == 0 and body["data"]["list"] == []


def test_fault_partner_down_and_back(sandbox):
    url = f"{sandbox.url('charity_fund')}/funds"
    sandbox.set_fault("charity_fund", down=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url, headers=TOKEN, timeout=5)
    sandbox.set_fault("charity_fund", down=False)
    assert requests.get(url, headers=TOKEN, timeout=5).status_code == 200


def test_new_night_is_served_without_restart(sandbox, folder):
    from wushe.sandbox import generate

    before = requests.get(f"{sandbox.url('merchants')}/shops", params={"size": 1}, timeout=10).json()["data"]["total"]
    manifest = generate(folder, 20260101, 3000, night=3)
    after = requests.get(f"{sandbox.url('merchants')}/shops", params={"size": 1}, timeout=10).json()["data"]["total"]
    assert after == manifest.counts["merchants"]["shops"] != before
