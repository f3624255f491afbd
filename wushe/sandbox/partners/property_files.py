"""Property-management companies (物业): daily export files dropped in a folder.

Each exporting company drops three files a day, named ``{公司简称}_{场地|维修服务|楼栋}_{YYYYMMDD}``:
the first company (and every other one after it) as GB18030-encoded CSV, the second (and every
other one) as an XLSX workbook. The two companies use different Chinese headers for the same
things (:data:`HEADERS`). A file is the company's whole list that day: a deleted venue or service
is simply absent from the next file.

| file | contract kind | what |
| --- | --- | --- |
| 场地 | resource (VENUE) | activity rooms, meeting rooms, courts, open spaces in its estates |
| 维修服务 | resource (SERVICE) | repair services for residents |
| 楼栋 | — | reference table: estate and building → community and its 12-digit code |

A connector joins a venue's or service's estate (小区) to the 楼栋 file to fill the division code.
"""

from __future__ import annotations

from typing import Any

from wushe.sandbox.formats import local_time, read_date, write_date
from wushe.sandbox.lens import Context, Lens, Row, StreamSpec
from wushe.sandbox.noise import NoiseProfile, phone_style, surface
from wushe.sandbox.orgs import PROPERTY
from wushe.sandbox.partners.common import (
    WORD_INDEX,
    category_words,
    clean,
    days_text,
    map_words,
    number,
    split_cell,
    target_words,
)

RESOURCE_RULES = ("CONTRACT.REQUIRED", "DATE.ORDER", "VALUE.NEGATIVE", "CAPACITY.EXCEEDS", "CONTRACT.TYPE")
FEE_CODES = {"免费": "free", "低偿": "low_cost", "收费": "paid"}
# internal key -> header, per export style (the CSV company and the XLSX company)
HEADERS: dict[str, dict[str, dict[str, str]]] = {
    "csv": {
        "venues": {"id": "场地编号", "name": "场地名称", "estate": "所在小区", "building": "楼栋", "category": "场地类型",
                   "total": "每月开放场次", "remaining": "剩余场次", "hours": "开放时间", "fee_type": "收费类型",
                   "fee": "收费标准(元/小时)", "phone": "预约电话", "targets": "适用人群", "start": "启用日期",
                   "end": "停用日期", "note": "备注", "updated": "更新时间"},
        "repairs": {"id": "服务编号", "name": "服务名称", "estate": "服务小区", "building": "楼栋", "category": "服务类别",
                    "total": "每月名额", "remaining": "剩余名额", "hours": "上门时间", "fee_type": "收费类型",
                    "fee": "收费标准(元/次)", "phone": "报修电话", "targets": "服务对象", "start": "生效日期",
                    "end": "失效日期", "note": "备注", "updated": "更新时间"},
        "buildings": {"estate": "小区名称", "building": "楼栋", "community": "所属社区", "code": "社区编码",
                      "subdistrict": "所属街道"},
    },
    "xlsx": {
        "venues": {"id": "编号", "name": "名称", "estate": "小区", "building": "栋号", "category": "类别",
                   "total": "场次/月", "remaining": "可约场次", "hours": "开放时段", "fee_type": "是否收费", "fee": "费用",
                   "phone": "联系电话", "targets": "服务人群", "start": "开始日期", "end": "结束日期", "note": "说明",
                   "updated": "最后修改"},
        "repairs": {"id": "编号", "name": "项目", "estate": "小区", "building": "栋号", "category": "类别",
                    "total": "名额/月", "remaining": "余量", "hours": "服务时段", "fee_type": "是否收费", "fee": "费用",
                    "phone": "联系电话", "targets": "服务人群", "start": "开始日期", "end": "结束日期", "note": "说明",
                    "updated": "最后修改"},
        "buildings": {"estate": "小区", "building": "栋号", "community": "社区", "code": "区划代码",
                      "subdistrict": "街道"},
    },
}


def export_style(company_position: int) -> str:
    """The first exporting company writes CSV, the second XLSX, alternating after that."""
    return "csv" if company_position % 2 == 0 else "xlsx"


class PropertyFilesLens(Lens):
    partner = PROPERTY
    partner_id = 2
    word_index = WORD_INDEX[PROPERTY]
    tombstones = False
    profile = NoiseProfile(fullwidth=0.03, traditional=0.0, typo=0.02, spaces=0.03, missing_phone=0.1,
                           missing_address=0.0, missing_credit_code=1.0, stale=0.05, duplicate=0.02)
    streams = (
        StreamSpec("venues", "resource", "resource", RESOURCE_RULES, "场地"),
        StreamSpec("repairs", "resource", "resource", RESOURCE_RULES, "维修服务"),
    )
    ROLES = {"name": "name", "start": "start", "end": "end", "amount": "total", "remaining": "remaining",
             "total": "total", "date": "start", "date_end": "end"}

    def visible(self, stream: StreamSpec, entity: Any) -> bool:
        return entity["family"] == ("property_venue" if stream.name == "venues" else "property_repair")

    def source_id(self, stream: StreamSpec, number: int) -> str:
        return f"{'CD' if stream.name == 'venues' else 'WX'}{number:010d}"

    def company(self, r: dict[str, Any]) -> int:
        """Position of the resource's company among the exporters (which file it is in)."""
        return self.world.orgs.property_exporters.index(r["provider"])

    def native(self, stream: StreamSpec, r: dict[str, Any], ctx: Context) -> dict[str, Any]:
        u = ctx.u
        orgs = self.world.orgs
        company = self.company(r)
        style = export_style(company)
        provider = orgs[r["provider"]]
        word = self.word(r["category"], u[5], category_words)
        total, remaining, _ = r["capacity"]
        days, opens, closes = r["weekly"]
        kind, fee, note = r["cost"]
        building = f"{1 + int(u[6] * 30)}栋"
        name = f"{r['estate']}{r['venue_word']}"
        if u[7] < 0.3:
            name = f"{provider.community.short}{name}"  # a place prefix some staff add
        return {
            "_company": company, "_division_code": r["coverage"][0],
            "name": surface(name, self.profile, u[9], u[10]), "estate": r["estate"], "building": building,
            "category": word, "total": int(total), "remaining": int(max(0.0, remaining - ctx.version)),
            "hours": f"{days_text(days)} {opens}-{closes}",
            "fee_type": {"free": "免费", "low_cost": "低偿", "paid": "收费"}[kind], "fee": fee,
            "phone": None if u[11] < self.profile.missing_phone else phone_style(provider.phones[-1], u[12]),
            "targets": "、".join(self.word(t, u[13], target_words) for t in r["target_groups"]),
            "start": write_date(r["valid_from"], "slash" if style == "csv" else "cell"),
            "end": write_date(r["valid_to"], "slash" if style == "csv" else "cell"),
            "note": note,
        }

    def plant(self, stream: StreamSpec, native: dict[str, Any], rule: str, entity: Any, u: float) -> None:
        from wushe.sandbox.planting import plant

        style = "slash" if export_style(native["_company"]) == "csv" else "cell"
        plant(native, rule, self.ROLES, style, u)

    def stamp(self, stream: StreamSpec, native: dict[str, Any], row: Row) -> dict[str, Any]:
        return {"id": row.source_id, **native, "updated": local_time(row.updated_at)}

    def to_payload(self, stream: StreamSpec, n: dict[str, Any]) -> dict[str, Any]:
        company = self.world.orgs[self.world.orgs.property_exporters[n["_company"]]]
        return clean({
            "name": n.get("name") or "", "resource_type": "VENUE" if stream.name == "venues" else "SERVICE",
            "provider": {"name": company.legal},
            "categories": map_words(self.partner, "categories", [n["category"]]),
            "target_groups": map_words(self.partner, "target_groups", split_cell(n.get("targets"))),
            "coverage": [n["_division_code"]],
            "location": {"building": f"{n['estate']}{n['building']}", "division_code": n["_division_code"]},
            "capacity": {"total": number(n.get("total")), "remaining": number(n.get("remaining")),
                         "unit": "场次" if stream.name == "venues" else "人次"},
            "cost": clean({"kind": FEE_CODES.get(n.get("fee_type"), "free"), "amount": number(n.get("fee")), "note": n.get("note")}),
            "schedule": {"text": n.get("hours")}, "phone": n.get("phone"),
            "valid_from": read_date(n.get("start")), "valid_to": read_date(n.get("end")),
        })
