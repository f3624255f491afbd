"""From a partner's columns to contract records: a field mapping with simple transforms.

A mapping names, for each contract field (dotted for nested ones: ``location.address``,
``capacity.total``, ``provider.name``), where its value comes from and how to clean it::

    mapping:
      name: 名称                                   # a column, text stripped
      phones: {column: 联系电话, split: "[,，、;；/ ]"}  # a list field from one cell
      capacity.total: {column: 名额, type: number}
      valid_from: {column: 开始日期, type: date, format: "%Y年%m月%d日"}
      categories: {column: 服务类别, split: "、", crosswalk: resource_categories}
      society: {const: community}
      org_type: {column: 单位类型, lookup: {物业公司: property_management}}
      division_code: {column: 所属社区, type: division, within: "440304"}

The mapping is checked against the contract when the config is read (unknown fields, a list rule
on a single-valued field, a required field left out). A row that cannot be mapped raises
:class:`MappingError`, which the reading code turns into an :class:`~wushe.connector.Unreadable`
with the reason; the read goes on.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Any, Callable, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wushe.contract import PAYLOADS
from wushe.toolkit.dates import check_format, parse_date, parse_datetime
from wushe.toolkit.paths import get_path, set_path, split_path

ValueType = Literal["text", "number", "integer", "date", "datetime", "bool", "division"]
_TRUE = {"1", "true", "yes", "y", "是", "有", "√", "t"}
_FALSE = {"0", "false", "no", "n", "否", "无", "×", "f"}
_NUMBER_NOISE = re.compile(r"[,，\s¥￥元]")
_ABSENT = object()
MEMO_SIZE = 20_000


class MappingError(ValueError):
    """A row (or one of its values) does not fit the mapping; the message says which and why."""


class FieldRule(BaseModel):
    """Where one contract field's value comes from, and how it is cleaned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = Field(None, description="Partner column (or dotted JSON path) holding the value")
    const: Any = Field(None, description="A fixed value, when no column is given")
    strip: bool = Field(True, description="Trim whitespace (full-width included) from text")
    split: str | None = Field(None, description="Regular expression of separators that split one cell into a list")
    type: ValueType = Field("text", description="text, number, integer, date, datetime, bool or division (a community name to its 12-digit code)")
    format: str | None = Field(None, description="strftime pattern for date/datetime (default ISO 8601), or epoch / epoch_ms")
    lookup: dict[str, Any] | None = Field(None, description="Partner words → contract values (an inline crosswalk)")
    crosswalk: str | None = Field(None, description="Taxonomy whose crosswalk (from plugins) and labels translate the words")
    within: str | None = Field(None, description="For type division: the code prefix names are looked up in, e.g. 440304")
    unknown: Literal["keep", "drop", "error"] = Field(
        "keep", description="A word the lookup/crosswalk/division does not know: keep it (validation flags it), drop it, or reject the row"
    )
    default: Any = Field(None, description="Value when the cell is empty")
    required: bool = Field(False, description="An empty value rejects the row")

    @model_validator(mode="after")
    def _one_source(self) -> FieldRule:
        if self.column is None and self.const is None:
            raise ValueError("a field rule needs a column or a const")
        if self.column is not None and self.const is not None:
            raise ValueError("a field rule takes a column or a const, not both")
        if self.within is not None and self.type != "division":
            raise ValueError("within only applies to type: division")
        return self

    @field_validator("split")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value

    @field_validator("format")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        return check_format(value)


Rule = Union[str, FieldRule]


@dataclass(frozen=True)
class Target:
    """A contract field a rule writes to: its path and whether it holds a list."""

    path: tuple[str, ...]
    is_list: bool
    required: bool


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    args = typing.get_args(annotation) if typing.get_origin(annotation) in (Union, types.UnionType) else (annotation,)
    return [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]


def resolve_target(kind: str, dotted: str) -> Target:
    """The contract field ``dotted`` of ``kind``; ValueError naming what does not exist."""
    model: type[BaseModel] = PAYLOADS[kind]
    path = split_path(dotted)
    required = True
    for depth, name in enumerate(path):
        info = model.model_fields.get(name)
        if info is None:
            where = ".".join(path[:depth]) or kind
            raise ValueError(f"{where} has no field {name!r} (it has {', '.join(model.model_fields)})")
        required = required and info.is_required()
        if depth == len(path) - 1:
            return Target(path, typing.get_origin(info.annotation) is list, required)
        nested = _models_in(info.annotation)
        if not nested:
            raise ValueError(f"{'.'.join(path[: depth + 1])} is a single value, not a group of fields")
        model = nested[0]
    raise ValueError("an empty field name")


def required_fields(kind: str) -> list[str]:
    """Top-level payload fields every record of ``kind`` must carry."""
    return [n for n, info in PAYLOADS[kind].model_fields.items() if info.is_required()]


def field_rules(mapping: dict[str, Any]) -> dict[str, FieldRule]:
    """A mapping's rules with the shorthands expanded (a bare column name, a plain dict)."""
    return {
        target: FieldRule(column=rule) if isinstance(rule, str) else FieldRule.model_validate(rule)
        for target, rule in mapping.items()
    }


def check_mapping(kind: str, mapping: dict[str, Any]) -> dict[str, Any]:
    """Check a mapping against the contract; ValueError naming the first problem."""
    for dotted, rule in field_rules(mapping).items():
        target = resolve_target(kind, dotted)
        if rule.split and not target.is_list:
            raise ValueError(f"mapping {dotted}: split makes a list, but {dotted} holds one value")
    for dotted in mapping:
        inner = next((other for other in mapping if other.startswith(dotted + ".")), None)
        if inner:
            raise ValueError(f"the mapping sets both {dotted} and {inner}; map the fields inside {dotted} one by one")
    missing = [f for f in required_fields(kind) if f not in mapping]
    if missing:
        raise ValueError(f"the mapping leaves out {', '.join(missing)}, which every {kind} record needs")
    return mapping


@cache
def _division_index(within: str) -> dict[str, list[str]]:
    from wushe.taxonomy import divisions

    table = divisions()
    index: dict[str, list[str]] = {}
    for division in table:
        if not division.code.startswith(within):
            continue
        index[division.code] = [division.code]
        for name in {division.name, table.full_name(division.code), table.full_name(division.code, from_level="province")}:
            index.setdefault(name, []).append(division.code)
    return index


@cache
def _taxonomy_words(name: str) -> dict[str, list[str]]:
    from wushe.taxonomy import taxonomy

    words: dict[str, list[str]] = {}
    for term in taxonomy(name):
        words.setdefault(term.code, [term.code])
        words.setdefault(term.zh, [term.code])
    return words


class Mapper:
    """A compiled mapping for one record kind: turns a partner row into a payload dict.

    ``crosswalks`` is what plugins answer to ``wushe_taxonomy_crosswalk(partner)``: taxonomy →
    partner word → codes. ``tz`` is the partner's time zone for times written without one.
    """

    def __init__(self, kind: str, mapping: dict[str, Any], *, crosswalks: dict[str, dict[str, list[str]]] | None = None, tz: tzinfo | None = None) -> None:
        check_mapping(kind, mapping)
        self.kind = kind
        self.tz = tz
        self.crosswalks = crosswalks or {}
        self.rules = field_rules(mapping)
        compiled = [self._compile(target, rule) for target, rule in self.rules.items()]
        self._top = [(path[0], fetch) for path, fetch in compiled if len(path) == 1]
        # one level down (capacity.total, location.address): filled as one dict per group
        groups: dict[str, list[tuple[str, Callable[[dict[str, Any]], Any]]]] = {}
        for path, fetch in compiled:
            if len(path) == 2:
                groups.setdefault(path[0], []).append((path[1], fetch))
        self._groups = list(groups.items())
        self._deep = [(path, fetch) for path, fetch in compiled if len(path) > 2]

    @property
    def columns(self) -> list[str]:
        """Every partner column the mapping reads."""
        return list(dict.fromkeys(r.column for r in self.rules.values() if r.column is not None))

    @property
    def required_columns(self) -> list[str]:
        """Columns without which no record can be built."""
        return list(dict.fromkeys(
            r.column for t, r in self.rules.items() if r.column is not None and (r.required or resolve_target(self.kind, t).required)
        ))

    def payload(self, row: dict[str, Any]) -> dict[str, Any]:
        """The contract payload of ``row``; MappingError when a value does not fit."""
        payload: dict[str, Any] = {}
        for name, fetch in self._top:
            value = fetch(row)
            if value is not None:
                payload[name] = value
        for group, members in self._groups:
            part = {}
            for name, fetch in members:
                value = fetch(row)
                if value is not None:
                    part[name] = value
            if part:
                payload[group] = part
        for path, fetch in self._deep:
            value = fetch(row)
            if value is not None:
                set_path(payload, path, value)
        return payload

    def _compile(self, dotted: str, rule: FieldRule) -> tuple[tuple[str, ...], Callable[[dict[str, Any]], Any]]:
        target = resolve_target(self.kind, dotted)
        required = rule.required or target.required
        if rule.const is not None:
            const = [rule.const] if target.is_list and not isinstance(rule.const, list) else rule.const
            return target.path, lambda row: const
        column = rule.column
        assert column is not None
        dotted_column = "." in column
        convert = self._converter(dotted, rule)
        # cells repeat (categories, communities, types): a split or translated cell is worked out once
        memo: dict[str, Any] | None = {} if (rule.split or rule.lookup or rule.crosswalk or rule.type == "division") else None
        splitter = re.compile(rule.split).split if rule.split else None
        strip, default, is_list = rule.strip, rule.default, target.is_list
        plain = rule.type == "text" and memo is None and not is_list  # text taken as it is: the usual case

        def empty() -> Any:
            if default is not None:
                return default
            if required:
                raise MappingError(f"{column} is empty, and {dotted} is required")
            return [] if is_list else None

        def fetch(row: dict[str, Any]) -> Any:
            raw = row.get(column, _ABSENT)
            if raw is _ABSENT:
                raw = get_path(row, column) if dotted_column else None
            if raw.__class__ is str:
                if strip:
                    raw = raw.strip()
                if not raw:
                    return empty()
                if plain:
                    return raw
                if memo is not None:
                    known = memo.get(raw, _ABSENT)
                    if known is _ABSENT:
                        known = shape(raw)
                        if len(memo) < MEMO_SIZE:
                            memo[raw] = known
                    return list(known) if known.__class__ is list else known
            elif raw is None:
                return empty()
            return shape(raw)

        def shape(raw: Any) -> Any:
            if splitter is not None and raw.__class__ is str:
                values = [convert(p.strip() if strip else p) for p in splitter(raw) if p and not p.isspace()]
                return _flatten(values) if any(v.__class__ is list or v is None for v in values) else values
            value = convert(raw)
            if is_list:
                return value if isinstance(value, list) else ([] if value is None else [value])
            if value.__class__ is list:
                if len(value) != 1:
                    raise MappingError(f"{column}: {raw!r} translates to {len(value)} codes, but {dotted} takes one")
                return value[0]
            return value

        return target.path, fetch

    def _converter(self, dotted: str, rule: FieldRule) -> Callable[[Any], Any]:
        typed = _typed(rule, self.tz)
        words = self._words(rule)
        if words is None:
            return typed
        column, unknown = rule.column, rule.unknown

        def translate(raw: Any) -> Any:
            value = typed(raw)
            found = words.get(value) if isinstance(value, str) else None
            if found is not None:
                return found
            if unknown == "error":
                raise MappingError(f"{column}: {value!r} is not a known value for {dotted}")
            return None if unknown == "drop" else value

        return translate

    def _words(self, rule: FieldRule) -> dict[str, Any] | None:
        if rule.type == "division":
            return _division_index(rule.within or "")
        if rule.lookup is None and rule.crosswalk is None:
            return None
        words: dict[str, Any] = {}
        if rule.crosswalk is not None:
            words |= _taxonomy_words(rule.crosswalk)
            words |= self.crosswalks.get(rule.crosswalk, {})
        return words | (rule.lookup or {})


def _flatten(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.extend(value)
        elif value is not None:
            out.append(value)
    return out


def _typed(rule: FieldRule, tz: tzinfo | None) -> Callable[[Any], Any]:
    column, fmt = rule.column, rule.format

    def fail(raw: Any, what: str) -> MappingError:
        return MappingError(f"{column}: {raw!r} is not {what}")

    if rule.type in ("text", "division"):
        return to_text
    if rule.type in ("number", "integer"):
        whole = rule.type == "integer"

        def number(raw: Any) -> Any:
            try:
                return to_number(raw, whole=whole)
            except ValueError:
                raise fail(raw, "a whole number" if whole else "a number") from None

        return number
    if rule.type == "bool":

        def boolean(raw: Any) -> bool:
            if isinstance(raw, bool):
                return raw
            text = to_text(raw).lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise fail(raw, "yes or no (是/否, true/false, 1/0)")

        return boolean

    parse_one: Callable[[Any], Any]
    if rule.type == "date":
        parse_one = lambda raw: parse_date(raw, fmt).isoformat()  # noqa: E731
    else:
        parse_one = lambda raw: parse_datetime(raw, fmt, tz).isoformat()  # noqa: E731

    def when(raw: Any) -> Any:
        try:
            return parse_one(raw)
        except ValueError as exc:
            raise MappingError(f"{column}: {exc}") from None

    return when


def to_text(raw: Any) -> str:
    """A cell as text: whole floats lose their '.0' (spreadsheets store numbers as floats)."""
    if raw.__class__ is str or isinstance(raw, str):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (datetime, date)):
        return raw.isoformat()
    return str(raw)


def to_number(raw: Any, *, whole: bool = False) -> int | float:
    """A number from a cell: thousands separators, currency signs and spaces are ignored."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, (int, float)):
        value: float = raw
    else:
        text = _NUMBER_NOISE.sub("", to_text(raw))
        value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(raw)
    if whole:
        if not float(value).is_integer():
            raise ValueError(raw)
        return int(value)
    return value
