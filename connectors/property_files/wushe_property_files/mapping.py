"""A property company's venue and repair-service rows as contract resources.

The two export styles name the same things differently (``headers.json``: internal key → header
per style); rows are first renamed to the internal keys, then mapped here. A row's estate and
building are joined to the company's 楼栋 table for the community code, which becomes the
resource's coverage and location. Category and target-group words go through the property
companies' crosswalk (``words.json``); unknown words are kept.
"""

from __future__ import annotations

from typing import Any

from wushe.toolkit.cells import compact, date_text, number, package_words, split_cell, translate

WORDS = package_words("wushe_property_files")
HEADERS: dict[str, dict[str, dict[str, str]]] = package_words("wushe_property_files", "headers.json")  # type: ignore[assignment]
UNITS = {"venues": "场次", "repairs": "人次"}
TYPES = {"venues": "VENUE", "repairs": "SERVICE"}


def resource(stream: str, n: dict[str, Any]) -> dict[str, Any]:
    """The payload of one renamed row; ``_division_code`` and ``_provider`` are filled by the join."""
    division = n.get("_division_code")
    category = n.get("category")
    return compact({
        "name": n.get("name") or "", "resource_type": TYPES[stream],
        "provider": {"name": n["_provider"]},
        "categories": translate(WORDS["categories"], [category] if category else []),
        "target_groups": translate(WORDS["target_groups"], split_cell(n.get("targets"))),
        "coverage": [division] if division else [],
        "location": compact({"building": f"{n.get('estate') or ''}{n.get('building') or ''}" or None, "division_code": division}),
        "capacity": {"total": number(n.get("total")), "remaining": number(n.get("remaining")), "unit": UNITS[stream]},
        "cost": compact({"kind": WORDS["fees"].get(n.get("fee_type") or "", "free"), "amount": number(n.get("fee")),
                         "note": n.get("note")}),
        "schedule": {"text": n.get("hours")}, "phone": n.get("phone"),
        "valid_from": date_text(n.get("start")), "valid_to": date_text(n.get("end")),
    })
