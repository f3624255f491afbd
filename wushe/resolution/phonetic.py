"""Phonetic keys: Chinese text to toneless pinyin, so homophone typos (园岭/圆岭, 张伟/张玮) meet.

Input methods produce homophones, so a typo in a Chinese name is most often a character with the
same sound. Each character maps to its most common reading (pypinyin's table); the mapping is a
``str.translate`` table, which keeps a million names at C speed.
"""

from __future__ import annotations

import unicodedata
from functools import cache


@cache
def _table() -> dict[int, str]:
    # read pypinyin's character table directly: importing the package also loads its phrase
    # dictionary, a second spent on data this module never uses
    import importlib.util
    from pathlib import Path

    import orjson

    spec = importlib.util.find_spec("pypinyin")
    assert spec is not None and spec.submodule_search_locations
    raw = orjson.loads((Path(spec.submodule_search_locations[0]) / "pinyin_dict.json").read_bytes())
    table: dict[int, str] = {}
    for code, readings in raw.items():
        code = int(code)
        first = readings.split(",", 1)[0]
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", first) if not unicodedata.combining(ch))
        table[code] = plain.replace("ü", "v") + " "
    return table


def pinyin_key(folded: str) -> str:
    """Toneless pinyin of folded text, syllables separated by spaces (other characters kept)."""
    return folded.translate(_table()).rstrip()
