"""Which organisation records are compared, and how their names agree: blocking keys and levels."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
import pandas as pd

from wushe.resolution.blocking import blocking_keys, candidate_pairs
from wushe.resolution.comparison import BigramIdf, compare_organizations
from wushe.resolution.features import organization_features
from wushe.resolution.records import SourceFrame

ADDRESS = "深圳市宝安区航城街道彩田路32号华富名苑23栋"


def _features(payloads: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame({"partner": [f"p{n}" for n in range(len(payloads))]})
    return organization_features(SourceFrame("organization", frame, [orjson.dumps(p) for p in payloads]))


def _candidates(payloads: list[dict[str, Any]]) -> set[tuple[int, int]]:
    pairs = candidate_pairs(blocking_keys("organization", _features(payloads)))
    return {(int(a), int(b)) for a, b in pairs.tolist()}


def _name_level(a: dict[str, Any], b: dict[str, Any]) -> int:
    feats = _features([a, b])
    comp = compare_organizations(feats, np.array([[0, 1]]), BigramIdf.learn(feats["stem"].tolist()))
    return int(comp.levels["name"][0])


def test_one_address_and_one_name_start_make_a_candidate_pair() -> None:
    # a shop's sign against its company's branch name, written so differently that no name key is shared
    sign = {"name": "光影照相馆", "address": ADDRESS}
    branch = {"name": "深圳市光影照相馆文化传播有限公司建设分店", "address": "宝安区航城街道彩田路32号华富名苑23栋"}
    assert _candidates([sign, branch]) == {(0, 1)}
    # a neighbour at the same address whose name starts otherwise is not compared for the address
    neighbour = {"name": "华富便利店", "address": ADDRESS}
    assert _candidates([sign, neighbour]) == set()
    # nor is the same name start at another address
    elsewhere = {"name": "深圳市光影照相馆文化传播有限公司建设分店", "address": "宝安区航城街道彩田路33号"}
    assert _candidates([sign, elsewhere]) == set()


def test_a_homophone_typo_at_the_same_named_branch_is_the_same_site() -> None:
    typed = {"name": "忠信银行股份公司泉州凤城支行", "division_code": "350524100001"}
    right = {"name": "中信银行凤城支行", "division_code": "350524"}
    assert _name_level(typed, right) == 5
    # the same sound at another branch, or at a neighbourhood merely written before a shop's name, is not
    assert _name_level(typed, {"name": "中信银行城东支行", "division_code": "350524"}) < 4
    assert _name_level({"name": "园东仁新艺术中心", "division_code": "440304"},
                       {"name": "园东仁心艺术中心", "division_code": "440304"}) < 4
