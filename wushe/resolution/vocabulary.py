"""The naming vocabulary that organisation-name normalisation reads (``data/vocabulary.yaml``).

Kept as data so a deployment can extend it (more cities, more 简称) without touching code. Place
names come from two sources: the province and city lists in the file, and the division reference
table (districts, sub-districts and communities, each with and without its level suffix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from wushe.errors import ConfigError

_LEVEL_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "街道", "社区", "省", "市", "区", "县", "镇", "乡")


@dataclass(frozen=True)
class Vocabulary:
    legal_forms: tuple[str, ...]
    country_prefixes: tuple[str, ...]
    regions: frozenset[str]  # provinces, cities, districts: stripped from the start of a name
    localities: frozenset[str]  # sub-districts and communities: a branch's place, never stripped from a core
    subdistricts: frozenset[str]  # full sub-district names (园岭街道): stripped from the start of a name
    branch_words: tuple[str, ...]
    entity_types: tuple[str, ...]
    common_tokens: tuple[str, ...]
    synonyms: dict[str, str]
    brand_aliases: dict[str, str]
    keep_place_before: frozenset[str]
    area_codes: dict[str, str]  # first four digits of a division code -> telephone area code
    district_codes: dict[str, str]  # district name, full and short (福田区, 福田) -> 6-digit code
    subdistrict_codes: dict[str, str]  # sub-district name (园岭街道) -> 9-digit code, when the name is unique


def _short_forms(name: str) -> set[str]:
    """A place name and its short form without the level suffix (深圳市 → 深圳), when two chars remain."""
    forms = {name}
    for suffix in _LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.add(name[: -len(suffix)])
            break
    return forms


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, with place names from the division reference table."""
    import yaml

    from wushe.taxonomy import divisions

    raw = yaml.safe_load(files("wushe.resolution").joinpath("data", "vocabulary.yaml").read_text("utf-8"))
    regions: set[str] = set()
    for name in raw["provinces"] + raw["cities"]:
        regions |= _short_forms(name)
    localities: set[str] = set()
    subdistricts: set[str] = set()
    district_codes: dict[str, str] = {}
    street_codes: dict[str, set[str]] = {}
    for division in divisions():
        if division.level == "district":
            for form in _short_forms(division.name):
                district_codes[form] = division.code[:6]
        target = regions if division.level in ("province", "city", "district") else localities
        target |= _short_forms(division.name)
        if division.level == "subdistrict":
            subdistricts.add(division.name)
            street_codes.setdefault(division.name, set()).add(division.code[:9])
    synonyms = dict(raw["synonyms"])
    for canonical in synonyms.values():
        if any(variant in canonical for variant in synonyms):
            raise ConfigError(f"vocabulary.yaml: synonym target {canonical!r} contains a variant; normalising would not settle")
    return Vocabulary(
        legal_forms=_longest_first(raw["legal_forms"]),
        country_prefixes=_longest_first(raw["country_prefixes"]),
        regions=frozenset(regions),
        localities=frozenset(localities - regions),
        subdistricts=frozenset(subdistricts),
        branch_words=_longest_first(raw["branch_words"]),
        entity_types=_longest_first(raw["entity_types"]),
        common_tokens=_longest_first(raw["common_tokens"]),
        synonyms=synonyms,
        brand_aliases=dict(raw["brand_aliases"]),
        keep_place_before=frozenset(raw["keep_place_before"]),
        area_codes={str(k): str(v) for k, v in raw["area_codes"].items()},
        district_codes=district_codes,
        subdistrict_codes={name: codes.pop() for name, codes in street_codes.items() if len(codes) == 1},
    )


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation that tries longer words first."""
    return "|".join(re.escape(w) for w in _longest_first(list(words)))
