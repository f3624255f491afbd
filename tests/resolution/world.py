"""A small synthetic city of organisations and volunteers seen by several partners, with truth.

Deterministic by seed. It is a stand-in measuring stick for the matcher where the sandbox is not
at hand: names follow general Chinese naming (legal forms, place prefixes, bank branches and their
简称, chain shops, social organisations of one place with different entity types, similar short
names), and each partner's row adds the usual noise (full-width, traditional characters, typos
that are mostly homophones, phone formats, missing and stale fields, the same entity twice).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Iterator

from wushe.contract import make_record
from wushe.validation.identifiers import USCC_ALPHABET, uscc_check_char

AT = "2026-11-20T02:00:00+08:00"
DISTRICTS = [("福田区", "440304"), ("罗湖区", "440303"), ("南山区", "440305"), ("宝安区", "440306"),
             ("龙岗区", "440307"), ("龙华区", "440309"), ("坪山区", "440310"), ("光明区", "440311")]
LOCALITIES = ["园岭", "八卦岭", "华强北", "莲花", "香蜜湖", "梅林", "景田", "沙头", "南园", "福保", "东门", "黄贝",
              "翠竹", "笋岗", "蛇口", "粤海", "西丽", "桃源", "新安", "西乡", "福永", "沙井", "布吉", "横岗",
              "坂田", "观湖", "民治", "龙城", "碧岭", "坑梓", "公明", "凤凰"]
BANKS = [("工商银行", "工行"), ("建设银行", "建行"), ("农业银行", "农行"), ("交通银行", "交行"), ("招商银行", "招行"),
         ("邮政储蓄银行", "邮储银行")]
CHAINS = ["美宜佳", "华润万家", "百果园", "钱大妈", "海王星辰", "天虹", "屈臣氏", "周大福"]
INDUSTRY = ["科技", "物业管理", "餐饮管理", "商贸", "家政服务", "文化传播", "健康管理", "教育咨询", "建筑工程", "电子"]
SOCIAL = ["协会", "基金会", "社工服务中心", "志愿者协会", "促进会"]
WORD_CHARS = ("华盛兴达安泰鑫源恒通宏昌荣丰瑞祥和美嘉信德永利佳成明星海天金龙凯东南北新隆博嘉创联合力德福康宁"
              "顺景乐鸿飞志远光辉晨旭阳鹏城湾桥溪岭湖山林森雅睿智聚优品尚")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯欣怡婷雪琳晨阳"
HOMOPHONES = {"园": "圆", "岭": "领", "华": "化", "兴": "星", "达": "大", "安": "按", "泰": "太", "源": "元",
              "恒": "横", "通": "同", "昌": "长", "荣": "容", "丰": "风", "祥": "详", "美": "每", "信": "心",
              "德": "得", "利": "力", "佳": "家", "明": "名", "伟": "玮", "芳": "方", "娜": "纳", "静": "净",
              "丽": "立", "军": "君", "洋": "阳", "杰": "洁", "涛": "滔", "霞": "侠", "平": "萍", "玉": "钰",
              "斌": "彬", "浩": "豪", "婷": "亭", "琳": "林", "海": "还", "天": "田", "龙": "隆"}
TRAD = str.maketrans("园岭华兴达东门业务银行设农邮储联谊协会基社区务志愿传电龙马刘陈杨黄赵吴郑谢冯邓许韩张伟丽杰涛",
                     "園嶺華興達東門業務銀行設農郵儲聯誼協會基社區務誌願傳電龍馬劉陳楊黃趙吳鄭謝馮鄧許韓張偉麗傑濤")
PARTNERS = ("civil", "fund", "merchants", "property")


def credit_code(rng: random.Random, division: str) -> str:
    body = rng.choice("59") + rng.choice("123") + division + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


@dataclass
class Entity:
    id: str
    legal: str
    variants: list[str]
    fields: dict[str, Any]
    partners: tuple[str, ...]


def _word(rng: random.Random) -> str:
    return rng.choice(WORD_CHARS) + rng.choice(WORD_CHARS)


def _landline(rng: random.Random) -> str:
    return f"0755-{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}"


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"


def organizations(rng: random.Random, n: int) -> list[Entity]:
    """Organisations with unique legal names, as registration makes them."""
    out: list[Entity] = []
    seen: set[str] = set()
    while len(out) < n:
        k = len(out)
        place = rng.choice(LOCALITIES)
        district, code6 = DISTRICTS[LOCALITIES.index(place) % len(DISTRICTS)]
        division = f"{code6}{rng.randint(1, 9):03d}{rng.randint(1, 20):03d}"
        roll = rng.random()
        fields: dict[str, Any] = {"division_code": division, "phones": [_landline(rng)],
                                  "address": f"深圳市{district}{place}路{rng.randint(1, 300)}号"}
        if roll < 0.12:
            full, short = rng.choice(BANKS)
            legal = f"中国{full}股份有限公司深圳{place}支行" if rng.random() < 0.9 else f"中国{full}股份有限公司深圳{place}{rng.choice('东西南北')}支行"
            tail = legal.split("深圳", 1)[1]
            variants = [f"{full}{tail}", f"{short}{tail}", f"中国{full}{tail}"]
            partners = ("fund", "merchants")
        elif roll < 0.25:
            chain = rng.choice(CHAINS)
            legal = f"深圳市{chain}商业连锁有限公司{place}{rng.choice(['', '二'])}分店"
            tail = legal.split("有限公司", 1)[1][:-2]
            variants = [f"{chain}({tail}店)", f"{chain}{tail}店", f"{chain}商业连锁{tail}分店"]
            partners = ("merchants", "property")
        elif roll < 0.6:
            word = _word(rng)
            industry = rng.choice(INDUSTRY)
            legal = f"深圳市{word}{industry}有限公司"
            variants = [f"{word}{industry}", f"{word}{industry}(深圳)有限公司", f"深圳{word}{industry}公司"]
            fields["credit_code"] = credit_code(rng, code6)
            partners = ("merchants", "property", "fund")
        elif roll < 0.85:
            word = rng.choice([_word(rng), place + rng.choice(["社区", ""])])
            kind = rng.choice(SOCIAL)
            legal = f"深圳市{district}{word}{kind}"
            variants = [f"{district}{word}{kind}", f"{word}{kind}", f"深圳{word}{kind}"]
            fields["credit_code"] = credit_code(rng, code6)
            fields["registration_status"] = "存续"
            partners = ("civil", "fund")
        else:
            community = place + rng.choice(["", "东", "西", "南", "北", "新"]) + "社区"
            legal = f"深圳市{district}{place}街道{community}居民委员会"
            variants = [f"{community}居委会", f"{place}街道{community}居委会", f"{district}{community}居民委员会"]
            partners = ("civil", "fund", "property")
        if legal in seen:
            continue
        seen.add(legal)
        out.append(Entity(f"o{k}", legal, variants, fields, partners))
    return out


def volunteers(rng: random.Random, n: int) -> list[Entity]:
    out: list[Entity] = []
    for k in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        code6 = rng.choice(DISTRICTS)[1]
        birth = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        fields = {"phone": _mobile(rng), "birth_date": birth, "gender": rng.choice(["male", "female"]),
                  "division_code": f"{code6}{rng.randint(1, 9):03d}{rng.randint(1, 20):03d}",
                  "id_number": f"{code6}{birth.replace('-', '')}{rng.randint(0, 9999):04d}"}
        out.append(Entity(f"v{k}", name, [], fields, ("civil", "fund", "merchants")))
    return out


def _typo(rng: random.Random, text: str) -> str:
    spots = [i for i, ch in enumerate(text) if ch in HOMOPHONES]
    if spots and rng.random() < 0.7:
        i = rng.choice(spots)
        return text[:i] + HOMOPHONES[text[i]] + text[i + 1 :]
    i = rng.randrange(len(text))
    return text[:i] + rng.choice(WORD_CHARS) + text[i + 1 :]


def _surface(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.05:
        return text.translate(TRAD)
    if roll < 0.09:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text).replace("(", "（").replace(")", "）")
    if roll < 0.13:
        return _typo(rng, text)
    return text


def _phone_style(rng: random.Random, phone: str) -> str:
    digits = phone.replace("-", "")
    roll = rng.random()
    if roll < 0.2:
        return "+86 " + (digits[1:] if digits.startswith("0") else digits)
    if roll < 0.35 and digits.startswith("0755"):
        return digits[4:]
    if roll < 0.45:
        return " ".join((digits[:3], digits[3:7], digits[7:]))
    return phone


def rows(seed: int, n_orgs: int, n_volunteers: int) -> Iterator[tuple[dict[str, Any], str]]:
    """(contract record, true entity id) for every partner row."""
    rng = random.Random(seed)
    counter = 0
    for kind, entities in (("organization", organizations(rng, n_orgs)), ("volunteer", volunteers(rng, n_volunteers))):
        for entity in entities:
            chosen = [p for p in entity.partners if rng.random() < 0.7] or [entity.partners[0]]
            for partner in chosen:
                copies = 2 if rng.random() < 0.02 else 1
                for _ in range(copies):
                    counter += 1
                    payload = _payload(rng, kind, entity, partner)
                    yield make_record(partner, kind, f"{partner[:2]}{counter}", AT, payload, fetched_at=AT), entity.id


def _payload(rng: random.Random, kind: str, entity: Entity, partner: str) -> dict[str, Any]:
    f = entity.fields
    if kind == "organization":
        name = entity.legal if partner == "civil" or rng.random() < 0.4 else rng.choice(entity.variants)
        payload: dict[str, Any] = {"name": _surface(rng, name)}
        if rng.random() < 0.8:
            payload["phones"] = [_phone_style(rng, p) for p in f["phones"]]
        if rng.random() < 0.7:
            payload["division_code"] = f["division_code"]
        if rng.random() < 0.6:
            payload["address"] = _surface(rng, f["address"])
        if "credit_code" in f and (partner == "civil" or rng.random() < 0.3):
            payload["credit_code"] = f["credit_code"]
        if partner == "civil" and "registration_status" in f:
            payload["registration_status"] = f["registration_status"]
        return payload
    payload = {"name": _surface(rng, entity.legal), "gender": f["gender"]}
    if rng.random() < 0.85:
        payload["phone"] = _phone_style(rng, f["phone"])
    if partner == "civil" or rng.random() < 0.2:
        payload["id_number"] = f["id_number"]
    if rng.random() < 0.7:
        payload["birth_date"] = f["birth_date"]
    if rng.random() < 0.7:
        payload["division_code"] = f["division_code"]
    return payload
