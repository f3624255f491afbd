"""The catalogue of validation rule ids.

A rule id is a stable public name: quarantine rows, corrections reports, the sandbox's planted
errors and partners' own tooling refer to it. Ids are never reused for another meaning. The tier
says what a failure does: ``error`` quarantines the row, ``warning`` accepts it flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Tier = Literal["error", "warning"]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    tier: Tier
    zh: str  # what is wrong, for the partner's corrections report
    fix_zh: str  # how to fix it
    en: str


CATALOGUE: dict[str, RuleInfo] = {
    r.id: r
    for r in (
        RuleInfo("CONTRACT.REQUIRED", "error", "必填字段为空", "补全该字段", "A required field is missing or empty"),
        RuleInfo("CONTRACT.TYPE", "error", "字段值类型或格式不符", "按字段说明填写（如日期写作 2026-01-31）",
                 "A value does not have the contract's type or format (e.g. an impossible date)"),
        RuleInfo("CONTRACT.UNKNOWN_FIELD", "error", "含有约定以外的字段", "删除该字段，或联系平台在数据约定中增加",
                 "The record carries a field the contract does not define"),
        RuleInfo("SOURCE.UNREADABLE", "error", "该行无法读取", "检查该行的列数、编码和格式",
                 "The connector could not map the partner's row"),
        RuleInfo("CN.USCC.FORMAT", "error", "统一社会信用代码格式错误", "应为18位数字或大写字母（不含I、O、Z、S、V）",
                 "Unified social credit code has the wrong length or characters"),
        RuleInfo("CN.USCC.CHECKSUM", "error", "统一社会信用代码校验位错误", "核对营业执照或登记证书上的代码",
                 "Unified social credit code check character is wrong"),
        RuleInfo("CN.USCC.ORGCODE", "warning", "统一社会信用代码中组织机构代码校验位不符", "核对代码第9至17位",
                 "The organisation code embedded in the credit code fails its own check"),
        RuleInfo("CN.IDCARD.FORMAT", "error", "身份证号格式错误", "应为18位（末位可为X）或15位旧号码",
                 "Resident ID number has the wrong length or characters"),
        RuleInfo("CN.IDCARD.CHECKSUM", "error", "身份证号校验位错误", "核对身份证原件", "Resident ID number check character is wrong"),
        RuleInfo("CN.IDCARD.BIRTHDATE", "error", "身份证号中的出生日期不存在或晚于今天", "核对身份证原件",
                 "The birth date in the ID number is not a real past date"),
        RuleInfo("CN.PHONE.FORMAT", "warning", "电话号码格式无法识别", "手机写11位，座机写区号加号码，如0755-88889999",
                 "Phone number is neither a mobile, a landline with area code nor a service hotline"),
        RuleInfo("CN.DIVISION.FORMAT", "error", "区划代码格式错误", "填写12位统计用区划代码", "Division code is not 6 or 12 digits"),
        RuleInfo("CN.DIVISION.UNKNOWN", "error", "区划代码不在参考表中", "核对所属社区的12位统计用区划代码",
                 "Division code is not in the reference table"),
        RuleInfo("TAXONOMY.UNKNOWN", "warning", "类别代码无法识别", "使用资源类别或服务对象表中的代码，或补充对照表",
                 "A category or target-group code is not in the taxonomy"),
        RuleInfo("DATE.ORDER", "error", "结束日期早于开始日期", "检查起止日期", "An end date is before its start date"),
        RuleInfo("VALUE.NEGATIVE", "error", "数量或金额为负数", "填写不小于0的数", "An amount, quantity, capacity or budget is negative"),
        RuleInfo("CAPACITY.EXCEEDS", "error", "剩余数量大于总量", "核对总量和剩余数量", "Remaining capacity is above the total"),
        RuleInfo("VALUE.ORDER", "error", "下限大于上限（如最小年龄大于最大年龄）", "检查上下限",
                 "A lower bound is above its upper bound (e.g. minimum age above maximum age)"),
    )
}


def rule(rule_id: str) -> RuleInfo:
    return CATALOGUE[rule_id]


def describe(rule_id: str, extra: dict[str, RuleInfo] | None = None) -> RuleInfo:
    """The rule's texts: the catalogue's, a plugin's (``extra``), or a bare entry for an id no longer known."""
    found = CATALOGUE.get(rule_id) or (extra or {}).get(rule_id)
    return found or RuleInfo(rule_id, "error", rule_id, "", rule_id)
