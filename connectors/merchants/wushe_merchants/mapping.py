"""The merchants' records (snake_case JSON) as contract payloads.

Shops become organisations (their trade decides the organisation type: banks, clinics, the rest
merchants); services become SERVICE resources whose provider is the shop by its id. Tags and
"for whom" words go through the merchants' crosswalk (``words.json``); unknown words are kept.
Dates are written ``2025/3/2`` and read back as ISO text.
"""

from __future__ import annotations

from typing import Any

from wushe.toolkit.cells import compact, date_text, number, package_words, society_of, split_cell, text, translate

WORDS = package_words("wushe_merchants")
FIELDS = {
    "shops": ("shop_id", "updated_at", "shop_name", "company_name", "uscc", "brand", "branch_of", "category", "phone",
              "address", "district", "street", "adcode", "contact", "opened", "status"),
    "services": ("service_id", "shop_id", "updated_at", "title", "tag", "for_whom", "price_type", "price", "discount_note",
                 "quota", "quota_left", "unit", "hours", "business_days", "open_time", "close_time", "closed_dates",
                 "valid_from", "valid_to", "age_limit", "phone"),
}
KEYS = {"shops": "shop_id", "services": "service_id"}
KINDS = {"shops": "organization", "services": "resource"}


def shop(n: dict[str, Any]) -> dict[str, Any]:
    trade = WORDS["trades"].get(n.get("category") or "")
    org_type = WORDS["org_type_of_trade"].get(trade or "", "merchant")
    aliases = [a for a in (n.get("company_name"),) if a and a != n.get("shop_name")]
    return compact({
        "name": n.get("shop_name") or "", "aliases": aliases, "org_type": org_type, "society": society_of(org_type),
        "credit_code": text(n.get("uscc")), "parent": {"name": n["branch_of"]} if n.get("branch_of") else None,
        "phones": split_cell(n.get("phone")), "address": n.get("address"), "division_code": n.get("adcode"),
        "contact_name": n.get("contact"), "established_on": date_text(n.get("opened")),
    })


def ages(limit: str | None) -> tuple[int | None, int | None]:
    """``60岁以上`` → (60, None); ``6-12岁`` → (6, 12); a cell that says neither → (None, None)."""
    lo, _, hi = (limit or "").removesuffix("岁以上").removesuffix("岁").partition("-")
    try:
        return (int(lo) if lo else None), (int(hi) if hi else None)
    except ValueError:
        return None, None


def service(n: dict[str, Any]) -> dict[str, Any]:
    age_min, age_max = ages(n.get("age_limit"))
    closed = date_text(n.get("closed_dates"))
    tag = n.get("tag")
    return compact({
        "name": n.get("title") or "", "resource_type": "SERVICE",
        "provider": {"source_id": str(n["shop_id"])},
        "categories": translate(WORDS["categories"], [tag] if tag else []),
        "target_groups": translate(WORDS["target_groups"], split_cell(n.get("for_whom"))),
        "capacity": {"total": number(n.get("quota")), "remaining": number(n.get("quota_left")), "unit": n.get("unit")},
        "cost": compact({"kind": WORDS["prices"].get(n.get("price_type") or "", "free"), "amount": number(n.get("price")),
                         "note": n.get("discount_note")}),
        "schedule": compact({"text": n.get("hours"),
                             "weekly": [{"days": n["business_days"], "opens": n["open_time"], "closes": n["close_time"]}]
                             if n.get("business_days") else None,
                             "exceptions": [{"date": closed, "closed": True, "note": "暂停服务"}] if closed else None}),
        "valid_from": date_text(n.get("valid_from")), "valid_to": date_text(n.get("valid_to")),
        "age_min": age_min, "age_max": age_max, "phone": n.get("phone"),
    })


PAYLOADS = {"shops": shop, "services": service}
