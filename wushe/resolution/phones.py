"""Chinese phone numbers to E.164 for matching (design §7's phone rules).

Partners write +86 138 0013 8000, 0755-8300 1234, (0755)83001234 or a bare local 83001234. Local
numbers are completed with the area code of the record's city when it is known. Service numbers
(400/800, 95xxx, 12345) name a brand or an office, not a site, so they are not matching evidence.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from wushe.resolution.vocabulary import vocabulary

# an extension (转801, ext. 801, or -801 after a complete number), tried only when the whole is no number
_EXTENSION = re.compile(r"(?:转|ext\.?|x|分机|-\d{1,5}$).*$", re.IGNORECASE)
_NON_DIGIT = re.compile(r"[^0-9]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8}")


@lru_cache(maxsize=1 << 16)
def to_e164(raw: str | None, division_code: str | None = None) -> str | None:
    """``+8613800138000`` / ``+8675583001234``; None for an unusable or service number."""
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    found = _complete(_NON_DIGIT.sub("", text), division_code)
    if found is None:
        head = _EXTENSION.sub("", text)
        found = _complete(_NON_DIGIT.sub("", head), division_code) if head != text else None
    return found


def _complete(digits: str, division_code: str | None) -> str | None:
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            rest = digits[len(prefix) :]
            digits = rest if rest.startswith("1") else "0" + rest.lstrip("0")
            break
    if _MOBILE.fullmatch(digits):
        return "+86" + digits
    if _LANDLINE.fullmatch(digits):
        return "+86" + digits[1:]
    if len(digits) in (7, 8) and digits[0] not in "019" and division_code:
        area = vocabulary().area_codes.get(str(division_code)[:4])
        if area:
            return "+86" + area + digits
    return None

