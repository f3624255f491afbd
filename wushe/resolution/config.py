"""What resolution is told from outside: partner roles, distinct partners, thresholds, survivorship.

Partner roles (which partner is the civil-affairs bureau, the fund, a merchant platform...) come
from the partners file, never from partner names in code; the survivorship rules name roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from wushe.errors import ConfigError

CRITERIA = ("priority", "recency", "completeness")


@dataclass(frozen=True)
class FieldRule:
    priority: tuple[str, ...] = ()
    order: tuple[str, ...] = CRITERIA


@dataclass(frozen=True)
class Survivorship:
    default_order: tuple[str, ...]
    kinds: dict[str, dict[str, FieldRule]]

    def rule(self, kind: str, field_name: str) -> FieldRule:
        found = self.kinds.get(kind, {}).get(field_name)
        return found if found is not None else FieldRule((), self.default_order)

    @classmethod
    def parse(cls, raw: dict[str, Any], source: str) -> "Survivorship":
        default = tuple(raw.get("order") or CRITERIA)
        _check_order(default, source, "order")
        kinds: dict[str, dict[str, FieldRule]] = {}
        for kind, spec in (raw.get("kinds") or {}).items():
            rules: dict[str, FieldRule] = {}
            for name, rule in ((spec or {}).get("fields") or {}).items():
                order = tuple(rule.get("order") or default)
                _check_order(order, source, f"kinds.{kind}.fields.{name}.order")
                rules[name] = FieldRule(tuple(rule.get("priority") or ()), order)
            kinds[kind] = rules
        return cls(default, kinds)


def _check_order(order: tuple[str, ...], source: str, where: str) -> None:
    unknown = [c for c in order if c not in CRITERIA]
    if unknown:
        raise ConfigError(f"{source}: {where}: unknown criteria {', '.join(unknown)} (known: {', '.join(CRITERIA)})")


@cache
def default_survivorship() -> Survivorship:
    import yaml

    text = files("wushe.resolution").joinpath("data", "survivorship.yaml").read_text("utf-8")
    return Survivorship.parse(yaml.safe_load(text), "survivorship.yaml")


def load_survivorship(path: str | Path) -> Survivorship:
    import yaml

    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: the survivorship file does not exist") from None
    return Survivorship.parse(raw or {}, str(path))


@dataclass(frozen=True)
class ResolutionConfig:
    """Everything resolution needs besides the registry."""

    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # partner -> roles
    distinct_partners: frozenset[str] = frozenset()  # partners whose records are each a different entity
    survivorship: Survivorship = field(default_factory=default_survivorship)
    accept: float = 0.75  # match probability from which a pair is linked
    review: float = 0.4  # from here up to ``accept`` a pair goes to the review queue
    certain_non_match: float = 0.02  # below this a pair is evidence against joining its two sides
    max_cluster: int = 40  # more source records than this for one entity is a chain, not an entity

    @classmethod
    def from_partners(cls, partners: Any, **kwargs: Any) -> "ResolutionConfig":
        """Roles and distinct partners from a loaded partners file (``wushe.config.load_partners``)."""
        roles = {p.name: tuple(p.spec.roles) for p in partners}
        distinct = frozenset(p.name for p in partners if p.spec.distinct_records)
        return cls(roles=roles, distinct_partners=distinct, **kwargs)
