"""Normalisation for comparison: the stored values stay as received, only match features change.

Text is folded first (NFKC turns full-width forms half-width, OpenCC turns traditional characters
simplified, case and punctuation go). An organisation name is then split into the parts that mean
different things: the *stem* (the distinctive name), the *entity type* (基金会, 协会...), and the
*branch* (园岭支行). Legal forms and region prefixes are removed by anchored longest-first rules that
never empty a name; a homophone typo in the type, legal-form or branch word that ends a name is put
right first, so the rules see the word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Iterable

from wushe.resolution.phonetic import pinyin_key
from wushe.resolution.vocabulary import alternation, vocabulary

_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_BRACKETED = re.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
_NUMERAL_CJK = str.maketrans("〇", "0")
_ORDINAL = "[0-9一二三四五六七八九十]{0,2}"  # 龙城二店, 公明2分店
_BATCH = 20_000
BANK_BRANCH_WORDS = ("支行", "分理处", "储蓄所")
_COMMUNITY_WORDS = ("社区", "街道", "村", "居委", "小区", "花园", "新村")  # strings per OpenCC call: one call per batch keeps conversion at C speed


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str | None) -> str:
    """NFKC, traditional → simplified, lower case, punctuation and spaces removed."""
    if not text:
        return ""
    return _fold_converted(_converter().convert(_prefold(text)))


def fold_many(texts: Iterable[str | None]) -> list[str]:
    """:func:`fold` for many strings at once (OpenCC converts whole batches)."""
    pre = [_prefold(t) if t else "" for t in texts]
    out: list[str] = []
    convert = _converter().convert
    for start in range(0, len(pre), _BATCH):
        chunk = pre[start : start + _BATCH]
        converted = convert("\n".join(chunk)).split("\n")
        out.extend(_fold_converted(t) for t in converted)
    return out


def _prefold(text: str) -> str:
    # newlines separate a batch for OpenCC, so none may remain inside a value
    return unicodedata.normalize("NFKC", text).replace("\n", " ").replace("\r", " ")


def _fold_converted(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(_NUMERAL_CJK)
    return _NOT_WORD.sub("", _unbracket(text))


def _unbracket(text: str) -> str:
    """Drop a bracketed region or legal form (腾讯科技(深圳)有限公司); keep other bracketed words."""
    voc = vocabulary()

    def replace(match: re.Match[str]) -> str:
        inner = _NOT_WORD.sub("", match.group(1))
        if inner in voc.regions or inner in voc.legal_forms:
            return ""
        return inner[:-1] + "分店" if inner.endswith("店") and not inner.endswith("分店") and len(inner) > 1 else inner

    dropped = _BRACKETED.sub(replace, text)
    return dropped if _NOT_WORD.sub("", dropped) else _BRACKETED.sub(r"\1", text)


@dataclass(frozen=True)
class NameParts:
    """An organisation name taken apart for comparison."""

    stem: str  # the distinctive name, e.g. 建设银行 → 建设 is not split further
    entity_type: str  # 基金 (for 基金会), 协会, 银行... or ""
    branch: str  # the branch designation, e.g. 园岭支行, or "" for a head office or a single site
    core: str  # stem with frequent type and industry words removed; never empty
    legal: bool = False  # written as a legal entity (a legal form was removed)
    sign: bool = False  # the branch is a neighbourhood written before the name (景田阿芳超市), not a 分店
    unplaced: str = ""  # the stem without a neighbourhood written before it (锦绣阿芳门诊部 → 阿芳)

    @property
    def head_office(self) -> bool:
        """Written as the organisation itself rather than one of its sites: a legal entity or an
        institution (中国建设银行股份有限公司, 招商银行). A bare brand (康宁大药房) may be either."""
        return not self.branch and (self.legal or bool(self.entity_type))

    @property
    def key(self) -> str:
        """The whole comparable name; equal keys mean the same name up to form and place."""
        return f"{self.stem}{self.entity_type}{self.branch}"


class _Rules:
    """Compiled patterns of the vocabulary, built once per process."""

    def __init__(self) -> None:
        voc = vocabulary()
        self.voc = voc
        self.synonyms = re.compile(alternation(list(voc.synonyms))) if voc.synonyms else None
        places = list(voc.regions) + list(voc.country_prefixes) + list(voc.subdistricts)
        self.leading_place = re.compile(f"^(?:{alternation(places)})")
        self.brand = re.compile(f"^(?:{alternation(list(voc.brand_aliases))})") if voc.brand_aliases else None
        self.branch = re.compile(f"(?:{alternation(voc.branch_words)})$")
        self.legal = re.compile(f"(?:{alternation(voc.legal_forms)})")
        self.legal_end = re.compile(f"(?:{alternation(voc.legal_forms)})+$")
        self.place_end = re.compile(f"(?:{alternation(list(voc.regions))})$")
        self.region_any = re.compile(alternation(list(voc.regions)))
        # two characters and a level suffix, but not 超市, 城市, 社区, 小区... which end ordinary words; or
        # the level word alone, for the writer's own province, city or district (区妇联, 市民政局)
        self.region_shape = re.compile(
            r"^(?:[省市区县](?![块城级])|[\u3400-\u9fff](?:[\u3400-\u9fff](?<![超城都门夜菜街股])市|"
            r"[\u3400-\u9fff](?<![社小园景校街片商厂营])区|[\u3400-\u9fff]县))(?![场域间内外])")
        short = [name for name in voc.localities if not name.endswith(("社区", "街道"))]
        self.leading_locality = re.compile(f"^(?:{alternation(short)})")
        self.community_word = re.compile(f"^({alternation(short)})社区(?=..)")
        places_alt = alternation(list(voc.localities | voc.regions | set(voc.country_prefixes)))
        self.locality_end = re.compile(f"(?:{places_alt}){_ORDINAL}$")
        self.shop_branch = re.compile(f"(?:{places_alt}){_ORDINAL}店$")
        self.level_suffix = re.compile(r"(?<=..)(?:市|区|县|省)$")
        self.entity_end = re.compile(f"(?:{alternation(voc.entity_types)})$")
        self.entity_any = re.compile(alternation(voc.entity_types))
        self.common = re.compile(alternation(voc.common_tokens))
        # the words that end a name (type, legal form, branch) by sound, for homophone typos in them
        ending = {*voc.legal_forms, *voc.branch_words, *voc.entity_types, *voc.synonyms}
        sounds: dict[str, set[str]] = {}
        for word in ending:
            if len(word) >= 2:
                sounds.setdefault(pinyin_key(word), set()).add(word)
        self.ending_by_sound = {sound: words.pop() for sound, words in sounds.items() if len(words) == 1}
        self.ending_lengths = sorted({len(w) for w in self.ending_by_sound.values()}, reverse=True)
        self.word_end = re.compile(f"(?:{alternation([*ending, *voc.common_tokens])})$")


@cache
def _rules() -> _Rules:
    return _Rules()


def build_tables() -> None:
    """Build what normalising needs, now rather than at its first use: the vocabulary's compiled
    patterns, the pinyin table they are heard through, and the traditional-to-simplified
    converter (0.14 s). The worker server builds them once for every worker it forks."""
    _rules()
    _converter()


def _strip_leading_places(text: str, rules: _Rules) -> str:
    """Remove region prefixes while more than a bare type word (and at least two characters) remains.

    A prefix that has the shape of a region (two characters and 市/区/县) is removed too, so a
    mistyped place (深川市, 龙化区) does not stay in the name, and so is a level word alone, which
    names the writer's own city or district (区残联 is the 残联 of the district at hand)."""
    while True:
        match = rules.leading_place.match(text) or rules.region_shape.match(text)
        if not match:
            return text
        rest = text[match.end() :]
        bare = rules.legal_end.sub("", rest)
        kept = any(bare.startswith(w) for w in rules.voc.keep_place_before) and (
            bare in rules.voc.keep_place_before or rules.branch.search(bare))  # 中国银行(城东支行)
        if len(bare) < 2 or kept or rules.entity_end.fullmatch(bare):
            return text
        text = rest


def _heard_ending(text: str, rules: _Rules) -> str:
    """The name with one mistyped character of its ending type, legal-form or branch word put right
    when it sounds the same (社曲健康服务中心, 清水河分点, 有限工司): input methods type by sound, so a
    typo is most often a homophone. A character inside an ending that is itself a word of the
    vocabulary is taken as written (网店 is a shop, not a 网点)."""
    for size in rules.ending_lengths:
        if len(text) <= size:
            continue
        tail = text[-size:]
        word = rules.ending_by_sound.get(pinyin_key(tail))
        if word is None:
            continue
        if word == tail:
            return text
        typos = [n for n, (a, b) in enumerate(zip(tail, word)) if a != b]
        written = rules.word_end.search(text)
        if len(typos) == 1 and (written is None or len(text) - size + typos[0] < written.start()):
            return text[:-size] + word
    return text


def _leading_locality(text: str, rules: _Rules) -> tuple[str, str]:
    """(rest, locality as a branch) when a shop's name starts with a community or sub-district short
    name (景田阿芳超市 → 阿芳超市, 景田分店); never when the rest would be only trade words or too
    short to be a name of its own (安居家修 is a brand, not 家修 in 安居)."""
    match = rules.leading_locality.match(text)
    if not match:
        return text, ""
    rest = text[match.end() :]
    if len(rest) < 3 or rest.startswith(_COMMUNITY_WORDS) or rules.entity_end.fullmatch(rest):
        return text, ""
    if len(rules.common.sub("", rest)) < 2:
        return text, ""
    return rest, match.group(0) + "分店"


def _strip_legal_form(text: str, rules: _Rules) -> str:
    """Remove trailing legal forms, and regions written just before them (深圳市某某科技深圳有限公司),
    until none is left; never empty the name."""
    while True:
        match = rules.legal_end.search(text)
        if not match or match.start() < 2:
            return text
        text = text[: match.start()]
        place = rules.place_end.search(text)
        if place and place.start() >= 2:
            text = text[: place.start()]


def _split_branch(text: str, rules: _Rules) -> tuple[str, str]:
    """(head, branch designation) of a name ending in a branch word; (text, "") otherwise."""
    match = rules.branch.search(text)
    if not match or match.start() < 2:
        shop = rules.shop_branch.search(text)
        if not shop or shop.start() < 2:
            return text, ""
        return text[: shop.start()], rules.level_suffix.sub("", text[shop.start() : -1]) + "分店"
    word, body = match.group(0), text[: match.start()]
    legal = None
    for legal in rules.legal.finditer(body):
        pass
    if legal is not None and legal.start() >= 2:
        head, place = body[: legal.start()], body[legal.end() :]
    else:
        head, place = _split_head_place(body, rules)
    place = rules.level_suffix.sub("", _strip_leading_places(place, rules)) if place else place
    return head, place + word


def _split_head_place(body: str, rules: _Rules) -> tuple[str, str]:
    """Find where the organisation's own name ends and the branch's place begins."""
    typed = None
    for typed in rules.entity_any.finditer(body):
        pass
    if typed is not None and typed.end() <= len(body) - 2 and typed.start() >= 1:  # a place has two characters
        return body[: typed.end()], body[typed.end() :]
    region = None
    for region in rules.region_any.finditer(body):
        pass
    if region is not None and region.start() >= 2 and region.end() < len(body):
        return body[: region.start()], body[region.start() :]
    locality = rules.locality_end.search(body)
    if locality and locality.start() >= 2:
        return body[: locality.start()], body[locality.start() :]
    return body, ""


@lru_cache(maxsize=1 << 18)
def org_name_parts(folded: str) -> NameParts:
    """Take a folded organisation name apart (see :func:`fold`)."""
    rules = _rules()
    text = _heard_ending(folded, rules)
    if rules.synonyms is not None:
        text = rules.synonyms.sub(lambda m: rules.voc.synonyms[m.group(0)], text)
    text = _strip_leading_places(text, rules)
    if rules.brand is not None:
        text = rules.brand.sub(lambda m: rules.voc.brand_aliases[m.group(0)], text, count=1)
    legal = rules.legal.search(text) is not None
    if not rules.branch.search(text):  # a name ending in a legal form: take it off before looking for a branch
        text = _strip_legal_form(text, rules)
    head, branch = _split_branch(text, rules)
    head = _strip_leading_places(_strip_legal_form(head, rules), rules)
    head = rules.community_word.sub(r"\1", head, count=1)  # 水围社区应急志愿服务队 = 水围应急志愿服务队
    sign = False
    if not branch and not legal and not rules.entity_end.search(head):
        head, branch = _leading_locality(head, rules)  # 景田阿芳超市: a shop named after its neighbourhood
        sign = bool(branch)
    if branch.endswith(BANK_BRANCH_WORDS) and "银行" not in head:  # 中信莲花支行: a 支行 is a bank's
        head += "银行"
    entity = rules.entity_end.search(head)
    stem, entity_type = head, ""
    if entity and entity.start() >= 2:
        stem, entity_type = head[: entity.start()], entity.group(0)
    elif entity and entity.start() == 0:
        entity_type = entity.group(0)
    core = rules.common.sub("", stem) or stem
    unplaced = stem
    if not branch and entity_type and not legal:  # a typed body keeps its name, but may be signed by place
        rest, site = _leading_locality(head, rules)
        if site and rest.endswith(entity_type) and len(rest) - len(entity_type) >= 2:
            unplaced = rest[: len(rest) - len(entity_type)]
    return NameParts(stem or folded, entity_type, branch, core, legal, sign, unplaced or stem or folded)


def person_name(folded: str) -> str:
    """A person's name for comparison: folded, with no separator dots (阿依古丽·买买提)."""
    return folded.replace("·", "")


def leading_subdistrict(folded: str) -> str:
    """The sub-district (街道) named at the start of a folded name, after any region (龙岗区平湖街道
    安居社区居委会 → 平湖街道), or ""; two names naming different ones are two bodies."""
    rules = _rules()
    text = folded
    while (match := rules.leading_place.match(text)) and match.end() < len(text):
        if match.group(0) in rules.voc.subdistricts:
            return match.group(0)
        text = text[match.end() :]
    return ""


def leading_district(folded: str) -> str:
    """The 6-digit code of a district (or county) named at the start of a folded name or address
    (深圳市福田区… → 440304), or "" when none is named."""
    if not folded:
        return ""
    rules = _rules()
    text = folded
    while (match := rules.leading_place.match(text)) and match.end() < len(text):
        code = rules.voc.district_codes.get(match.group(0))
        if code:
            return code
        text = text[match.end() :]
    return ""


def address_key(folded: str) -> str:
    """An address for comparison: folded, with the region prefix (广东省深圳市福田区) removed."""
    return _strip_leading_places(folded, _rules()) if folded else folded
