"""Normalisation for comparison: properties over open-ended text, and the cases that matter."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wushe.resolution.identifiers import credit_code_valid
from wushe.resolution.normalize import fold, fold_many, leading_district, org_name_parts
from wushe.resolution.phones import to_e164
from wushe.resolution.phonetic import pinyin_key
from wushe.resolution.vocabulary import vocabulary

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
TEXT = st.text(st.one_of(CJK, st.characters(codec="utf-8")), max_size=30)
# names as Chinese organisations write them: [region] distinctive [industry] [legal form] [branch]
REGIONS = st.sampled_from(["", "中国", "广东省", "深圳市", "广东省深圳市", "深圳市福田区", "福田区"])
DISTINCTIVE = st.text(st.sampled_from("华盛兴达安泰鑫源恒通宏昌荣丰瑞祥和美嘉信德永利佳成明星海天"), min_size=2, max_size=4)
INDUSTRY = st.sampled_from(["", "科技", "物业管理", "餐饮管理", "商贸", "银行", "社区基金会", "协会", "社工服务中心"])
LEGAL = st.sampled_from(["", "有限公司", "股份有限公司", "有限责任公司", "(深圳)有限公司", "集团有限公司"])
BRANCH = st.sampled_from(["", "园岭支行", "深圳八卦岭支行", "福田分公司", "(园岭店)", "东门分店"])
NAMES = st.tuples(REGIONS, DISTINCTIVE, INDUSTRY, LEGAL, BRANCH).map("".join)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


@settings(max_examples=200)
@given(TEXT)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@settings(max_examples=300)
@given(NAMES)
def test_name_parts_never_empty_and_settle(name: str) -> None:
    folded = fold(name)
    parts = org_name_parts(folded)
    assert parts.stem and parts.core
    assert org_name_parts(parts.key).key == parts.key


@settings(max_examples=300)
@given(REGIONS, REGIONS, DISTINCTIVE, INDUSTRY, LEGAL, LEGAL, BRANCH)
def test_region_and_legal_form_do_not_change_the_name(region_a, region_b, distinctive, industry, legal_a, legal_b,
                                                      branch) -> None:
    a = org_name_parts(fold(region_a + distinctive + industry + legal_a + branch))
    b = org_name_parts(fold(region_b + distinctive + industry + legal_b + branch))
    assert a.key == b.key


@settings(max_examples=200)
@given(st.text(CJK, min_size=1, max_size=12))
def test_any_chinese_name_keeps_a_stem(name: str) -> None:
    parts = org_name_parts(fold(name))
    assert parts.stem and parts.core


@settings(max_examples=100)
@given(st.text(st.sampled_from("abcXYZ019-() 科技园岭银行"), min_size=1, max_size=20))
def test_fullwidth_variants_normalise_equal(text: str) -> None:
    assert fold(_fullwidth(text)) == fold(text)


@pytest.mark.parametrize("traditional, simplified", [
    ("中國建設銀行股份有限公司深圳園嶺支行", "中国建设银行股份有限公司深圳园岭支行"),
    ("園嶺社區基金會", "园岭社区基金会"),
    ("張偉", "张伟"),
])
def test_traditional_variants_normalise_equal(traditional: str, simplified: str) -> None:
    assert fold(traditional) == fold(simplified)
    assert fold_many([traditional, None, simplified]) == [fold(simplified), "", fold(simplified)]


def test_bank_branch_forms_agree_and_differ_from_the_head_office() -> None:
    forms = ["中国建设银行股份有限公司深圳园岭支行", "建设银行园岭支行", "建行园岭支行", "中國建設銀行深圳園嶺支行"]
    keys = {org_name_parts(fold(n)).key for n in forms}
    assert len(keys) == 1
    branch = org_name_parts(fold(forms[0]))
    head = org_name_parts(fold("中国建设银行股份有限公司"))
    assert branch.branch == "园岭支行" and head.branch == ""
    assert branch.stem == head.stem
    assert org_name_parts(fold("建行八卦岭支行")).branch == "八卦岭支行"


def test_legal_forms_and_places_are_removed_but_never_empty_a_name() -> None:
    assert org_name_parts(fold("深圳市万科物业服务有限公司")).key == org_name_parts(fold("万科物业服务")).key
    assert org_name_parts(fold("腾讯科技（深圳）有限公司")).stem == "腾讯科技"
    assert org_name_parts(fold("有限公司")).stem == "有限公司"
    assert org_name_parts(fold("深圳市")).stem == "深圳市"
    # 中国银行 is a name, not a place before 银行
    assert org_name_parts(fold("中国银行股份有限公司")).key == org_name_parts(fold("中国银行")).key
    assert org_name_parts(fold("中国银行")).stem == "中国"


def test_entity_types_and_chain_shops_are_separate_features() -> None:
    fund, assoc = org_name_parts(fold("深圳市园岭社区基金会")), org_name_parts(fold("园岭社区协会"))
    assert (fund.stem, fund.entity_type) == ("园岭", "基金")  # 基金会 and 基金 are one type
    assert assoc.entity_type == "协会" and fund.key != assoc.key
    assert org_name_parts(fold("华润万家超市(园岭店)")).branch == "园岭分店"
    assert org_name_parts(fold("钱大妈龙城二店")).branch == org_name_parts(fold("钱大妈(龙城二店)")).branch
    assert org_name_parts(fold("深圳市园东社区居民委员会")).key == org_name_parts(fold("园东社区居委会")).key
    assert org_name_parts(fold("东门社区基金")).key == org_name_parts(fold("深圳市罗湖区东门社区基金会")).key
    assert org_name_parts(fold("中信莲花支行")).key == org_name_parts(fold("中信银行深圳莲花支行")).key


def test_common_tokens_leave_the_distinctive_core() -> None:
    assert org_name_parts(fold("深圳市园岭物业管理有限公司")).core == "园岭"
    assert org_name_parts(fold("爱心理发店")).core == "爱心理发店"  # all common: the stem stays


def test_neighbourhood_names() -> None:
    # a shop named after its neighbourhood is that neighbourhood's site; a team of a community keeps it
    assert org_name_parts(fold("景田阿芳超市")).branch == "景田分店"
    assert org_name_parts(fold("水围社区应急志愿服务队")).key == org_name_parts(fold("水围应急志愿服务队")).key
    assert org_name_parts(fold("盐田街道振兴社区老年义工队")).key == org_name_parts(fold("振兴老年义工队")).key
    assert org_name_parts(fold("中行城东支行")).key == org_name_parts(fold("中国银行泉州城东支行")).key


def test_signs_and_short_brands() -> None:
    # a neighbourhood on a sign is recorded as such; a typed body signed so keeps its name, bare beside it
    assert org_name_parts(fold("景田阿芳超市")).sign and not org_name_parts(fold("阿芳超市(景田店)")).sign
    signed = org_name_parts(fold("锦绣阿芳门诊部"))
    assert signed.branch == "" and signed.unplaced == org_name_parts(fold("阿芳门诊部")).stem
    # too little left after the neighbourhood: a brand (安居家修), not 家修 in 安居
    assert org_name_parts(fold("安居家修")).key == "安居家修"
    # a one-character type word (团) does not split a branch's place (团结店)
    assert org_name_parts(fold("乐龄饭堂(团结店)")).branch == "团结分店"
    assert org_name_parts(fold("深圳市益行社工服务社")).key == org_name_parts(fold("益行社工")).key


def test_a_level_word_alone_is_the_writers_own_place() -> None:
    assert org_name_parts(fold("区向日葵非遗文化研究会")).key == org_name_parts(fold("深圳市福田区向日葵非遗文化研究会")).key
    assert org_name_parts(fold("市民政局")).key == org_name_parts(fold("深圳市民政局")).key
    # words that only start with a level character keep it
    for name in ("市场监督管理局", "区块链科技有限公司", "县城幼儿园", "区域发展协会", "市级机关幼儿园"):
        assert org_name_parts(fold(name)).key.startswith(name[:2])


@pytest.mark.parametrize("typed, right", [
    ("深圳市龙岗区景田社曲健康服务中心", "景田社区健康服务中心"),
    ("富民社区应急志愿复务队", "富民应急志愿服务队"),
    ("平湖鹏城残疾人康复服务忠心", "平湖鹏城残疾人康复服务中心"),
    ("茶语轩(清水河分点)", "茶语轩(清水河分店)"),
    ("前海华侨投资有限工司", "前海华侨投资有限公司"),
])
def test_a_homophone_typo_in_an_ending_word_is_heard_right(typed: str, right: str) -> None:
    assert org_name_parts(fold(typed)) == org_name_parts(fold(right))


def test_endings_that_are_words_of_their_own_stay_as_written() -> None:
    # 网店 and 服务店 are shops, not the branch words 网点 and 服务点
    assert org_name_parts(fold("淘宝网店")).key == "淘宝网店" and org_name_parts(fold("淘宝网店")).branch == ""
    assert org_name_parts(fold("家电服务店")).branch == ""
    # two characters away from a word is another word, not a typo (设曲 is not 社区)
    assert org_name_parts(fold("阳光设曲健康服务中心")).entity_type == "服务中心"


def _ending_words() -> list[str]:
    """Type, legal-form and branch words that no other such word sounds like."""
    voc = vocabulary()
    words = [w for w in {*voc.entity_types, *voc.legal_forms, *voc.branch_words} if len(w) >= 2]
    sounds = [pinyin_key(w) for w in words]
    return sorted(w for w, s in zip(words, sounds) if sounds.count(s) == 1)


@cache
def _typos_by_sound() -> dict[str, list[str]]:
    """Common CJK characters by their toneless sound, leaving out those written in any vocabulary
    word (a typo that makes another word is no typo) and those folding changes."""
    voc = vocabulary()
    used = set("".join([*voc.entity_types, *voc.legal_forms, *voc.branch_words, *voc.synonyms, *voc.common_tokens]))
    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    out: dict[str, list[str]] = {}
    for char, folded in zip(chars, fold_many(chars)):
        if char == folded and char not in used:
            out.setdefault(pinyin_key(char), []).append(char)
    return out


@settings(max_examples=300, deadline=None)  # the first example builds the table of homophones
@given(DISTINCTIVE, st.sampled_from(_ending_words()), st.data())
def test_one_homophone_typo_in_an_ending_word_is_heard_right(distinctive: str, ending: str, data) -> None:
    position = data.draw(st.integers(0, len(ending) - 1))
    typos = _typos_by_sound().get(pinyin_key(ending[position]), [])
    assume(typos)
    typo = data.draw(st.sampled_from(typos))
    typed = distinctive + ending[:position] + typo + ending[position + 1 :]
    assert org_name_parts(fold(typed)) == org_name_parts(fold(distinctive + ending))


def test_district_named_in_a_name_or_address() -> None:
    assert leading_district(fold("深圳市福田区园岭街道园东社区居民委员会")) == "440304"
    assert leading_district(fold("广东省深圳市罗湖区东门路1号")) == "440303"
    assert leading_district(fold("园岭社区基金会")) == ""


@pytest.mark.parametrize("raw, division, expected", [
    ("+86 138 0013 8000", None, "+8613800138000"),
    ("138-0013-8000", None, "+8613800138000"),
    ("0755-8300 1234", None, "+8675583001234"),
    ("(0755)83001234", None, "+8675583001234"),
    ("０７５５－８３００１２３４", None, "+8675583001234"),
    ("83001234", "440304002001", "+8675583001234"),
    ("83001234", None, None),
    ("0755-83001234转801", None, "+8675583001234"),
    ("010-12345678", None, "+861012345678"),
    ("400-800-1234", None, None),
    ("95533", None, None),
    ("", None, None),
])
def test_phones_to_e164(raw: str, division: str | None, expected: str | None) -> None:
    assert to_e164(raw, division) == expected


@settings(max_examples=100)
@given(st.text(max_size=25), st.sampled_from([None, "440304002001", "350524100001"]))
def test_e164_is_a_fixed_point(raw: str, division: str | None) -> None:
    phone = to_e164(raw, division)
    assert phone is None or (phone.startswith("+86") and to_e164(phone, division) == phone)


def test_homophones_share_a_phonetic_key() -> None:
    assert pinyin_key("园岭") == pinyin_key("圆岭")
    assert pinyin_key("张伟") == pinyin_key("张玮") != pinyin_key("张强")


def test_credit_code_check_character() -> None:
    assert credit_code_valid("91440300192234567A")
    assert not credit_code_valid("91440300192234567B")
    assert credit_code_valid("53440300MJL000001Y")
    assert not credit_code_valid("5344030")
