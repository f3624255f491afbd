"""The flows: nightly sync of every partner, one partner (reruns), backfill, quarantine replay.

Tasks are per partner (plus one for the cross-partner pass), never per record. A partner task
retries only on transient faults (a partner that is down or answering 5xx); its timeout is the
partner's ``timeout_seconds`` from the partners file. Each partner's batches commit as they go, so
a retry or a rerun continues from the committed cursor.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import wait
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from wushe.config import Partner, Partners, Settings, load_partners
from wushe.registry.db import engine
from wushe.sync import engine as core
from wushe.sync import runs
from wushe.sync.notify import notify_finished
from wushe.sync.report import SyncReport

REGISTRY_WRITES = "wushe-registry-writes"  # optional global concurrency limit (see deployments/README.md)
MAX_PARTNER_THREADS = 32


class TransientPartnerFailure(RuntimeError):
    """A partner stream failed for a reason worth retrying (down, timing out, 5xx)."""


class PartnerFailure(RuntimeError):
    """A partner stream failed for a reason a retry will not fix (bad data, gate, config)."""


def _retry_only_transient(task: Any, task_run: Any, state: State) -> bool:
    try:
        state.result()
    except TransientPartnerFailure:
        return True
    except Exception:
        return False
    return False


def _write_guard() -> AbstractContextManager[Any]:
    """Hold a slot of the global registry-write limit while committing a batch, when ops created one."""
    from prefect.concurrency.sync import concurrency

    try:
        return concurrency(REGISTRY_WRITES, occupy=1, strict=False)
    except Exception:  # no server-side limit configured: nothing to hold
        return nullcontext()


_slots: dict[str, threading.BoundedSemaphore] = {}


@task(retry_condition_fn=_retry_only_transient)
def sync_partner_task(config: str, partner: str, run_id: str, streams: list[str] | None = None,
                      since: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Sync one partner into the registry; fails (and maybe retries) when a stream failed."""
    partners = load_partners(config)
    slot = _slots.get(run_id) or nullcontext()
    with slot:
        reports = core.sync_partner(engine(), partners.get(partner), run_id, partners, streams=streams, since=since,
                                    guard=_write_guard)
    failed = [r for r in reports if r.failed]
    if failed:
        message = "; ".join(f"{r.stream}: {r.status}: {r.error}" for r in failed)
        raise (TransientPartnerFailure if all(r.transient for r in failed) else PartnerFailure)(message)
    return [vars(r) for r in reports]


def _partner_task(partner: Partner, partners: Partners, **options: Any) -> Any:
    """The partner task with the partner's own timeout and retry delays from the partners file."""
    delays = partner.retry_delays(partners.settings)
    return sync_partner_task.with_options(timeout_seconds=partner.spec.timeout_seconds + 60, retries=len(delays),
                                          retry_delay_seconds=delays or 0, **options)


@task
def resolution_task(run_id: str, config: str) -> dict[str, Any]:
    """Merge what every partner delivered into golden records, and refresh links between kinds."""
    return core.resolution_pass(engine(), run_id, load_partners(config))


def _resolve_and_finish(run_id: str, config: str, settings: Settings) -> State:
    """The resolution pass, then the report, its artifact and notifications."""
    future = resolution_task.with_options(timeout_seconds=settings.resolution_timeout_seconds).submit(run_id, config)
    future.wait()
    error = None if future.state.is_completed() else f"resolution pass: {future.state.message}"
    report: SyncReport = runs.finish_run(engine(), run_id, error=error)
    create_markdown_artifact(report.to_markdown(), key="wushe-sync-report",
                             description=f"wushe sync {report.run_id}: {report.status}")
    notify_finished(report)
    if report.failed:
        return Failed(message=f"sync {run_id} {report.status}; failed partners: {', '.join(report.failed_partners)}")
    return Completed(message=f"sync {run_id} {report.status}")


@flow(name="wushe-nightly-sync", task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARTNER_THREADS),
      log_prints=True)
def nightly_sync(config: str = "partners.yaml", partners: list[str] | None = None, fan_out: bool = False) -> State:
    """Every enabled partner (or the named ones), then the cross-partner pass and the report.

    Partners run as tasks of this flow, ``settings.concurrency`` at a time (in
    ``settings.partner_processes`` processes when more than one); with ``fan_out`` each runs as its
    own ``partner-NAME`` deployment run, so a pool of workers shares them.
    """
    cfg = load_partners(config)
    selected = cfg.select(partners)
    run_id = runs.start_run(engine(), "prefect", flow_run_id=_flow_run_id())
    processes = min(cfg.settings.partner_processes, cfg.settings.concurrency, len(selected))
    if fan_out:
        _fan_out(config, [p.name for p in selected], run_id)
    elif processes > 1:  # large nights: partners in processes of their own use every core
        with ProcessPoolTaskRunner(max_workers=processes) as runner:
            wait([runner.submit(_partner_task(p, cfg, name=f"sync-{p.name}"),
                                parameters={"config": config, "partner": p.name, "run_id": run_id})
                  for p in selected])
    else:
        _slots[run_id] = threading.BoundedSemaphore(cfg.settings.concurrency)
        try:
            futures = [
                _partner_task(p, cfg, name=f"sync-{p.name}").submit(config, p.name, run_id) for p in selected
            ]
            wait(futures)
        finally:
            _slots.pop(run_id, None)
    return _resolve_and_finish(run_id, config, cfg.settings)


def _fan_out(config: str, names: list[str], run_id: str) -> None:
    """One deployment run per partner, all started at once, then waited for until each finishes."""
    import asyncio

    from prefect.deployments import run_deployment
    from prefect.flow_runs import wait_for_flow_run
    from prefect.utilities.asyncutils import run_coro_as_sync

    started = [
        run_deployment(f"wushe-sync-partner/partner-{name}", timeout=0,
                       parameters={"partner": name, "config": config, "run_id": run_id})
        for name in names
    ]

    async def wait_all() -> list[Any]:
        return await asyncio.gather(*(wait_for_flow_run(run.id, timeout=None, log_states=True) for run in started))

    for name, finished in zip(names, run_coro_as_sync(wait_all())):
        if not finished.state or not finished.state.is_completed():
            state = finished.state.name if finished.state else "unknown"
            runs.record_partner_failure(engine(), run_id, name, f"partner run {finished.name} ended {state}: "
                                        f"{finished.state.message if finished.state else ''}")


def _flow_run_id() -> str | None:
    return str(flow_run.id) if flow_run.id else None


@flow(name="wushe-sync-partner", log_prints=True)
def sync_partner(partner: str, config: str = "partners.yaml", streams: list[str] | None = None,
                 run_id: str | None = None) -> State:
    """One partner now (a rerun), or one partner of a fanned-out nightly run when ``run_id`` is given."""
    own_run = run_id is None
    run_id = run_id or runs.start_run(engine(), "prefect-partner", flow_run_id=_flow_run_id())
    partners = load_partners(config)
    future = _partner_task(partners.get(partner), partners).submit(config, partner, run_id, streams)
    future.wait()
    state = future.state
    get_run_logger().info("partner %s finished in state %s", partner, state.type.value)
    if not own_run:  # the nightly run that started this one reports for all partners
        return state
    return _resolve_and_finish(run_id, config, partners.settings)


@flow(name="wushe-backfill", log_prints=True)
def backfill(partner: str, since: datetime | None = None, config: str = "partners.yaml") -> State:
    """Read a partner again from ``since`` (from the beginning when empty), whatever its cursors say."""
    from wushe.toolkit.incremental import Watermark

    partners = load_partners(config)
    run_id = runs.start_run(engine(), "backfill", flow_run_id=_flow_run_id())
    start = Watermark(since).to_state() if since else {}
    task_ = _partner_task(partners.get(partner), partners).with_options(retries=0)
    task_.submit(config, partner, run_id, None, start).wait()  # its state is in the report
    return _resolve_and_finish(run_id, config, partners.settings)


@flow(name="wushe-replay-quarantine", log_prints=True)
def replay_quarantine(partner: str | None = None) -> dict[str, Any]:
    """Re-validate a partner's quarantined rows under today's rules; stage and merge those that pass."""
    from wushe.sync.replay import replay_quarantine as replay

    result = replay(engine(), partner=partner, by="prefect")
    create_markdown_artifact(result.to_markdown(), key="wushe-quarantine-replay")
    return vars(result)
