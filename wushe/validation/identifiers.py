"""Chinese identifiers, one value at a time: credit codes, ID numbers, phones, division codes.

Pure functions with no I/O, for validation (the reference behaviour the vectorised column checks in
:mod:`wushe.validation.identifier_arrays` must agree with) and for resolution's normalisation.
Each ``*_problem`` function returns the catalogue rule id a value breaks, or None. The algorithms
are the ones of design §7; python-stdnum is not used because it rejects credit codes starting with
A, N or Y, which registration authorities do issue.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from typing import Literal, NamedTuple

# 统一社会信用代码 (GB 32100-2015)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_FIRST = "123456789ANY"  # registration authority: 1-9, A (military), N (others), Y (others)
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_FORMAT = re.compile(r"[1-9ANY][0-9A-HJ-NP-RTUWXY]{17}")

# 组织机构代码 (GB 11714-1997), embedded at positions 9-17 of a credit code
ORGCODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORGCODE_CHECK = "0123456789X0"  # index 11 - (sum mod 11): 10 -> X, 11 -> 0

# 公民身份号码 (GB 11643-1999)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # by sum mod 11
ID_EARLIEST_BIRTH = date(1800, 1, 1)
_ID18_FORMAT = re.compile(r"[1-9][0-9]{16}[0-9X]")
_ID15_FORMAT = re.compile(r"[1-9][0-9]{14}")

# division codes (统计用区划代码)
_DIVISION_FORMAT = re.compile(r"[0-9]{6}(?:[0-9]{6})?")


def normalize_code(value: str) -> str:
    """NFKC (full-width to half-width), surrounding blanks removed, upper case."""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return value.strip().upper()


# -- unified social credit code ---------------------------------------------------------------


def uscc_check_char(body: str) -> str:
    """The check character of a credit code's first 17 characters."""
    total = sum(w * _USCC_VALUE[ch] for w, ch in zip(USCC_WEIGHTS, body))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def orgcode_check_char(body: str) -> str:
    """The check character of an organisation code's first 8 characters (digits, A-Z)."""
    total = sum(w * int(ch, 36) for w, ch in zip(ORGCODE_WEIGHTS, body))
    return ORGCODE_CHECK[11 - total % 11]


def uscc_problem(value: str) -> str | None:
    """The rule a credit code breaks: CN.USCC.FORMAT, .CHECKSUM, .ORGCODE (a warning), or None."""
    code = normalize_code(value)
    if not _USCC_FORMAT.fullmatch(code):
        return "CN.USCC.FORMAT"
    if uscc_check_char(code[:17]) != code[17]:
        return "CN.USCC.CHECKSUM"
    if orgcode_check_char(code[8:16]) != code[16]:
        return "CN.USCC.ORGCODE"
    return None


def normalize_uscc(value: str) -> str | None:
    """The canonical form of a credit code whose checksum holds, else None (a key for matching)."""
    code = normalize_code(value)
    if _USCC_FORMAT.fullmatch(code) and uscc_check_char(code[:17]) == code[17]:
        return code
    return None


# -- resident ID number ------------------------------------------------------------------------


def id_check_char(body: str) -> str:
    """The check character of an ID number's first 17 digits."""
    return ID_CHECK[sum(w * int(d) for w, d in zip(ID_WEIGHTS, body)) % 11]


def id_number_18(value: str) -> str | None:
    """The 18-character form of an ID number: a 15-digit legacy number is converted, else as is.

    Legacy numbers carry a two-digit birth year of the 1900s; conversion inserts "19" and appends
    the check character. Returns None for a value of neither shape.
    """
    code = normalize_code(value)
    if _ID18_FORMAT.fullmatch(code):
        return code
    if _ID15_FORMAT.fullmatch(code):
        body = code[:6] + "19" + code[6:]
        return body + id_check_char(body)
    return None


def id_birth_date(value: str) -> date | None:
    """The birth date an ID number encodes, if it is a real calendar date."""
    code = id_number_18(value)
    if code is None:
        return None
    try:
        return date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return None


def id_number_problem(value: str, today: date | None = None) -> str | None:
    """The rule an ID number breaks: CN.IDCARD.FORMAT, .BIRTHDATE, .CHECKSUM, or None."""
    code = id_number_18(value)
    if code is None:
        return "CN.IDCARD.FORMAT"
    born = id_birth_date(code)
    if born is None or not ID_EARLIEST_BIRTH <= born <= (today or date.today()):
        return "CN.IDCARD.BIRTHDATE"
    if id_check_char(code[:17]) != code[17]:
        return "CN.IDCARD.CHECKSUM"
    return None


# -- phone numbers -----------------------------------------------------------------------------

PhoneKind = Literal["mobile", "landline", "hotline"]


class Phone(NamedTuple):
    """A recognised Chinese phone number; ``e164`` is the matching key (+86...)."""

    e164: str
    kind: PhoneKind
    extension: str | None = None

    @property
    def personal(self) -> bool:
        """Service hotlines (400/800, 12345, 95xxx) belong to no one person."""
        return self.kind != "hotline"


_PHONE_SEPARATORS = re.compile(r"[\s\-().\u2010-\u2015\u00b7/]")
_PHONE_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)([0-9]{1,6})$", re.IGNORECASE)
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086)")
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
# 010 and 02x: 8-digit local numbers; other area codes (0 + 3 digits): 7 or 8; local numbers start 2-9
_LANDLINE = re.compile(r"0(?:(?:10|2\d)[2-9]\d{7}|[3-9]\d{2}[2-9]\d{6,7})", re.ASCII)
# 400/800 numbers, 5-digit public service lines (12345, 12315, 10086...), 95xxx/96xxx enterprise
# lines, and emergency numbers
_HOTLINE = re.compile(r"[48]00\d{7}|1[0-2]\d{3}|9[56]\d{3,4}|11[0249]|12[02]", re.ASCII)


def parse_phone(value: str) -> Phone | None:
    """Recognise a mobile, a landline with area code or a service hotline; None if it is none."""
    text = value if value.isascii() else unicodedata.normalize("NFKC", value)
    text = _PHONE_SEPARATORS.sub("", text)
    extension = None
    match = _PHONE_EXTENSION.search(text)
    if match:
        extension, text = match.group(1), text[: match.start()]
    international = _COUNTRY_PREFIX.match(text)
    if international:
        text = text[international.end() :]
    elif len(text) == 13 and text.startswith("86") and _MOBILE.fullmatch(text[2:]):
        text = text[2:]
    if not (text.isascii() and text.isdigit()):
        return None
    if _MOBILE.fullmatch(text):
        return Phone("+86" + text, "mobile", extension)
    if _HOTLINE.fullmatch(text):
        return Phone("+86" + text, "hotline", extension)
    # written internationally, a landline drops its trunk 0: +86 755 8888 9999
    landline = "0" + text if international and not text.startswith("0") else text
    if _LANDLINE.fullmatch(landline):
        return Phone("+86" + landline[1:], "landline", extension)
    return None


def phone_e164(value: str) -> str | None:
    """The E.164 form of a phone number (+8613812345678, +8675588889999), or None."""
    phone = parse_phone(value)
    return phone.e164 if phone else None


def phone_problem(value: str) -> str | None:
    """CN.PHONE.FORMAT when the value is not a recognisable phone number, else None."""
    return None if parse_phone(value) else "CN.PHONE.FORMAT"


# -- division codes ----------------------------------------------------------------------------


def division_structure_ok(code: str) -> bool:
    """A 12-digit code's levels nest: province present, no level set below an empty one."""
    if code[:2] < "11" or code[:2] > "82":
        return False
    levels = (code[2:4], code[4:6], code[6:9], code[9:12])
    seen_empty = False
    for part in levels:
        empty = set(part) == {"0"}
        if seen_empty and not empty:
            return False
        seen_empty = seen_empty or empty
    return True


def normalize_division(value: str) -> str | None:
    """The 12-digit form of a 6- or 12-digit division code with a sound structure, else None."""
    code = normalize_code(value)
    if not _DIVISION_FORMAT.fullmatch(code):
        return None
    code = code.ljust(12, "0")
    return code if division_structure_ok(code) else None


def division_problem(value: str, known: frozenset[str] | None = None) -> str | None:
    """CN.DIVISION.FORMAT, CN.DIVISION.UNKNOWN (not in the reference table), or None."""
    code = normalize_division(value)
    if code is None:
        return "CN.DIVISION.FORMAT"
    if code not in (known if known is not None else reference_divisions()):
        return "CN.DIVISION.UNKNOWN"
    return None


@cache
def reference_divisions() -> frozenset[str]:
    """The codes of the shipped division reference table (``wushe.taxonomy.divisions()``)."""
    from wushe.taxonomy import divisions

    return frozenset(d.code for d in divisions())
