"""Versioned taxonomies and the division reference table.

Each taxonomy is a YAML file under ``data/`` with a name, a version and items carrying a code,
Chinese and English labels and an optional parent. Codes are what records and the registry store;
labels are what people read.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any, Iterator

from wushe.errors import WusheError

TAXONOMIES = ("resource_categories", "target_groups", "societies", "org_types", "resource_types")


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str
    parent: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Taxonomy:
    name: str
    version: str
    title_zh: str
    title_en: str
    terms: dict[str, Term]

    def __contains__(self, code: object) -> bool:
        return code in self.terms

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms.values())

    def __len__(self) -> int:
        return len(self.terms)

    def __getitem__(self, code: str) -> Term:
        try:
            return self.terms[code]
        except KeyError:
            raise WusheError(f"{code!r} is not a code of taxonomy {self.name} (version {self.version})") from None

    def ancestors(self, code: str) -> list[str]:
        """Codes from ``code``'s parent up to its root."""
        chain: list[str] = []
        parent = self[code].parent
        while parent:
            chain.append(parent)
            parent = self.terms[parent].parent
        return chain

    def children(self, code: str | None) -> list[Term]:
        """Direct children of ``code``; the roots when ``code`` is None."""
        return [t for t in self.terms.values() if t.parent == code]


@cache
def taxonomy(name: str) -> Taxonomy:
    """Load a taxonomy by name; the result is cached for the process."""
    import yaml

    if name not in TAXONOMIES:
        raise WusheError(f"unknown taxonomy {name!r}; expected one of: {', '.join(TAXONOMIES)}")
    raw = yaml.safe_load(files("wushe.taxonomy").joinpath("data", f"{name}.yaml").read_text("utf-8"))
    terms: dict[str, Term] = {}
    for item in raw["items"]:
        item = dict(item)
        code, zh, en, parent = item.pop("code"), item.pop("zh"), item.pop("en"), item.pop("parent", None)
        terms[code] = Term(code, zh, en, parent, item)
    return Taxonomy(raw["name"], str(raw["version"]), raw["title"]["zh"], raw["title"]["en"], terms)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent: str | None


class Divisions:
    """The reference table of 12-digit administrative division codes."""

    def __init__(self, rows: dict[str, Division], version: str) -> None:
        self._rows = rows
        self.version = version

    def __contains__(self, code: object) -> bool:
        return code in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Division]:
        return iter(self._rows.values())

    def get(self, code: str) -> Division | None:
        return self._rows.get(code)

    def ancestors(self, code: str) -> list[str]:
        """Codes from ``code``'s parent up to the province."""
        chain: list[str] = []
        row = self._rows.get(code)
        while row is not None and row.parent:
            chain.append(row.parent)
            row = self._rows.get(row.parent)
        return chain

    def full_name(self, code: str, *, from_level: str = "district") -> str:
        """The name staff write, e.g. 福田区园岭街道园东社区 (from the district down by default)."""
        levels = ("province", "city", "district", "subdistrict", "community")
        chain = [code, *self.ancestors(code)]
        start = levels.index(from_level)
        parts = [self._rows[c] for c in reversed(chain) if c in self._rows]
        return "".join(d.name for d in parts if levels.index(d.level) >= start)

    def of_level(self, level: str) -> list[Division]:
        return [d for d in self._rows.values() if d.level == level]


@cache
def divisions() -> Divisions:
    """Load the division reference table shipped with wushe."""
    text = files("wushe.taxonomy").joinpath("data", "divisions.csv").read_text("utf-8")
    lines = text.splitlines()
    version = next((ln.split("(version ")[1].split(")")[0] for ln in lines if "(version " in ln), "unknown")
    reader = csv.DictReader(ln for ln in lines if not ln.startswith("#"))
    rows = {r["code"]: Division(r["code"], r["name"], r["level"], r["parent"] or None) for r in reader}
    return Divisions(rows, version)
