"""Identifier checks the matcher relies on: two *valid* credit codes that differ never merge.

The checksum itself is validation's (``wushe.validation.identifiers``), so what validation accepts
and what matching trusts cannot drift apart.
"""

from __future__ import annotations

from wushe.validation.identifiers import normalize_code, normalize_uscc


def clean_credit_code(raw: str | None) -> str:
    """NFKC, upper case, no spaces: the form credit codes compare in."""
    if not raw:
        return ""
    return "".join(normalize_code(str(raw)).split())


def credit_code_valid(code: str) -> bool:
    """Whether a cleaned 统一社会信用代码 has a valid form and check character (design §7)."""
    return bool(code) and normalize_uscc(code) == code
