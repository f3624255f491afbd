"""The deployments: nightly at 02:00 Asia/Shanghai, one per partner for reruns, backfill and replay.

``wushe serve`` serves them from this machine (a single-machine setup); ``deployments/prefect.yaml``
declares the same set for a Prefect server with process work pools (see ``deployments/README.md``).
"""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from wushe.config import load_partners
from wushe_flows.sync import backfill, nightly_sync, replay_quarantine, sync_partner

NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Shanghai"


def deployments(config: str, *, cron: str = NIGHTLY_CRON, timezone: str = TIMEZONE) -> list[RunnerDeployment]:
    partners = load_partners(config)
    tags = ["wushe"]
    made = [
        nightly_sync.to_deployment(
            name="nightly", schedules=[Cron(cron, timezone=timezone)], parameters={"config": config}, tags=tags,
            description="Every enabled partner, then the cross-partner pass; 02:00 Asia/Shanghai by default.",
        ),
        backfill.to_deployment(name="backfill", parameters={"config": config}, tags=tags,
                               description="Read one partner again from a date (give `partner` and `since`)."),
        replay_quarantine.to_deployment(name="replay-quarantine", tags=tags,
                                        description="Re-validate quarantined rows after a fix; stage those that pass."),
    ]
    made += [
        sync_partner.to_deployment(
            name=f"partner-{p.name}", parameters={"partner": p.name, "config": config}, tags=[*tags, p.name],
            description=f"Sync {p.title} now (a rerun).",
        )
        for p in partners
    ]
    return made


def serve_all(config: str, *, cron: str = NIGHTLY_CRON, timezone: str = TIMEZONE) -> None:
    """Serve every deployment from this process until interrupted (schedules stay active on restart)."""
    serve(*deployments(config, cron=cron, timezone=timezone), pause_on_shutdown=False)
