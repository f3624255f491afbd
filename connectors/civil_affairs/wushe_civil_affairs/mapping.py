"""The bureau's tables (pinyin-initial columns) as contract payloads.

Three tables hold organisations (``t_shzz`` social organisations, ``t_jczz`` committees and
offices, ``t_zyfwd`` volunteer teams), so a record's id is ``table:id``; references between tables
(a volunteer's team, a subsidy's office) use the same form. Category and target-group words go
through the bureau's crosswalk (``words.json``); unknown words are kept. Date columns are text
and pass on as ISO text, impossible dates included, for validation to judge.
"""

from __future__ import annotations

from typing import Any, Callable

from wushe.toolkit.cells import compact, date_text, number, package_words, society_of, split_cell, text, translate
from wushe.toolkit.mapping import MappingError

WORDS = package_words("wushe_civil_affairs")
STAMPS = ("id", "del_flag", "update_time")
COLUMNS = {
    "t_shzz": ("zzmc", "tyshxydm", "zzlx", "jglb", "ywfw", "fddbr", "lxdh", "zs", "sqdm", "djrq", "djzt"),
    "t_jczz": ("dwmc", "tyshxydm", "dwlx", "fzr", "lxdh", "dz", "qhdm", "clrq"),
    "t_zyfwd": ("dwmc", "ssdw", "fzr", "lxdh", "qhdm", "clrq"),
    "t_zyz": ("xm", "xb", "sfzh", "csrq", "sjhm", "zytc", "ssdw_id", "qhdm", "fwsc", "zcrq"),
    "t_btxm": ("xmmc", "xmlb", "btdx", "ffbz", "zgdw", "zgdw_id", "fwqy", "ndys", "yffje", "ksrq", "jsrq", "zxdh", "sqtj",
               "nlxx", "nlsx"),
    "t_fwxq": ("rybh", "xm", "sfzh", "lxdh", "xqbt", "xqms", "xqlb", "dxlb", "qhdm", "sl", "dw", "ys", "zt", "tbrq", "jzrq"),
}


def categories(cell: Any) -> list[str]:
    return translate(WORDS["categories"], split_cell(cell))


def targets(cell: Any) -> list[str]:
    return translate(WORDS["target_groups"], split_cell(cell))


def _organization(n: dict[str, Any], name: str, org_type: str | None, division: Any, extra: dict[str, Any]) -> dict[str, Any]:
    return compact({"name": n.get(name) or "", "org_type": org_type, "society": society_of(org_type),
                    "phones": split_cell(n.get("lxdh")), "division_code": text(division), **extra})


def social_organization(n: dict[str, Any]) -> dict[str, Any]:
    org_type = "social_work_agency" if n.get("jglb") == "社工机构" else WORDS["shzz_types"].get(n.get("zzlx") or "")
    return _organization(n, "zzmc", org_type, n.get("sqdm"), {
        "credit_code": text(n.get("tyshxydm")), "registration_status": n.get("djzt"), "description": n.get("ywfw"),
        "address": n.get("zs"), "contact_name": n.get("fddbr"), "established_on": date_text(n.get("djrq"))})


def committee_or_office(n: dict[str, Any]) -> dict[str, Any]:
    org_type = WORDS["jczz_types"].get(n.get("dwlx") or "")
    if org_type is None:
        raise MappingError(f"dwlx (单位类型): {n.get('dwlx')!r} is neither of {', '.join(WORDS['jczz_types'])}")
    return _organization(n, "dwmc", org_type, n.get("qhdm"), {
        "credit_code": text(n.get("tyshxydm")), "address": n.get("dz"), "contact_name": n.get("fzr"),
        "established_on": date_text(n.get("clrq"))})


def volunteer_team(n: dict[str, Any]) -> dict[str, Any]:
    return _organization(n, "dwmc", "volunteer_team", n.get("qhdm"), {
        "parent": {"name": n["ssdw"]} if n.get("ssdw") else None, "contact_name": n.get("fzr"),
        "established_on": date_text(n.get("clrq"))})


def volunteer(n: dict[str, Any]) -> dict[str, Any]:
    return compact({
        "name": n.get("xm") or "", "phone": n.get("sjhm"), "id_number": n.get("sfzh"),
        "gender": {"1": "male", "2": "female"}.get(n.get("xb") or ""), "birth_date": date_text(n.get("csrq")),
        "skills": split_cell(n.get("zytc")),
        "team": {"source_id": f"t_zyfwd:{n['ssdw_id']}"} if n.get("ssdw_id") is not None else None,
        "division_code": n.get("qhdm"), "hours": number(n.get("fwsc")), "registered_on": date_text(n.get("zcrq")),
    })


def subsidy(n: dict[str, Any]) -> dict[str, Any]:
    total, spent = number(n.get("ndys")), number(n.get("yffje"))
    remaining = total - spent if isinstance(total, float) and isinstance(spent, float) else None
    return compact({
        "name": n.get("xmmc") or "", "resource_type": "FUNDS",
        "provider": compact({"source_id": f"t_jczz:{n['zgdw_id']}" if n.get("zgdw_id") is not None else None,
                             "name": n.get("zgdw")}) or None,
        "categories": categories(n.get("xmlb")), "target_groups": targets(n.get("btdx")),
        "coverage": split_cell(n.get("fwqy")),
        "capacity": {"total": total, "remaining": remaining, "unit": "元"},
        "cost": {"kind": "free"}, "valid_from": date_text(n.get("ksrq")), "valid_to": date_text(n.get("jsrq")),
        "eligibility": n.get("sqtj"), "age_min": n.get("nlxx"), "age_max": n.get("nlsx"), "phone": n.get("zxdh"),
        "description": n.get("ffbz"),
    })


def need(n: dict[str, Any]) -> dict[str, Any]:
    return compact({
        "title": n.get("xqbt") or "", "description": n.get("xqms"),
        "category": (categories(n.get("xqlb")) or [None])[0], "target_groups": targets(n.get("dxlb")),
        "division_code": n.get("qhdm"), "quantity": number(n.get("sl")), "unit": n.get("dw"),
        "budget": number(n.get("ys")), "status": WORDS["need_status"].get(n.get("zt") or "", "submitted"),
        "visibility": "restricted", "requester_key": n.get("rybh"), "requester_name": n.get("xm"),
        "requester_phone": n.get("lxdh"), "submitted_on": date_text(n.get("tbrq")), "deadline": date_text(n.get("jzrq")),
    })


PAYLOADS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]], str]] = {
    "t_shzz": ("organization", social_organization, "社会组织"),
    "t_jczz": ("organization", committee_or_office, "基层组织和机关"),
    "t_zyfwd": ("organization", volunteer_team, "志愿服务队"),
    "t_zyz": ("volunteer", volunteer, "志愿者"),
    "t_btxm": ("resource", subsidy, "补贴项目"),
    "t_fwxq": ("need", need, "服务需求"),
}
