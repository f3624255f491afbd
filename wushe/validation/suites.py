"""Expectation suites per record kind: the contract's rules, the Chinese-data rules, plugins' rules.

A suite is built once per process and kind. Which rule applies to a column follows from the
contract (see :func:`wushe.validation.checks.column_check`): its type and required mark, and the
field's name for identifiers (``credit_code``, ``id_number``, ``phone``/``phones``/``*_phone``,
``division_code``/``coverage``) and taxonomy codes. Every expectation carries
``meta = {"rule_id", "tier", "field"}`` (``field`` is empty for a rule over several columns).

The built-in expectations and the plugins' go into two suites: the built-in checks keep which rows
fail (see :func:`wushe.validation.checks.record`), so GX need only say whether each passed, while
for a plugin's expectation GX itself must list the failing rows, which costs far more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from wushe.validation.catalogue import RuleInfo, rule
from wushe.validation.checks import COLUMN_RULES, column_check
from wushe.validation.columns import ENVELOPE, SOURCE_ID, UNKNOWN, Column, kind_columns
from wushe.validation.rules import PluginRule

if TYPE_CHECKING:
    import great_expectations as gx
    import pluggy

# (low, high, compared as, rule): applied to every kind that has both columns
ORDERED_PAIRS = (
    ("valid_from", "valid_to", "date", "DATE.ORDER"),
    ("submitted_on", "deadline", "date", "DATE.ORDER"),
    ("capacity.remaining", "capacity.total", "number", "CAPACITY.EXCEEDS"),
    ("age_min", "age_max", "number", "VALUE.ORDER"),
)


def _meta(rule_id: str, field: str, info: RuleInfo | None = None) -> dict[str, Any]:
    info = info or rule(rule_id)
    return {"rule_id": rule_id, "tier": info.tier, "field": field}


def _describe(rule_id: str, field: str) -> str:
    return f"{rule_id} · {field}: {rule(rule_id).en}"


def rule_columns(kind: str, rule_id: str, columns: Iterable[Column] | None = None) -> list[str]:
    """The columns of ``kind`` a column rule applies to."""
    return [c.name for c in (columns or kind_columns(kind).columns) if column_check(rule_id, c)]


def _column_rule_expectations(kind: str, columns: tuple[Column, ...]) -> Iterable[Any]:
    from wushe.validation.expectations import EXPECTATION_BY_RULE

    for rule_id in COLUMN_RULES:
        names = rule_columns(kind, rule_id, columns)
        if names:
            column_list = names if SOURCE_ID in names else [SOURCE_ID, *names]
            yield EXPECTATION_BY_RULE[rule_id](column_list=column_list, kind=kind, rule_id=rule_id,
                                               meta=_meta(rule_id, ""), description=_describe(rule_id, ", ".join(names)))


def builtin_expectations(kind: str) -> list[Any]:
    """Every built-in expectation of ``kind``: one per column rule (unknown fields included), ordered pairs."""
    from wushe.validation import expectations as wx

    spec = kind_columns(kind)
    found = list(_column_rule_expectations(kind, (*spec.columns, UNKNOWN)))
    for low, high, as_type, rule_id in ORDERED_PAIRS:
        if low in spec.by_name and high in spec.by_name:
            found.append(wx.ExpectColumnPairValuesToBeOrdered(
                column_A=low, column_B=high, as_type=as_type, rule_id=rule_id, meta=_meta(rule_id, f"{low},{high}"),
                description=_describe(rule_id, f"{low} ≤ {high}")))
    return found


def plugin_rules(kind: str, pm: pluggy.PluginManager | None = None) -> list[PluginRule]:
    """Rules that plugins add for ``kind`` through ``wushe_expectations``."""
    from wushe.errors import PluginError
    from wushe.plugins import plugin_manager

    found: list[PluginRule] = []
    for group in (pm or plugin_manager()).hook.wushe_expectations(kind=kind):
        for item in group or ():
            if not isinstance(item, PluginRule):
                raise PluginError(f"wushe_expectations({kind!r}) must return PluginRule objects, got {item!r}")
            found.append(item)
    return found


def build_suite(kind: str, pm: pluggy.PluginManager | None = None
                ) -> tuple[gx.ExpectationSuite, gx.ExpectationSuite | None, dict[str, RuleInfo]]:
    """The built-in suite of ``kind``, the plugins' suite (None without plugin rules), and the texts of
    the plugin rules."""
    import great_expectations as gx

    from wushe.errors import PluginError

    suite = gx.ExpectationSuite(name=f"wushe.{kind}")
    for expectation in builtin_expectations(kind):
        suite.add_expectation(expectation)
    plugins = gx.ExpectationSuite(name=f"wushe.{kind}.plugins")
    extra: dict[str, RuleInfo] = {}
    for item in plugin_rules(kind, pm):
        info = item.rule
        known = extra.get(info.id)
        try:
            builtin = rule(info.id)
        except KeyError:
            builtin = None
        if (builtin and builtin != info) or (known and known != info):
            raise PluginError(f"a plugin redefines validation rule {info.id!r}; use a new id for a new rule")
        extra[info.id] = info
        expectation = item.expectation
        field = getattr(expectation, "column", None) or ",".join(
            filter(None, (getattr(expectation, "column_A", None), getattr(expectation, "column_B", None))))
        expectation.meta = {**(expectation.meta or {}), **_meta(info.id, field or "", info)}
        plugins.add_expectation(expectation)
    return suite, plugins if plugins.expectations else None, extra


def build_tombstone_suite(kind: str) -> gx.ExpectationSuite:
    """What a tombstone (a deletion, without payload) must satisfy: its envelope only."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"wushe.{kind}.tombstone")
    for expectation in _column_rule_expectations(kind, ENVELOPE):
        suite.add_expectation(expectation)
    return suite
