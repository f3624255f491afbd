"""How partners' copies of the same fact differ: the noise of hand-kept lists.

Each function takes uniform draws in [0, 1) from the caller, so the noise is fixed by the seed and
cheap (no per-row random generator). What is modelled is what staff see in real exports: a name
written as its 简称 or shop sign, with or without 深圳市/区 prefixes and legal-form tails,
full-width letters and digits, traditional characters typed on a Hong Kong keyboard layout, a
look-alike or same-sound character, phone numbers in every local format, and fields left empty.
None of it makes a valid value invalid: credit codes and ID numbers keep their characters
(full-width or lower-case forms normalise back under NFKC + upper-case).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from wushe.sandbox.vocab import LEGAL_FORM_VARIANTS, TYPOS

_FULLWIDTH = {i: i + 0xFEE0 for i in range(0x21, 0x7F)} | {0x20: 0x3000}


@dataclass(frozen=True)
class NoiseProfile:
    """How careless one partner's data entry is; rates are per row."""

    fullwidth: float = 0.02
    traditional: float = 0.01
    typo: float = 0.015
    spaces: float = 0.01
    missing_phone: float = 0.08
    missing_address: float = 0.05
    missing_credit_code: float = 0.3
    stale: float = 0.05  # an old phone or address kept after the entity changed it
    duplicate: float = 0.03  # the same entity entered twice under two ids
    foreign_word: float = 0.02  # a category word from outside the partner's own list


def fullwidth(text: str) -> str:
    """ASCII letters, digits, brackets and spaces as their full-width forms (ＡＢＣ１２３（）)."""
    return text.translate(_FULLWIDTH)


@cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    """The text in traditional characters (園嶺 for 园岭)."""
    return _s2t().convert(text)


def typo(text: str, u: float) -> str:
    """One character swapped for a look-alike or same-sound one (园→圆), if the text has one."""
    spots = [i for i, ch in enumerate(text) if ch in TYPOS]
    if not spots:
        return text
    i = spots[int(u * len(spots))]
    return text[:i] + TYPOS[text[i]] + text[i + 1:]


def spaced(text: str, u: float) -> str:
    """A stray space inside or around the text, as pasted from another document."""
    if len(text) < 3:
        return text + " "
    i = 1 + int(u * (len(text) - 2))
    return text[:i] + (" " if u < 0.7 else "\u3000") + text[i:] if u < 0.85 else f" {text} "


def surface(text: str, profile: NoiseProfile, u: float, v: float) -> str:
    """Apply at most one kind of surface noise, chosen by ``u``; ``v`` places it."""
    if not text:
        return text
    edge = profile.fullwidth
    if u < edge:
        return fullwidth(text)
    if u < (edge := edge + profile.traditional):
        return traditional(text)
    if u < (edge := edge + profile.typo):
        return typo(text, v)
    if u < edge + profile.spaces:
        return spaced(text, v)
    return text


def legal_form_variant(name: str, u: float) -> str:
    """有限公司 written as 公司 or dropped, 股份有限公司 as 股份公司 ..."""
    for full, options in LEGAL_FORM_VARIANTS:
        if full in name:
            return name.replace(full, options[int(u * len(options))], 1)
    return name


def phone_style(phone: str, u: float) -> str:
    """One of the ways people write the same number: spaces, dashes, +86, brackets, no area code."""
    if not phone:
        return phone
    if len(phone) == 11 and phone.startswith("1"):  # mobile
        styles = (
            phone, phone, phone, f"{phone[:3]} {phone[3:7]} {phone[7:]}", f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
            f"+86 {phone}", f"+86-{phone}", f"+86{phone}",
        )
    elif "-" in phone and phone.startswith("0"):  # landline with area code
        area, local = phone.split("-", 1)
        styles = (
            phone, phone, phone, f"({area}){local}", f"{area}{local}", f"{area} {local[:4]} {local[4:]}",
            f"+86-{area[1:]}-{local}", f"{area}-{local[:4]}-{local[4:]}", local,
        )
    else:  # hotlines and anything else stay as written
        return phone
    return styles[int(u * len(styles))]


def join_phones(phones: list[str], u: float) -> str:
    """Several numbers in one cell, with the separators people use."""
    return ("/", "、", "；", ",", " ")[int(u * 5)].join(phones)


def pick_name(legal: str, variants: tuple[str, ...], p_legal: float, u: float, v: float) -> str:
    """The name a partner writes: the legal name with probability ``p_legal``, else a 简称 or sign,
    and now and then the legal name with its legal-form tail shortened or dropped."""
    if u < p_legal or not variants:
        return legal_form_variant(legal, v) if v < 0.15 else legal
    return variants[int((u - p_legal) / (1 - p_legal) * len(variants))]
