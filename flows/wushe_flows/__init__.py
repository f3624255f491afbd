"""Prefect flows over the wushe core: scheduling, retries, timeouts, run history and reports.

The flows hold no sync logic: each task calls ``wushe.sync`` for one partner (or the cross-partner
pass), so what runs under Prefect is exactly what ``wushe sync`` runs from the command line.
"""

from wushe_flows.sync import backfill, nightly_sync, replay_quarantine, sync_partner

__all__ = ["backfill", "nightly_sync", "replay_quarantine", "sync_partner"]
