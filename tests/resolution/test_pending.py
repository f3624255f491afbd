"""The resolution queue: what partners changed waits in ``pending_record`` until a pass resolves it."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from tests.resolution import cases
from tests.resolution.helpers import write
from wushe.contract import make_record
from wushe.registry.models import PendingRecord, SourceRecord
from wushe.registry.sources import withdraw_unseen
from wushe.resolution.pending import resolve_pending


def queued(engine) -> dict[str, str]:
    """source id -> kind of every queued source record."""
    query = select(SourceRecord.source_id, PendingRecord.kind).join(
        PendingRecord, PendingRecord.source_record_id == SourceRecord.id)
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def org(source_id: str, name: str) -> dict:
    return make_record("fund", "organization", source_id, cases.AT, {"name": name}, fetched_at=cases.AT)


def test_new_changed_and_withdrawn_records_wait_for_resolution_and_a_pass_takes_them(registry) -> None:
    write(registry, [org("a", "园岭长者食堂"), org("b", "园东长者服务中心")], stream="orgs")
    assert queued(registry) == {"a": "organization", "b": "organization"}
    write(registry, [org("a", "园岭长者食堂（新址）")], stream="orgs")  # changed again before any pass
    assert queued(registry) == {"a": "organization", "b": "organization"}
    with registry.begin() as conn:
        report = resolve_pending(conn)
    assert report.as_dict()["records"] == 2 and queued(registry) == {}

    write(registry, [org("a", "园岭长者食堂（新址）")], stream="orgs")  # unchanged
    assert queued(registry) == {}
    read_started = datetime.now(timezone.utc)
    write(registry, [org("a", "园岭长者食堂（新址）")], stream="orgs")
    with registry.begin() as conn:
        gone = withdraw_unseen(conn, "fund", "orgs", read_started)
    assert gone == [("fund", "organization", "b", "withdrawn")] and queued(registry) == {"b": "organization"}
    with registry.begin() as conn:
        resolve_pending(conn)
    assert queued(registry) == {}


def test_a_pass_that_fails_leaves_the_queue_as_it_was(registry, monkeypatch) -> None:
    import wushe.resolution.pending as pending

    write(registry, [org("a", "园岭长者食堂")])

    def broken(*_args, **_kwargs):
        raise RuntimeError("crash in the middle of the pass")

    monkeypatch.setattr(pending, "resolve_records", broken)
    with pytest.raises(RuntimeError, match="crash in the middle"), registry.begin() as conn:
        resolve_pending(conn)
    assert queued(registry) == {"a": "organization"}


def test_a_pass_planned_in_other_processes_credits_each_stream_with_its_records(registry) -> None:
    """The run report's merged records by stream, whether the pass may plan in other processes or not."""
    write(registry, [org("a", "园岭长者食堂"), org("b", "园东长者服务中心")], stream="orgs")
    write(registry, [org("c", "南园社区基金会")], stream="foundations")
    with registry.begin() as conn:
        alone = resolve_pending(conn)
    assert alone.merged_by_stream() == {("fund", "orgs"): 2, ("fund", "foundations"): 1}

    write(registry, [org("a", "园岭长者食堂（新址）")], stream="orgs")
    write(registry, [org("d", "园岭社工站"), org("e", "园东志愿服务队")], stream="foundations")
    with registry.begin() as conn:
        shared = resolve_pending(conn, workers=2)
    assert shared.merged_by_stream() == {("fund", "orgs"): 1, ("fund", "foundations"): 2}
    assert queued(registry) == {}
