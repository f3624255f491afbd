"""Comparing candidate pairs, all pairs at once: agreement levels per field and hard conflicts.

Similarities come from rapidfuzz's ``cpdist`` (element-wise, multi-threaded) and numpy; there is
no Python loop over pairs. Each comparison yields a level per pair (-1 when a side is missing);
the Fellegi-Sunter model turns levels into weights. Hard conflicts are facts that rule a match
out whatever the weights say: two valid credit codes or ID-number hashes that differ, a head office
against its branch, two different branches, two different entity types.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy import sparse

from wushe.resolution.features import HEAD_OFFICE

WORKERS = -1


@dataclass
class Comparison:
    """Levels (int8, -1 = missing) and similarities per comparison, and the hard conflicts, per pair."""

    levels: dict[str, np.ndarray]
    similarity: dict[str, np.ndarray] = field(default_factory=dict)
    conflict: np.ndarray | None = None  # bool per pair
    conflict_reason: np.ndarray | None = None  # object per pair: why, or None


# number of levels per comparison (level k of n: higher is closer agreement)
# organisation name: 5 the same registered name (legal form or type word) in the same district, which
# registration makes unique, the same named site (兴业银行坂田支行, 百姓餐馆朝阳分店) not placed in
# another district, or any same name in the same sub-district; 4 the same name, or the same core at
# the same named site; 3 the same sound, or nearly the same; 2, 1 similar; 0 not.
# source: 1 two partners, 0 one partner (a partner lists an entity twice less often than two partners
# list it once each, so a same-name pair inside one partner is more often two bodies).
# contact: phone and address together, because a stale record has both out of date: their agreement
# is not independent, so the model learns the joint levels (see contact_level).
# division: 3 same community, 2 same district (a side knows no community), 1 same district but
# different communities, 0 different districts; for organisations 3 is the same sub-district (街道)
# and 4 the same community.
LEVELS: dict[str, dict[str, int]] = {
    "organization": {"name": 6, "credit_code": 2, "contact": 12, "division": 5, "entity_type": 2, "source": 2},
    "volunteer": {"name": 4, "id_number": 2, "phone": 2, "birth_date": 3, "gender": 2, "division": 4},
    "identity": {"identity": 2},
}


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0:
        return np.empty(0, dtype=np.float32)
    return process.cpdist(a.tolist(), b.tolist(), scorer=fuzz.ratio, workers=WORKERS, dtype=np.float32) / 100.0


def _present(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a != "") & (b != "")


def _equal_level(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(_present(a, b), (a == b).astype(np.int8), np.int8(-1)).astype(np.int8)


def _division_level(div_a: np.ndarray, div_b: np.ndarray, dist_a: np.ndarray, dist_b: np.ndarray) -> np.ndarray:
    """3 same community, 2 same district, 1 same district but different communities, 0 different
    districts, -1 unknown."""
    both = (pd.Series(div_a, dtype=object).str.len().to_numpy() == 12) & (
        pd.Series(div_b, dtype=object).str.len().to_numpy() == 12)  # both know the community
    level = np.where(dist_a == dist_b, np.where(both, np.where(div_a == div_b, 3, 1), 2), 0)
    return np.where(_present(dist_a, dist_b), level, -1).astype(np.int8)


def _org_division_level(div_a: np.ndarray, div_b: np.ndarray, dist_a: np.ndarray, dist_b: np.ndarray,
                        street_a: np.ndarray, street_b: np.ndarray) -> np.ndarray:
    """:func:`_division_level` with the sub-district between district and community: 4 same
    community, 3 same sub-district (a side knows no community), 2 same district, 1 same district but
    different communities, 0 different districts. Two bodies of one name in one 街道 are rarer than
    in one district, so the model learns its own weight for it."""
    level = _division_level(div_a, div_b, dist_a, dist_b)
    level = np.where(level == 3, 4, level)
    same_street = _present(street_a, street_b) & (street_a == street_b)
    return np.where((level == 2) & same_street, 3, level).astype(np.int8)


def contact_level(phone: np.ndarray, address: np.ndarray) -> np.ndarray:
    """One level for the pair (phone level -1..1, address level -1..2); -1 when both are missing."""
    level = (phone.astype(np.int16) + 1) * 4 + (address.astype(np.int16) + 1)
    return np.where(level == 0, -1, level).astype(np.int8)


def _banded(sim: np.ndarray, bands: tuple[float, ...]) -> np.ndarray:
    """Level = number of bands the similarity reaches (bands ascending)."""
    level = np.zeros(len(sim), dtype=np.int8)
    for band in bands:
        level += (sim >= band).astype(np.int8)
    return level


class BigramIdf:
    """IDF weights of character bigrams: frequent ones (科技, 物业, 服务中心 or whatever a data set
    repeats) say little, so a shared rare bigram counts for more. Learned from the data, kept in
    the model so a delta weighs exactly as the full run did."""

    def __init__(self, frequent: dict[str, int], n_docs: int) -> None:
        self.frequent = frequent
        self.n_docs = max(n_docs, 1)

    @staticmethod
    def grams(text: str) -> list[str]:
        return [text[i : i + 2] for i in range(len(text) - 1)] or ([text] if text else [])

    @classmethod
    def learn(cls, texts: list[str], keep: int = 5000) -> "BigramIdf":
        counts: dict[str, int] = {}
        for text in texts:
            for gram in set(cls.grams(text)):
                counts[gram] = counts.get(gram, 0) + 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
        return cls({g: c for g, c in top if c > 1}, len(texts))

    def cosine(self, texts: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Cosine similarity of IDF-weighted bigram sets for pairs of rows of ``texts``."""
        rows = np.unique(np.concatenate([left, right]))
        grams = [sorted(set(self.grams(t))) for t in texts[rows].tolist()]
        lengths = np.fromiter((len(g) for g in grams), dtype=np.int64, count=len(grams))
        flat = pd.Series([g for row in grams for g in row], dtype=object)
        codes, vocab = pd.factorize(flat)
        doc_freq = pd.Series(vocab).map(self.frequent).fillna(1).to_numpy(dtype=np.float64)
        weights = (np.log((1 + self.n_docs) / (1 + doc_freq)) + 1.0)[codes] if len(codes) else np.empty(0)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        matrix = sparse.csr_matrix((weights, codes, indptr), shape=(len(rows), max(len(vocab), 1)), dtype=np.float32)
        norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
        norms[norms == 0] = 1.0
        matrix = sparse.diags(1.0 / norms) @ matrix
        position = np.searchsorted(rows, left), np.searchsorted(rows, right)
        return np.asarray(matrix[position[0]].multiply(matrix[position[1]]).sum(axis=1)).ravel()


def nested(x: str, y: str) -> bool:
    """Unknown on a side, equal, or one ends with the other (深圳园岭支行 / 园岭支行, 志愿者协会 / 协会)."""
    return not x or not y or x == y or x.endswith(y) or y.endswith(x)


def _prefixed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One text starts with the other (茶语轩 / 茶语轩茶业), at least two characters shared."""
    out = (a == b) & (a != "")
    look = np.flatnonzero(~out & (a != "") & (b != ""))
    out[look] = [min(len(x), len(y)) >= 2 and (x.startswith(y) or y.startswith(x))
                 for x, y in zip(a[look].tolist(), b[look].tolist())]
    return out


def _nested(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`nested` for pairs of arrays; only unequal, non-empty pairs need a look."""
    out = (a == b) | (a == "") | (b == "")
    look = np.flatnonzero(~out)
    out[look] = [x.endswith(y) or y.endswith(x) for x, y in zip(a[look].tolist(), b[look].tolist())]
    return out


def compare_organizations(f: pd.DataFrame, pairs: np.ndarray, idf: BigramIdf) -> Comparison:
    i, j = pairs[:, 0], pairs[:, 1]
    col = {c: f[c].to_numpy(dtype=object) for c in ("name_key", "stem", "etype", "branch_sound", "core", "pinyin",
                                                     "credit", "address", "division", "district", "subdistrict", "partner")}
    core_sim = _ratio(col["core"][i], col["core"][j])
    idf_sim = idf.cosine(col["stem"], i, j)
    name_sim = (core_sim + idf_sim) / 2
    same_key = col["name_key"][i] == col["name_key"][j]
    long_stem = (f["stem"].str.len().to_numpy() + f["etype"].str.len().to_numpy())[i] >= 3
    same_sound = (col["pinyin"][i] == col["pinyin"][j]) & long_stem
    # the same stem, or one extended by trade words, at the same named branch (乐龄饭堂(振兴店) /
    # 乐龄饭堂餐饮管理有限公司振兴分店); or the same sound at a branch written as one (中信银行凤城支行 /
    # 忠信银行凤城支行), not at a neighbourhood on a sign, where namesakes are many (园东仁心艺术中心)
    branch_a, branch_b = col["branch_sound"][i], col["branch_sound"][j]
    named_site = (branch_a == branch_b) & (branch_a != "") & (branch_a != HEAD_OFFICE)
    sign = f["sign"].to_numpy(dtype=bool)
    same_site = (_prefixed(col["stem"][i], col["stem"][j]) | (same_sound & ~sign[i] & ~sign[j])) & named_site
    # a sign with its neighbourhood before the name (景田阿芳超市, 锦绣阿芳门诊部) against the bare name
    unplaced, stem = f["unplaced"].to_numpy(dtype=object), col["stem"]
    placed = sign | (unplaced != stem)
    signed = (unplaced[i] == unplaced[j]) & (col["etype"][i] == col["etype"][j]) & (placed[i] != placed[j]) & (
        (branch_a == branch_b) | (sign[i] & (branch_b == "")) | (sign[j] & (branch_a == "")))
    same_key = same_key | signed
    name_level = np.where(same_key | same_site, 4, np.where(same_sound, 3, _banded(name_sim, (0.5, 0.7, 0.85))))
    name_level = name_level.astype(np.int8)

    phones = f["phones"].tolist()
    first = np.array([p[0] if p else "" for p in phones], dtype=object)
    second = np.array([p[1] if len(p) > 1 else "" for p in phones], dtype=object)
    a1, a2, b1, b2 = first[i], second[i], first[j], second[j]
    shared = ((a1 == b1) | ((a1 == b2) & (b2 != "")) | ((a2 == b1) & (a2 != "")) | ((a2 == b2) & (a2 != "")))
    phone_level = np.where(_present(a1, b1), shared.astype(np.int8), -1).astype(np.int8)
    addr_a, addr_b = col["address"][i], col["address"][j]
    addr_sim = _ratio(addr_a, addr_b)
    address_level = np.where(_present(addr_a, addr_b), _banded(addr_sim, (0.7, 0.9)), -1).astype(np.int8)
    street_a, street_b = col["subdistrict"][i], col["subdistrict"][j]
    division_level = _org_division_level(col["division"][i], col["division"][j], col["district"][i],
                                         col["district"][j], street_a, street_b)
    registered = f["registered"].to_numpy(dtype=bool)
    unique_here = ((registered[i] & registered[j]) & (division_level >= 2)) | (division_level >= 3) | (
        named_site & (division_level != 0))
    name_level[(same_key | same_site) & unique_here] = 5
    # two registered bodies whose names sound the same in one community are one name mistyped (同心/同新)
    name_level[same_sound & registered[i] & registered[j] & (division_level == 4)] = 5
    levels = {
        "name": name_level,
        "credit_code": _equal_level(col["credit"][i], col["credit"][j]),
        "contact": contact_level(phone_level, address_level),
        "division": division_level,
        "entity_type": _equal_level(col["etype"][i], col["etype"][j]),
        "source": (col["partner"][i] != col["partner"][j]).astype(np.int8),
    }
    reason = np.full(len(i), None, dtype=object)
    etype_a, etype_b = col["etype"][i], col["etype"][j]
    reason[(levels["entity_type"] == 0) & ~_nested(etype_a, etype_b)] = "entity_type"
    # branches compare by sound: 南园支行 and 南圆支行 are one branch typed two ways; a head office
    # (a legal entity or an institution named without a branch) is never one of its branches
    compatible = _nested(branch_a, branch_b)
    head = (branch_a == HEAD_OFFICE) | (branch_b == HEAD_OFFICE)
    reason[~compatible & head] = "head_office_branch"
    reason[~compatible & ~head] = "branch"
    reason[_present(street_a, street_b) & (street_a != street_b)] = "subdistrict"
    reason[levels["credit_code"] == 0] = "credit_code"
    return Comparison(
        levels,
        {"name": name_sim, "name_edit": core_sim, "name_idf": idf_sim, "address": addr_sim},
        reason != None,  # noqa: E711 - element-wise
        reason,
    )


def _birth_level(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """2 same date; 1 one typo away (a digit or a swapped month/day); 0 different; -1 missing."""
    sim = _ratio(a, b)
    near = sim >= 0.85
    return np.where(_present(a, b), np.where(a == b, 2, near.astype(np.int8)), -1).astype(np.int8)


def compare_volunteers(f: pd.DataFrame, pairs: np.ndarray) -> Comparison:
    i, j = pairs[:, 0], pairs[:, 1]
    col = {c: f[c].to_numpy(dtype=object) for c in ("name", "pinyin", "id_hash", "phone", "birth", "gender", "division",
                                                     "district")}
    name_sim = _ratio(col["name"][i], col["name"][j])
    same = col["name"][i] == col["name"][j]
    same_sound = col["pinyin"][i] == col["pinyin"][j]
    name_level = np.where(same, 3, np.where(same_sound, 2, (name_sim >= 0.5).astype(np.int8))).astype(np.int8)
    levels = {
        "name": name_level,
        "id_number": _equal_level(col["id_hash"][i], col["id_hash"][j]),
        "phone": _equal_level(col["phone"][i], col["phone"][j]),
        "birth_date": _birth_level(col["birth"][i], col["birth"][j]),
        "gender": _equal_level(col["gender"][i], col["gender"][j]),
        "division": _division_level(col["division"][i], col["division"][j], col["district"][i], col["district"][j]),
    }
    reason = np.full(len(i), None, dtype=object)
    # a person is first their name: wholly different names are two people (family members often
    # share a phone or an address), unless the ID numbers say otherwise
    reason[(name_level == 0) & (levels["id_number"] != 1)] = "name"
    reason[levels["id_number"] == 0] = "id_number"
    return Comparison(levels, {"name": name_sim}, reason != None, reason)  # noqa: E711


def compare_identity(f: pd.DataFrame, pairs: np.ndarray) -> Comparison:
    i, j = pairs[:, 0], pairs[:, 1]
    ident = f["identity"].to_numpy(dtype=object)
    level = _equal_level(ident[i], ident[j])
    return Comparison({"identity": level}, {}, np.zeros(len(i), dtype=bool), np.full(len(i), None, dtype=object))


EXACT = 0.999  # the match probability an exact key gives a pair, whatever the model says


def exact_match(comp: Comparison) -> np.ndarray:
    """The exact-key layer before the model: a shared valid credit code or ID-number hash, or a
    shared phone under the same name, identifies one entity (hard conflicts still apply)."""
    levels = comp.levels
    if "credit_code" in levels:
        phone = (levels["contact"] >= 8) & (levels["contact"] <= 11)  # phone level 1, any address level
        return (levels["credit_code"] == 1) | (phone & (levels["name"] >= 4))
    if "id_number" in levels:
        return (levels["id_number"] == 1) | ((levels["phone"] == 1) & (levels["name"] == 3))
    return np.zeros(len(comp.conflict), dtype=bool)


def no_pairs(family: str) -> Comparison:
    """The comparison of zero pairs."""
    return Comparison({name: np.empty(0, dtype=np.int8) for name in LEVELS[family]}, {},
                      np.zeros(0, dtype=bool), np.empty(0, dtype=object))


def model_family(kind: str) -> str:
    """Which comparison set a kind uses."""
    return kind if kind in ("organization", "volunteer") else "identity"
