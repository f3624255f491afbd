"""The community charity fund (园岭社区基金会): a REST JSON API of a small donation platform.

Endpoints ``/api/v1/{organizations,funds,donations,wishes}`` with bearer-token auth, cursor
pagination and ``updated_since``. Keys are camelCase; times are ISO-8601 with ``+08:00``; dates
``YYYY-MM-DD``. Deleted rows stay as tombstones: ``"deleted": true`` with ``updatedAt`` moved to
the deletion, so an incremental read sees them.

| endpoint | contract kind | what |
| --- | --- | --- |
| ``organizations`` | organization | donors, grantees and sponsors the fund deals with |
| ``funds`` | resource | its funds and goods, sponsored projects, merchants' pledged services |
| ``donations`` | donation | money and goods received (``donor.orgId`` → organizations) |
| ``wishes`` | need | micro-wishes (微心愿) it publishes and sponsors |
"""

from __future__ import annotations

from typing import Any

from wushe.sandbox.entities import need_partners
from wushe.sandbox.lens import Context, Lens, Row, StreamSpec
from wushe.sandbox.noise import NoiseProfile, fullwidth, join_phones, phone_style, pick_name, surface
from wushe.sandbox.orgs import CHARITY, Org
from wushe.sandbox.partners.common import (
    WORD_INDEX,
    category_words,
    clean,
    days_text,
    map_words,
    number,
    person_key,
    society_of,
    split_cell,
    target_words,
    text,
)

ORG_LABELS = {
    "merchant": "爱心商家", "bank": "银行", "healthcare": "医疗机构", "social_organization": "社会组织",
    "social_work_agency": "社工机构", "volunteer_team": "志愿服务队", "enterprise": "企业",
    "community_committee": "社区居委会", "government": "政府部门", "foundation.community_fund": "基金会",
    "property_company": "物业公司",
}
LABEL_CODES = {v: k for k, v in ORG_LABELS.items()}
KIND_LABELS = {"FUNDS": "资金", "GOODS": "物资", "SERVICE": "服务", "VOLUNTEER_TIME": "志愿时间", "VENUE": "场地"}
KIND_CODES = {v: k for k, v in KIND_LABELS.items()}
FEE_LABELS = {"free": "免费", "low_cost": "低偿", "paid": "收费"}
FEE_CODES = {v: k for k, v in FEE_LABELS.items()}
WISH_STATUS = ("待审核", "审核通过", "已发布", "已认领", "已实现", "已关闭")
WISH_CODES = dict(zip(WISH_STATUS, ("submitted", "verified", "published", "claimed", "fulfilled", "closed")))
PREFIX = {"organizations": "JG", "funds": "XM", "donations": "JZ", "wishes": "XY"}
FUND_FAMILIES = ("fund_money", "fund_goods", "social_service")


class CharityFundLens(Lens):
    partner = CHARITY
    partner_id = 1
    word_index = WORD_INDEX[CHARITY]
    tombstones = True
    profile = NoiseProfile(fullwidth=0.03, traditional=0.01, typo=0.02, spaces=0.02, missing_phone=0.15,
                           missing_address=0.2, missing_credit_code=0.55, stale=0.06, duplicate=0.05)
    streams = (
        StreamSpec("organizations", "organization", "organization",
                   ("CN.USCC.CHECKSUM", "CN.USCC.FORMAT", "CONTRACT.REQUIRED"), "机构名录"),
        StreamSpec("funds", "resource", "resource",
                   ("CONTRACT.REQUIRED", "DATE.ORDER", "VALUE.NEGATIVE", "CAPACITY.EXCEEDS", "CONTRACT.TYPE"), "资金物资与项目"),
        StreamSpec("donations", "donation", "donation", ("VALUE.NEGATIVE", "CONTRACT.TYPE"), "捐赠记录"),
        StreamSpec("wishes", "need", "need", ("CONTRACT.REQUIRED", "VALUE.NEGATIVE", "DATE.ORDER", "CONTRACT.TYPE"), "微心愿"),
    )
    ROLES = {
        "organizations": {"name": "name", "credit": "creditCode"},
        "funds": {"name": "title", "start": "startDate", "end": "endDate", "amount": "total", "remaining": "balance",
                  "total": "total", "date": "startDate", "date_end": "endDate"},
        "donations": {"amount": "amount", "date": "donatedOn"},
        "wishes": {"name": "title", "amount": "budget", "start": "submittedOn", "end": "deadline", "date": "deadline"},
    }

    def visible(self, stream: StreamSpec, entity: Any) -> bool:
        name = stream.name
        if name == "organizations":
            return CHARITY in entity.partners
        if name == "funds":
            return entity["family"] in FUND_FAMILIES or entity["pledge"]
        if name == "wishes":
            return CHARITY in entity["partners"]
        return True

    def source_id(self, stream: StreamSpec, number: int) -> str:
        return f"{PREFIX[stream.name]}{number:010d}"

    def native(self, stream: StreamSpec, entity: Any, ctx: Context) -> dict[str, Any]:
        return getattr(self, f"_{stream.name}")(entity, ctx)

    def _org_ref(self, index: int, u: float, v: float) -> dict[str, Any]:
        org = self.world.orgs[index]
        ref = {"name": surface(pick_name(org.legal, org.variants, 0.4, u, v), self.profile, v, u)}
        if CHARITY in org.partners:
            ref["orgId"] = f"{PREFIX['organizations']}{self.ref_number('organizations', index):010d}"
        return ref

    def _organizations(self, org: Org, ctx: Context) -> dict[str, Any]:
        u, p = ctx.u, self.profile
        name = surface(pick_name(org.legal, org.variants, 0.45, u[5], u[6]), p, u[7], u[8])
        phones = [] if u[9] < p.missing_phone else [phone_style(org.old_phone if ctx.stale else org.phones[-1], u[10])]
        if u[11] < 0.1 and phones:
            phones.append(phone_style(org.contact_phone, u[12]))
        credit = None if org.credit_code is None or u[13] < p.missing_credit_code else org.credit_code
        if credit and u[14] < 0.02:
            credit = fullwidth(credit)
        return {
            "name": name, "shortName": org.variants[0] if org.variants and u[15] < 0.5 else None, "creditCode": credit,
            "category": ORG_LABELS.get(org.org_type, "其他"), "tel": join_phones(phones, u[16]) or None,
            "contact": {"name": org.contact_name, "mobile": phone_style(org.contact_phone, u[17])} if u[18] < 0.6 else None,
            "address": None if u[19] < p.missing_address else (org.old_address if ctx.stale else org.address),
            "communityCode": org.community.code if u[18] < 0.7 else None,
        }

    def _funds(self, r: dict[str, Any], ctx: Context) -> dict[str, Any]:
        u = ctx.u
        orgs = self.world.orgs
        provider = orgs[r["provider"]]
        word = self.word(r["category"], u[5], category_words)
        if r["family"] in FUND_FAMILIES[:2]:
            title = f"{r['programme']}·{word}" if u[6] < 0.6 else f"{word}（{provider.community.short}）"
        elif r["family"] == "social_service":
            title = f"{provider.variants[0] if provider.variants else provider.legal}{word}项目"
        else:  # a merchant's pledged service
            title = f"{provider.variants[0] if provider.variants else provider.legal}{word}"
        total, remaining, unit = r["capacity"]
        remaining = max(0.0, remaining - 3 * ctx.version) if r["type"] != "FUNDS" else max(0.0, remaining - 500 * ctx.version)
        days, opens, closes = r["weekly"]
        fee_kind, fee, fee_note = r["cost"]
        return {
            "title": surface(title, self.profile, u[7], u[8]), "kind": KIND_LABELS[r["type"]], "category": word,
            "beneficiaries": [self.word(t, u[9], target_words) for t in r["target_groups"]],
            "communities": r["coverage"], "provider": self._org_ref(r["provider"], u[10], u[11]),
            "total": total, "balance": remaining, "unit": unit,
            "startDate": r["valid_from"].isoformat(), "endDate": r["valid_to"].isoformat() if r["valid_to"] else None,
            "schedule": None if r["type"] in ("FUNDS", "GOODS") else f"{days_text(days)} {opens}-{closes}",
            "feeType": FEE_LABELS[fee_kind], "fee": fee, "feeNote": fee_note,
            "contactPhone": None if u[12] < self.profile.missing_phone else phone_style(provider.phones[-1], u[13]),
            "description": provider.description or None,
        }

    def _donations(self, d: dict[str, Any], ctx: Context) -> dict[str, Any]:
        u = ctx.u
        kind, target = d["designation"]
        designation: dict[str, Any] = {}
        if kind == "need" and CHARITY in need_partners(self.world.seed, target):
            designation["wishId"] = self.source_id(self.stream("wishes"), self.ref_number("wishes", target))
        elif kind == "community":
            designation["communityCode"] = target
        elif kind == "programme":
            designation["programme"] = target
        return {
            "donor": self._org_ref(d["donor"], u[5], u[6]) if d["donor"] >= 0 else None,
            "donorName": surface(d["personal"], self.profile, u[7], u[8]) if d["personal"] else None,
            "anonymous": d["anonymous"], "amount": d["amount"], "currency": "CNY",
            "goods": [{"name": n, "qty": q, "unit": un} for n, q, un in d["items"]],
            "donatedOn": d["created"].isoformat(), "designation": designation or None,
            "receiptNo": f"SJ{d['created']:%Y%m%d}{int(u[9] * 1e5):05d}",
        }

    def _wishes(self, n: dict[str, Any], ctx: Context) -> dict[str, Any]:
        u, p = ctx.u, n["person"]
        step = min(len(WISH_STATUS) - 1, 2 + int(u[5] * 2) + ctx.version)
        sponsor = self._org_ref(n["sponsor"], u[6], u[7]) if n["sponsor"] >= 0 and step >= 3 else None
        return {
            "title": surface(n["title"], self.profile, u[8], u[9]),
            "detail": f"{n['community'].name}{'长者' if n['elderly'] else '小朋友'}的心愿：{n['title']}",
            "category": self.word(n["category"], u[10], category_words),
            "targets": [self.word(t, u[11], target_words) for t in n["target_groups"]],
            "communityCode": n["community"].code, "quantity": n["quantity"], "unit": "份", "budget": n["budget"],
            "status": WISH_STATUS[step],
            "requester": {"key": person_key("R", self.partner, self.world.seed, p.id_number), "name": p.name,
                          "phone": None if u[12] < self.profile.missing_phone else phone_style(p.phone, u[13])},
            "sponsor": sponsor, "programme": n["programme"],
            "submittedOn": n["created"].isoformat(), "deadline": n["deadline"].isoformat(),
        }

    def plant(self, stream: StreamSpec, native: dict[str, Any], rule: str, entity: Any, u: float) -> None:
        from wushe.sandbox.planting import plant

        if stream.name == "donations" and rule == "VALUE.NEGATIVE" and native["amount"] is None:
            native["goods"][0]["qty"] = -abs(native["goods"][0]["qty"])
            return
        plant(native, rule, self.ROLES[stream.name], "iso", u, credit_code=getattr(entity, "credit_code", None))

    def stamp(self, stream: StreamSpec, native: dict[str, Any], row: Row) -> dict[str, Any]:
        return {"id": row.source_id, **native, "deleted": row.deleted,
                "createdAt": row.created_at.isoformat(), "updatedAt": row.updated_at.isoformat()}

    def to_payload(self, stream: StreamSpec, n: dict[str, Any]) -> dict[str, Any]:
        name = stream.name
        if name == "organizations":
            org_type = LABEL_CODES.get(n.get("category"))
            contact = n.get("contact") or {}
            return clean({
                "name": n.get("name") or "", "aliases": [n["shortName"]] if n.get("shortName") else [],
                "org_type": org_type, "society": society_of(org_type), "credit_code": text(n.get("creditCode")),
                "phones": split_cell(n.get("tel")), "address": n.get("address"), "division_code": n.get("communityCode"),
                "contact_name": contact.get("name"), "contact_phone": contact.get("mobile"),
            })
        if name == "funds":
            return clean({
                "name": n.get("title") or "", "resource_type": KIND_CODES[n["kind"]],
                "provider": _ref(n.get("provider")),
                "categories": map_words(self.partner, "categories", [n["category"]]),
                "target_groups": map_words(self.partner, "target_groups", n.get("beneficiaries") or []),
                "coverage": n.get("communities") or [],
                "capacity": {"total": number(n.get("total")), "remaining": number(n.get("balance")), "unit": n.get("unit")},
                "cost": clean({"kind": FEE_CODES.get(n.get("feeType"), "free"), "amount": n.get("fee"), "note": n.get("feeNote")}),
                "schedule": {"text": n["schedule"]} if n.get("schedule") else None,
                "valid_from": n.get("startDate"), "valid_to": n.get("endDate"), "phone": n.get("contactPhone"),
                "description": n.get("description"),
            })
        if name == "donations":
            designation = n.get("designation") or {}
            return clean({
                "donor": _ref(n.get("donor")), "donor_name": n.get("donorName"), "anonymous": bool(n.get("anonymous")),
                "amount": number(n.get("amount")), "currency": n.get("currency") or "CNY",
                "items": [{"name": g["name"], "quantity": number(g.get("qty")), "unit": g.get("unit")} for g in n.get("goods") or []],
                "donated_on": n.get("donatedOn"),
                "designation": clean({
                    "need": {"source_id": designation["wishId"]} if designation.get("wishId") else None,
                    "division_code": designation.get("communityCode"), "programme": designation.get("programme"),
                }) or None,
            })
        requester = n.get("requester") or {}
        return clean({
            "title": n.get("title") or "", "description": n.get("detail"),
            "category": map_words(self.partner, "categories", [n["category"]])[0],
            "target_groups": map_words(self.partner, "target_groups", n.get("targets") or []),
            "division_code": n.get("communityCode"), "quantity": number(n.get("quantity")), "unit": n.get("unit"),
            "budget": number(n.get("budget")), "status": WISH_CODES.get(n.get("status"), "submitted"),
            "visibility": "public", "requester_key": requester.get("key"), "requester_name": requester.get("name"),
            "requester_phone": requester.get("phone"), "sponsor": _ref(n.get("sponsor")),
            "submitted_on": n.get("submittedOn"), "deadline": n.get("deadline"),
        })


def _ref(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    return clean({"source_id": value.get("orgId"), "name": value.get("name"), "credit_code": value.get("creditCode")})

