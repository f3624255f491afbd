"""Pieces every partner lens shares: category words both ways, list cells, org references."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import Any

from wushe.sandbox.vocab import CATEGORY_WORDS, TARGET_WORDS

# the position of a partner's own word in each vocabulary list
WORD_INDEX = {"charity_fund": 0, "merchants": 1, "civil_affairs": 2, "property_files": 3}
_SPLIT = re.compile(r"\s*[,，、;；/|]\s*")


def category_words(code: str) -> tuple[str, ...]:
    return CATEGORY_WORDS[code]


def target_words(code: str) -> tuple[str, ...]:
    return TARGET_WORDS[code]


@cache
def crosswalk(partner: str) -> dict[str, dict[str, str]]:
    """The partner's own words → taxonomy codes, for categories and for target groups.

    This is what a partner hands over with its connector (the ``wushe_taxonomy_crosswalk`` hook);
    a word outside it (a partner now and then borrows another's word) stays unmapped.
    """
    i = WORD_INDEX[partner]
    categories: dict[str, str] = {}
    for code, words in CATEGORY_WORDS.items():
        categories.setdefault(words[i % len(words)], code)
    targets: dict[str, str] = {}
    for code, words in TARGET_WORDS.items():
        targets.setdefault(words[i % len(words)], code)
    return {"categories": categories, "target_groups": targets}


def split_cell(value: Any) -> list[str]:
    """The items of a cell holding a list: '独居老人、低保户' → ['独居老人', '低保户']."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part for part in _SPLIT.split(str(value).strip()) if part]


def map_words(partner: str, table: str, words: list[str]) -> list[str]:
    """Codes for the partner's words; an unknown word is kept as written (validation flags it)."""
    known = crosswalk(partner)[table]
    return [known.get(w, w) for w in words]


REQUIRED = frozenset({"name", "title", "resource_type"})


def clean(payload: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional values, as a connector does; required fields stay even when empty."""
    return {k: v for k, v in payload.items() if k in REQUIRED or not (v is None or v == "" or v == {})}


def text(value: Any) -> str | None:
    """A cell as text, stripped of nothing: partners' spaces are part of what they sent."""
    return None if value is None or value == "" else str(value)


def number(value: Any) -> float | None:
    """A numeric cell as a float (None when empty); a cell that is not a number stays as text."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


@cache
def society_of(org_type: str | None) -> str | None:
    """The society an organisation type belongs to, from the org_types taxonomy."""
    from wushe.taxonomy import taxonomy

    types = taxonomy("org_types")
    return types.terms[org_type].extra.get("society") if org_type in types else None


def days_text(days: tuple[int, ...]) -> str:
    """Weekdays as people write them: 周一至周五, 每天, 周二、周四."""
    if days == (1, 2, 3, 4, 5):
        return "周一至周五"
    if days == (1, 2, 3, 4, 5, 6, 7):
        return "每天"
    if len(days) > 2 and days == tuple(range(days[0], days[-1] + 1)):
        return f"周{'一二三四五六日'[days[0] - 1]}至周{'一二三四五六日'[days[-1] - 1]}"
    return "、".join("周" + "一二三四五六日"[d - 1] for d in days)


def person_key(prefix: str, partner: str, seed: int, id_number: str) -> str:
    """A partner's own stable, pseudonymous number for a resident (人员编号): the same person gets
    the same key at one partner and unrelated keys at two, and the ID number cannot be recovered."""
    digest = hashlib.blake2b(f"{seed}:{partner}:{id_number}".encode(), digest_size=6).digest()
    return f"{prefix}{int.from_bytes(digest, 'big') % 10**10:010d}"
