"""The Prefect flows: thin over the core, with reports ops can read in Prefect and in the registry."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.states import Completed, Failed

from tests.sync.conftest import PARTNERS, org_rows, write_csv
from wushe.registry.db import engine
from wushe.registry.migrate import upgrade
from wushe.sync.report import load_report, recent_runs
from wushe_flows.sync import (
    PartnerFailure,
    TransientPartnerFailure,
    _retry_only_transient,
    backfill,
    nightly_sync,
    sync_partner,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def partners_file(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("WUSHE_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    engine.cache_clear()
    upgrade(engine())
    drop = {"shops": tmp_path / "shops", "estates": tmp_path / "estates"}
    write_csv(drop["shops"], org_rows(20))
    write_csv(drop["estates"], org_rows(5, prefix="万科物业园岭"))
    path = tmp_path / "partners.yaml"
    quick_retries = PARTNERS.replace("  concurrency: 2\n", "  concurrency: 2\n  retry_delays: [0.1, 0.1]\n")
    path.write_text(quick_retries.format(**{k: str(v) for k, v in drop.items()}), encoding="utf-8")
    return path


def _artifact(key: str):
    async def read():
        async with get_client() as client:
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

            found = await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
            return found
    return asyncio.run(read())


def _task_runs(flow_run_id: Any) -> dict[str, Any]:
    async def read():
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        async with get_client() as client:
            return await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {t.name.rsplit("-", 1)[0]: t for t in asyncio.run(read())}  # names end in a short random suffix


def test_nightly_sync_runs_every_partner_and_publishes_the_report(partners_file: Path) -> None:
    state = nightly_sync(config=str(partners_file), return_state=True)
    assert state.is_completed(), state.message
    [run] = recent_runs(engine(), 1)
    report = load_report(engine(), run.id)
    assert report.status == "succeeded" and {s.partner for s in report.streams} == {"shops", "estates"}
    assert run.flow_run_id == str(state.state_details.flow_run_id)
    [artifact] = [a for a in _artifact("wushe-sync-report") if run.id in (a.description or "")]
    assert "| shops | merchants | succeeded | 20 |" in artifact.data


def test_a_failed_partner_fails_the_night_but_not_the_others(partners_file: Path) -> None:
    estates = partners_file.parent / "estates"
    for f in estates.iterdir():
        f.unlink()
    estates.rmdir()
    state = nightly_sync(config=str(partners_file), return_state=True)
    assert state.is_failed() and "failed partners: estates" in state.message
    tasks = _task_runs(state.state_details.flow_run_id)
    assert tasks["sync-estates"].run_count == 3  # a missing drop folder is transient: tried, then retried twice
    assert tasks["sync-shops"].run_count == 1 and tasks["sync-shops"].state_type.value == "COMPLETED"
    report = load_report(engine(), recent_runs(engine(), 1)[0].id)
    assert report.status == "partial"
    assert next(s for s in report.streams if s.partner == "shops").new == 20


def test_one_partner_rerun_and_backfill(partners_file: Path) -> None:
    assert sync_partner(partner="shops", config=str(partners_file), return_state=True).is_completed()
    write_csv(partners_file.parent / "shops", org_rows(21))
    assert backfill(partner="shops", config=str(partners_file), return_state=True).is_completed()
    report = load_report(engine(), recent_runs(engine(), 1)[0].id)
    assert report.trigger == "backfill"
    assert [(s.partner, s.new, s.unchanged) for s in report.streams] == [("shops", 1, 20)]


def test_only_transient_failures_are_retried() -> None:
    assert _retry_only_transient(None, None, Failed(data=TransientPartnerFailure("merchants down"))) is True
    assert _retry_only_transient(None, None, Failed(data=PartnerFailure("gate: 40% invalid"))) is False
    assert _retry_only_transient(None, None, Completed()) is False


def test_deployments_schedule_the_night_and_offer_reruns(partners_file: Path) -> None:
    from wushe_flows.deployments import deployments

    made = {d.name: d for d in deployments(str(partners_file))}
    assert set(made) == {"nightly", "backfill", "replay-quarantine", "partner-shops", "partner-estates"}
    [schedule] = made["nightly"].schedules
    assert schedule.schedule.cron == "0 2 * * *" and schedule.schedule.timezone == "Asia/Shanghai"
    assert made["partner-shops"].parameters == {"partner": "shops", "config": str(partners_file)}


def test_partner_tasks_carry_the_partner_timeout_and_retry_delays(partners_file: Path) -> None:
    from wushe.config import load_partners
    from wushe_flows.sync import _partner_task

    partners = load_partners(partners_file)
    task_ = _partner_task(partners.get("shops"), partners)
    assert task_.timeout_seconds == partners.get("shops").spec.timeout_seconds + 60
    assert (task_.retries, task_.retry_delay_seconds) == (2, [0.1, 0.1])


def test_nightly_sync_runs_partners_in_processes_when_asked(partners_file: Path) -> None:
    partners_file.write_text(partners_file.read_text(encoding="utf-8").replace(
        "  concurrency: 2\n", "  concurrency: 2\n  partner_processes: 2\n"), encoding="utf-8")
    state = nightly_sync(config=str(partners_file), return_state=True)
    assert state.is_completed(), state.message
    [run] = recent_runs(engine(), 1)
    report = load_report(engine(), run.id)
    assert report.status == "succeeded"
    assert {(s.partner, s.fetched) for s in report.streams} == {("shops", 20), ("estates", 5)}
    tasks = _task_runs(state.state_details.flow_run_id)
    assert {"sync-shops", "sync-estates"} <= set(tasks) and all(t.state.is_completed() for t in tasks.values())
