"""Generated credit codes and ID numbers are valid by design §7; planted defects are exactly one."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sandbox.rules import id_problem, uscc_problem
from wushe.sandbox.codes import (
    USCC_PREFIXES,
    broken_id_checksum,
    broken_uscc,
    impossible_birth_id,
    impossible_date,
    make_uscc,
    orgcode_check_char,
)
from wushe.sandbox.people import people

PREFIXES = sorted({p for group in USCC_PREFIXES.values() for p in group})


@given(prefix=st.sampled_from(PREFIXES), division=st.from_regex(r"\A[1-6][0-9]{5}\Z"),
       body=st.lists(st.integers(0, 30), min_size=8, max_size=8), shift=st.integers(1, 30))
def test_credit_codes_are_valid_and_a_broken_one_fails_only_its_checksum(prefix, division, body, shift):
    code = make_uscc(prefix, division, np.array(body))
    assert uscc_problem(code) is None
    assert code[16] == orgcode_check_char(code[8:16])  # the embedded organisation code checks too
    assert uscc_problem(broken_uscc(code, shift)) == "CN.USCC.CHECKSUM"


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_id_numbers_of_generated_people_are_valid_for_any_seed(seed):
    rng = np.random.default_rng(seed)
    for person in people(rng, 200, ["440304"] * 200, min_age=16, max_age=90, today=date(2026, 1, 1), legacy_share=0.05):
        assert id_problem(person.id_number) is None, person.id_number
        if len(person.id_number) == 18:
            assert person.id_number[6:14] == f"{person.birth:%Y%m%d}"
            assert int(person.id_number[16]) % 2 == (1 if person.gender == "male" else 0)


@given(seed=st.integers(0, 2**32 - 1), shift=st.integers(1, 10), pick=st.integers(0, 10**6))
def test_planted_id_defects_break_exactly_their_rule(seed, shift, pick):
    person = people(np.random.default_rng(seed), 1, ["440304"], min_age=20, max_age=80, today=date(2026, 1, 1))[0]
    assert id_problem(broken_id_checksum(person.id_number, shift)) == "CN.IDCARD.CHECKSUM"
    assert id_problem(impossible_birth_id(person.id_number[:6], person.birth.year, pick % 1000, pick)) == "CN.IDCARD.BIRTHDATE"


@given(year=st.integers(1950, 2030), pick=st.integers(0, 10**6))
def test_impossible_dates_do_not_exist(year, pick):
    text = impossible_date(year, pick)
    try:
        date.fromisoformat(text)
    except ValueError:
        return
    raise AssertionError(f"{text} is a real date")
