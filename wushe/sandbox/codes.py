"""Synthetic identifiers: unified social credit codes, resident ID numbers, phone numbers.

The generators follow design §7 exactly, so every code they call valid passes an independent
checker; the ``broken_*`` helpers plant exactly one defect each (a wrong check character, an
impossible birth date with a correct check character) for the rows labelled invalid.
Randomness comes from the caller's ``numpy.random.Generator`` so output is fixed by the seed.
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGCODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
# characters an organisation code body may use: digits and the USCC letters (GB 11714 values A=10 ...)
_ORGCODE_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# registration authority + organisation category (positions 1-2), by organisation type
USCC_PREFIXES: dict[str, tuple[str, ...]] = {
    "government": ("11",),
    "public_institution": ("12",),
    "association": ("51",),
    "private_non_enterprise": ("52",),
    "foundation": ("53",),
    "grassroots": ("55",),
    "enterprise": ("91",),
    "individual_business": ("92",),
    "collective": ("N2", "N3"),
    "other": ("Y1",),
    "trade_union": ("81",),
}


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code."""
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def orgcode_check_char(first8: str) -> str:
    """GB 11714 check character of the organisation code embedded at positions 9-17."""
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(first8, ORGCODE_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_uscc(prefix: str, division6: str, body_draw: np.ndarray) -> str:
    """A valid credit code from its prefix, 6-digit division and 8 random draws in [0, 31)."""
    body = "".join(_ORGCODE_BODY[i] for i in body_draw)
    first17 = prefix + division6 + body + orgcode_check_char(body)
    return first17 + uscc_check_char(first17)


def broken_uscc(code: str, shift: int) -> str:
    """The same code with a wrong check character (``shift`` in 1..30 picks which)."""
    right = _USCC_VALUE[code[17]]
    return code[:17] + USCC_ALPHABET[(right + shift) % 31]


def id_check_char(first17: str) -> str:
    """The 18th character of a resident ID number."""
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def make_id_number(area6: str, birth: date, sequence: int) -> str:
    """A valid 18-digit ID number; an odd ``sequence`` (0-999) means male, as on real cards."""
    first17 = f"{area6}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def id_check_chars(first17s: list[str]) -> list[str]:
    """Check characters of many 17-digit ID bodies at once (vectorised)."""
    if not first17s:
        return []
    digits = np.frombuffer("".join(first17s).encode("ascii"), dtype=np.uint8).reshape(-1, 17).astype(np.int64) - 48
    totals = (digits @ np.array(ID_WEIGHTS, dtype=np.int64)) % 11
    return [ID_CHECK_CHARS[t] for t in totals.tolist()]


def legacy_id_number(area6: str, birth: date, sequence: int) -> str:
    """A 15-digit first-generation ID number (no check character, two-digit year)."""
    return f"{area6}{birth:%y%m%d}{sequence:03d}"


def broken_id_checksum(number: str, shift: int) -> str:
    """The same number with a wrong check character (``shift`` in 1..10)."""
    right = ID_CHECK_CHARS.index(number[17])
    return number[:17] + ID_CHECK_CHARS[(right + shift) % 11]


def impossible_birth_id(area6: str, year: int, sequence: int, pick: int) -> str:
    """An ID number whose birth date does not exist (e.g. 0230, 1131) but whose check char is right."""
    month, day = IMPOSSIBLE_MONTH_DAYS[pick % len(IMPOSSIBLE_MONTH_DAYS)]
    first17 = f"{area6}{year:04d}{month:02d}{day:02d}{sequence:03d}"
    return first17 + id_check_char(first17)


IMPOSSIBLE_MONTH_DAYS = ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (13, 1), (0, 15))


def impossible_date(year: int, pick: int) -> str:
    """An ISO-shaped date that does not exist, like 2023-02-30 (calendar-aware for Feb 29)."""
    if pick % 3 == 0 and not calendar.isleap(year):
        return f"{year:04d}-02-29"
    month, day = IMPOSSIBLE_MONTH_DAYS[pick % 6]
    return f"{year:04d}-{month:02d}-{day:02d}"


MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "170", "173", "175", "176", "177", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "195", "198", "199",
)


def mobile_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` 11-digit mainland mobile numbers."""
    prefixes = rng.integers(0, len(MOBILE_PREFIXES), n)
    tails = rng.integers(0, 100_000_000, n)
    return [f"{MOBILE_PREFIXES[p]}{t:08d}" for p, t in zip(prefixes.tolist(), tails.tolist())]

