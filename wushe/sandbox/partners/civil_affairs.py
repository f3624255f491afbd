"""The civil-affairs bureau (民政局): a SQL database of registrations, volunteers, subsidies and needs.

Tables and columns follow the pinyin-initial style of government systems (``zzmc`` 组织名称,
``tyshxydm`` 统一社会信用代码 ...); every column has a Chinese comment in the database. Rows are
never removed: a deletion sets ``del_flag = '1'`` and moves ``update_time`` (local time, no zone).

| table | contract kind | what |
| --- | --- | --- |
| ``t_shzz`` | organization | social organisations, social-work agencies, foundations |
| ``t_jczz`` | organization | residents' committees and government offices |
| ``t_zyfwd`` | organization | volunteer teams (``ssdw`` names the committee they belong to) |
| ``t_zyz`` | volunteer | volunteers with ID number (``sfzh``) and phone (``sjhm``) |
| ``t_btxm`` | resource | subsidy programmes (``zgdw_id`` → ``t_jczz.id``) |
| ``t_fwxq`` | need | elderly and children service needs, with the resident's name, ID number, phone |
"""

from __future__ import annotations

from typing import Any

from wushe.sandbox.formats import local_time, read_date, write_date
from wushe.sandbox.lens import Context, Lens, Row, StreamSpec
from wushe.sandbox.noise import NoiseProfile, phone_style, pick_name, surface
from wushe.sandbox.orgs import CIVIL, Org
from wushe.sandbox.partners.common import (
    WORD_INDEX,
    category_words,
    clean,
    map_words,
    number,
    person_key,
    society_of,
    split_cell,
    target_words,
    text,
)

ORG_RULES = ("CN.USCC.CHECKSUM", "CN.USCC.FORMAT", "CONTRACT.REQUIRED", "CONTRACT.TYPE", "CN.DIVISION.UNKNOWN")
NEED_STATUS = ("待审核", "已审核", "已公示", "已认领", "已办结", "已关闭")
STATUS_CODES = dict(zip(NEED_STATUS, ("submitted", "verified", "published", "claimed", "fulfilled", "closed")))
ORG_KINDS = {
    "51": ("社会团体", "social_organization.association"),
    "52": ("民办非企业单位", "social_organization.private_non_enterprise"),
    "53": ("基金会", "foundation"),
}
JCZZ_KINDS = {"committee": "居民委员会", "government": "机关"}
JCZZ_CODES = {"居民委员会": "community_committee", "机关": "government"}
# table -> (column, type, comment); types are "int", "str", "text", "date", "num", "time"
_STAMP = (("del_flag", "str", "删除标志（0正常 1删除）"), ("create_time", "time", "创建时间"), ("update_time", "time", "更新时间"))
TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "t_shzz": (("id", "int", "主键"), ("zzmc", "str", "组织名称"), ("tyshxydm", "str", "统一社会信用代码"),
               ("zzlx", "str", "组织类型"), ("jglb", "str", "机构类别"), ("ywfw", "text", "业务范围"),
               ("fddbr", "str", "法定代表人"), ("lxdh", "str", "联系电话"), ("zs", "text", "住所"),
               ("sqdm", "str", "所在社区代码"), ("djrq", "date", "登记日期"), ("djzt", "str", "登记状态"), *_STAMP),
    "t_jczz": (("id", "int", "主键"), ("dwmc", "str", "单位名称"), ("tyshxydm", "str", "统一社会信用代码"),
               ("dwlx", "str", "单位类型"), ("fzr", "str", "负责人"), ("lxdh", "str", "联系电话"), ("dz", "text", "地址"),
               ("qhdm", "str", "区划代码"), ("clrq", "date", "成立日期"), *_STAMP),
    "t_zyfwd": (("id", "int", "主键"), ("dwmc", "str", "队伍名称"), ("ssdw", "str", "所属单位"), ("fzr", "str", "负责人"),
                ("lxdh", "str", "联系电话"), ("qhdm", "str", "区划代码"), ("clrq", "date", "成立日期"), *_STAMP),
    "t_zyz": (("id", "int", "主键"), ("xm", "str", "姓名"), ("xb", "str", "性别（1男 2女）"), ("sfzh", "str", "身份证号"),
              ("csrq", "date", "出生日期"), ("sjhm", "str", "手机号码"), ("zytc", "text", "专业特长"),
              ("ssdw_id", "int", "所属队伍（t_zyfwd.id）"), ("qhdm", "str", "所在社区代码"), ("fwsc", "num", "服务时长（小时）"),
              ("zcrq", "date", "注册日期"), *_STAMP),
    "t_btxm": (("id", "int", "主键"), ("xmmc", "str", "项目名称"), ("xmlb", "str", "项目类别"), ("btdx", "text", "补贴对象"),
               ("ffbz", "str", "发放标准"), ("zgdw", "str", "主管单位"), ("zgdw_id", "int", "主管单位（t_jczz.id）"),
               ("fwqy", "text", "服务区域（区划代码）"), ("ndys", "num", "年度预算（元）"), ("yffje", "num", "已发放金额（元）"),
               ("ksrq", "date", "开始日期"), ("jsrq", "date", "结束日期"), ("zxdh", "str", "咨询电话"), ("sqtj", "text", "申请条件"),
               ("nlxx", "int", "年龄下限"), ("nlsx", "int", "年龄上限"), *_STAMP),
    "t_fwxq": (("id", "int", "主键"), ("rybh", "str", "人员编号"), ("xm", "str", "姓名"), ("sfzh", "str", "身份证号"),
               ("lxdh", "str", "联系电话"), ("xqbt", "str", "需求标题"), ("xqms", "text", "需求描述"), ("xqlb", "str", "需求类别"),
               ("dxlb", "str", "对象类别"), ("qhdm", "str", "区划代码"), ("sl", "num", "数量"), ("dw", "str", "单位"),
               ("ys", "num", "预算（元）"), ("zt", "str", "状态"), ("tbrq", "date", "填报日期"), ("jzrq", "date", "截止日期"), *_STAMP),
}
NEED_UNITS = {"funds.goods": "台", "food.festival_gift": "份", "education.tutoring": "次", "care.visiting": "次"}


class CivilAffairsLens(Lens):
    partner = CIVIL
    partner_id = 4
    word_index = WORD_INDEX[CIVIL]
    tombstones = True
    profile = NoiseProfile(fullwidth=0.005, traditional=0.0, typo=0.008, spaces=0.01, missing_phone=0.05,
                           missing_address=0.02, missing_credit_code=0.03, stale=0.08, duplicate=0.02)
    streams = (
        StreamSpec("t_shzz", "organization", "organization", ORG_RULES, "社会组织"),
        StreamSpec("t_jczz", "organization", "organization", ORG_RULES, "基层组织和机关"),
        StreamSpec("t_zyfwd", "organization", "organization", ORG_RULES[2:], "志愿服务队"),
        StreamSpec("t_zyz", "volunteer", "volunteer",
                   ("CN.IDCARD.CHECKSUM", "CN.IDCARD.BIRTHDATE", "CONTRACT.REQUIRED", "VALUE.NEGATIVE", "CONTRACT.TYPE"), "志愿者"),
        StreamSpec("t_btxm", "resource", "resource", ("CONTRACT.REQUIRED", "DATE.ORDER", "CAPACITY.EXCEEDS", "CONTRACT.TYPE"), "补贴项目"),
        StreamSpec("t_fwxq", "need", "need", ("CONTRACT.REQUIRED", "VALUE.NEGATIVE", "DATE.ORDER", "CONTRACT.TYPE"), "服务需求"),
    )
    _TABLE_OF = {"social_org": "t_shzz", "social_work": "t_shzz", "fund": "t_shzz", "committee": "t_jczz",
                 "government": "t_jczz", "volunteer_team": "t_zyfwd"}
    ROLES = {
        "t_shzz": {"name": "zzmc", "credit": "tyshxydm", "date": "djrq", "division": "sqdm"},
        "t_jczz": {"name": "dwmc", "credit": "tyshxydm", "date": "clrq", "division": "qhdm"},
        "t_zyfwd": {"name": "dwmc", "date": "clrq", "division": "qhdm"},
        "t_zyz": {"name": "xm", "id": "sfzh", "birth": "csrq", "amount": "fwsc", "date": "zcrq"},
        "t_btxm": {"name": "xmmc", "start": "ksrq", "end": "jsrq", "spent": "yffje", "date": "ksrq", "date_end": "jsrq"},
        "t_fwxq": {"name": "xqbt", "amount": "ys", "start": "tbrq", "end": "jzrq", "date": "jzrq"},
    }

    def visible(self, stream: StreamSpec, entity: Any) -> bool:
        if stream.source == "organization":
            return CIVIL in entity.partners and self._TABLE_OF.get(entity.family) == stream.name
        if stream.name == "t_btxm":
            return entity["family"] == "subsidy"
        if stream.name == "t_fwxq":
            return CIVIL in entity["partners"]
        return True

    def source_id(self, stream: StreamSpec, number: int) -> str:
        return f"{stream.name}:{number}"  # keys are per table; three tables hold organisations

    def native(self, stream: StreamSpec, entity: Any, ctx: Context) -> dict[str, Any]:
        return getattr(self, f"_{stream.name}")(entity, ctx)

    # -- organisations -----------------------------------------------------------------------------

    def _name(self, org: Org, ctx: Context) -> str:
        u = ctx.u
        return surface(pick_name(org.legal, org.variants, 0.93, u[5], u[6]), self.profile, u[7], u[8])

    def _phone(self, org: Org, ctx: Context) -> str | None:
        u = ctx.u
        if u[9] < self.profile.missing_phone:
            return None
        return phone_style(org.old_phone if ctx.stale else org.phones[-1], u[10])

    def _credit(self, org: Org, ctx: Context) -> str | None:
        u = ctx.u
        if org.credit_code is None or u[11] < self.profile.missing_credit_code:
            return None
        return org.credit_code.lower() if u[12] < 0.01 else org.credit_code

    def _t_shzz(self, org: Org, ctx: Context) -> dict[str, Any]:
        u = ctx.u
        kind = ORG_KINDS[(org.credit_code or "52")[:2]][0]
        return {
            "zzmc": self._name(org, ctx), "tyshxydm": self._credit(org, ctx), "zzlx": kind,
            "jglb": "社工机构" if org.family == "social_work" else "一般",
            "ywfw": org.description or None, "fddbr": org.contact_name, "lxdh": self._phone(org, ctx),
            "zs": None if u[13] < self.profile.missing_address else (org.old_address if ctx.stale else org.address),
            "sqdm": org.community.code, "djrq": write_date(org.established, "iso"),
            "djzt": "存续",
        }

    def _t_jczz(self, org: Org, ctx: Context) -> dict[str, Any]:
        u = ctx.u
        return {
            "dwmc": self._name(org, ctx), "tyshxydm": self._credit(org, ctx), "dwlx": JCZZ_KINDS[org.family],
            "fzr": org.contact_name, "lxdh": self._phone(org, ctx),
            "dz": None if u[13] < self.profile.missing_address else org.address,
            "qhdm": org.community.code, "clrq": write_date(org.established, "iso"),
        }

    def _t_zyfwd(self, org: Org, ctx: Context) -> dict[str, Any]:
        orgs = self.world.orgs
        parent = orgs[org.parent] if org.parent >= 0 else None
        return {
            "dwmc": self._name(org, ctx), "ssdw": parent.variants[0] if parent else None, "fzr": org.contact_name,
            "lxdh": self._phone(org, ctx), "qhdm": org.community.code, "clrq": write_date(org.established, "iso"),
        }

    # -- people and needs --------------------------------------------------------------------------

    def _t_zyz(self, v: dict[str, Any], ctx: Context) -> dict[str, Any]:
        u, p = ctx.u, v["person"]
        team = v["team"]
        number_ = p.id_number.lower() if p.id_number.endswith("X") and u[5] < 0.2 else p.id_number
        return {
            "xm": surface(p.name, self.profile, u[6], u[7]), "xb": "1" if p.gender == "male" else "2",
            "sfzh": number_, "csrq": write_date(p.birth, "iso"),
            "sjhm": None if u[8] < self.profile.missing_phone else phone_style(p.phone, u[9]),
            "zytc": "、".join(v["skills"]),
            "ssdw_id": self.ref_number("t_zyfwd", team) if team >= 0 and CIVIL in self.world.orgs[team].partners else None,
            "qhdm": v["community"].code, "fwsc": round(v["hours"] + 2.5 * ctx.version, 1),
            "zcrq": write_date(v["created"], "iso"),
        }

    def _t_btxm(self, r: dict[str, Any], ctx: Context) -> dict[str, Any]:
        u = ctx.u
        gov = self.world.orgs[r["provider"]]
        total, remaining, _ = r["capacity"]
        spent = round(total - remaining + 1000 * ctx.version, 0)
        spent = min(spent, total)
        age_min, age_max = r["age"] or (None, None)
        return {
            "xmmc": f"{gov.community.district}{r['name']}",
            "xmlb": self.word(r["category"], u[5], category_words),
            "btdx": "、".join(self.word(t, u[6], target_words) for t in r["target_groups"]),
            "ffbz": f"每人每月{int(100 + r['u'] * 900)}元", "zgdw": gov.variants[0], "zgdw_id": self.ref_number("t_jczz", gov.index),
            "fwqy": ",".join(r["coverage"]), "ndys": total, "yffje": spent,
            "ksrq": write_date(r["valid_from"], "iso"), "jsrq": write_date(r["valid_to"], "iso"),
            "zxdh": phone_style(gov.phones[-1], u[7]) if u[8] > self.profile.missing_phone else None,
            "sqtj": f"具有本市户籍并居住在{gov.community.district}的{'、'.join(target_words(t)[0] for t in r['target_groups'])}",
            "nlxx": age_min, "nlsx": age_max,
        }

    def _t_fwxq(self, n: dict[str, Any], ctx: Context) -> dict[str, Any]:
        u, p = ctx.u, n["person"]
        step = min(len(NEED_STATUS) - 1, int(u[5] * 3) + ctx.version)
        return {
            "rybh": person_key(f"MZ{p.id_number[:6]}", self.partner, self.world.seed, p.id_number), "xm": p.name,
            "sfzh": p.id_number,
            "lxdh": None if u[7] < self.profile.missing_phone else phone_style(p.phone, u[8]),
            "xqbt": surface(n["title"], self.profile, u[9], u[10]),
            "xqms": f"{'老人' if n['elderly'] else '儿童'}{p.name[0]}某某，{n['title']}",
            "xqlb": self.word(n["category"], u[11], category_words),
            "dxlb": "、".join(self.word(t, u[12], target_words) for t in n["target_groups"]),
            "qhdm": n["community"].code, "sl": n["quantity"], "dw": NEED_UNITS.get(n["category"], "件"),
            "ys": n["budget"], "zt": NEED_STATUS[step],
            "tbrq": write_date(n["created"], "iso"), "jzrq": write_date(n["deadline"], "iso"),
        }

    # -- broken rows, ids, payloads -------------------------------------------------------------

    def plant(self, stream: StreamSpec, native: dict[str, Any], rule: str, entity: Any, u: float) -> None:
        from wushe.sandbox.planting import plant

        roles = self.ROLES[stream.name]
        credit = getattr(entity, "credit_code", None)
        person = entity.get("person") if isinstance(entity, dict) else None
        plant(native, rule, roles, "iso", u, credit_code=credit, person=person)

    def stamp(self, stream: StreamSpec, native: dict[str, Any], row: Row) -> dict[str, Any]:
        return {"id": row.number, **native, "del_flag": "1" if row.deleted else "0",
                "create_time": local_time(row.created_at), "update_time": local_time(row.updated_at)}

    def to_payload(self, stream: StreamSpec, n: dict[str, Any]) -> dict[str, Any]:
        name = stream.name
        if name in ("t_shzz", "t_jczz", "t_zyfwd"):
            if name == "t_shzz":
                code = n.get("tyshxydm")
                org_type = "social_work_agency" if n.get("jglb") == "社工机构" else next(
                    (t for k, t in ORG_KINDS.values() if k == n.get("zzlx")), None)
                extra = {"credit_code": text(code), "registration_status": n.get("djzt"), "description": n.get("ywfw"),
                         "address": n.get("zs"), "contact_name": n.get("fddbr"), "established_on": read_date(n.get("djrq"))}
                division = n.get("sqdm")
            elif name == "t_jczz":
                org_type = JCZZ_CODES[n["dwlx"]]
                extra = {"credit_code": text(n.get("tyshxydm")), "address": n.get("dz"), "contact_name": n.get("fzr"),
                         "established_on": read_date(n.get("clrq"))}
                division = n.get("qhdm")
            else:
                org_type = "volunteer_team"
                extra = {"parent": {"name": n["ssdw"]} if n.get("ssdw") else None, "contact_name": n.get("fzr"),
                         "established_on": read_date(n.get("clrq"))}
                division = n.get("qhdm")
            return clean({"name": n.get(self.ROLES[name]["name"]) or "", "org_type": org_type, "society": society_of(org_type),
                          "phones": split_cell(n.get("lxdh")), "division_code": text(division), **extra})
        if name == "t_zyz":
            return clean({
                "name": n.get("xm") or "", "phone": n.get("sjhm"), "id_number": n.get("sfzh"),
                "gender": {"1": "male", "2": "female"}.get(n.get("xb")), "birth_date": read_date(n.get("csrq")),
                "skills": split_cell(n.get("zytc")),
                "team": {"source_id": f"t_zyfwd:{n['ssdw_id']}"} if n.get("ssdw_id") is not None else None,
                "division_code": n.get("qhdm"), "hours": number(n.get("fwsc")), "registered_on": read_date(n.get("zcrq")),
            })
        if name == "t_btxm":
            total = number(n.get("ndys"))
            spent = number(n.get("yffje"))
            return clean({
                "name": n.get("xmmc") or "", "resource_type": "FUNDS",
                "provider": {"source_id": f"t_jczz:{n['zgdw_id']}", "name": n.get("zgdw")},
                "categories": map_words(self.partner, "categories", split_cell(n.get("xmlb"))),
                "target_groups": map_words(self.partner, "target_groups", split_cell(n.get("btdx"))),
                "coverage": split_cell(n.get("fwqy")),
                "capacity": {"total": total, "remaining": None if total is None or spent is None else total - spent, "unit": "元"},
                "cost": {"kind": "free"}, "valid_from": read_date(n.get("ksrq")), "valid_to": read_date(n.get("jsrq")),
                "eligibility": n.get("sqtj"), "age_min": n.get("nlxx"), "age_max": n.get("nlsx"), "phone": n.get("zxdh"),
                "description": n.get("ffbz"),
            })
        return clean({
            "title": n.get("xqbt") or "", "description": n.get("xqms"),
            "category": (map_words(self.partner, "categories", split_cell(n.get("xqlb"))) or [None])[0],
            "target_groups": map_words(self.partner, "target_groups", split_cell(n.get("dxlb"))),
            "division_code": n.get("qhdm"), "quantity": number(n.get("sl")), "unit": n.get("dw"),
            "budget": number(n.get("ys")), "status": STATUS_CODES.get(n.get("zt"), "submitted"), "visibility": "restricted",
            "requester_key": n.get("rybh"), "requester_name": n.get("xm"), "requester_phone": n.get("lxdh"),
            "submitted_on": read_date(n.get("tbrq")), "deadline": read_date(n.get("jzrq")),
        })
