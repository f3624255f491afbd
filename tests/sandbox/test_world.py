"""The in-process API: contract-shaped partner views of the world, with truth for every row."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from tests.sandbox.conftest import SEED, SIZE
from tests.sandbox.rules import errors
from wushe.contract import record_model
from wushe.sandbox import PARTNERS, crosswalk, labelled, observations, truth
from wushe.validation.catalogue import CATALOGUE


def test_same_seed_gives_the_same_records():
    first = list(observations(SEED, 1000, "merchants"))
    again = list(observations(SEED, 1000, "merchants"))
    other = list(observations(SEED + 1, 1000, "merchants"))
    assert first == again
    assert first != other


def test_truth_covers_every_row_and_keys_are_unique(labelled_rows):
    for partner, rows in labelled_rows.items():
        keys = [(r["partner"], r["kind"], r["source_id"]) for r, _ in rows]
        assert len(keys) == len(set(keys)), f"{partner}: duplicate (partner, kind, source_id)"
        assert all(t.key == k for (_, t), k in zip(rows, keys))
        assert [t.key for t in truth(SEED, SIZE, partner)] == keys


def test_invalid_rows_are_labelled_with_error_tier_rules_from_the_catalogue(labelled_rows):
    labels = Counter(t.rule_id for rows in labelled_rows.values() for _, t in rows if t.rule_id)
    assert labels, "the sandbox plants invalid rows"
    for rule_id in labels:
        assert CATALOGUE[rule_id].tier == "error"
    total = sum(len(rows) for rows in labelled_rows.values())
    assert 0.01 < sum(labels.values()) / total < 0.03  # the default share is 2%


def test_valid_rows_break_no_error_rule_and_invalid_rows_exactly_their_own(labelled_rows, division_codes):
    for partner, rows in labelled_rows.items():
        for record, t in rows:
            found = errors(record, division_codes)
            expected = {t.rule_id} if t.rule_id else set()
            assert found == expected, (partner, t, record["payload"])


def test_valid_rows_conform_to_the_contract(labelled_rows):
    for rows in labelled_rows.values():
        for record, t in rows:
            if t.rule_id is None:
                record_model(record["kind"]).model_validate(record)


def test_every_partner_sees_every_kind_it_should(labelled_rows):
    kinds = {p: {r["kind"] for r, _ in rows} for p, rows in labelled_rows.items()}
    assert kinds["charity_fund"] == {"organization", "resource", "donation", "need"}
    assert kinds["merchants"] == {"organization", "resource"}
    assert kinds["property_files"] == {"resource"}
    assert kinds["civil_affairs"] == {"organization", "volunteer", "resource", "need"}


def test_the_same_entity_appears_twice_within_and_across_partners(labelled_rows):
    per_partner: dict[str, Counter] = {p: Counter(t.entity_id for _, t in rows) for p, rows in labelled_rows.items()}
    for partner in ("charity_fund", "merchants", "civil_affairs"):
        assert any(n > 1 for n in per_partner[partner].values()), f"{partner} has no duplicates"
    partners_of: dict[str, set[str]] = defaultdict(set)
    for partner, counts in per_partner.items():
        for entity in counts:
            partners_of[entity].add(partner)
    shared = Counter(frozenset(ps) for ps in partners_of.values() if len(ps) > 1)
    assert shared[frozenset({"merchants", "charity_fund"})] > 0  # shops that also donate
    assert shared[frozenset({"civil_affairs", "charity_fund"})] > 0  # registered organisations, needs


def test_bank_branches_go_by_legal_name_short_name_and_abbreviation(labelled_rows):
    names = {r["payload"]["name"] for p in ("merchants", "charity_fund") for r, _ in labelled_rows[p]
             if r["kind"] == "organization"}
    assert any(n.startswith("中国建设银行股份有限公司深圳") and n.endswith("支行") for n in names) or \
        any(n.startswith("建设银行") and n.endswith("支行") for n in names)
    assert any(n.startswith("建行") or n.startswith("工行") or n.startswith("农行") for n in names)


def test_noise_is_there(labelled_rows):
    names = [r["payload"].get("name") or r["payload"].get("title") or "" for rows in labelled_rows.values()
             for r, _ in rows]
    phones = [ph for rows in labelled_rows.values() for r, _ in rows for ph in r["payload"].get("phones", [])]
    assert any(any("\uff01" <= ch <= "\uff5e" for ch in n) for n in names), "full-width characters"
    assert any(ch in n for n in names for ch in "園區國會務愛"), "traditional characters"
    assert any(p.startswith("+86") for p in phones) and any(" " in p for p in phones)


def test_category_words_differ_by_partner_and_map_back_through_the_crosswalk():
    haircut = {p: next(w for w, c in crosswalk(p)["categories"].items() if c == "daily.haircut") for p in PARTNERS}
    assert haircut["charity_fund"] == "义剪"
    assert haircut["merchants"] == "免费理发"
    assert haircut["civil_affairs"] == "爱心理发"


@pytest.mark.parametrize("partner", PARTNERS)
def test_nights_change_one_to_three_percent(partner):
    def state(night: int) -> dict:
        return {(r["kind"], r["source_id"]): r for r, _ in labelled(SEED, 8000, partner, night)}

    before, after = state(0), state(1)
    live_before = {k for k, r in before.items() if not r["deleted"]}
    inserted = len(after.keys() - before.keys())
    deleted = len({k for k in live_before if k not in after or after[k]["deleted"]})
    updated = len({k for k in live_before & after.keys()
                   if not after[k]["deleted"] and after[k]["source_updated_at"] != before[k]["source_updated_at"]})
    base = len(live_before)
    for what, n in (("inserts", inserted), ("updates", updated), ("deletions", deleted)):
        assert 0.005 <= n / base <= 0.035, f"{partner}: {what} {n} of {base}"
    for key in live_before & after.keys():
        if after[key]["source_updated_at"] != before[key]["source_updated_at"]:
            assert after[key]["source_updated_at"] > before[key]["source_updated_at"]
