"""Caring merchants (爱心商家): a REST JSON API of a merchants' alliance platform.

Endpoints ``/open/shops`` and ``/open/services`` with page/offset pagination (``page`` from 1 and
``size`` up to 1000, or ``offset``/``limit``) and rate limiting (HTTP 429 with ``Retry-After``).
Keys are snake_case; ``updated_at`` is local time without zone (``2025-12-30 14:22:01``); dates are
written ``2025/3/2``. There is no incremental filter: a deleted shop or service is simply gone
from the listing, so a connector reads everything and treats what is missing as withdrawn.

| endpoint | contract kind | what |
| --- | --- | --- |
| ``shops`` | organization | shops, chain branches, bank branches, clinics |
| ``services`` | resource | their free or discounted services (``shop_id`` → shops) |
"""

from __future__ import annotations

from typing import Any

from wushe.sandbox.formats import local_time, read_date, write_date
from wushe.sandbox.lens import Context, Lens, Row, StreamSpec
from wushe.sandbox.noise import NoiseProfile, join_phones, phone_style, pick_name, surface
from wushe.sandbox.orgs import MERCHANTS, Org
from wushe.sandbox.partners.common import (
    WORD_INDEX,
    category_words,
    clean,
    days_text,
    map_words,
    number,
    society_of,
    split_cell,
    target_words,
    text,
)

TRADE_LABELS = {
    "barber": "美容美发", "pharmacy": "医药", "supermarket": "超市便利", "fruit": "生鲜水果", "canteen": "餐饮",
    "appliance": "家电维修", "photo": "摄影", "dental": "口腔", "clinic": "诊所", "optician": "眼镜",
    "tea": "茶饮", "training": "教育培训", "realty": "房产中介", "laundry": "洗衣", "pet": "宠物", "bank": "银行网点",
}
PRICE_LABELS = {"free": "免费", "low_cost": "优惠", "paid": "收费"}
PRICE_CODES = {v: k for k, v in PRICE_LABELS.items()}
ORG_TYPE_OF_TRADE = {"bank": "bank", "clinic": "healthcare", "dental": "healthcare"}


class MerchantsLens(Lens):
    partner = MERCHANTS
    partner_id = 3
    word_index = WORD_INDEX[MERCHANTS]
    tombstones = False
    profile = NoiseProfile(fullwidth=0.04, traditional=0.02, typo=0.02, spaces=0.02, missing_phone=0.05,
                           missing_address=0.05, missing_credit_code=0.5, stale=0.04, duplicate=0.04)
    streams = (
        StreamSpec("shops", "organization", "organization",
                   ("CN.USCC.CHECKSUM", "CN.USCC.FORMAT", "CONTRACT.REQUIRED", "CONTRACT.TYPE"), "商家"),
        StreamSpec("services", "resource", "resource",
                   ("CONTRACT.REQUIRED", "DATE.ORDER", "VALUE.NEGATIVE", "CAPACITY.EXCEEDS", "CONTRACT.TYPE"), "惠民服务"),
    )
    ROLES = {
        "shops": {"name": "shop_name", "credit": "uscc", "date": "opened"},
        "services": {"name": "title", "start": "valid_from", "end": "valid_to", "amount": "quota", "remaining": "quota_left",
                     "total": "quota", "date": "valid_from", "date_end": "valid_to"},
    }

    def visible(self, stream: StreamSpec, entity: Any) -> bool:
        if stream.name == "shops":
            return MERCHANTS in entity.partners and entity.family not in ("bank_head", "chain_head")
        return entity["family"] == "merchant_service"

    def source_id(self, stream: StreamSpec, number: int) -> str:
        return str(number)

    def native(self, stream: StreamSpec, entity: Any, ctx: Context) -> dict[str, Any]:
        return self._shop(entity, ctx) if stream.name == "shops" else self._service(entity, ctx)

    def _shop(self, org: Org, ctx: Context) -> dict[str, Any]:
        u, p = ctx.u, self.profile
        orgs = self.world.orgs
        c = org.community
        parent = orgs[org.parent] if org.parent >= 0 else None
        name = surface(pick_name(org.legal, org.variants, 0.1, u[5], u[6]), p, u[7], u[8])
        phones = [] if u[9] < p.missing_phone else [phone_style(org.old_phone if ctx.stale else org.phones[-1], u[10])]
        if org.family == "bank_branch" and u[11] < 0.5:
            phones.append(orgs[org.parent].phones[0])
        address = org.old_address if ctx.stale else org.address
        if u[12] < 0.5:
            address = address.removeprefix(c.city)
        return {
            "shop_name": name, "company_name": org.legal if u[13] < 0.6 else None,
            "uscc": None if u[14] < p.missing_credit_code else org.credit_code,
            "brand": parent.variants[0] if parent and parent.variants else None,
            "branch_of": parent.legal if parent and u[15] < 0.7 else None,
            "category": TRADE_LABELS.get(org.trade or "clinic", "其他"),
            "phone": join_phones(phones, u[16]) or None, "address": None if u[17] < p.missing_address else address,
            "district": c.district, "street": c.subdistrict, "adcode": c.district_code6,
            "contact": org.contact_name if u[18] < 0.5 else None,
            "opened": write_date(org.established, "slash"), "status": "营业中",
        }

    def _service(self, r: dict[str, Any], ctx: Context) -> dict[str, Any]:
        u = ctx.u
        provider = self.world.orgs[r["provider"]]
        word = self.word(r["category"], u[5], category_words)
        total, remaining, unit = r["capacity"]
        days, opens, closes = r["weekly"]
        kind, price, note = r["cost"]
        age = r["age"]
        return {
            "shop_id": self.ref_number("shops", provider.index),
            "title": surface(word if u[6] < 0.5 else f"{word}（{provider.variants[0] if provider.variants else provider.legal}）",
                             self.profile, u[7], u[8]),
            "tag": word, "for_whom": ",".join(self.word(t, u[9], target_words) for t in r["target_groups"]),
            "price_type": PRICE_LABELS[kind], "price": price, "discount_note": note,
            "quota": total, "quota_left": max(0.0, remaining - 2 * ctx.version), "unit": unit,
            "hours": f"{days_text(days)} {opens}-{closes}",
            "closed_dates": write_date(r["closed_on"], "slash") if r["closed_on"] else None,
            "valid_from": write_date(r["valid_from"], "slash"), "valid_to": write_date(r["valid_to"], "slash"),
            "age_limit": None if age is None else (f"{age[0]}岁以上" if age[1] is None else f"{age[0]}-{age[1]}岁"),
            "phone": None if u[10] < self.profile.missing_phone else phone_style(provider.phones[-1], u[11]),
        }

    def plant(self, stream: StreamSpec, native: dict[str, Any], rule: str, entity: Any, u: float) -> None:
        from wushe.sandbox.planting import plant

        plant(native, rule, self.ROLES[stream.name], "slash", u, credit_code=getattr(entity, "credit_code", None))

    def stamp(self, stream: StreamSpec, native: dict[str, Any], row: Row) -> dict[str, Any]:
        key = "shop_id" if stream.name == "shops" else "service_id"
        return {key: row.number, **native, "updated_at": local_time(row.updated_at)}

    def to_payload(self, stream: StreamSpec, n: dict[str, Any]) -> dict[str, Any]:
        if stream.name == "shops":
            trade = next((k for k, v in TRADE_LABELS.items() if v == n.get("category")), None)
            org_type = ORG_TYPE_OF_TRADE.get(trade or "", "merchant")
            aliases = [a for a in (n.get("company_name"),) if a and a != n.get("shop_name")]
            return clean({
                "name": n.get("shop_name") or "", "aliases": aliases, "org_type": org_type, "society": society_of(org_type),
                "credit_code": text(n.get("uscc")), "parent": {"name": n["branch_of"]} if n.get("branch_of") else None,
                "phones": split_cell(n.get("phone")), "address": n.get("address"), "division_code": n.get("adcode"),
                "contact_name": n.get("contact"), "established_on": read_date(n.get("opened")),
            })
        age = n.get("age_limit") or ""
        lo, _, hi = age.removesuffix("岁以上").removesuffix("岁").partition("-")
        closed = read_date(n.get("closed_dates"))
        return clean({
            "name": n.get("title") or "", "resource_type": "SERVICE",
            "provider": {"source_id": str(n["shop_id"])},
            "categories": map_words(self.partner, "categories", [n["tag"]]),
            "target_groups": map_words(self.partner, "target_groups", split_cell(n.get("for_whom"))),
            "capacity": {"total": number(n.get("quota")), "remaining": number(n.get("quota_left")), "unit": n.get("unit")},
            "cost": clean({"kind": PRICE_CODES.get(n.get("price_type"), "free"), "amount": number(n.get("price")),
                           "note": n.get("discount_note")}),
            "schedule": clean({"text": n.get("hours"),
                               "exceptions": [{"date": closed, "closed": True, "note": "暂停服务"}] if closed else None}),
            "valid_from": read_date(n.get("valid_from")), "valid_to": read_date(n.get("valid_to")),
            "age_min": int(lo) if lo else None, "age_max": int(hi) if hi else None, "phone": n.get("phone"),
        })

