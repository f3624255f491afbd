"""Identifier checks the matcher relies on: two *valid* credit codes that differ never merge."""

from __future__ import annotations

import unicodedata

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_FIRST = set("123456789ANY")


def clean_credit_code(raw: str | None) -> str:
    """NFKC, upper case, no spaces: the form credit codes compare in."""
    if not raw:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(raw)).upper().split())


def credit_code_valid(code: str) -> bool:
    """Whether a cleaned 统一社会信用代码 has a valid form and check character (design §7)."""
    if len(code) != 18 or code[0] not in _USCC_FIRST or any(ch not in _USCC_VALUE for ch in code):
        return False
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(code[:17], _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == code[17]
