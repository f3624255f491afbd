"""The sync engine: what ops rely on after a night, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.sync.conftest import org_rows, write_csv
from wushe.config import load_partners
from wushe.registry.models import CrossReference, GoldenRecord, PendingRecord, QuarantineItem, SourceRecord
from wushe.sync import runs
from wushe.sync.engine import run_sync, sync_partner


def count(engine, query) -> int:
    with engine.connect() as conn:
        return conn.scalar(query)


def live_sources(engine) -> int:
    return count(engine, select(func.count()).select_from(SourceRecord).where(SourceRecord.withdrawn_at.is_(None)))


def with_second_stream(partners_file):
    """The partners with a second stream for shops, ``reopened``: the files named 新开*.csv."""
    reopened = ('        reopened:\n          pattern: "新开*.csv"\n          kind: organization\n          id: 编号\n'
                '          mapping:\n            name: 名称\n            phones: {column: 联系电话, split: "[,，、 ]+"}\n'
                '            division_code: 所属社区\n            org_type: {const: merchant}\n')
    text = partners_file.read_text(encoding="utf-8").replace(
        '        merchants:\n          pattern: "*.csv"', reopened + '        merchants:\n          pattern: "商家*.csv"')
    partners_file.write_text(text, encoding="utf-8")
    return load_partners(partners_file)


def test_a_first_sync_stores_validates_and_merges_everything(registry, partners_file) -> None:
    report = run_sync(registry, load_partners(partners_file), notify=False)
    assert report.status == "succeeded", report.to_markdown()
    shops = next(s for s in report.streams if s.partner == "shops")
    assert (shops.fetched, shops.valid, shops.new, shops.merged) == (20, 20, 20, 20)
    assert live_sources(registry) == 25
    assert count(registry, select(func.count()).select_from(CrossReference)) == 25
    assert count(registry, select(func.count()).select_from(GoldenRecord)) >= 20
    assert count(registry, select(func.count()).select_from(PendingRecord)) == 0


def test_a_second_sync_with_nothing_new_changes_nothing(registry, partners_file) -> None:
    partners = load_partners(partners_file)
    run_sync(registry, partners, notify=False)
    with registry.connect() as conn:
        golden_before = sorted(conn.execute(select(GoldenRecord.id, GoldenRecord.content_hash)).all())
    report = run_sync(registry, partners, notify=False)
    shops = next(s for s in report.streams if s.partner == "shops")
    assert (shops.new, shops.updated, shops.unchanged, shops.withdrawn, shops.merged) == (0, 0, 20, 0, 0)
    with registry.connect() as conn:
        assert sorted(conn.execute(select(GoldenRecord.id, GoldenRecord.content_hash)).all()) == golden_before


def test_rows_gone_from_a_full_export_are_withdrawn_and_their_golden_records_retired(
        registry, partners_file, drop) -> None:
    partners = load_partners(partners_file)
    run_sync(registry, partners, notify=False)
    write_csv(drop["shops"], org_rows(18))  # two shops closed
    report = run_sync(registry, partners, notify=False)
    shops = next(s for s in report.streams if s.partner == "shops")
    assert shops.withdrawn == 2
    assert live_sources(registry) == 23
    retired = count(registry, select(func.count()).where(GoldenRecord.status == "retired"))
    assert retired == 2


def test_a_row_moving_unchanged_between_two_full_exports_stays_live(registry, partners_file, drop) -> None:
    """A shop listed in another of the partner's files, as it was, is the same shop: the file it
    left must not withdraw it, whichever of the two is read first."""
    partners = with_second_stream(partners_file)
    write_csv(drop["shops"], org_rows(1, start=100), name="新开商家.csv")
    run_sync(registry, partners, notify=False)

    write_csv(drop["shops"], org_rows(19))  # shop 19 moves to the other file
    write_csv(drop["shops"], [*org_rows(1, start=100), *org_rows(1, start=19)], name="新开商家.csv")
    report = run_sync(registry, partners, notify=False)
    assert report.status == "succeeded", report.to_markdown()
    assert sum(s.withdrawn for s in report.streams) == 0
    with registry.connect() as conn:
        stored = conn.execute(select(SourceRecord.stream, SourceRecord.withdrawn_at)
                              .where(SourceRecord.source_id == "M00019")).one()
    assert tuple(stored) == ("reopened", None)

    write_csv(drop["shops"], org_rows(1, start=100), name="新开商家.csv")  # and closes
    report = run_sync(registry, partners, notify=False)
    assert [(s.stream, s.withdrawn) for s in report.streams if s.withdrawn] == [("reopened", 1)]


def test_a_sync_with_another_secret_key_than_the_registrys_is_refused(registry, partners_file, monkeypatch) -> None:
    """A key file found in another folder would hash every ID number and phone anew: nothing
    stored would match again, and the registry would fill with duplicates."""
    from wushe.errors import ConfigError
    from wushe.registry.models import SyncRun

    partners = load_partners(partners_file)
    run_sync(registry, partners, notify=False)
    monkeypatch.setenv("WUSHE_SECRET_KEY", "another-key-0123456789")
    with pytest.raises(ConfigError, match="WUSHE_SECRET_KEY .fingerprint [0-9a-f]{16}. is not the key") as refused:
        run_sync(registry, partners, notify=False)
    assert "another-key" not in str(refused.value)  # a fingerprint, never the key
    assert count(registry, select(func.count()).select_from(SyncRun)) == 1

    monkeypatch.delenv("WUSHE_SECRET_KEY")  # back to the key file the registry was filled with
    assert run_sync(registry, partners, notify=False).status == "succeeded"


def test_a_failing_partner_never_stops_the_others(registry, partners_file, drop) -> None:
    for f in drop["estates"].iterdir():
        f.unlink()
    drop["estates"].rmdir()  # the estates' drop folder is gone
    report = run_sync(registry, load_partners(partners_file), notify=False)
    assert report.status == "partial" and report.failed_partners == ["estates"]
    assert next(s for s in report.streams if s.partner == "shops").status == "succeeded"
    assert live_sources(registry) == 20


def test_too_many_invalid_rows_stop_the_stream_and_commit_nothing_of_the_bad_batch(
        registry, partners_file, drop) -> None:
    rows = org_rows(20)
    for row in rows[7:14]:  # the whole second batch has bad credit codes
        row[2] = "91440300MA5F000000"
    write_csv(drop["shops"], rows)
    report = run_sync(registry, load_partners(partners_file), notify=False)
    shops = next(s for s in report.streams if s.partner == "shops")
    assert shops.status == "gated" and "invalid" in shops.error
    # the first batch committed, the bad one left no source rows and no quarantine rows behind
    with registry.connect() as conn:
        stored = conn.scalar(select(func.count()).where(SourceRecord.partner == "shops"))
        quarantined = conn.scalar(select(func.count()).select_from(QuarantineItem))
    assert stored == 7 and quarantined == 0
    assert runs.load_state(registry, "shops", "merchants") is not None
    assert report.failed


def test_a_partner_past_its_timeout_stops_at_a_batch_boundary(registry, partners_file, tmp_path) -> None:
    text = partners_file.read_text(encoding="utf-8").replace("    title: 园岭爱心商家", "    title: 园岭爱心商家\n    timeout_seconds: 0.000001")
    partners_file.write_text(text, encoding="utf-8")
    partners = load_partners(partners_file)
    run_id = runs.start_run(registry, "test")
    [shops] = sync_partner(registry, partners.get("shops"), run_id, partners)
    assert shops.status == "timeout" and shops.transient  # worth a retry
    assert "timeout_seconds" in shops.error and shops.fetched == 7
    assert runs.load_state(registry, "shops", "merchants") == {}  # a file is read whole or not at all


@pytest.mark.parametrize("reachable", [True, False])
def test_a_partner_synced_one_stream_per_call_is_checked_once(registry, partners_file, drop, monkeypatch,
                                                              reachable) -> None:
    """A worker process syncs a partner one stream per job: checking it for each again parsed the
    same workbooks, or waited for the same dead server, once per stream."""
    partners = with_second_stream(partners_file)
    write_csv(drop["shops"], org_rows(3, start=100), name="新开商家.csv")
    shops = partners.get("shops")
    connector = type(shops.connector())
    checks = []
    original = connector.check
    monkeypatch.setattr(connector, "check", lambda self, config: checks.append(1) or original(self, config))
    if not reachable:
        for f in drop["shops"].iterdir():
            f.unlink()
        drop["shops"].rmdir()
    run_id = runs.start_run(registry, "test")
    checked: dict = {}
    reports = [r for stream in ("merchants", "reopened")
               for r in sync_partner(registry, shops, run_id, partners, streams=[stream], checked=checked)]
    assert [(r.stream, r.status) for r in reports] == [
        ("merchants", "succeeded" if reachable else "failed"), ("reopened", "succeeded" if reachable else "failed")]
    assert len(checks) == 1
    if reachable:
        assert [r.fetched for r in reports] == [20, 3]


def test_a_partner_whose_run_crashed_outside_its_streams_is_reported_failed(registry) -> None:
    run_id = runs.start_run(registry, "prefect")
    runs.record_partner_failure(registry, run_id, "merchants", "partner run ended Crashed: worker lost")
    runs.record_partner_failure(registry, run_id, "merchants", "the same crash, seen again")
    report = runs.finish_run(registry, run_id)
    assert report.status != "succeeded" and report.failed_partners == ["merchants"]
    assert [(s.stream, s.error) for s in report.streams] == [("(run)", "partner run ended Crashed: worker lost")]


def test_rows_the_registry_already_holds_are_not_validated_again(registry, partners_file, monkeypatch) -> None:
    from wushe.validation.validator import Validator

    partners = load_partners(partners_file)
    run_sync(registry, partners, notify=False)
    validated: list[int] = []
    original = Validator.validate
    monkeypatch.setattr(Validator, "validate", lambda self, records, kind: validated.append(len(records))
                        or original(self, records, kind))
    report = run_sync(registry, partners, notify=False)
    shops = next(s for s in report.streams if s.partner == "shops")
    assert (shops.fetched, shops.valid, shops.unchanged) == (20, 20, 20)
    assert validated == []


def test_a_row_put_back_as_it_was_stored_closes_its_quarantine_item(registry, partners_file, drop) -> None:
    partners = load_partners(partners_file)
    run_sync(registry, partners, notify=False)
    rows = org_rows(20)
    broken = [list(r) for r in rows]
    broken[3][4] = "999999999999"  # no such community
    write_csv(drop["shops"], broken)
    run_sync(registry, partners, notify=False)
    with registry.connect() as conn:
        assert conn.scalar(select(QuarantineItem.status).where(QuarantineItem.source_id == "M00003")) == "open"
    write_csv(drop["shops"], rows)
    report = run_sync(registry, partners, notify=False)
    with registry.connect() as conn:
        assert conn.scalar(select(QuarantineItem.status).where(QuarantineItem.source_id == "M00003")) == "fixed"
    shops = next(s for s in report.streams if s.partner == "shops")
    assert (shops.valid, shops.unchanged) == (20, 20)  # its last good version stayed live meanwhile


def test_a_flagged_row_read_again_as_stored_is_not_validated_again_and_its_item_counts_the_night(
        registry, partners_file, drop, monkeypatch) -> None:
    """Validating it again would only flag it again; the item stays flagged, counts the sighting,
    and the stream still reports the row flagged. Changed, the row is validated and its item closed."""
    from wushe.registry.models import StreamRun
    from wushe.validation.validator import Validator

    partners = load_partners(partners_file)
    rows = org_rows(20)
    rows[3][3] = "8345123"  # a phone without its area code: accepted, with a warning
    write_csv(drop["shops"], rows)
    run_sync(registry, partners, notify=False)
    validated: list[str] = []
    original = Validator.validate
    monkeypatch.setattr(Validator, "validate", lambda self, records, kind: validated.extend(
        r["source_id"] for r in records) or original(self, records, kind))

    def item_and_gate(run_id: str) -> tuple:
        with registry.connect() as conn:
            item = conn.execute(select(QuarantineItem.status, QuarantineItem.times_seen, QuarantineItem.last_run_id)
                                .where(QuarantineItem.source_id == "M00003")).one()
            gate = conn.scalar(select(StreamRun.gate).where(StreamRun.run_id == run_id, StreamRun.partner == "shops"))
        return tuple(item), gate["flagged"]

    again = run_sync(registry, partners, notify=False)
    shops = next(s for s in again.streams if s.partner == "shops")
    assert (shops.valid, shops.unchanged) == (20, 20)
    assert validated == []
    assert item_and_gate(again.run_id) == (("flagged", 2, again.run_id), 1)

    rows[3][3] = "0755-83451234"  # corrected
    write_csv(drop["shops"], rows)
    fixed = run_sync(registry, partners, notify=False)
    assert validated == ["M00003"]
    assert item_and_gate(fixed.run_id) == (("fixed", 2, again.run_id), 0)


def test_a_quarantined_row_of_a_full_export_keeps_its_last_good_version(registry, partners_file, drop) -> None:
    partners = load_partners(partners_file)
    run_sync(registry, partners, notify=False)
    broken = [list(r) for r in org_rows(20)]
    broken[3][4] = "999999999999"  # no such community
    write_csv(drop["shops"], broken)
    report = run_sync(registry, partners, notify=False)
    shops = next(s for s in report.streams if s.partner == "shops")
    assert (shops.quarantined, shops.withdrawn) == (1, 0)
    assert live_sources(registry) == 25


def test_after_a_sync_postgres_plans_from_fresh_statistics(postgres_url, partners_file) -> None:
    from sqlalchemy import text

    from wushe.registry.db import make_engine
    from wushe.registry.migrate import upgrade

    engine = make_engine(postgres_url)
    upgrade(engine)
    run_sync(engine, load_partners(partners_file), notify=False)
    with engine.connect() as conn:
        analysed = dict(conn.execute(text(
            "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname IN ('source_record', 'golden_record', 'cross_reference', 'override', 'audit_log')")).all())
    engine.dispose()
    # what the night wrote, not the tables it left alone
    assert analysed == {**dict.fromkeys(("source_record", "golden_record", "cross_reference"), True),
                        **dict.fromkeys(("override", "audit_log"), False)}


def test_statistics_are_refreshed_only_after_a_change_large_enough_to_mislead_the_planner(postgres_url) -> None:
    from sqlalchemy import text

    from wushe.contract import make_record
    from wushe.registry.db import make_engine, refresh_statistics
    from wushe.registry.migrate import upgrade
    from wushe.registry.sources import write_source_records

    engine = make_engine(postgres_url)
    upgrade(engine)

    def last_analyzed():
        with engine.connect() as conn:
            return conn.execute(text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'source_record'"))\
                .scalar()

    records = [make_record("shops", "organization", f"M{i}", "2026-11-20T08:00:00+08:00", {"name": f"商家{i}"})
               for i in range(100)]
    with engine.begin() as conn:
        write_source_records(conn, records)
    refresh_statistics(engine, 100)  # never analysed: the planner knows nothing of the registry
    first = last_analyzed()
    refresh_statistics(engine, 5)  # a twentieth of the registry: the statistics still hold
    assert first is not None and last_analyzed() == first
    refresh_statistics(engine, 20)
    assert last_analyzed() > first
    engine.dispose()


def test_the_nightly_pass_lets_the_partner_holding_a_fields_role_win_it(registry, tmp_path) -> None:
    """The civil-affairs bureau wins the legal name over a merchant list whose record is newer."""
    import os

    import yaml
    from wushe.resolution.inspect import golden_detail
    from wushe.validation.identifiers import uscc_check_char

    body = "91440300MA5F" + "3K7Q8"
    code = body + uscc_check_char(body)
    rows = {"aa_merchants": ("园岭阿芳理发店", "merchant", 1_793_000_000),  # 2026-10
            "mz_bureau": ("深圳市福田区园岭阿芳美发服务部", "civil_affairs", 1_767_000_000)}  # 2026-01
    stream = {"pattern": "*.csv", "kind": "organization", "id": "编号",
              "mapping": {"name": "名称", "credit_code": "统一社会信用代码", "division_code": "所属社区"}}
    partners = {}
    for name, (org_name, role, changed) in rows.items():
        folder = tmp_path / name
        folder.mkdir()
        export = folder / "orgs.csv"
        export.write_text(f"编号,名称,统一社会信用代码,所属社区\nX1,{org_name},{code},440304002001\n", encoding="utf-8")
        os.utime(export, (changed, changed))
        partners[name] = {"connector": "csv", "roles": [role], "config": {"folder": str(folder), "streams": {"orgs": stream}}}
    path = tmp_path / "partners.yaml"
    path.write_text(yaml.safe_dump({"partners": partners}, allow_unicode=True), encoding="utf-8")

    report = run_sync(registry, load_partners(path), notify=False)
    assert report.status == "succeeded", report.to_markdown()
    with registry.connect() as conn:
        (gid,) = conn.execute(select(GoldenRecord.id).where(GoldenRecord.status == "active")).scalars().all()
        fields = {f["field"]: f for f in golden_detail(conn, gid)["fields"]}
    assert fields["name"]["value"] == "深圳市福田区园岭阿芳美发服务部"
    assert (fields["name"]["partner"], fields["name"]["rule"]) == ("mz_bureau", "priority:civil_affairs")


@pytest.mark.slow
def test_partners_synced_in_processes_give_the_registry_threads_give(registry, registry_url, partners_file,
                                                                      tmp_path) -> None:
    from wushe.registry.db import make_engine
    from wushe.registry.digest import registry_digest
    from wushe.registry.migrate import upgrade

    in_processes = tmp_path / "processes.yaml"
    in_processes.write_text(partners_file.read_text(encoding="utf-8").replace(
        "concurrency: 2", "concurrency: 2\n  partner_processes: 2"), encoding="utf-8")
    events = []
    report = run_sync(registry, load_partners(in_processes), notify=False, progress=events.append)
    assert report.status == "succeeded", report.to_markdown()
    assert {(e.partner, e.stream, e.fetched, e.status) for e in events if e.status != "running"} == {
        ("shops", "merchants", 20, "succeeded"), ("estates", "companies", 5, "succeeded")}

    threads_url = f"sqlite:///{tmp_path / 'threads.db'}"
    threads = make_engine(threads_url)
    upgrade(threads)
    assert run_sync(threads, load_partners(partners_file), notify=False).status == "succeeded"
    assert registry_digest(registry) == registry_digest(threads)
    threads.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("frozen_before", [False, True])
def test_a_sync_in_processes_sets_this_process_aside_from_the_collector_for_the_run_only(
        registry, partners_file, monkeypatch, frozen_before) -> None:
    """While worker processes sync the partners, the syncing process moves what it holds out of the
    cyclic collector's passes, so the resolution pass's collection walks only what was made since;
    after the run everything is collectable again, and a freeze the caller made stays the caller's."""
    import gc

    import wushe.sync.engine as engine_module

    frozen_at_pass = []
    real_pass = engine_module.resolution_pass
    monkeypatch.setattr(engine_module, "resolution_pass",
                        lambda *a, **k: frozen_at_pass.append(gc.get_freeze_count()) or real_pass(*a, **k))
    partners_file.write_text(partners_file.read_text(encoding="utf-8").replace(
        "concurrency: 2", "concurrency: 2\n  partner_processes: 2"), encoding="utf-8")
    gc.unfreeze()
    if frozen_before:
        gc.freeze()
    try:
        assert run_sync(registry, load_partners(partners_file), notify=False).status == "succeeded"
        after = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert frozen_at_pass[0] > 0
    assert (after > 0) == frozen_before  # a frozen object freed meanwhile leaves the count: only zero tells


@pytest.mark.parametrize(("processes", "names", "url", "warmed"), [
    (2, None, "sqlite:///{tmp}/registry.db", True),
    (1, None, "sqlite:///{tmp}/registry.db", False),  # partners as threads: no worker processes
    (2, ["shops"], "sqlite:///{tmp}/registry.db", False),  # one partner: synced in this process
    (2, None, "sqlite://", False),  # a registry in this process's memory cannot be shared
])
def test_the_worker_server_is_started_early_only_for_a_sync_in_processes(partners_file, tmp_path, monkeypatch,
                                                                        processes, names, url, warmed) -> None:
    """Its start costs seconds of one core: worth beginning before the sync, wasted on a sync in threads."""
    import wushe.workers
    from wushe.registry.db import make_engine
    from wushe.sync.engine import prepare_workers

    started = []
    monkeypatch.setattr(wushe.workers, "warm_up", lambda: started.append(True))
    partners_file.write_text(partners_file.read_text(encoding="utf-8").replace(
        "concurrency: 2", f"concurrency: 2\n  partner_processes: {processes}"), encoding="utf-8")
    prepare_workers(make_engine(url.format(tmp=tmp_path)), load_partners(partners_file), names)
    assert started == ([True] if warmed else [])


@pytest.mark.slow
@pytest.mark.parametrize("processes", [1, 2])
def test_a_partners_file_naming_a_stream_the_partner_lacks_fails_that_partner(registry, partners_file,
                                                                              processes) -> None:
    text = partners_file.read_text(encoding="utf-8").replace(
        "concurrency: 2", f"concurrency: 2\n  partner_processes: {processes}").replace(
        "    title: 园岭爱心商家\n", "    title: 园岭爱心商家\n    streams: [merchants, volunteers]\n")
    partners_file.write_text(text, encoding="utf-8")
    report = run_sync(registry, load_partners(partners_file), notify=False)
    [shops] = [s for s in report.streams if s.partner == "shops"]
    assert (shops.stream, shops.status) == ("(setup)", "failed")
    assert "has no stream volunteers" in shops.error
    assert {s.partner for s in report.streams if s.status == "succeeded"} == {"estates"}


def test_a_stream_is_read_with_the_cyclic_collector_paused_and_its_cycles_freed_every_few_batches(
        registry, partners_file, monkeypatch) -> None:
    import gc
    import weakref

    from wushe.sync import engine
    from wushe.sync.engine import sync_stream

    monkeypatch.setattr(engine, "COLLECT_EVERY", 2)

    partners = load_partners(partners_file)
    shops = partners.select(["shops"])[0]
    connector = shops.connector()
    stream = connector.streams(shops.config)[0]
    seen: list[tuple[bool, bool]] = []  # per batch: collector on?, previous batch's cycle still alive?

    class Node:
        pass

    class LeavingCycles:
        def read(self, config, stream, state):
            previous = None
            for batch in connector.read(config, stream, state):
                node = Node()
                node.me = node  # garbage only the cyclic collector can free
                seen.append((gc.isenabled(), previous is not None and previous() is not None))
                previous = weakref.ref(node)
                del node
                yield batch

    was_enabled = gc.isenabled()
    gc.enable()
    try:
        report = sync_stream(registry, shops, LeavingCycles(), stream, runs.start_run(registry, "test"), partners)
        assert gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()
    assert report.status == "succeeded" and report.fetched == 20
    assert len(seen) == 3  # batches of 7
    # the first batch's cycle outlives the second's commit, and is gone by the third
    assert seen == [(False, False), (False, True), (False, False)]


@pytest.fixture
def mapped(monkeypatch) -> list[str]:
    """The source ids of the partner rows mapped to records, in order."""
    from wushe.toolkit.reading import RecordMaker

    calls: list[str] = []
    original = RecordMaker.make
    monkeypatch.setattr(RecordMaker, "make", lambda self, values, **kw: calls.append(self.source_id(values))
                        or original(self, values, **kw))
    return calls


def test_rows_a_full_export_delivers_again_unchanged_are_not_mapped_again(registry, partners_file, drop,
                                                                          mapped) -> None:
    partners = load_partners(partners_file)
    run_sync(registry, partners, notify=False)
    rows = org_rows(21)
    rows[4][1] = "园岭爱心商家四号店（新址）"
    write_csv(drop["shops"], rows)
    mapped.clear()
    report = run_sync(registry, partners, notify=False)
    shops = next(s for s in report.streams if s.partner == "shops")
    assert sorted(mapped) == ["M00004", "M00020"]  # the renamed shop and the new one
    assert (shops.fetched, shops.valid, shops.new, shops.updated, shops.unchanged) == (21, 21, 1, 1, 19)
    with registry.connect() as conn:
        stored = conn.scalar(select(SourceRecord.payload).where(SourceRecord.partner == "shops",
                                                                SourceRecord.source_id == "M00004"))
    assert stored["name"] == rows[4][1]


def test_a_changed_mapping_maps_every_row_again(registry, partners_file, mapped) -> None:
    run_sync(registry, load_partners(partners_file), notify=False)
    text = partners_file.read_text(encoding="utf-8")
    partners_file.write_text(text.replace("org_type: {const: merchant}",
                                          "org_type: {const: merchant}\n            address: {const: 园岭街道}", 1),
                             encoding="utf-8")
    mapped.clear()
    report = run_sync(registry, load_partners(partners_file), notify=False)
    shops = next(s for s in report.streams if s.partner == "shops")
    assert sorted(mapped) == [f"M{i:05d}" for i in range(20)] and shops.updated == 20  # the shops only
    with registry.connect() as conn:
        addresses = conn.scalars(select(SourceRecord.payload).where(SourceRecord.partner == "shops")).all()
    assert {p.get("address") for p in addresses} == {"园岭街道"}


def test_rows_stored_without_a_row_digest_get_one_when_read_again(registry, partners_file, mapped) -> None:
    """A registry filled before row digests were kept: its rows are mapped once more, then never."""
    from sqlalchemy import update

    partners = load_partners(partners_file)
    run_sync(registry, partners, notify=False)
    with registry.begin() as conn:
        conn.execute(update(SourceRecord).values(row_hash=None))
    mapped.clear()
    report = run_sync(registry, partners, notify=False)
    assert len(mapped) == 25 and all(s.unchanged == s.fetched for s in report.streams)
    mapped.clear()
    run_sync(registry, partners, notify=False)
    assert mapped == []


def test_where_and_how_rows_are_fetched_is_not_how_they_map(registry, partners_file, drop, mapped) -> None:
    """A moved drop folder or another batch size (transport settings) leaves unchanged rows unmapped."""
    import shutil

    run_sync(registry, load_partners(partners_file), notify=False)
    moved = drop["shops"].with_name("shops-moved")
    shutil.copytree(drop["shops"], moved)
    text = partners_file.read_text(encoding="utf-8")
    partners_file.write_text(text.replace(str(drop["shops"]), str(moved)).replace("batch_size: 7", "batch_size: 9"),
                             encoding="utf-8")
    mapped.clear()
    report = run_sync(registry, load_partners(partners_file), notify=False)
    assert mapped == [] and all(s.unchanged == s.fetched for s in report.streams)
