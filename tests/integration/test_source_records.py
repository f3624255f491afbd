"""Source records: versioned, never overwritten, written in batches on SQLite and PostgreSQL."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from wushe.contract import make_record
from wushe.registry.models import SourceRecord, SourceVersion
from wushe.registry.sources import write_source_records

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
