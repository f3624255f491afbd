"""Resources, needs, volunteers and donations of the synthetic city, built in fixed-size chunks.

These kinds make up nine tenths of the world, so they are never held whole: chunk ``c`` of a kind
is drawn from its own random stream ``(seed, kind, c)``, which keeps generation streaming (flat
memory), lets any partner rebuild exactly the chunks it needs, and makes output independent of
how many chunks are produced. Entities past the base count are the ones founded on later nights.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from wushe.sandbox.orgs import CHARITY, CIVIL, EPOCH, MERCHANTS, OrgTable
from wushe.sandbox.people import people, person_names
from wushe.sandbox.places import communities, pick_communities, street_addresses
from wushe.sandbox.vocab import (
    ESTATE_NAMES,
    ESTATE_WORDS,
    FUND_PROGRAMMES,
    GOODS_ITEMS,
    REPAIR_KINDS,
    SHOP_TRADES,
    SKILLS,
    SUBSIDY_PROGRAMMES,
    TARGET_WORDS,
    VENUE_KINDS,
    WISH_TITLES,
)

CHUNK = 8192
KIND_IDS = {"resource": 11, "need": 12, "volunteer": 13, "donation": 14}
TARGETS = tuple(TARGET_WORDS)
_OLD = ("elderly", "elderly.very_old", "elderly.living_alone", "elderly.empty_nest", "elderly.disabled",
        "elderly.semi_disabled", "elderly.widowed_childless")
_YOUNG = ("children", "children.hardship", "children.left_behind", "children.infant", "families")
_POOR = ("low_income", "low_income.dibao", "low_income.tekun", "low_income.marginal", "low_income.temporary")
# who a resource of a top-level category plausibly serves
TARGET_POOLS: dict[str, tuple[str, ...]] = {
    "health": (*_OLD, "disabled", "patients", *_POOR, "residents"),
    "care": (*_OLD, "disabled", "patients", "children.hardship", "children.left_behind"),
    "mobility": (*_OLD, "disabled", "patients"),
    "food": (*_OLD, *_POOR, "outdoor_workers", "outdoor_workers.sanitation", "outdoor_workers.delivery", "disabled"),
    "daily": (*_OLD, "residents", "outdoor_workers", "outdoor_workers.sanitation", "disabled", "migrants"),
    "education": (*_YOUNG, "elderly", "youth", "women.mothers"),
    "employment": ("women.mothers", "youth", "migrants", "disabled", "veterans", *_POOR),
    "funds": (*_POOR, "children.hardship", *_OLD, "patients", "disabled", "veterans"),
    "repair": (*_OLD, "residents", "disabled", *_POOR),
    "venue": ("residents", "elderly", "families", "youth", "children"),
    "safety": ("residents", "elderly", "families"),
    "civic": ("residents", "pet_owners", "families"),
    "legal": ("residents", "elderly", "women", "migrants", "veterans", *_POOR),
    "volunteering": ("residents", "elderly", "children"),
}
ELDERLY_TARGETS = tuple(t for t in TARGETS if t.startswith("elderly"))
CHILD_TARGETS = tuple(t for t in TARGETS if t.startswith("children"))
# resource family -> (share, resource type)
RESOURCE_FAMILIES: dict[str, tuple[float, str]] = {
    "merchant_service": (0.45, "SERVICE"),
    "property_venue": (0.06, "VENUE"),
    "property_repair": (0.06, "SERVICE"),
    "fund_money": (0.08, "FUNDS"),
    "fund_goods": (0.07, "GOODS"),
    "social_service": (0.18, "SERVICE"),
    "subsidy": (0.10, "FUNDS"),
}
SOCIAL_CATEGORIES = (
    "care.visiting", "care.escort", "care.home_care", "care.day_care", "care.respite", "care.child_care",
    "education.tutoring", "education.parenting", "education.digital", "health.mental", "legal.advice",
    "legal.mediation", "safety.anti_fraud", "safety.emergency_drill", "civic.waste_sorting", "daily.couplets",
    "food.meal_aid", "volunteering.general", "volunteering.skilled", "mobility.transport", "daily.bathing",
)
WEEKDAY_SETS = ((1, 2, 3, 4, 5), (2, 4), (1, 3, 5), (6, 7), (1, 2, 3, 4, 5, 6, 7), (3,), (6,), (2,))
HOURS = (("09:00", "11:30"), ("14:30", "17:30"), ("09:00", "18:00"), ("08:30", "12:00"), ("19:00", "21:00"), ("10:00", "16:00"))
UNITS = {"SERVICE": "人次", "VENUE": "场次", "GOODS": "份", "FUNDS": "元", "VOLUNTEER_TIME": "小时"}


@dataclass(frozen=True)
class Sizes:
    """How many of each kind the world holds on night 0, and how many each night adds."""

    entities: int

    SHARES = {"organization": 0.10, "resource": 0.27, "need": 0.18, "volunteer": 0.30, "donation": 0.15}
    INSERT_RATE = 0.015  # new entities per night, as a share of the base count
    DEATH_RATE = 0.01  # chance an entity closes on a given night
    UPDATE_RATE = 0.02  # chance a partner row changes on a given night

    def base(self, kind: str) -> int:
        return max(1, round(self.entities * self.SHARES[kind]))

    def inserts(self, kind: str) -> int:
        return max(1, round(self.base(kind) * self.INSERT_RATE))

    def total(self, kind: str, night: int) -> int:
        return self.base(kind) + night * self.inserts(kind)



def hash_unit(seed: int, salt: int, index: int) -> float:
    """A uniform draw in [0, 1) fixed by (seed, salt, index): splitmix64, for facts other
    entities must know without building this one (which partners hold need ``index``)."""
    z = (seed * 0x9E3779B97F4A7C15 + salt * 0xBF58476D1CE4E5B9 + index + 1) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return ((z ^ (z >> 31)) >> 11) / float(1 << 53)


def need_partners(seed: int, index: int) -> frozenset[str]:
    """Who holds need ``index``: half are the fund's micro-wishes (a third of those also reported
    to civil affairs), half are civil affairs' service needs."""
    if hash_unit(seed, 1, index) < 0.5:
        return frozenset({CHARITY, CIVIL}) if hash_unit(seed, 2, index) < 0.3 else frozenset({CHARITY})
    return frozenset({CIVIL})


def _lifetimes(rng: np.random.Generator, n: int, rate: float) -> list[int]:
    return rng.geometric(rate, n).tolist()


def _created(rng: np.random.Generator, n: int, born: list[int]) -> list[date]:
    """When each entity came to be: years before the epoch for the base world, its night otherwise."""
    days = rng.integers(30, 2200, n).tolist()
    return [EPOCH - timedelta(days=d) if b == 0 else EPOCH + timedelta(days=b - 1) for d, b in zip(days, born)]


class Chunks:
    """Builds the chunks of one world; entity dicts carry ``i`` (index), ``born`` and ``died``."""

    def __init__(self, seed: int, sizes: Sizes, orgs: OrgTable) -> None:
        self.seed = seed
        self.sizes = sizes
        self.orgs = orgs
        self.places = communities()
        self.merchant_providers = np.array([i for i in orgs.providers(("shop", "chain_branch", "bank_branch", "healthcare"))
                                            if MERCHANTS in orgs[int(i)].partners], dtype=int)
        self.social_providers = orgs.providers(("social_org", "social_work", "volunteer_team"))
        self.government = orgs.providers(("government",))
        self.donors = np.array([i for i in range(len(orgs)) if CHARITY in orgs[i].partners and orgs[i].born == 0
                                and i != orgs.charity_fund], dtype=int)
        self.teams = orgs.providers(("volunteer_team",))
        self.by_district: dict[str, list[str]] = {}
        self.by_subdistrict: dict[str, list[str]] = {}
        for place in self.places:
            self.by_district.setdefault(place.code[:6], []).append(place.code)
            self.by_subdistrict.setdefault(place.code[:9], []).append(place.code)

    def count(self, kind: str, night: int) -> int:
        return self.sizes.total(kind, night)

    def chunk(self, kind: str, c: int, night: int) -> list[dict[str, Any]]:
        """Entities ``c*CHUNK`` .. of ``kind`` that exist by ``night`` (deaths included, as ``died``)."""
        start = c * CHUNK
        stop = min(start + CHUNK, self.count(kind, night))
        if stop <= start:
            return []
        rng = np.random.default_rng([self.seed, KIND_IDS[kind], c])
        n = CHUNK  # always draw a full chunk so an entity does not change when the world grows
        base, per_night = self.sizes.base(kind), self.sizes.inserts(kind)
        born = [0 if i < base else 1 + (i - base) // per_night for i in range(start, start + n)]
        life = _lifetimes(rng, n, self.sizes.DEATH_RATE * (0.3 if kind == "donation" else 1.0))
        build = getattr(self, f"_{kind}s")
        rows = build(rng, n, start, born)
        for k, row in enumerate(rows):
            row["i"], row["born"], row["died"] = start + k, born[k], born[k] + life[k]
        return rows[: stop - start]

    def n_chunks(self, kind: str, night: int) -> int:
        return -(-self.count(kind, night) // CHUNK)

    # --- resources -------------------------------------------------------------------------------

    def _resources(self, rng: np.random.Generator, n: int, start: int, born: list[int]) -> list[dict[str, Any]]:
        families = list(RESOURCE_FAMILIES)
        p = np.array([RESOURCE_FAMILIES[f][0] for f in families])
        fam = rng.choice(len(families), n, p=p / p.sum()).tolist()
        u = rng.random((n, 12)).tolist()
        targets = rng.integers(0, 1000, (n, 3)).tolist()
        created = _created(rng, n, born)
        extra = pick_communities(rng, n).tolist()
        addresses = street_addresses(rng, np.zeros(n, dtype=int))
        out = []
        for k in range(n):
            family = families[fam[k]]
            out.append(self._resource(family, u[k], targets[k], created[k], extra[k], addresses[k]))
        return out

    def _pick(self, pool: np.ndarray, x: float) -> int:
        return int(pool[int(x * len(pool))]) if len(pool) else self.orgs.charity_fund

    def _resource(self, family: str, u: list[float], targets: list[int], created: date, extra: int,
                  address: tuple[str, str]) -> dict[str, Any]:
        orgs = self.orgs
        rtype = RESOURCE_FAMILIES[family][1]
        pledge = False
        estate = None
        programme_name = None
        if family == "merchant_service":
            provider = self._pick(self.merchant_providers, u[0])
            trade = orgs[provider].trade or "clinic"
            if trade == "bank":
                category = "safety.anti_fraud" if u[2] < 0.4 else "venue.activity_room"
            else:
                cats = SHOP_TRADES[trade]["categories"]
                category = cats[int(u[2] * len(cats))]
            pledge = u[3] < 0.2
        elif family in ("property_venue", "property_repair"):
            exporters = orgs.property_exporters
            provider = exporters[int(u[0] * len(exporters))]
            kinds = VENUE_KINDS if family == "property_venue" else REPAIR_KINDS
            category, names = kinds[int(u[2] * len(kinds))]
            estate = f"{ESTATE_NAMES[int(u[4] * len(ESTATE_NAMES))]}{ESTATE_WORDS[int(u[5] * len(ESTATE_WORDS))]}"
            groups = ["residents"]
            rtype = "VENUE" if family == "property_venue" else "SERVICE"
        elif family == "fund_money":
            provider = orgs.charity_fund
            category = ("funds.grant", "funds.emergency_aid", "funds.education_aid")[int(u[2] * 3)]
        elif family == "fund_goods":
            provider = orgs.charity_fund
            category = ("funds.goods", "food.festival_gift", "food.food_bank", "mobility.wheelchair")[int(u[2] * 4)]
        elif family == "social_service":
            provider = self._pick(self.social_providers, u[0])
            category = SOCIAL_CATEGORIES[int(u[2] * len(SOCIAL_CATEGORIES))]
            if orgs[provider].family == "volunteer_team" and u[3] < 0.5:
                rtype = "VOLUNTEER_TIME"
        else:  # subsidy
            provider = self._pick(self.government, u[0])
            programme_name, category, groups_t = SUBSIDY_PROGRAMMES[int(u[2] * len(SUBSIDY_PROGRAMMES))]
            groups = list(groups_t)
        pool = TARGET_POOLS[category.split(".")[0]]
        if family != "subsidy" and not (family.startswith("property") and u[1] < 0.6):
            groups = sorted({pool[t % len(pool)] for t in targets[: 1 + int(u[1] * 3)]})
        home = orgs[provider].community
        if estate is not None:  # an estate lies in one community, whichever company manages it
            home = self.places[zlib.crc32(estate.encode()) % len(self.places)]
        # coverage: the provider's community, sometimes its whole sub-district or district
        if estate is not None:
            coverage = [home.code]
        elif family == "subsidy" or (family.startswith("fund") and u[6] < 0.5):
            coverage = self.by_district[home.code[:6]][:40]
        elif u[6] < 0.3:
            coverage = self.by_subdistrict[home.code[:9]]
        else:
            coverage = sorted({home.code, self.places[extra].code} if u[6] > 0.9 else {home.code})
        days = WEEKDAY_SETS[int(u[7] * len(WEEKDAY_SETS))]
        opens, closes = HOURS[int(u[8] * len(HOURS))]
        unit = UNITS[rtype]
        total = (round(2000 + u[9] * 200_000, -2) if rtype == "FUNDS" else float(10 + int(u[9] * 190)))
        remaining = float(round(total * u[10], 0))
        if u[11] < 0.75:
            cost = ("free", None, None)
        elif u[11] < 0.95:
            cost = ("low_cost", float(5 + int(u[5] * 45)), ("长者半价", "会员八折", "凭证优惠", "成本价收费")[int(u[4] * 4)])
        else:
            cost = ("paid", float(20 + int(u[5] * 180)), None)
        if rtype in ("FUNDS", "GOODS"):
            cost = ("free", None, None)
        valid_from = created + timedelta(days=int(u[3] * 60))
        valid_to = valid_from + timedelta(days=180 + int(u[5] * 900)) if u[4] < 0.7 else None
        age = None
        if any(g.startswith("elderly") for g in groups):
            age = (60 if u[5] < 0.7 else 80, None)
        elif any(g.startswith("children") for g in groups):
            age = (3 if u[5] < 0.3 else 6, 14 if u[5] < 0.5 else 18)
        return {
            "family": family, "type": rtype, "provider": provider, "category": category,
            "categories": [category], "target_groups": groups, "coverage": coverage, "estate": estate,
            "venue_word": None if estate is None else names[int(u[1] * len(names))],
            "address": address, "weekly": (days, opens, closes),
            "closed_on": date(valid_from.year + 1, 2, 10) if u[8] < 0.3 else None,
            "capacity": (total, remaining, unit), "cost": cost, "valid_from": valid_from, "valid_to": valid_to,
            "age": age, "programme": FUND_PROGRAMMES[int(u[3] * len(FUND_PROGRAMMES))], "name": programme_name,
            "pledge": pledge, "created": created, "u": u[9],
        }

    # --- needs -------------------------------------------------------------------------------------

    def _needs(self, rng: np.random.Generator, n: int, start: int, born: list[int]) -> list[dict[str, Any]]:
        places = pick_communities(rng, n).tolist()
        u = rng.random((n, 8)).tolist()
        created = _created(rng, n, born)
        elderly = (rng.random(n) < 0.55).tolist()
        n_old = sum(elderly)
        areas = [self.places[p].district_code6 for p in places]
        olds = iter(people(rng, n_old, areas[:n_old], min_age=60, max_age=98, today=EPOCH))
        youngs = iter(people(rng, n - n_old, areas[n_old:], min_age=3, max_age=16, today=EPOCH))
        categories = list(WISH_TITLES)
        out = []
        for k in range(n):
            x = u[k]
            category = categories[int(x[0] * len(categories))]
            titles = WISH_TITLES[category]
            old = elderly[k]
            pool = ELDERLY_TARGETS if old else CHILD_TARGETS
            groups = sorted({pool[int(x[1] * len(pool))], *(["low_income.dibao"] if x[2] < 0.2 else [])})
            partners = need_partners(self.seed, start + k)
            quantity = float(1 + int(x[5] * 3))
            out.append({
                "title": titles[int(x[6] * len(titles))], "category": category, "target_groups": groups,
                "community": self.places[places[k]], "quantity": quantity, "budget": float(50 + int(x[7] * 40) * 10),
                "person": next(olds) if old else next(youngs), "elderly": old, "created": created[k], "deadline": created[k] + timedelta(days=30 + int(x[5] * 150)),
                "sponsor": self._pick(self.donors, x[4]) if x[2] < 0.6 else -1, "partners": partners,
                "programme": FUND_PROGRAMMES[int(x[1] * len(FUND_PROGRAMMES))],
            })
        return out

    # --- volunteers --------------------------------------------------------------------------------

    def _volunteers(self, rng: np.random.Generator, n: int, start: int, born: list[int]) -> list[dict[str, Any]]:
        places = pick_communities(rng, n).tolist()
        persons = people(rng, n, [self.places[p].district_code6 for p in places], min_age=16, max_age=75,
                         today=EPOCH, legacy_share=0.01)
        u = rng.random((n, 5)).tolist()
        created = _created(rng, n, born)
        skills = rng.integers(0, len(SKILLS), (n, 3)).tolist()
        out = []
        for k in range(n):
            x = u[k]
            team = self._pick(self.teams, x[0]) if x[1] < 0.8 and len(self.teams) else -1
            out.append({
                "person": persons[k], "community": self.places[places[k]], "team": team,
                "skills": sorted({SKILLS[s] for s in skills[k][: 1 + int(x[2] * 3)]}),
                "hours": round(x[3] * 600, 1), "created": created[k],
            })
        return out

    # --- donations ---------------------------------------------------------------------------------

    def _donations(self, rng: np.random.Generator, n: int, start: int, born: list[int]) -> list[dict[str, Any]]:
        u = rng.random((n, 8)).tolist()
        created = _created(rng, n, born)
        donor_names = person_names(rng, rng.random(n) < 0.5)
        need_total = self.sizes.base("need")
        out = []
        for k in range(n):
            x = u[k]
            if x[0] < 0.55:
                donor, personal, anonymous = self._pick(self.donors, x[1]), None, False
            elif x[0] < 0.9:
                donor, personal, anonymous = -1, donor_names[k], False
            else:
                donor, personal, anonymous = -1, None, True
            goods = x[2] < 0.3
            if goods:
                item, unit = GOODS_ITEMS[int(x[3] * len(GOODS_ITEMS))]
                items = [(item, float(1 + int(x[4] * 200)), unit)]
                amount = None
            else:
                items = []
                amount = float(round(10 + (x[4] ** 3) * 50_000, 2 if x[5] < 0.3 else 0))
            if x[6] < 0.3:
                designation = ("need", int(x[7] * need_total))
            elif x[6] < 0.6:
                designation = ("community", self.places[int(x[7] * len(self.places))].code)
            else:
                designation = ("programme", FUND_PROGRAMMES[int(x[7] * len(FUND_PROGRAMMES))])
            out.append({
                "donor": donor, "personal": personal, "anonymous": anonymous, "amount": amount, "items": items,
                "created": created[k], "designation": designation,
            })
        return out
