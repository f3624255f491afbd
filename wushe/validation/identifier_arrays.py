"""Chinese identifiers, a whole column at a time: the validator's fast path.

A batch of a hundred thousand credit codes is checked as a matrix of code points with numpy (one
matrix product for the checksums) instead of a Python call per value. Values the fast path does not
cover (non-ASCII, blanks, extensions, odd lengths) go through the scalar functions of
:mod:`wushe.validation.identifiers`, which define the behaviour: property tests hold both to the
same answers. Each function takes a sequence of values and returns an object array holding the
rule id each value breaks, or None.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

import numpy as np

from wushe.validation import identifiers as ids

_NONE = None


def _lookup(alphabet: str, values: Sequence[int] | None = None) -> np.ndarray:
    """A code point -> value table over ASCII (index 128 catches everything above); -1 = not allowed."""
    table = np.full(129, -1, dtype=np.int64)
    for i, ch in enumerate(alphabet):
        table[ord(ch)] = i if values is None else values[i]
    return table


_USCC_VALUE = _lookup(ids.USCC_ALPHABET)
_USCC_FIRST = _lookup(ids.USCC_FIRST)
_BASE36 = _lookup("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGIT = _lookup("0123456789")
_ID_LAST = _lookup("0123456789X", list(range(10)) + [10])
_USCC_W = np.array(ids.USCC_WEIGHTS, dtype=np.int64)
_ORG_W = np.array(ids.ORGCODE_WEIGHTS, dtype=np.int64)
_ID_W = np.array(ids.ID_WEIGHTS, dtype=np.int64)
_ORG_CHECK = np.array([ord(c) for c in ids.ORGCODE_CHECK], dtype=np.uint32)
_ID_CHECK = np.array([_ID_LAST[ord(c)] for c in ids.ID_CHECK], dtype=np.int64)
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_ASCII_CODE = np.zeros(129, dtype=bool)
_ASCII_CODE[[ord(c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]] = True


def _strings(values: Sequence[object]) -> tuple[list[str], np.ndarray]:
    """The values as text, and their true lengths (numpy drops trailing NUL characters)."""
    strings = list(values)
    if set(map(type, strings)) - {str}:
        strings = [v if isinstance(v, str) else str(v) for v in strings]
    return strings, np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))


def code_matrix(values: Sequence[object], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Values normalised like :func:`identifiers.normalize_code`, as (code points (n, width), lengths).

    A value longer than ``width`` after normalisation gets length ``width + 1``.
    """
    strings, true_lengths = _strings(values)
    n = len(strings)
    mat = np.array(strings, dtype=f"U{width + 1}").view(np.uint32).reshape(n, width + 1).copy()
    lengths = np.count_nonzero(mat, axis=1)
    plain = (_ASCII_CODE[np.minimum(mat, 128)] | (mat == 0)).all(axis=1) & (lengths == true_lengths)
    for i in np.flatnonzero(~plain | (true_lengths > width)):  # rare: full-width, blanks, other scripts
        code = ids.normalize_code(strings[i])
        row = np.zeros(width + 1, dtype=np.uint32)
        cut = code[: width + 1]
        row[: len(cut)] = [ord(c) for c in cut]
        mat[i] = row
        lengths[i] = min(len(code), width + 1)
    lower = (mat >= 97) & (mat <= 122)
    mat[lower] -= 32
    return mat[:, :width], lengths


def _values(mat: np.ndarray, table: np.ndarray) -> np.ndarray:
    return table[np.minimum(mat, 128)]


def uscc_problems(values: Sequence[object]) -> np.ndarray:
    """Per value: CN.USCC.FORMAT, CN.USCC.CHECKSUM, CN.USCC.ORGCODE or None."""
    mat, lengths = code_matrix(values, 18)
    out = np.full(len(mat), _NONE, dtype=object)
    vals = _values(mat, _USCC_VALUE)
    well_formed = (lengths == 18) & (vals >= 0).all(axis=1) & (_values(mat[:, 0], _USCC_FIRST) >= 0)
    out[~well_formed] = "CN.USCC.FORMAT"
    expected = (31 - (vals[:, :17] @ _USCC_W) % 31) % 31
    bad_check = well_formed & (expected != vals[:, 17])
    out[bad_check] = "CN.USCC.CHECKSUM"
    org_total = _values(mat[:, 8:16], _BASE36) @ _ORG_W
    bad_org = well_formed & ~bad_check & (_ORG_CHECK[11 - org_total % 11] != mat[:, 16])
    out[bad_org] = "CN.USCC.ORGCODE"
    return out


def id_number_problems(values: Sequence[object], today: date | None = None) -> np.ndarray:
    """Per value: CN.IDCARD.FORMAT, CN.IDCARD.BIRTHDATE, CN.IDCARD.CHECKSUM or None."""
    mat, lengths = code_matrix(values, 18)
    out = np.full(len(mat), _NONE, dtype=object)
    digits = _values(mat, _DIGIT)
    last = _values(mat[:, 17], _ID_LAST)
    long_form = (lengths == 18) & (digits[:, :17] >= 0).all(axis=1) & (last >= 0) & (digits[:, 0] > 0)
    legacy = (lengths == 15) & (digits[:, :15] >= 0).all(axis=1) & (digits[:, 0] > 0)
    out[~(long_form | legacy)] = "CN.IDCARD.FORMAT"
    # 15-digit numbers: insert the century "19" after the area code
    body = np.where(legacy[:, None], np.concatenate([digits[:, :6], np.tile([1, 9], (len(mat), 1)), digits[:, 6:15]], axis=1),
                    digits[:, :17])
    year = body[:, 6] * 1000 + body[:, 7] * 100 + body[:, 8] * 10 + body[:, 9]
    month = body[:, 10] * 10 + body[:, 11]
    day = body[:, 12] * 10 + body[:, 13]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_days = _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    today = today or date.today()
    stamp = year * 10000 + month * 100 + day
    earliest = ids.ID_EARLIEST_BIRTH
    real = (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    past = (stamp <= today.year * 10000 + today.month * 100 + today.day) & (
        stamp >= earliest.year * 10000 + earliest.month * 100 + earliest.day)
    bad_birth = (long_form | legacy) & ~(real & past)
    out[bad_birth] = "CN.IDCARD.BIRTHDATE"
    expected = _ID_CHECK[(body @ _ID_W) % 11]
    out[long_form & ~bad_birth & (expected != last)] = "CN.IDCARD.CHECKSUM"
    return out


def division_problems(values: Sequence[object], known: frozenset[str] | None = None) -> np.ndarray:
    """Per value: CN.DIVISION.FORMAT, CN.DIVISION.UNKNOWN (not in the reference table) or None."""
    mat, lengths = code_matrix(values, 12)
    out = np.full(len(mat), _NONE, dtype=object)
    digits = _values(mat, _DIGIT)
    six = (lengths == 6) & (digits[:, :6] >= 0).all(axis=1)
    twelve = (lengths == 12) & (digits >= 0).all(axis=1)
    digits = np.where(six[:, None] & (np.arange(12) >= 6), 0, digits)
    province = digits[:, 0] * 10 + digits[:, 1]
    level_set = np.stack([digits[:, 2:4].any(1), digits[:, 4:6].any(1), digits[:, 6:9].any(1), digits[:, 9:12].any(1)], 1)
    # once a level is empty, every level below it is empty too
    nested = (np.maximum.accumulate(~level_set, axis=1) & level_set).sum(1) == 0
    sound = (six | twelve) & nested & (province >= 11) & (province <= 82)
    out[~sound] = "CN.DIVISION.FORMAT"
    codes = (np.where(sound[:, None], digits, 0).astype(np.uint32) + 48).view("U12").ravel()
    known = known if known is not None else ids.reference_divisions()
    present = np.fromiter((c in known for c in codes), dtype=bool, count=len(codes))
    out[sound & ~present] = "CN.DIVISION.UNKNOWN"
    return out


# phone numbers: characters the fast path reads; anything else goes through identifiers.parse_phone
_PHONE_WIDTH = 24
_PHONE_SEPARATORS = " -()"
_DROP_PLAIN = str.maketrans("", "", "0123456789" + _PHONE_SEPARATORS)  # a plain number leaves "" or "+"
_NOT_DIGITS = str.maketrans("", "", _PHONE_SEPARATORS + "+")


def phone_problems(values: Sequence[object]) -> np.ndarray:
    """Per value: CN.PHONE.FORMAT when it is not a recognisable phone number, else None."""
    strings, true_lengths = _strings(values)
    n = len(strings)
    ok = np.zeros(n, dtype=bool)
    # the numbers as one text: str.translate then sorts every character of the batch in one C pass
    joined = "\n".join(strings)
    if n and joined.count("\n") == n - 1:
        rest = np.array(joined.translate(_DROP_PLAIN).split("\n"), dtype=object)
        plus = np.array(strings, dtype="U1") == "+"
        plain = ((rest == "") | ((rest == "+") & plus)) & (true_lengths <= _PHONE_WIDTH)
    else:  # a number holding a line break: every value the slow way
        plus = plain = np.zeros(n, dtype=bool)
    fast = np.flatnonzero(plain)
    if len(fast):
        text = joined if len(fast) == n else "\n".join(strings[i] for i in fast)
        ok[fast] = _plain_phones_ok(text, plus[fast])
    for i in np.flatnonzero(~plain):
        ok[i] = ids.parse_phone(strings[i]) is not None
    out = np.full(n, _NONE, dtype=object)
    out[~ok] = "CN.PHONE.FORMAT"
    return out


def _plain_phones_ok(text: str, plus: np.ndarray) -> np.ndarray:
    """Phones of digits, blanks, hyphens, brackets and a leading plus (one per line of ``text``),
    classified like parse_phone."""
    # the digits of each row, packed to the left; -1 past the last digit
    digits = text.translate(_NOT_DIGITS).split("\n")
    count = np.fromiter(map(len, digits), dtype=np.int64, count=len(digits))
    width = _PHONE_WIDTH + 5
    d = np.array(digits, dtype=f"S{width}").view(np.uint8).reshape(len(digits), width).astype(np.int8) - 48
    d[d < 0] = -1

    def first(k: int) -> np.ndarray:
        return d[:, k]

    intl_plus = plus & (first(0) == 8) & (first(1) == 6)
    intl_0086 = ~plus & (first(0) == 0) & (first(1) == 0) & (first(2) == 8) & (first(3) == 6)
    mobile_at2 = (count == 13) & (first(2) == 1) & (first(3) >= 3)
    bare_86 = ~plus & ~intl_0086 & (first(0) == 8) & (first(1) == 6) & mobile_at2
    international = intl_plus | intl_0086
    shift = np.where(intl_plus | bare_86, 2, np.where(intl_0086, 4, 0))
    invalid_plus = plus & ~intl_plus
    t = np.take_along_axis(d, np.arange(6)[None, :] + shift[:, None], 1)  # the number after its country code
    n = count - shift

    def at(k: int) -> np.ndarray:
        return t[:, k]

    mobile = (n == 11) & (at(0) == 1) & (at(1) >= 3)
    hotline = (
        ((n == 10) & ((at(0) == 4) | (at(0) == 8)) & (at(1) == 0) & (at(2) == 0))
        | ((n == 5) & (at(0) == 1) & (at(1) >= 0) & (at(1) <= 2))
        | (((n == 5) | (n == 6)) & (at(0) == 9) & ((at(1) == 5) | (at(1) == 6)))
        | ((n == 3) & (at(0) == 1) & (at(1) == 1) & np.isin(at(2), (0, 2, 4, 9)))
        | ((n == 3) & (at(0) == 1) & (at(1) == 2) & np.isin(at(2), (0, 2)))
    )
    # a landline written internationally drops its trunk 0
    trunk = international & (at(0) != 0)
    land = np.where(trunk[:, None], np.concatenate([np.zeros((len(t), 1), dtype=np.int8), t[:, :-1]], 1), t)
    ln = n + trunk

    def la(k: int) -> np.ndarray:
        return land[:, k]

    big_city = (la(1) == 1) & (la(2) == 0) | (la(1) == 2)
    landline = (la(0) == 0) & (
        (big_city & (ln == 11) & (la(3) >= 2))
        | (~big_city & (la(1) >= 3) & ((ln == 11) | (ln == 12)) & (la(4) >= 2))
    )
    return ~invalid_plus & (n > 0) & (mobile | hotline | landline)
