"""Match features of source records, one column per feature, computed once per record.

What is compared is derived from what is true of Chinese names and people in general: an
organisation name's stem, entity type and branch; phones in E.164; valid credit codes; a person's
name, its pinyin, birth date and keyed ID-number hash. Stored payloads are never changed.
"""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from wushe.resolution.identifiers import clean_credit_code, credit_code_valid
from wushe.resolution.normalize import (NameParts, address_key, fold, fold_many, leading_district,
                                       leading_subdistrict, org_name_parts, person_name)
from wushe.resolution.phones import to_e164
from wushe.resolution.phonetic import pinyin_key
from wushe.resolution.records import EMPTY, SourceFrame
from wushe.resolution.vocabulary import vocabulary


def _division(value: Any) -> str:
    text = str(value or "").strip()
    return text if text.isdigit() and len(text) in (6, 12) else ""


def _street(name: str, address: str, division: str) -> str:
    """The sub-district (街道) of an organisation as a 9-digit code, or its name when the reference
    table does not know it: named in its name, else given by its division code, else by its address."""
    codes = vocabulary().subdistrict_codes
    named = leading_subdistrict(name)
    if named:
        return codes.get(named, named)
    if len(division) == 12 and division[6:9] != "000":
        return division[:9]
    named = leading_subdistrict(address)
    return codes.get(named, named) if named else ""


HEAD_OFFICE = "#head-office"
COMPANY = "#company"


def org_sound(parts: NameParts) -> str:
    """How an organisation name sounds: pinyin of stem and type, and of the branch."""
    return pinyin_key(parts.stem + parts.entity_type) + "|" + pinyin_key(parts.branch)


def organization_features(src: SourceFrame) -> pd.DataFrame:
    payloads = src.payloads
    names = fold_many(p.get("name") for p in payloads)
    parts = [org_name_parts(n) for n in names]
    divisions = [_division(p.get("division_code")) for p in payloads]
    codes = [clean_credit_code(p.get("credit_code")) for p in payloads]
    phones = [
        tuple(sorted({e for e in (to_e164(str(x), d) for x in (p.get("phones") or [])) if e}))
        for p, d in zip(payloads, divisions)
    ]
    addresses = fold_many(p.get("address") for p in payloads)
    # a district named in the name or the address stands in for a missing division code
    districts = [d[:6] or leading_district(n) or leading_district(a) for d, n, a in zip(divisions, names, addresses)]
    return pd.DataFrame(
        {
            "name_key": [x.key for x in parts],
            "stem": [x.stem for x in parts],
            # the kind of body: its type word, COMPANY for a legal entity without one, "" when unknown
            "etype": [x.entity_type or (COMPANY if x.legal else "") for x in parts],
            "registered": [x.legal or bool(x.entity_type) for x in parts],
            "branch": [x.branch for x in parts],
            # the branch by sound; HEAD_OFFICE for a name written as the organisation itself
            "branch_sound": [pinyin_key(x.branch) if x.branch else (HEAD_OFFICE if x.head_office else "")
                             for x in parts],
            "sign": [x.sign for x in parts],
            "unplaced": [x.unplaced for x in parts],
            "core": [x.core for x in parts],
            "pinyin": [org_sound(x) for x in parts],
            "credit": [c if credit_code_valid(c) else "" for c in codes],
            "phones": phones,
            "address": [address_key(a) for a in addresses],
            "division": divisions,
            "district": districts,
            "subdistrict": [_street(n, a, d) for n, a, d in zip(names, addresses, divisions)],
            "partner": src.frame["partner"].to_numpy(dtype=object),
        }
    )


def volunteer_features(src: SourceFrame) -> pd.DataFrame:
    payloads = src.payloads
    names = [person_name(n) for n in fold_many(p.get("name") for p in payloads)]
    divisions = [_division(p.get("division_code")) for p in payloads]
    return pd.DataFrame(
        {
            "name": names,
            "pinyin": [pinyin_key(n) for n in names],
            "id_hash": [str(p.get("id_number_hash") or "") for p in payloads],
            "phone": [to_e164(p.get("phone"), d) or "" for p, d in zip(payloads, divisions)],
            "birth": [str(p.get("birth_date") or "")[:10] for p in payloads],
            "gender": [str(p.get("gender") or "") for p in payloads],
            "division": divisions,
            "district": [d[:6] for d in divisions],
        }
    )


def _ref_text(ref: Any) -> str:
    """A reference as comparable text: credit code, else folded name, else partner id."""
    if not isinstance(ref, dict):
        return ""
    code = clean_credit_code(ref.get("credit_code"))
    if code:
        return "cc:" + code
    if ref.get("name"):
        return "nk:" + org_name_parts(fold(ref["name"])).key
    if ref.get("source_id"):
        return f"id:{ref.get('partner') or ''}/{ref['source_id']}"
    return ""


def _fingerprint(parts: list[Any], required: int) -> str:
    """Content that identifies a record of a kind without a name to compare fuzzily: the listed
    parts joined, or "" (never merged) when fewer than ``required`` of them are known."""
    known = sum(1 for p in parts if p not in EMPTY)
    return "|".join("" if p is None else str(p) for p in parts) if known >= required else ""


def _amount(value: Any) -> str:
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return ""


def resource_features(src: SourceFrame) -> pd.DataFrame:
    """A resource is the same offer when its name, type, capacity, price and validity all agree."""
    payloads = src.payloads
    names = fold_many(p.get("name") for p in payloads)
    identity = []
    for p, name in zip(payloads, names):
        capacity, cost = p.get("capacity") or {}, p.get("cost") or {}
        identity.append(_fingerprint([name, p.get("resource_type"), _amount(capacity.get("total")), capacity.get("unit"),
                                      cost.get("kind"), _amount(cost.get("amount")), p.get("valid_from"),
                                      p.get("valid_to")], 5))
    return pd.DataFrame({"identity": identity})


def need_features(src: SourceFrame) -> pd.DataFrame:
    """A need is the same wish when the community, the requester's name, the deadline, the budget
    and the quantity agree (partners key requesters differently)."""
    payloads = src.payloads
    requesters = [person_name(n) for n in fold_many(p.get("requester_name") for p in payloads)]
    identity = [
        _fingerprint([_division(p.get("division_code")), r, p.get("deadline"), _amount(p.get("budget")),
                      _amount(p.get("quantity"))], 4)
        for p, r in zip(payloads, requesters)
    ]
    return pd.DataFrame({"identity": identity})


def donation_features(src: SourceFrame) -> pd.DataFrame:
    """A donation is the same gift when donor, amount, date and designation agree."""
    payloads = src.payloads
    donors = fold_many(p.get("donor_name") for p in payloads)
    identity = []
    for p, donor_name in zip(payloads, donors):
        donor = _ref_text(p.get("donor")) or donor_name
        designation = p.get("designation") or {}
        target = _ref_text(designation.get("need")) or designation.get("division_code") or designation.get("programme")
        identity.append(_fingerprint([donor, _amount(p.get("amount")), p.get("currency") or "CNY", p.get("donated_on"),
                                      target, _ref_text(p.get("recipient"))], 4) if donor else "")
    return pd.DataFrame({"identity": identity})


FEATURES: dict[str, Callable[[SourceFrame], pd.DataFrame]] = {
    "organization": organization_features,
    "volunteer": volunteer_features,
    "resource": resource_features,
    "need": need_features,
    "donation": donation_features,
}


SLICE = 20_000  # records whose payloads are decoded at a time


def features(src: SourceFrame) -> pd.DataFrame:
    """The feature frame of ``src`` (row-aligned with ``src.frame``), a slice of records at a time
    so that only a slice's payloads are ever decoded at once."""
    make = FEATURES[src.kind]
    if len(src) <= SLICE:
        return make(src)
    return pd.concat([make(part) for part in src.slices(SLICE)], ignore_index=True)
