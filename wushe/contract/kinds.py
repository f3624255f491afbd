"""Payload models for the five record kinds (design §5).

The models describe what a connector hands over, not what is valid: a contract record may carry a
wrong credit code or a negative amount, and validation quarantines it with a rule id. Closed
vocabularies (resource type, need status...) are literals; taxonomy codes are strings checked by
validation against the versioned taxonomy files.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from wushe.contract.fields import field, list_field, required

Society = Literal["community", "social_organization", "social_worker", "volunteer", "charity"]
ResourceType = Literal["SERVICE", "GOODS", "FUNDS", "VENUE", "VOLUNTEER_TIME"]
NeedStatus = Literal[
    "submitted", "verified", "published", "claimed", "fulfilled", "closed", "rejected", "expired"
]
Visibility = Literal["public", "staff", "restricted"]
CostKind = Literal["free", "low_cost", "paid"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ref(_Part):
    """A reference to an organisation, volunteer or need, as the partner knows it.

    Resolution turns it into a golden id: by ``source_id`` within ``partner`` (the referring
    record's partner when omitted), else by credit code, else by name.
    """

    source_id: str | None = field("来源编号", "The referenced record's id at its partner")
    partner: str | None = field("合作单位", "The partner that holds the referenced record, when not the referrer")
    credit_code: str | None = field("统一社会信用代码", "Unified social credit code of the referenced organisation")
    name: str | None = field("名称", "Name of the referenced entity, as the partner writes it")


class Location(_Part):
    address: str | None = field("地址", "Street address as written by the partner")
    division_code: str | None = field("区划代码", "12-digit administrative division code (down to 社区)")
    building: str | None = field("楼栋", "Building or estate name")
    lat: float | None = field("纬度", "Latitude, WGS-84")
    lon: float | None = field("经度", "Longitude, WGS-84")


class WeeklyHours(_Part):
    days: list[int] = list_field("星期", "ISO weekdays the hours apply to, 1 = Monday")
    opens: str = required("开始时间", "Opening time, HH:MM")
    closes: str = required("结束时间", "Closing time, HH:MM")


class ScheduleException(_Part):
    date: dt.date = required("日期", "The date the exception applies to")
    closed: bool = field("停止服务", "True when there is no service that day", default=False)
    opens: str | None = field("开始时间", "Opening time that day, HH:MM")
    closes: str | None = field("结束时间", "Closing time that day, HH:MM")
    note: str | None = field("说明", "Why the day differs")


class Schedule(_Part):
    weekly: list[WeeklyHours] = list_field("每周时间", "Regular weekly opening hours")
    exceptions: list[ScheduleException] = list_field("例外日期", "Dated exceptions (holidays, one-off events)")
    text: str | None = field("时间说明", "The partner's own wording of the schedule")


class Capacity(_Part):
    total: float | None = field("总量", "Total capacity (places, portions, hours, yuan)")
    remaining: float | None = field("剩余", "Capacity still available")
    unit: str | None = field("单位", "Unit of the capacity, e.g. 人次, 份, 小时, 元")


class Cost(_Part):
    kind: CostKind = field("收费方式", "free, low_cost or paid", default="free")
    amount: float | None = field("金额", "Price in the currency, when not free")
    currency: str = field("币种", "ISO 4217 currency code", default="CNY")
    note: str | None = field("收费说明", "The partner's wording, e.g. 会员八折")


class Item(_Part):
    name: str = required("物品", "What is given")
    quantity: float | None = field("数量", "How many")
    unit: str | None = field("单位", "Unit, e.g. 份, 件, 箱")
    category: str | None = field("类别", "Resource category code of the item")


class Designation(_Part):
    need: Ref | None = field("指定心愿", "The need (微心愿) the gift is for")
    division_code: str | None = field("指定社区", "The community the gift is for")
    programme: str | None = field("指定项目", "The programme or fund the gift is for")


class Organization(_Part):
    """Anyone who offers or coordinates: merchant, property company, fund, social organisation,
    social-work agency, volunteer team, community committee, government office."""

    name: str = required("名称", "Name as the partner writes it")
    aliases: list[str] = list_field("别名", "Other names: 简称, former names, shop signs")
    society: Society | None = field("五社类别", "Which of the five societies the organisation belongs to")
    org_type: str | None = field("机构类型", "Organisation type code from the org_types taxonomy")
    credit_code: str | None = field("统一社会信用代码", "18-character unified social credit code")
    registration_status: str | None = field("登记状态", "Registration status at the registering authority, e.g. 存续, 注销")
    parent: Ref | None = field("上级机构", "Head office of a branch, or the organisation a team belongs to")
    phones: list[str] = list_field("联系电话", "Public phone numbers in the partner's format")
    address: str | None = field("地址", "Address as written by the partner")
    division_code: str | None = field("区划代码", "12-digit division code of the organisation's community")
    contact_name: str | None = field("联系人", "Contact person", personal=True)
    contact_phone: str | None = field("联系人电话", "Contact person's phone", personal=True)
    established_on: date | None = field("成立日期", "Date of establishment or registration")
    website: str | None = field("网址", "Web address")
    description: str | None = field("简介", "What the organisation does")


class Resource(_Part):
    """Something offered: a service, goods, funds, a venue or volunteer time."""

    name: str = required("名称", "Name of the resource as the partner writes it")
    provider: Ref | None = field("提供方", "The organisation that offers it")
    resource_type: ResourceType = required("资源类型", "SERVICE, GOODS, FUNDS, VENUE or VOLUNTEER_TIME")
    categories: list[str] = list_field("服务类别", "Resource category codes from the taxonomy")
    target_groups: list[str] = list_field("服务对象", "Target group codes from the taxonomy")
    coverage: list[str] = list_field("服务范围", "Division codes of the areas the resource serves")
    location: Location | None = field("服务地点", "Where the resource is delivered or collected")
    schedule: Schedule | None = field("服务时间", "When it is available")
    capacity: Capacity | None = field("容量", "How much there is and how much is left")
    cost: Cost | None = field("费用", "Free, low-cost or paid")
    valid_from: date | None = field("有效期起", "First day the offer holds")
    valid_to: date | None = field("有效期止", "Last day the offer holds")
    eligibility: str | None = field("申请条件", "Who may use it, in the partner's words")
    age_min: int | None = field("最小年龄", "Youngest eligible age")
    age_max: int | None = field("最大年龄", "Oldest eligible age")
    phone: str | None = field("咨询电话", "Public phone for enquiries")
    description: str | None = field("说明", "Details of the offer")


class Need(_Part):
    """A resident's or group's need: a 微心愿 or a service request."""

    title: str = required("心愿标题", "What is needed, in a line")
    description: str | None = field("详细描述", "The need in the requester's or staff's words")
    category: str | None = field("需求类别", "Resource category code that would meet the need")
    target_groups: list[str] = list_field("对象类别", "Target group codes of the requester")
    division_code: str | None = field("所在社区", "12-digit division code where the need is")
    quantity: float | None = field("数量", "How many of the thing are needed")
    unit: str | None = field("单位", "Unit of the quantity")
    budget: float | None = field("预算", "Estimated cost in yuan")
    status: NeedStatus = field("状态", "Life-cycle status", default="submitted")
    visibility: Visibility = field("公开范围", "Who may see the need", default="staff")
    requester_key: str | None = field("求助人标识", "Pseudonymous key of the requester (never a raw ID number)")
    requester_name: str | None = field("求助人姓名", "Requester's name", personal=True)
    requester_phone: str | None = field("求助人电话", "Requester's phone", personal=True)
    sponsor: Ref | None = field("认领方", "The organisation that sponsors or claimed the need")
    submitted_on: date | None = field("提交日期", "When the need was raised")
    deadline: date | None = field("截止日期", "When the need expires")


class Volunteer(_Part):
    """A person who gives time."""

    name: str = required("姓名", "Full name", personal=True)
    phone: str | None = field("手机号码", "Mobile or landline", personal=True)
    id_number: str | None = field("身份证号", "Resident ID number; the registry keeps only a keyed hash and a masked form", personal=True)
    gender: Literal["male", "female"] | None = field("性别", "Gender")
    birth_date: date | None = field("出生日期", "Date of birth", personal=True)
    skills: list[str] = list_field("技能", "Skills in the partner's words, e.g. 理发, 电工, 中医推拿")
    team: Ref | None = field("所属队伍", "The volunteer team the person serves with")
    division_code: str | None = field("所在社区", "12-digit division code of the person's community")
    hours: float | None = field("服务时长", "Total volunteer hours recorded")
    registered_on: date | None = field("注册日期", "When the person registered as a volunteer")


class Donation(_Part):
    """Money or goods given."""

    donor: Ref | None = field("捐赠方", "The donating organisation; empty for anonymous or personal gifts")
    donor_name: str | None = field("捐赠人", "Name of a personal donor as recorded", personal=True)
    anonymous: bool = field("匿名", "True when the donor asked not to be named", default=False)
    amount: float | None = field("金额", "Amount of money given")
    currency: str = field("币种", "ISO 4217 currency code", default="CNY")
    items: list[Item] = list_field("物资明细", "Goods given")
    donated_on: date | None = field("捐赠日期", "Date of the gift")
    designation: Designation | None = field("定向", "What the gift is designated for")
    recipient: Ref | None = field("受赠方", "The fund or organisation that received the gift")


PAYLOADS: dict[str, type[BaseModel]] = {
    "organization": Organization,
    "resource": Resource,
    "need": Need,
    "volunteer": Volunteer,
    "donation": Donation,
}
