"""Identifier rules: the exact algorithms of design §7, as properties over generated codes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wushe.validation import identifier_arrays as arrays
from wushe.validation import identifiers as ids
from wushe.validation.catalogue import rule

TODAY = date(2026, 11, 24)
USCC_CHARS = ids.USCC_ALPHABET
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # org-code characters that are also credit-code characters


@st.composite
def usccs(draw, first: str = ids.USCC_FIRST) -> str:
    """A valid credit code: valid embedded organisation code, valid check character."""
    head = draw(st.sampled_from(first)) + draw(st.sampled_from("123459")) + draw(st.text("0123456789", min_size=6, max_size=6))
    org = draw(st.text(ORG_CHARS, min_size=8, max_size=8))
    org_check = ids.orgcode_check_char(org)
    body = head + org + org_check
    return body + ids.uscc_check_char(body)


@st.composite
def id_numbers(draw) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    area = draw(st.sampled_from(["440304", "110105", "350524", "440605"]))
    body = f"{area}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ids.id_check_char(body)


@st.composite
def mobiles(draw) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))


@st.composite
def landlines(draw) -> str:
    area = draw(st.sampled_from(["010", "020", "021", "0755", "0757", "0595", "0431"]))
    local_len = 8 if area in ("010", "020", "021") else draw(st.sampled_from([7, 8]))
    local = draw(st.sampled_from("23456789")) + draw(st.text("0123456789", min_size=local_len - 1, max_size=local_len - 1))
    return area + local


# -- unified social credit codes ---------------------------------------------------------------


@given(usccs())
def test_generated_credit_codes_pass(code: str) -> None:
    assert ids.uscc_problem(code) is None
    assert ids.normalize_uscc(code) == code


@given(usccs(first="ANY"))
def test_credit_codes_from_authorities_a_n_y_are_accepted(code: str) -> None:
    # python-stdnum rejects these first characters; registration authorities issue them
    assert ids.uscc_problem(code) is None


@given(usccs(), st.integers(0, 17), st.sampled_from(USCC_CHARS))
def test_any_single_character_change_breaks_the_credit_code(code: str, pos: int, ch: str) -> None:
    changed = code[:pos] + ch + code[pos + 1 :]
    if changed != code:
        assert ids.uscc_problem(changed) in ("CN.USCC.CHECKSUM", "CN.USCC.FORMAT")


@given(usccs())
def test_full_width_and_lower_case_codes_are_normalised(code: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    assert ids.normalize_uscc(f" {wide} ") == code


@given(usccs())
def test_a_broken_embedded_organisation_code_is_only_a_warning(code: str) -> None:
    org_check = ids.orgcode_check_char(code[8:16])
    wrong = next(c for c in "0123456789" if c != org_check)
    body = code[:16] + wrong
    changed = body + ids.uscc_check_char(body)
    assert ids.uscc_problem(changed) == "CN.USCC.ORGCODE"
    assert ids.normalize_uscc(changed) == changed
    assert rule("CN.USCC.ORGCODE").tier == "warning"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y43", None),  # a published code
        ("91350100M000100Y4", "CN.USCC.FORMAT"),
        ("01350100M000100Y43", "CN.USCC.FORMAT"),  # 0 is no registration authority
        ("91350100M000100YI3", "CN.USCC.FORMAT"),  # I is not in the alphabet
        ("91350100M000100Y44", "CN.USCC.CHECKSUM"),
    ],
)
def test_known_credit_codes(code: str, problem: str | None) -> None:
    assert ids.uscc_problem(code) == problem


# -- ID numbers --------------------------------------------------------------------------------


@given(id_numbers())
def test_generated_id_numbers_pass(number: str) -> None:
    assert ids.id_number_problem(number, TODAY) is None


@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_breaks_the_id_number(number: str, pos: int, ch: str) -> None:
    changed = number[:pos] + ch + number[pos + 1 :]
    if changed != number:
        assert ids.id_number_problem(changed, TODAY) is not None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), st.integers(0, 999))
def test_fifteen_digit_numbers_convert(born: date, seq: int) -> None:
    legacy = f"440304{born:%y%m%d}{seq:03d}"
    full = ids.id_number_18(legacy)
    assert full is not None and len(full) == 18
    assert full[:6] == "440304" and full[6:14] == f"{born:%Y%m%d}" and full[14:17] == f"{seq:03d}"
    assert ids.id_check_char(full[:17]) == full[17]
    assert ids.id_birth_date(legacy) == born
    assert ids.id_number_problem(legacy, TODAY) is None


@given(id_numbers())
def test_lower_case_x_and_full_width_digits_are_accepted(number: str) -> None:
    assert ids.id_number_problem(number.lower(), TODAY) is None
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert ids.id_number_18(wide) == number


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2099, 12, 31)))
def test_future_birth_dates_are_rejected(born: date) -> None:
    body = f"440304{born:%Y%m%d}123"
    assert ids.id_number_problem(body + ids.id_check_char(body), TODAY) == "CN.IDCARD.BIRTHDATE"


@pytest.mark.parametrize("birth", ["19990230", "20011301", "19800000", "17990101"])
def test_impossible_birth_dates_are_rejected(birth: str) -> None:
    body = f"440304{birth}123"
    assert ids.id_number_problem(body + ids.id_check_char(body), TODAY) == "CN.IDCARD.BIRTHDATE"


def test_the_standard_example_id_number() -> None:
    assert ids.id_number_problem("11010519491231002X", TODAY) is None
    assert ids.id_number_problem("110105194912310021", TODAY) == "CN.IDCARD.CHECKSUM"
    assert ids.id_number_problem("11010519491231002", TODAY) == "CN.IDCARD.FORMAT"


# -- phones ------------------------------------------------------------------------------------


@given(mobiles())
def test_mobiles_in_every_written_form_normalise_to_one_e164(number: str) -> None:
    spaced = f"{number[:3]} {number[3:7]} {number[7:]}"
    for form in (number, f"+86{number}", f"+86 {spaced}", f"0086-{number}", f"86{number}", spaced,
                 "".join(chr(ord(c) + 0xFEE0) for c in number)):
        phone = ids.parse_phone(form)
        assert phone == ids.Phone("+86" + number, "mobile"), form
        assert phone.personal


@given(landlines())
def test_landlines_normalise_to_e164_without_the_trunk_zero(number: str) -> None:
    area = 3 if number[1] in "12" else 4
    for form in (number, f"{number[:area]}-{number[area:]}", f"({number[:area]}){number[area:]}",
                 f"+86 {number[1:area]} {number[area:]}"):
        assert ids.parse_phone(form) == ids.Phone("+86" + number[1:], "landline"), form


@given(st.one_of(mobiles(), landlines(), st.sampled_from(["12345", "95533", "4008001234", "8008101234", "110"])))
def test_e164_normalisation_is_idempotent(number: str) -> None:
    e164 = ids.phone_e164(number)
    assert e164 is not None and e164.startswith("+86")
    assert ids.phone_e164(e164) == e164


@pytest.mark.parametrize("hotline", ["400-800-1234", "800 810 1234", "12345", "12315", "95533", "10086", "120"])
def test_hotlines_are_valid_but_not_personal(hotline: str) -> None:
    phone = ids.parse_phone(hotline)
    assert phone is not None and phone.kind == "hotline" and not phone.personal


@pytest.mark.parametrize("number", ["88889999", "12800138000", "0755-0888999", "010-6552998", "+1 415 555 0100",
                                    "138001380001", "电话待补", "", "0755-888899999"])
def test_unrecognisable_phones_fail(number: str) -> None:
    assert ids.phone_problem(number) == "CN.PHONE.FORMAT"


def test_an_extension_is_kept_apart_from_the_number() -> None:
    assert ids.parse_phone("0755-83451234转801") == ids.Phone("+8675583451234", "landline", "801")


# -- division codes ----------------------------------------------------------------------------


def test_reference_divisions_are_known_in_both_lengths() -> None:
    assert ids.division_problem("440304002001") is None  # 福田区园岭街道园东社区
    assert ids.division_problem("350524100001") is None  # 安溪县凤城镇城东社区
    assert ids.division_problem("440304") is None  # 6-digit district code
    assert ids.division_problem(" ４４０３０４００２００１ ") is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("44030400200", "CN.DIVISION.FORMAT"),
        ("44030400200a", "CN.DIVISION.FORMAT"),
        ("990304002001", "CN.DIVISION.FORMAT"),  # no province 99
        ("440300000001", "CN.DIVISION.FORMAT"),  # a community under no district
        ("440304002999", "CN.DIVISION.UNKNOWN"),
        ("110105", "CN.DIVISION.UNKNOWN"),  # sound, but not a served area
    ],
)
def test_bad_division_codes(code: str, problem: str) -> None:
    assert ids.division_problem(code) == problem


@given(st.sampled_from(sorted(ids.reference_divisions())), st.integers(0, 11), st.sampled_from("0123456789"))
def test_a_changed_reference_code_is_unknown_or_malformed(code: str, pos: int, digit: str) -> None:
    changed = code[:pos] + digit + code[pos + 1 :]
    if changed not in ids.reference_divisions():
        assert ids.division_problem(changed) in ("CN.DIVISION.UNKNOWN", "CN.DIVISION.FORMAT")


# -- the vectorised fast path agrees with the scalar definition --------------------------------

CODEISH = st.text(st.sampled_from(USCC_CHARS + "IOZSVabcxy ０１９Ａ-\x00"), max_size=22)
PHONEISH = st.text(st.sampled_from("0123456789 -()+.转x８６\n\x00"), max_size=26)


@settings(max_examples=300)
@given(st.lists(st.one_of(usccs(), CODEISH), max_size=30))
def test_vectorised_credit_code_check_agrees(values: list[str]) -> None:
    assert list(arrays.uscc_problems(values)) == [ids.uscc_problem(v) for v in values]


@settings(max_examples=300)
@given(st.lists(st.one_of(id_numbers(), st.text("0123456789Xx １", max_size=19),
                          st.builds(lambda s: s[:15], id_numbers())), max_size=30))
def test_vectorised_id_number_check_agrees(values: list[str]) -> None:
    assert list(arrays.id_number_problems(values, TODAY)) == [ids.id_number_problem(v, TODAY) for v in values]


@settings(max_examples=300)
@given(st.lists(st.one_of(mobiles(), landlines(), PHONEISH,
                          st.builds(lambda n: "+86 " + n[1:], landlines()),
                          st.sampled_from(["12345", "95533", "4008001234", "120", "+8612345", "008613800138000"])),
                max_size=30))
def test_vectorised_phone_check_agrees(values: list[str]) -> None:
    assert list(arrays.phone_problems(values)) == [ids.phone_problem(v) for v in values]


@settings(max_examples=300)
@given(st.lists(st.one_of(st.sampled_from(sorted(ids.reference_divisions())), st.text("0123456789 ４a", max_size=13)),
                max_size=30))
def test_vectorised_division_check_agrees(values: list[str]) -> None:
    assert list(arrays.division_problems(values)) == [ids.division_problem(v) for v in values]


def test_non_string_values_are_checked_as_text() -> None:
    assert list(arrays.id_number_problems([110105194912310021], TODAY)) == ["CN.IDCARD.CHECKSUM"]
    assert list(arrays.division_problems([440304002001])) == [None]
