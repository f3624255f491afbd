"""Pieces every partner lens shares: category words both ways, list cells, org references."""

from __future__ import annotations

import hashlib
from functools import cache

from wushe.sandbox.vocab import CATEGORY_WORDS, TARGET_WORDS
from wushe.toolkit.cells import compact as clean
from wushe.toolkit.cells import number, society_of, split_cell, text, translate

__all__ = ["clean", "crosswalk", "map_words", "number", "society_of", "split_cell", "text"]

# the position of a partner's own word in each vocabulary list
WORD_INDEX = {"charity_fund": 0, "merchants": 1, "civil_affairs": 2, "property_files": 3}


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


def map_words(partner: str, table: str, words: list[str]) -> list[str]:
    """Codes for the partner's words; an unknown word is kept as written (validation flags it)."""
    return translate(crosswalk(partner)[table], words)


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
