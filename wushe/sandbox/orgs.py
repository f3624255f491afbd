"""The organisations of the synthetic city: every type, with legal names, 简称 and shop signs.

Organisations are few next to resources and people (a tenth of the world), so they are built
whole and kept in memory: every partner refers to them. Each one carries the names different
partners write for it (``variants``), an old phone and address for stale copies, and the set of
partners that know it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from wushe.sandbox.codes import USCC_PREFIXES, make_uscc, mobile_numbers
from wushe.sandbox.people import person_names
from wushe.sandbox.places import Community, communities, full_address, pick_communities, street_addresses
from wushe.sandbox.vocab import (
    BANKS,
    CHAIN_BRANDS,
    COLLECTIVE_TAILS,
    ENTERPRISE_TAILS,
    ENTERPRISE_WORDS,
    GOVERNMENT_OFFICES,
    PROPERTY_BRANDS,
    SHOP_TRADES,
    SHOP_WORDS,
    SOCIAL_ORG_FIELDS,
    SOCIAL_ORG_WORDS,
    SOCIAL_WORK_FORMS,
    VOLUNTEER_TEAM_KINDS,
)

CHARITY, PROPERTY, MERCHANTS, CIVIL = "charity_fund", "property_files", "merchants", "civil_affairs"

# family -> (org_type code, society, share of organisations)
FAMILIES: dict[str, tuple[str, str, float]] = {
    "shop": ("merchant", "charity", 0.28),
    "chain_branch": ("merchant", "charity", 0.16),
    "bank_branch": ("bank", "charity", 0.05),
    "healthcare": ("healthcare", "charity", 0.03),
    "social_org": ("social_organization", "social_organization", 0.10),
    "social_work": ("social_work_agency", "social_worker", 0.04),
    "volunteer_team": ("volunteer_team", "volunteer", 0.12),
    "enterprise": ("enterprise", "charity", 0.12),
    "collective": ("enterprise", "charity", 0.02),
    "committee": ("community_committee", "community", 0.04),
    "government": ("government", "community", 0.02),
    "fund": ("foundation.community_fund", "charity", 0.01),
    "property": ("property_company", "charity", 0.01),
}
EPOCH = date(2026, 1, 1)


@dataclass
class Org:
    index: int
    family: str
    org_type: str
    society: str
    legal: str
    variants: tuple[str, ...]  # other names partners write, commonest first
    community: Community
    address: str
    old_address: str
    phones: tuple[str, ...]
    old_phone: str
    contact_name: str
    contact_phone: str
    established: date
    credit_code: str | None = None
    parent: int = -1
    trade: str | None = None
    born: int = 0
    died: int | None = None
    partners: frozenset[str] = field(default_factory=frozenset)
    description: str = ""

    @property
    def entity_id(self) -> str:
        return f"O{self.index:07d}"

    def alive(self, night: int) -> bool:
        return self.born <= night and (self.died is None or self.died > night)


class _Builder:
    """Builds organisations family by family from one random stream.

    Random values are drawn in blocks (numpy is fast per block and slow per call) and handed out
    one organisation at a time.
    """

    BLOCK = 4096

    def __init__(self, rng: np.random.Generator, start: int, born: int) -> None:
        self.rng = rng
        self.orgs: list[Org] = []
        self.next_index = start
        self.born = born
        self.places = communities()
        self.taken: set[str] = set()
        self._block: list[tuple] = []

    def _draw(self) -> tuple:
        if not self._block:
            rng, n = self.rng, self.BLOCK
            addresses = street_addresses(rng, np.zeros(2 * n, dtype=int))
            mobiles = mobile_numbers(rng, 3 * n)
            names = person_names(rng, rng.random(n) < 0.5)
            self._block = list(zip(
                addresses[:n], addresses[n:], mobiles[:n], mobiles[n:2 * n], mobiles[2 * n:],
                rng.integers(0, 10_000_000, (n, 2)).tolist(), rng.integers(2, 9, (n, 2)).tolist(), names,
                rng.integers(200, 9000, n).tolist(), rng.integers(0, 31, (n, 8)).tolist(), rng.random((n, 4)).tolist(),
            ))
            self._block.reverse()
        return self._block.pop()

    def add(self, family: str, legal: str, variants: list[str], c: Community, *, code_kind: str | None,
            trade: str | None = None, parent: int = -1, landline: bool = True, description: str = "") -> Org | None:
        """Add one organisation; None when its legal name is taken (names are registered uniquely)."""
        if legal in self.taken:
            return None
        self.taken.add(legal)
        (street, estate), (old_street, old_estate), m1, m2, m3, tails, firsts, contact, age, body, u = self._draw()
        if code_kind:
            prefixes = USCC_PREFIXES[code_kind]
            prefix = prefixes[int(u[0] * len(prefixes))]
            division6 = c.district_code6 if prefix[0] != "1" or u[1] < 0.7 else c.code[:4] + "00"
            credit = make_uscc(prefix, division6, body)
        else:
            credit = None
        if landline:
            phones = [f"{c.area_code}-{f}{t:07d}" for f, t in zip(firsts, tails)]
        else:
            phones = [m1, m2]
        org_type, society, _ = FAMILIES[family]
        seen: set[str] = {legal}
        unique = [v for v in variants if v and not (v in seen or seen.add(v))]
        org = Org(
            index=self.next_index, family=family, org_type=org_type, society=society, legal=legal,
            variants=tuple(unique), community=c, address=full_address(c, street, estate),
            old_address=full_address(c, old_street, old_estate), phones=(phones[0],), old_phone=phones[1],
            contact_name=contact, contact_phone=m3, established=EPOCH - timedelta(days=age), credit_code=credit,
            parent=parent, trade=trade, born=self.born, description=description,
        )
        self.next_index += 1
        self.orgs.append(org)
        return org

    def place(self) -> Community:
        if not hasattr(self, "_places") or not self._places:
            self._places = pick_communities(self.rng, self.BLOCK).tolist()
        return self.places[self._places.pop()]

    def uniform(self) -> float:
        if not hasattr(self, "_uniform") or not self._uniform:
            self._uniform = self.rng.random(self.BLOCK).tolist()
        return self._uniform.pop()

    def index(self, n: int) -> int:
        return int(self.uniform() * n)


def _bank_branches(b: _Builder, n: int, heads: dict[tuple[int, str], int]) -> None:
    used: set[tuple[int, str]] = set()
    for _ in range(n * 3):
        if len(used) >= n:
            break
        bank = b.index(len(BANKS))
        c = b.place()
        place = c.subdistrict_short if b.uniform() < 0.5 else c.short
        if (bank, place) in used:
            continue
        used.add((bank, place))
        full, short, abbrev, hotline = BANKS[bank]
        key = (bank, c.city)
        if key not in heads:
            head = b.add("bank_branch", f"{full}{c.city}分行", [f"{short}{c.city_short}分行", f"{abbrev}{c.city_short}分行"],
                         c, code_kind="enterprise", description=f"{short}在{c.city}的分行")
            head.family = "bank_head"
            head.phones = (hotline,) + head.phones
            heads[key] = head.index
        tail = "支行" if b.uniform() < 0.85 else "分理处"
        b.add("bank_branch", f"{full}{c.city_short}{place}{tail}",
              [f"{short}{place}{tail}", f"{abbrev}{place}{tail}", f"{short}{c.city_short}{place}{tail}"],
              c, code_kind="enterprise", parent=heads[key], trade="bank",
              description="网点设有“劳动者港湾”，为户外劳动者提供饮水、休息、充电")


def _chains(b: _Builder, n: int, heads: dict[int, int]) -> None:
    used: set[tuple[int, str]] = set()
    for _ in range(n * 3):
        if len(used) >= n:
            break
        brand_i = b.index(len(CHAIN_BRANDS))
        c = b.place()
        place = c.short if b.uniform() < 0.6 else c.subdistrict_short
        if (brand_i, place) in used:
            continue
        used.add((brand_i, place))
        brand, trade, tail = CHAIN_BRANDS[brand_i]
        if brand_i not in heads:
            head = b.add("chain_branch", f"深圳市{brand}{tail}", [brand, f"{brand}{tail}"], c,
                         code_kind="enterprise", trade=trade)
            head.family = "chain_head"
            heads[brand_i] = head.index
        shop = "店" if b.uniform() < 0.7 else "分店"
        b.add("chain_branch", f"深圳市{brand}{tail}{place}分店",
              [f"{brand}({place}{shop})", f"{brand}{place}{shop}", f"{brand}（{place}{shop}）", brand],
              c, code_kind="enterprise", parent=heads[brand_i], trade=trade, landline=b.uniform() < 0.5)


def _shops(b: _Builder, n: int) -> None:
    trades = list(SHOP_TRADES)
    for _ in range(n):
        c = b.place()
        trade = trades[b.index(len(trades))]
        tails = SHOP_TRADES[trade]["tails"]
        word = SHOP_WORDS[b.index(len(SHOP_WORDS))]
        sign = f"{word}{tails[b.index(len(tails))]}"
        legal = f"{c.city}{c.district}{sign}" if b.uniform() < 0.6 else f"{c.district}{c.short}{sign}"
        if legal in b.taken:
            legal = f"{c.city}{c.district}{c.short}{sign}"
        b.add("shop", legal, [sign, f"{c.short}{sign}", f"{c.district}{sign}"], c, code_kind="individual_business",
              trade=trade, landline=b.uniform() < 0.25)


def _social(b: _Builder, n_org: int, n_work: int) -> None:
    for _ in range(n_org):
        c = b.place()
        word = SOCIAL_ORG_WORDS[b.index(len(SOCIAL_ORG_WORDS))]
        topic, form, kind = SOCIAL_ORG_FIELDS[b.index(len(SOCIAL_ORG_FIELDS))]
        core = f"{word}{topic}{form}"
        if f"{c.city}{c.district}{core}" in b.taken:
            core = f"{c.subdistrict_short}{core}"
        b.add("social_org", f"{c.city}{c.district}{core}", [f"{c.district}{core}", core, f"区{core}"], c,
              code_kind=kind, description=f"在{c.district}开展{topic}服务")
    for _ in range(n_work):
        c = b.place()
        word = SOCIAL_ORG_WORDS[b.index(len(SOCIAL_ORG_WORDS))]
        form = SOCIAL_WORK_FORMS[b.index(len(SOCIAL_WORK_FORMS))]
        legal = f"{c.city}{word}{form}" if f"{c.city}{word}{form}" not in b.taken else f"{c.city}{c.district}{word}{form}"
        b.add("social_work", legal, [f"{word}社工", f"{word}{form}", f"{word}社工中心"], c,
              code_kind="private_non_enterprise", description=f"承接{c.subdistrict}党群服务中心社工服务")


def _volunteer_teams(b: _Builder, n: int, committees: dict[str, int]) -> None:
    used: set[tuple[str, int]] = set()
    for _ in range(n * 3):
        if len(used) >= n:
            break
        c = b.place()
        kind = b.index(len(VOLUNTEER_TEAM_KINDS))
        if (c.code, kind) in used:
            continue
        used.add((c.code, kind))
        team = VOLUNTEER_TEAM_KINDS[kind]
        legal = f"{c.name}{team}" if f"{c.name}{team}" not in b.taken else f"{c.subdistrict}{c.name}{team}"
        b.add("volunteer_team", legal,
              [f"{c.district}{c.subdistrict}{c.name}{team}", f"{c.short}{team}", f"{c.subdistrict}{c.name}{team}"],
              c, code_kind=None, parent=committees.get(c.code, -1), landline=False)


def _committees(b: _Builder, n: int) -> dict[str, int]:
    out: dict[str, int] = {}
    chosen = b.rng.permutation(len(b.places))[:n]
    for i in sorted(chosen.tolist()):
        c = b.places[i]
        org = b.add("committee", f"{c.city}{c.district}{c.subdistrict}{c.name}居民委员会",
                    [f"{c.name}居委会", f"{c.district}{c.subdistrict}{c.name}居委会", f"{c.name}居民委员会"],
                    c, code_kind="grassroots", description=f"{c.name}党群服务中心所在地")
        out[c.code] = org.index
    return out


def _government(b: _Builder, n: int) -> None:
    places = b.places
    subdistricts: dict[str, Community] = {}
    districts: dict[str, Community] = {}
    for c in places:
        subdistricts.setdefault(c.code[:9], c)
        districts.setdefault(c.code[:6], c)
    offices: list[tuple[str, list[str], Community]] = []
    for c in subdistricts.values():
        offices.append((f"{c.city}{c.district}人民政府{c.subdistrict}办事处",
                        [f"{c.subdistrict}办事处", f"{c.subdistrict_short}街道办", f"{c.district}{c.subdistrict}办事处"], c))
    for c in districts.values():
        for office in GOVERNMENT_OFFICES:
            offices.append((f"{c.city}{c.district}{office}", [f"{c.district}{office}", f"区{office}"], c))
    for c in {c.city: c for c in places}.values():
        offices.append((f"{c.city}民政局", [f"{c.city_short}民政局", "市民政局"], c))
    for i in sorted(b.rng.permutation(len(offices))[: max(n, 1)].tolist()):
        legal, variants, c = offices[i]
        b.add("government", legal, variants, c, code_kind="government")


def _funds(b: _Builder, n: int) -> list[int]:
    subdistricts: dict[str, Community] = {}
    for c in b.places:
        subdistricts.setdefault(c.code[:9], c)
    subs = list(subdistricts.values())
    # the sandbox's charity partner is the 园岭 community fund: it always exists and comes first
    order = sorted(range(len(subs)), key=lambda i: (subs[i].code[:9] != "440304002", i))
    picked = [order[0], *sorted(b.rng.permutation(order[1:])[: max(n - 1, 0)].tolist())]
    out = []
    for i in picked:
        c = subs[i]
        org = b.add("fund", f"{c.city}{c.district}{c.subdistrict_short}社区基金会",
                    [f"{c.subdistrict_short}社区基金会", f"{c.subdistrict_short}社区基金", f"{c.district}{c.subdistrict_short}社区基金会"],
                    c, code_kind="foundation", description="社区基金会，募集善款和物资，资助民生微实事")
        out.append(org.index)
    return out


def _properties(b: _Builder, n: int) -> list[int]:
    out = []
    for i in sorted(b.rng.permutation(len(PROPERTY_BRANDS))[: max(n, 2)].tolist()):
        brand = PROPERTY_BRANDS[i]
        c = b.place()
        tail = "物业管理有限公司" if b.uniform() < 0.6 else "物业服务有限公司"
        org = b.add("property", f"深圳市{brand}{tail}", [f"{brand}物业", f"{brand}{tail}", f"{brand}物业公司"], c,
                    code_kind="enterprise", description="物业服务企业，管理辖区多个住宅小区")
        out.append(org.index)
    return out


def _enterprises(b: _Builder, n: int, n_collective: int) -> None:
    for _ in range(n):
        c = b.place()
        word = ENTERPRISE_WORDS[b.index(len(ENTERPRISE_WORDS))]
        tail = ENTERPRISE_TAILS[b.index(len(ENTERPRISE_TAILS))]
        short = tail.replace("有限公司", "")
        b.add("enterprise", f"深圳市{word}{c.short}{tail}", [f"{word}{c.short}{short}", f"{word}{c.short}{tail}"], c,
              code_kind="enterprise")
    for _ in range(n_collective):
        c = b.place()
        tail = COLLECTIVE_TAILS[b.index(len(COLLECTIVE_TAILS))]
        village = f"{c.short}{'一二三四五六'[b.index(6)]}村" if b.uniform() < 0.5 else c.short
        b.add("collective", f"{c.city}{c.district}{village}{tail}", [f"{village}{tail}", f"{c.district}{village}{tail}"], c,
              code_kind="collective")


def _healthcare(b: _Builder, n: int) -> None:
    chosen = b.rng.permutation(len(b.places))[:n]
    for i in sorted(chosen.tolist()):
        c = b.places[i]
        b.add("healthcare", f"{c.city}{c.district}{c.name}健康服务中心",
              [f"{c.short}社康", f"{c.name}健康服务中心", f"{c.short}社康中心"], c, code_kind="public_institution",
              description="社区健康服务中心，提供家庭医生签约、慢病管理")


@dataclass
class OrgTable:
    """All organisations alive at some night up to the requested one, indexed by ``Org.index``."""

    orgs: list[Org]
    charity_fund: int  # the fund that is the charity partner
    property_exporters: list[int]  # property companies that drop export files, in file order
    by_family: dict[str, list[int]]

    def __getitem__(self, index: int) -> Org:
        return self.orgs[index]

    def __len__(self) -> int:
        return len(self.orgs)

    def providers(self, families: tuple[str, ...]) -> np.ndarray:
        """Indices of base (night 0) organisations of the given families, for resources to point to."""
        return np.array(sorted(i for f in families for i in self.by_family.get(f, ()) if self.orgs[i].born == 0))


def _count(n_org: int, family: str, minimum: int = 1) -> int:
    return max(minimum, round(n_org * FAMILIES[family][2]))


def build_orgs(seed: int, n_org: int, night: int, inserts_per_night: int, death_rate: float) -> OrgTable:
    """The base organisations (fixed by seed and size), then the ones founded on nights 1..night."""
    rng = np.random.default_rng([seed, 1])
    b = _Builder(rng, 0, 0)
    funds = _funds(b, _count(n_org, "fund"))
    properties = _properties(b, _count(n_org, "property", 2))
    committees = _committees(b, min(len(b.places), _count(n_org, "committee", 3)))
    _government(b, _count(n_org, "government", 3))
    _healthcare(b, min(len(b.places), _count(n_org, "healthcare")))
    _bank_branches(b, _count(n_org, "bank_branch"), {})
    chain_heads: dict[int, int] = {}
    _chains(b, _count(n_org, "chain_branch"), chain_heads)
    _social(b, _count(n_org, "social_org"), _count(n_org, "social_work"))
    _volunteer_teams(b, _count(n_org, "volunteer_team"), committees)
    _enterprises(b, _count(n_org, "enterprise"), _count(n_org, "collective"))
    # shops are the open-ended family: they fill the city up to its size when others saturate
    _shops(b, max(_count(n_org, "shop"), n_org - len(b.orgs)))
    for k in range(1, night + 1):
        nb = _Builder(np.random.default_rng([seed, 2, k]), b.next_index, k)
        nb.orgs, nb.taken = b.orgs, b.taken
        _shops(nb, inserts_per_night // 2 + 1)
        _social(nb, inserts_per_night // 4 + 1, 0)
        _enterprises(nb, inserts_per_night // 4 + 1, 0)
        b.next_index = nb.next_index
    orgs = b.orgs
    _assign_lifetimes(orgs, np.random.default_rng([seed, 3]), death_rate, keep={funds[0], *properties})
    _assign_partners(orgs, np.random.default_rng([seed, 4]), funds[0], properties)
    by_family: dict[str, list[int]] = {}
    for o in orgs:
        by_family.setdefault(o.family, []).append(o.index)
    exporters = properties[: max(2, min(len(properties), 2 + n_org // 20000))]
    return OrgTable(orgs, funds[0], exporters, by_family)


def _assign_lifetimes(orgs: list[Org], rng: np.random.Generator, death_rate: float, keep: set[int]) -> None:
    """Each organisation closes after a geometric number of nights (chains' heads and partners never)."""
    lifetimes = rng.geometric(death_rate, len(orgs)).tolist()
    for org, life in zip(orgs, lifetimes):
        if org.index not in keep and org.family not in ("bank_head", "chain_head", "committee", "government"):
            org.died = org.born + life


# family -> ((partner, probability), ...): which partners know an organisation of that family
VISIBILITY: dict[str, tuple[tuple[str, float], ...]] = {
    "shop": ((MERCHANTS, 1.0), (CHARITY, 0.12)),
    "chain_branch": ((MERCHANTS, 1.0), (CHARITY, 0.10)),
    "chain_head": ((CHARITY, 0.6),),
    "bank_branch": ((MERCHANTS, 0.9), (CHARITY, 0.25)),
    "bank_head": ((CHARITY, 0.8),),
    "healthcare": ((MERCHANTS, 0.6), (CHARITY, 0.3)),
    "social_org": ((CIVIL, 1.0), (CHARITY, 0.25)),
    "social_work": ((CIVIL, 1.0), (CHARITY, 0.35)),
    "volunteer_team": ((CIVIL, 0.85), (CHARITY, 0.2)),
    "enterprise": ((CHARITY, 1.0),),
    "collective": ((CHARITY, 1.0),),
    "committee": ((CIVIL, 1.0), (CHARITY, 0.3)),
    "government": ((CIVIL, 1.0), (CHARITY, 0.1)),
    "fund": ((CIVIL, 1.0), (CHARITY, 0.5)),
    "property": ((CHARITY, 0.6),),
}


def _assign_partners(orgs: list[Org], rng: np.random.Generator, fund: int, properties: list[int]) -> None:
    draws = rng.random((len(orgs), 2)).tolist()
    for org, (a, b) in zip(orgs, draws):
        seen = [p for (p, prob), u in zip(VISIBILITY[org.family], (a, b)) if u < prob]
        org.partners = frozenset(seen or [VISIBILITY[org.family][0][0]])
    orgs[fund].partners = frozenset({CHARITY, CIVIL})
