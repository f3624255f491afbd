"""The fund's records (camelCase JSON) as contract payloads.

Category and beneficiary words go through the fund's crosswalk (``words.json``); an unknown word
is kept, so validation flags it rather than the connector losing it. Labels the fund uses for
organisation categories, resource kinds, fees and wish states are its own closed lists: a resource
kind outside the list makes the row Unreadable, since no resource type can be guessed.
"""

from __future__ import annotations

from typing import Any, Callable

from wushe.toolkit.cells import compact, number, package_words, society_of, split_cell, text, translate
from wushe.toolkit.mapping import MappingError

WORDS = package_words("wushe_charity_fund")
# every field of each endpoint's records: a page without one of them is schema drift
FIELDS = {
    "organizations": ("id", "updatedAt", "deleted", "name", "shortName", "creditCode", "category", "tel", "contact",
                      "address", "communityCode"),
    "funds": ("id", "updatedAt", "deleted", "title", "kind", "category", "beneficiaries", "communities", "provider",
              "total", "balance", "unit", "startDate", "endDate", "schedule", "serviceTime", "feeType", "fee", "feeNote",
              "contactPhone", "description"),
    "donations": ("id", "updatedAt", "deleted", "donor", "donorName", "anonymous", "amount", "currency", "goods",
                  "donatedOn", "designation"),
    "wishes": ("id", "updatedAt", "deleted", "title", "detail", "category", "targets", "communityCode", "quantity",
               "unit", "budget", "status", "requester", "sponsor", "submittedOn", "deadline"),
}


def ref(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """An organisation the fund refers to: its fund id (``orgId``) when it has one, and its name."""
    if not value:
        return None
    return compact({"source_id": value.get("orgId"), "name": value.get("name"), "credit_code": value.get("creditCode")})


def _word(value: Any) -> list[str]:
    """The fund files each record under one category word."""
    return [str(value)] if value not in (None, "") else []


def categories(words: list[str]) -> list[str]:
    return translate(WORDS["categories"], words)


def targets(words: list[str]) -> list[str]:
    return translate(WORDS["target_groups"], words)


def organization(n: dict[str, Any]) -> dict[str, Any]:
    org_type = WORDS["org_types"].get(n.get("category") or "")
    contact = n.get("contact") or {}
    return compact({
        "name": n.get("name") or "", "aliases": [n["shortName"]] if n.get("shortName") else [],
        "org_type": org_type, "society": society_of(org_type), "credit_code": text(n.get("creditCode")),
        "phones": split_cell(n.get("tel")), "address": n.get("address"), "division_code": n.get("communityCode"),
        "contact_name": contact.get("name"), "contact_phone": contact.get("mobile"),
    })


def fund(n: dict[str, Any]) -> dict[str, Any]:
    kind = WORDS["resource_types"].get(n.get("kind") or "")
    if kind is None:
        raise MappingError(f"kind: {n.get('kind')!r} is not one of the fund's kinds ({', '.join(WORDS['resource_types'])})")
    hours = n.get("serviceTime")
    return compact({
        "name": n.get("title") or "", "resource_type": kind, "provider": ref(n.get("provider")),
        "categories": categories(_word(n.get("category"))), "target_groups": targets(n.get("beneficiaries") or []),
        "coverage": n.get("communities") or [],
        "capacity": {"total": number(n.get("total")), "remaining": number(n.get("balance")), "unit": n.get("unit")},
        "cost": compact({"kind": WORDS["fees"].get(n.get("feeType") or "", "free"), "amount": n.get("fee"), "note": n.get("feeNote")}),
        "schedule": compact({"text": n.get("schedule"), "weekly": [
            {"days": hours["weekdays"], "opens": hours["start"], "closes": hours["end"]}
        ] if hours else None}) or None,
        "valid_from": n.get("startDate"), "valid_to": n.get("endDate"), "phone": n.get("contactPhone"),
        "description": n.get("description"),
    })


def donation(n: dict[str, Any]) -> dict[str, Any]:
    designation = n.get("designation") or {}
    return compact({
        "donor": ref(n.get("donor")), "donor_name": n.get("donorName"), "anonymous": bool(n.get("anonymous")),
        "amount": number(n.get("amount")), "currency": n.get("currency") or "CNY",
        "items": [{"name": g["name"], "quantity": number(g.get("qty")), "unit": g.get("unit")} for g in n.get("goods") or []],
        "donated_on": n.get("donatedOn"),
        "designation": compact({
            "need": {"source_id": designation["wishId"]} if designation.get("wishId") else None,
            "division_code": designation.get("communityCode"), "programme": designation.get("programme"),
        }) or None,
    })


def wish(n: dict[str, Any]) -> dict[str, Any]:
    requester = n.get("requester") or {}
    return compact({
        "title": n.get("title") or "", "description": n.get("detail"),
        "category": (categories(_word(n.get("category"))) or [None])[0],
        "target_groups": targets(n.get("targets") or []),
        "division_code": n.get("communityCode"), "quantity": number(n.get("quantity")), "unit": n.get("unit"),
        "budget": number(n.get("budget")), "status": WORDS["wish_status"].get(n.get("status") or "", "submitted"),
        "visibility": "public", "requester_key": requester.get("key"), "requester_name": requester.get("name"),
        "requester_phone": requester.get("phone"), "sponsor": ref(n.get("sponsor")),
        "submitted_on": n.get("submittedOn"), "deadline": n.get("deadline"),
    })


PAYLOADS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "organizations": ("organization", organization),
    "funds": ("resource", fund),
    "donations": ("donation", donation),
    "wishes": ("need", wish),
}
