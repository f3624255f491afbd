"""Source records: versioned, never overwritten, written in batches on SQLite and PostgreSQL."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from wushe.contract import make_record
from wushe.privacy import protect_payload
from wushe.registry.db import utc
from wushe.registry.models import PendingRecord, SourceRecord, SourceVersion
from wushe.registry.sources import encode_payload, encode_records, sort_unchanged, write_source_records

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)


def org(source_id: str, name: str, **extra) -> dict:
    return make_record("civil", "organization", source_id, "2026-10-30T09:00:00+08:00", {"name": name, **extra},
                       fetched_at=T0)


def write(engine, records, now=T0, run_id=None):
    with engine.begin() as conn:
        return write_source_records(conn, records, run_id=run_id, now=now)


def rows(engine):
    with engine.connect() as conn:
        return {r.source_id: r for r in conn.execute(select(SourceRecord))}


def test_new_unchanged_updated_and_deleted(registry) -> None:
    first = write(registry, [org("1", "园东社区居委会"), org("2", "建行园岭支行")])
    assert (first.counts.new, first.counts.updated, first.counts.unchanged) == (2, 0, 0)
    assert sorted(first.touched) == [("civil", "organization", "1", "new"), ("civil", "organization", "2", "new")]

    later = T0 + timedelta(days=1)
    second = write(registry, [org("1", "园东社区居委会"), org("2", "中国建设银行深圳园岭支行")], now=later)
    assert (second.counts.new, second.counts.updated, second.counts.unchanged) == (0, 1, 1)
    assert second.touched == [("civil", "organization", "2", "updated")]
    stored = rows(registry)
    assert stored["1"].version == 1 and stored["2"].version == 2
    assert stored["2"].payload["name"] == "中国建设银行深圳园岭支行"
    assert stored["1"].last_seen_at.replace(tzinfo=timezone.utc) == later
    assert stored["1"].first_seen_at.replace(tzinfo=timezone.utc) == T0

    with registry.connect() as conn:
        history = conn.execute(select(SourceVersion)).all()
    assert [(h.version, h.payload["name"]) for h in history] == [(1, "建行园岭支行")]

    tomb = make_record("civil", "organization", "2", "2026-11-03T00:00:00+08:00", {"name": "中国建设银行深圳园岭支行"},
                       deleted=True)
    third = write(registry, [tomb], now=later + timedelta(days=1))
    assert third.counts.deleted == 1
    assert rows(registry)["2"].withdrawn_at is not None


def test_key_order_does_not_make_a_change(registry) -> None:
    write(registry, [org("1", "园东社区", phones=["0755-1"], address="园岭七街")])
    again = make_record("civil", "organization", "1", "2026-10-30T09:00:00+08:00",
                        {"address": "园岭七街", "phones": ["0755-1"], "name": "园东社区"})
    assert write(registry, [again]).counts.unchanged == 1


def test_the_last_record_for_a_key_in_a_batch_wins(registry) -> None:
    result = write(registry, [org("1", "旧名"), org("1", "新名")])
    assert result.counts.new == 1
    assert rows(registry)["1"].payload["name"] == "新名"


def test_same_source_id_in_two_kinds_or_partners_is_two_records(registry) -> None:
    rec = org("7", "甲")
    other_partner = dict(rec, partner="fund")
    other_kind = make_record("civil", "volunteer", "7", "2026-10-30T09:00:00+08:00", {"name": "甲"})
    assert write(registry, [rec, other_partner, other_kind]).counts.new == 3


def test_id_numbers_never_reach_the_database(registry) -> None:
    vol = make_record("civil", "volunteer", "V1", "2026-10-30T09:00:00+08:00",
                      {"name": "王小明", "id_number": "11010519491231002X", "phone": "13800138000"})
    write(registry, [vol])
    with registry.connect() as conn:
        text = str(conn.execute(select(SourceRecord.payload)).scalar_one())
    assert "11010519491231002X" not in text and "19491231" not in text


def test_a_failed_batch_leaves_nothing_behind(registry) -> None:
    try:
        with registry.begin() as conn:
            write_source_records(conn, [org("1", "甲"), org("2", "乙")], now=T0)
            raise RuntimeError("crash after the write, before the commit")
    except RuntimeError:
        pass
    with registry.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SourceRecord)) == 0


def test_large_batches_are_written_whole(registry) -> None:
    records = [org(str(i), f"机构{i}") for i in range(2500)]
    assert write(registry, records).counts.new == 2500
    records[10] = org("10", "改名机构")
    result = write(registry, records, now=T0 + timedelta(hours=1))
    assert (result.counts.updated, result.counts.unchanged) == (1, 2499)


def test_content_hashes_are_the_ones_stored_before(registry) -> None:
    """The digest of a payload never changes: a registry's stored hashes keep comparing equal."""
    write(registry, [org("1", "园东社区居委会", phones=["0755-1"], address="O'Brien 园岭七街")])
    tomb = make_record("civil", "organization", "2", "2026-11-03T00:00:00+08:00", {"name": "园东社区居委会"},
                       deleted=True)
    write(registry, [tomb])
    stored = rows(registry)
    assert stored["1"].content_hash == "6752e4c9689295a0a36f4d29a692b42f"
    assert stored["2"].content_hash == "060345de3e04d2f1eccdbd35b7bdc50a"


def test_new_rows_hold_what_each_record_says(registry) -> None:
    """Whether a column varies within the batch or not, every row stores its own record's values."""
    base = datetime(2026, 10, 30, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    records = [make_record("civil", "volunteer", f"V{i}", base - timedelta(minutes=i, microseconds=i),
                           {"name": f"志愿者{i}", "id_number": "11010519491231002X"} if i == 3 else {"name": f"志愿者{i}"},
                           fetched_at=T0 + timedelta(seconds=i // 2), deleted=i == 4)
               for i in range(6)]
    write(registry, records, run_id="run-1")
    with registry.connect() as conn:
        stored = {r.source_id: r for r in conn.execute(select(SourceRecord))}
        pending = dict(conn.execute(select(PendingRecord.source_record_id, PendingRecord.kind)).all())
    for rec in records:
        row = stored[rec["source_id"]]
        payload = protect_payload(rec["payload"])
        assert (row.partner, row.kind, row.version, row.last_run_id) == ("civil", "volunteer", 1, "run-1")
        assert pending[row.id] == "volunteer"  # queued for resolution
        assert row.payload == payload and row.deleted == rec["deleted"]
        assert row.content_hash == encode_payload(payload, rec["deleted"])[1]
        assert utc(row.source_updated_at) == datetime.fromisoformat(rec["source_updated_at"])
        assert utc(row.fetched_at) == datetime.fromisoformat(rec["fetched_at"])
        assert utc(row.first_seen_at) == utc(row.changed_at) == utc(row.last_seen_at) == T0
        assert utc(row.withdrawn_at) == (T0 if rec["deleted"] else None)


def test_values_shared_by_the_whole_batch_are_stored_as_given(registry) -> None:
    same = {"name": "O'Brien 的店", "note": "50% off; ?"}
    records = [make_record("civil", "organization", str(i), "2026-10-30T09:00:00+08:00", same, fetched_at=T0,
                           deleted=True) for i in range(3)]
    assert write(registry, records).counts.deleted == 3
    stored = rows(registry)
    assert [stored[str(i)].payload for i in range(3)] == [same] * 3
    assert {stored[str(i)].content_hash for i in range(3)} == {encode_payload(same, True)[1]}


def test_stored_records_are_found_whatever_their_ids_hold(registry) -> None:
    """A batch's ids travel to the lookup as one JSON array (SQLite) or array (PostgreSQL)."""
    ids = ['a"b', "c,d", "{e}", "f\\g", "h'i", "园岭-1", " j ", "NULL", "7"]
    write(registry, [org(i, "甲") for i in ids])
    again = write(registry, [org(i, "甲") for i in ids] + [org("new", "乙")], now=T0 + timedelta(hours=1))
    assert (again.counts.unchanged, again.counts.new) == (len(ids), 1)


def test_a_changed_record_is_encoded_once_for_comparing_and_writing(registry) -> None:
    vol = lambda sid, phone: make_record("civil", "volunteer", sid, "2026-10-30T09:00:00+08:00",  # noqa: E731
                                         {"name": "王小明", "id_number": "11010519491231002X", "phone": phone})
    write(registry, [vol("V1", "13800138000"), vol("V2", "13800138001")])
    batch = [vol("V1", "13800138000"), vol("V2", "13900139000"), vol("V3", "13800138002")]
    with registry.connect() as conn:
        known = sort_unchanged(conn, batch)
    assert [r["source_id"] for r in known.changed] == ["V2", "V3"] and len(known.seen) == 1
    # the changed record compared with its stored row keeps what comparing made; a new one had nothing to compare
    assert list(known.encoded) == [("civil", "volunteer", "V2")]
    assert encode_records(known.changed, known.encoded) == encode_records(known.changed)
    with registry.begin() as conn:
        write_source_records(conn, known.changed, now=T0 + timedelta(days=1),
                             encoded=encode_records(known.changed, known.encoded))
    stored = rows(registry)
    assert stored["V2"].content_hash == known.encoded[("civil", "volunteer", "V2")].digest
    assert stored["V2"].payload == protect_payload(batch[1]["payload"]) and stored["V2"].version == 2
