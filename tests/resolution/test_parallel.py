"""Whole kinds planned by worker processes give the registry that planning in-process gives."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select

from wushe import sandbox
from wushe.registry.digest import registry_digest
from wushe.registry.models import (CrossReference, GoldenEvent, GoldenLink, GoldenRecord, MatchBlock, MatchBlockDelta,
                                   MatchFeature, MatchModel, PendingRecord, ReviewItem, SourceRecord)
from wushe.registry.sources import write_source_records
from wushe.resolution import parallel
from wushe.resolution.pending import resolve_pending
from wushe.sync.crashpoints import WORKER_POINTS


def _forget_resolution(engine) -> None:
    """Back to the registry as the partners delivered it: every record pending, nothing resolved."""
    with engine.begin() as conn:
        for model in (GoldenLink, CrossReference, GoldenEvent, ReviewItem, MatchModel, MatchBlock, MatchBlockDelta,
                      MatchFeature, GoldenRecord):
            conn.execute(delete(model))
        conn.execute(delete(PendingRecord))
        conn.execute(insert(PendingRecord).from_select(["source_record_id", "kind"],
                                                       select(SourceRecord.id, SourceRecord.kind)))


def test_worker_processes_plan_the_same_registry_as_the_syncing_process(registry, monkeypatch) -> None:
    with registry.begin() as conn:
        for partner in sandbox.PARTNERS:
            write_source_records(conn, [r for r, row in sandbox.labelled(11, 600, partner) if not row.rule_id])
    monkeypatch.setattr(parallel, "MIN_RECORDS", 0)
    spawned: list[str] = []

    class Pool(parallel.ProcessPoolExecutor):
        def submit(self, fn, url, kind, *args):
            spawned.append(kind)
            return super().submit(fn, url, kind, *args)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Pool)

    with registry.begin() as conn:
        in_process = resolve_pending(conn, workers=1)
    assert not spawned
    expected = registry_digest(registry)

    _forget_resolution(registry)
    with registry.begin() as conn:
        in_workers = resolve_pending(conn, workers=2)
    assert registry_digest(registry) == expected
    assert sorted(spawned) == sorted(in_process.resolved.kinds)
    assert in_workers.resolved.as_dict().keys() == in_process.resolved.as_dict().keys()
    with registry.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(GoldenLink)) > 0  # resources found their providers
        assert conn.scalar(select(func.count()).select_from(PendingRecord)) == 0



def test_a_delta_planned_by_worker_processes_matches_one_planned_in_process(sqlite_url, tmp_path, monkeypatch) -> None:
    import shutil

    from wushe.registry.db import make_engine
    from wushe.registry.migrate import upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    records = {p: [r for r, row in sandbox.labelled(11, 600, p) if not row.rule_id] for p in sandbox.PARTNERS}
    with engine.begin() as conn:
        for partner_records in records.values():
            write_source_records(conn, partner_records)
    with engine.begin() as conn:
        resolve_pending(conn)
    with engine.begin() as conn:  # a night's changes: a tenth of the fund's records changed or gone
        fund = records["charity_fund"][::10]
        write_source_records(conn, [dict(r, deleted=True) if n % 3 == 0 else
                                    dict(r, payload=dict(r["payload"], description="夜间更新"))
                                    for n, r in enumerate(fund)])
    engine.dispose()
    copy = tmp_path / "copy.db"
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), copy)
    monkeypatch.setattr(parallel, "MIN_RECORDS", 0)

    digests = []
    for url, workers in ((sqlite_url, 1), (f"sqlite:///{copy}", 2)):
        engine = make_engine(url)
        with engine.begin() as conn:
            report = resolve_pending(conn, workers=workers)
        live = sum(len(r) for r in records.values())
        assert len(report.resolved.kinds) >= 2 and sum(k.records for k in report.resolved.kinds.values()) < live / 2
        digests.append(registry_digest(engine))
        engine.dispose()
    assert digests[0] == digests[1]


@pytest.mark.parametrize("point", WORKER_POINTS)
def test_a_planning_process_that_dies_fails_the_pass_whole_and_the_next_one_converges(registry, monkeypatch,
                                                                                       point) -> None:
    """The system may kill a worker for its memory: the pass must say so, write nothing, and leave
    every record pending for the next run."""
    with registry.begin() as conn:
        for partner in sandbox.PARTNERS:
            write_source_records(conn, [r for r, row in sandbox.labelled(11, 300, partner) if not row.rule_id])
    with registry.begin() as conn:
        resolve_pending(conn, workers=1)
    expected = registry_digest(registry)
    _forget_resolution(registry)
    before = registry_digest(registry)
    with registry.connect() as conn:
        pending = conn.scalar(select(func.count()).select_from(PendingRecord))

    monkeypatch.setattr(parallel, "MIN_RECORDS", 0)
    monkeypatch.setenv("WUSHE_CRASH_AT", point)
    with pytest.raises(parallel.PlanningError, match="died.*stay pending"), registry.begin() as conn:
        resolve_pending(conn, workers=2)
    assert registry_digest(registry) == before
    with registry.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(PendingRecord)) == pending

    monkeypatch.delenv("WUSHE_CRASH_AT")
    with registry.begin() as conn:
        resolve_pending(conn, workers=2)
    assert registry_digest(registry) == expected


def test_a_planning_process_that_dies_while_kinds_are_handed_over_fails_the_pass_as_planning(registry,
                                                                                            monkeypatch) -> None:
    """A worker killed before the pass has handed every kind over breaks the pool under the next
    hand-over: the pass must still say that planning failed and write nothing, as when it dies later
    (it raised the pool's own error: on a loaded machine, the crash test above met it now and then)."""
    from concurrent.futures.process import BrokenProcessPool

    with registry.begin() as conn:
        for partner in sandbox.PARTNERS:
            write_source_records(conn, [r for r, row in sandbox.labelled(11, 200, partner) if not row.rule_id])
    before = registry_digest(registry)
    monkeypatch.setattr(parallel, "MIN_RECORDS", 0)

    class Pool(parallel.ProcessPoolExecutor):
        handed = 0

        def submit(self, *args):
            Pool.handed += 1
            if Pool.handed > 1:
                raise BrokenProcessPool("A child process terminated abruptly, the process pool is not usable anymore")
            return super().submit(*args)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Pool)
    with pytest.raises(parallel.PlanningError, match="died.*stay pending"), registry.begin() as conn:
        resolve_pending(conn, workers=2)
    assert registry_digest(registry) == before


def test_plans_are_written_as_they_are_made_once_the_kinds_they_link_to_are_written() -> None:
    import threading
    from concurrent.futures import Future

    from wushe.resolution.links import referred_kinds
    from wushe.resolution.resolver import ORDER

    planned: dict[str, Future] = {kind: Future() for kind in ORDER}
    order = parallel.in_writing_order(list(ORDER), planned, referred_kinds)
    planned["donation"].set_result("plan")
    planned["organization"].set_result("plan")
    assert next(order) == "organization"
    planned.pop("organization")
    planned["resource"].set_result("plan")  # the volunteers' plan is still being made: resources go first
    assert next(order) == "resource"
    planned.pop("resource")
    threading.Timer(0.05, planned["need"].set_result, ["plan"]).start()
    assert next(order) == "need"  # waited for: donations link to needs, so their ready plan waits too
    planned.pop("need")
    assert next(order) == "donation"
    planned.pop("donation")
    threading.Timer(0.05, planned["volunteer"].set_result, ["plan"]).start()
    assert next(order) == "volunteer"
    assert next(order, None) is None


def test_kinds_planned_in_process_are_written_in_dependency_order() -> None:
    from wushe.resolution.links import referred_kinds
    from wushe.resolution.resolver import ORDER

    assert list(parallel.in_writing_order(list(ORDER), {}, referred_kinds)) == list(ORDER)
    assert referred_kinds("donation") == {"organization", "need"}
    assert referred_kinds("organization") == set()
