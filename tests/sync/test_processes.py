"""Which stream a sync in processes starts first: the one expected to take longest, unless its
partner is already reading as many streams as it allows."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from wushe.config import Partner, PartnerConfig, load_partners
from wushe.registry.db import write_transaction
from wushe.registry.models import StreamRun
from wushe.sync import runs
from wushe.sync.processes import _Job, _longest_first, in_turn


def took(engine, partner: str, stream: str, seconds: float, *, whole: bool, days_ago: float = 1,
         status: str = "succeeded") -> None:
    """A past read of a stream that took ``seconds``."""
    run_id = runs.start_run(engine, "test")
    started = runs.now() - timedelta(days=days_ago)
    with write_transaction(engine) as conn:
        conn.execute(StreamRun.__table__.insert().values(
            run_id=run_id, partner=partner, stream=stream, status=status, started_at=started,
            finished_at=started + timedelta(seconds=seconds), gate={"full_read": whole}))


def test_streams_start_longest_first_as_their_last_read_of_the_same_sort_took(registry, partners_file) -> None:
    partners = load_partners(partners_file)
    shops, estates = partners.get("shops"), partners.get("estates")
    # estates: a long first (whole) read, then short deltas; shops: a full export of middling length
    took(registry, "estates", "companies", 600, whole=True, days_ago=3)
    took(registry, "estates", "companies", 2, whole=False, days_ago=2)
    took(registry, "shops", "merchants", 40, whole=True, days_ago=2)
    delta = [_Job(estates, ["companies"], whole=False), _Job(shops, ["merchants"], whole=True)]
    assert [j.partner.name for j in _longest_first(registry, delta)] == ["shops", "estates"]
    # read whole again (a backfill), estates is the long one
    whole = [_Job(estates, ["companies"], whole=True), _Job(shops, ["merchants"], whole=True)]
    assert [j.partner.name for j in _longest_first(registry, whole)] == ["estates", "shops"]
    # the latest read of the sort counts; failed reads and reads older than the history do not
    took(registry, "estates", "companies", 90, whole=False, days_ago=1)
    took(registry, "shops", "merchants", 900, whole=True, days_ago=0.5, status="failed")
    took(registry, "shops", "merchants", 900, whole=True, days_ago=400)
    assert [j.partner.name for j in _longest_first(registry, delta)] == ["estates", "shops"]


@pytest.mark.parametrize(("shops_whole", "first"), [
    (True, "shops"),  # a delta never read as one counts as short beside a full export
    (False, "estates"),  # between two such deltas, the one of the longer whole read goes first
])
def test_streams_never_read_as_deltas_start_after_full_exports_and_by_their_whole_reads(
        registry, partners_file, shops_whole: bool, first: str) -> None:
    partners = load_partners(partners_file)
    took(registry, "estates", "companies", 600, whole=True)
    took(registry, "shops", "merchants", 5, whole=True)
    jobs = [_Job(partners.get("estates"), ["companies"], whole=False),
            _Job(partners.get("shops"), ["merchants"], whole=shops_whole)]
    assert _longest_first(registry, jobs)[0].partner.name == first


def test_a_partner_never_reads_more_streams_at_once_than_it_allows_and_others_go_first_meanwhile() -> None:
    api = Partner("api", PartnerConfig(connector="rest", parallel_streams=1), None, None)
    files = Partner("files", PartnerConfig(connector="csv"), None, None)
    seconds = {"a1": 0.3, "a2": 0.05, "a3": 0.05, "f1": 0.05, "f2": 0.05}
    work = [_Job(api, ["a1"], True), _Job(api, ["a2"], True), _Job(api, ["a3"], True),
            _Job(files, ["f1"], True), _Job(files, ["f2"], True)]
    started: list[str] = []
    reading: Counter[str] = Counter()
    most: Counter[str] = Counter()
    lock = threading.Lock()

    def read(job: _Job) -> str:
        with lock:
            reading[job.partner.name] += 1
            most[job.partner.name] = max(most[job.partner.name], reading[job.partner.name])
            most["all"] = max(most["all"], sum(reading.values()))
        time.sleep(seconds[job.streams[0]])
        with lock:
            reading[job.partner.name] -= 1
        return job.streams[0]

    def submit(job: _Job):
        started.append(job.streams[0])
        return pool.submit(read, job)

    with ThreadPoolExecutor(max_workers=2) as pool:
        finished = [future.result() for _job, future in in_turn(work, 2, submit)]
    assert sorted(finished) == sorted(seconds)
    assert most["api"] == 1 and most["all"] == 2
    # while a1 is read, the files' streams take the other slot; a2 and a3 wait for a1, in order
    assert started == ["a1", "f1", "f2", "a2", "a3"]
