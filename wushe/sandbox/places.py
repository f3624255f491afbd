"""The city's places: communities from the shipped division table, and addresses inside them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from wushe.sandbox.vocab import ESTATE_NAMES, ESTATE_WORDS, ROADS

# the places staff know get more of the city's life than an average community
FAMILIAR = ("440304002001", "440310003001", "440309001001", "350524100001", "440605011001")
AREA_CODES = {"4403": "0755", "4406": "0757", "3505": "0595"}


@dataclass(frozen=True)
class Community:
    """One community (社区) with the names a partner may write for it."""

    code: str
    name: str  # 园东社区
    subdistrict: str  # 园岭街道
    district: str  # 福田区
    city: str  # 深圳市
    district_code6: str  # 440304

    @property
    def short(self) -> str:
        return self.name.removesuffix("社区")

    @property
    def subdistrict_short(self) -> str:
        return self.subdistrict.removesuffix("街道").removesuffix("镇")

    @property
    def city_short(self) -> str:
        return self.city.removesuffix("市")

    @property
    def area_code(self) -> str:
        return AREA_CODES.get(self.code[:4], "0755")


@cache
def communities() -> tuple[Community, ...]:
    """Every community of the division table, in code order."""
    from wushe.taxonomy import divisions

    table = divisions()
    out = []
    for div in sorted(table.of_level("community"), key=lambda d: d.code):
        sub = table.get(div.parent or "")
        dist = table.get(sub.parent or "") if sub else None
        city = table.get(dist.parent or "") if dist else None
        if not (sub and dist and city):
            continue
        out.append(Community(div.code, div.name, sub.name, dist.name, city.name, dist.code[:6]))
    return tuple(out)


@cache
def community_weights() -> np.ndarray:
    """Sampling weights: familiar communities count five times."""
    weights = np.array([5.0 if c.code in FAMILIAR else 1.0 for c in communities()])
    return weights / weights.sum()


def pick_communities(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indices into :func:`communities` for ``n`` things placed in the city."""
    return rng.choice(len(communities()), size=n, p=community_weights())


def street_addresses(rng: np.random.Generator, places: np.ndarray) -> list[tuple[str, str]]:
    """(street part, estate part) for each community index, e.g. ('红荔路3012号', '百花园小区5栋')."""
    n = len(places)
    roads = rng.integers(0, len(ROADS), n).tolist()
    numbers = rng.integers(1, 400, n).tolist()
    estates = rng.integers(0, len(ESTATE_NAMES), n).tolist()
    words = rng.integers(0, len(ESTATE_WORDS), n).tolist()
    blocks = rng.integers(1, 30, n).tolist()
    out = []
    for r, num, e, w, b in zip(roads, numbers, estates, words, blocks):
        out.append((f"{ROADS[r]}{num}号", f"{ESTATE_NAMES[e]}{ESTATE_WORDS[w]}{b}栋"))
    return out


def full_address(c: Community, street: str, estate: str) -> str:
    """The address as a registry writes it: 深圳市福田区园岭街道红荔路3012号百花园小区5栋."""
    return f"{c.city}{c.district}{c.subdistrict}{street}{estate}"
