"""Hand-written organisations and people covering the hard cases of Chinese entity resolution.

Each record's ``truth`` is the entity it describes; tests compare the registry's clusters with it.
"""

from __future__ import annotations

from typing import Any

from wushe.contract import make_record

AT = "2026-11-20T02:00:00+08:00"
LATER = "2026-11-22T02:00:00+08:00"

# (partner, source_id, truth, payload, updated at)
ORGANIZATIONS: list[tuple[str, str, str, dict[str, Any], str]] = [
    # a bank head office and its branches: never one entity
    ("civil", "c1", "ccb", {"name": "中国建设银行股份有限公司", "credit_code": "911100001000006439"}, AT),
    ("fund", "f1", "ccb-yl", {"name": "中国建设银行股份有限公司深圳园岭支行", "phones": ["0755-83001234"],
                              "division_code": "440304002001"}, AT),
    ("merchants", "m1", "ccb-yl", {"name": "建设银行园岭支行", "phones": ["+86 755 8300 1234"]}, AT),
    ("property", "p1", "ccb-yl", {"name": "建行园岭支行", "address": "深圳市福田区园岭街道红荔路1号"}, AT),
    ("fund", "f2", "ccb-bgl", {"name": "中国建设银行股份有限公司深圳八卦岭支行", "phones": ["0755-83009999"]}, AT),
    ("merchants", "m2", "ccb-bgl", {"name": "建行八卦岭支行", "phones": ["83009999"], "division_code": "440304002001"}, AT),
    # a foundation and an association with the same place name: different entities
    ("civil", "c2", "yl-fund", {"name": "深圳市园岭社区基金会", "credit_code": "53440300MJL000001Y",
                                "registration_status": "存续", "phones": ["0755-82220001"]}, AT),
    ("fund", "f3", "yl-fund", {"name": "園嶺社區基金會", "phones": ["82220001"], "division_code": "440304002001",
                               "registration_status": "注销"}, LATER),
    ("civil", "c3", "yl-assoc", {"name": "深圳市园岭社区协会", "credit_code": "51440300MJL0000028",
                                 "phones": ["0755-82220002"]}, AT),
    # full-width and legal-form variants of one company
    ("property", "p2", "vanke", {"name": "深圳市万科物业服务有限公司", "phones": ["0755-26601234"],
                                 "credit_code": "91440300192234567A"}, AT),
    ("merchants", "m3", "vanke", {"name": "ＳＺ万科物业服务有限公司".replace("ＳＺ", "深圳"), "phones": ["０７５５－２６６０１２３４"]}, AT),
    # two property companies whose names differ only in a distinctive character
    ("property", "p3", "yd-pm", {"name": "深圳市园东物业管理有限公司", "phones": ["0755-81110001"]}, AT),
    ("property", "p4", "yl-pm", {"name": "深圳市园岭物业管理有限公司", "phones": ["0755-81110002"]}, AT),
    # a shop's sign and its company's branch name at one address are one shop; another business of the
    # building whose name starts alike is not
    ("merchants", "m4", "gy-photo", {"name": "光影照相馆", "phones": ["18612081078"], "division_code": "440304002001",
                                     "address": "深圳市福田区园岭街道红荔路32号华富名苑23栋"}, AT),
    ("fund", "f4", "gy-photo", {"name": "深圳市光影照相馆文化传播有限公司园岭分店", "division_code": "440304002001",
                                "address": "福田区园岭街道红荔路32号华富名苑23栋"}, AT),
    ("property", "p5", "gy-milk", {"name": "深圳市光影乳业有限公司", "phones": ["0755-81110003"],
                                   "address": "深圳市福田区园岭街道红荔路32号华富名苑23栋"}, AT),
    # one mistyped character in the type word (社曲 for 社区) is still that type
    ("civil", "c4", "yd-clinic", {"name": "深圳市福田区园东社曲健康服务中心", "credit_code": "12440304MB2C56789U",
                                  "division_code": "440304002003"}, AT),
    ("merchants", "m5", "yd-clinic", {"name": "园东社康", "phones": ["0755-83330001"], "division_code": "440304002003"}, AT),
]

VOLUNTEERS: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("civil", "v1", "zhang", {"name": "张伟", "phone": "13800138000", "id_number": "110101199003074514",
                              "birth_date": "1990-03-07", "gender": "male", "division_code": "440304002001"}, AT),
    ("fund", "v1", "zhang", {"name": "張偉", "phone": "+86 138 0013 8000", "gender": "male"}, AT),
    ("merchants", "v9", "zhang", {"name": "张玮", "phone": "138-0013-8000", "birth_date": "1990-03-07"}, AT),
    # same common name, different person
    ("civil", "v2", "zhang2", {"name": "张伟", "phone": "13900139000", "id_number": "110101198501011239",
                               "birth_date": "1985-01-01", "gender": "male", "division_code": "440304002001"}, AT),
    ("fund", "v3", "li", {"name": "李娜", "phone": "13700137000", "birth_date": "1992-05-20"}, AT),
]


def records(kind: str, rows: list[tuple[str, str, str, dict[str, Any], str]]) -> list[dict[str, Any]]:
    return [make_record(p, kind, s, at, payload, fetched_at=at) for p, s, _t, payload, at in rows]


def truth(kind: str, rows: list[tuple[str, str, str, dict[str, Any], str]]) -> dict[str, str]:
    return {f"{p}/{kind}/{s}": t for p, s, t, _payload, _at in rows}
