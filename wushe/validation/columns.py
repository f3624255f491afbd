"""A record kind as flat columns, read from the contract; and a batch of records as a DataFrame.

Validation runs on a DataFrame: top-level payload fields become columns, a nested object's scalar
fields become ``parent.field`` columns, and a list of objects gives ``parent[].field`` columns that
hold the list itself (building a list per row and field would cost more than checking it; the
checks read the sub-field). Envelope fields are prefixed with ``_``. Column types come from the
pydantic contract models, so a new contract field is validated without touching this module.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Literal, Sequence

from pydantic import BaseModel

from wushe.contract import PAYLOADS, field_labels, personal_fields

ColumnType = Literal["str", "date", "datetime", "number", "integer", "bool", "enum", "object", "list"]
SOURCE_ID = "_source_id"
UPDATED_AT = "_source_updated_at"
UNKNOWN_FIELDS = "_unknown_fields"


@dataclass(frozen=True)
class Column:
    """One DataFrame column of a record kind."""

    name: str  # e.g. "credit_code", "capacity.total", "items[].quantity"
    type: ColumnType
    label_zh: str
    required: bool = False  # the contract requires a non-empty value
    many: bool = False  # each cell is a list of values of ``type``
    personal: bool = False
    value_set: tuple[str, ...] = ()  # the allowed values of an ``enum`` column
    nested: bool = False  # a sub-field of an object (the object's own column checks its type)

    @cached_property
    def leaf(self) -> str:
        """The last name in the path: ``capacity.total`` -> ``total``."""
        return self.name.replace("[]", "").rsplit(".", 1)[-1]


@dataclass(frozen=True)
class KindColumns:
    kind: str
    columns: tuple[Column, ...]
    fields: frozenset[str]  # top-level payload fields the contract knows
    required: tuple[str, ...]  # top-level required fields
    by_name: dict[str, Column] = field(compare=False, hash=False, default_factory=dict)


ENVELOPE = (
    Column(SOURCE_ID, "str", "来源编号", required=True),
    Column(UPDATED_AT, "datetime", "来源更新时间", required=True),
)


# the names of the payload's fields the contract does not define (None when there are none)
UNKNOWN = Column(UNKNOWN_FIELDS, "list", "约定以外的字段")


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, is_list) with Optional removed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(inner[0]) if len(inner) == 1 else (annotation, False)
    if origin is list:
        inner, _ = _unwrap(typing.get_args(annotation)[0])
        return inner, True
    return annotation, False


def _scalar_type(annotation: Any) -> tuple[ColumnType, tuple[str, ...]]:
    if typing.get_origin(annotation) is Literal:
        return "enum", tuple(str(v) for v in typing.get_args(annotation))
    simple: dict[Any, ColumnType] = {str: "str", dt.date: "date", dt.datetime: "datetime", float: "number",
                                     int: "integer", bool: "bool"}
    return simple.get(annotation, "object"), ()


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _sub_label(model: type[BaseModel], name: str) -> str:
    return (model.model_fields[name].json_schema_extra or {}).get("label_zh", name)  # type: ignore[union-attr]


@cache
def kind_columns(kind: str) -> KindColumns:
    """The columns of ``kind``, from its contract model."""
    model = PAYLOADS[kind]
    labels = field_labels(kind)
    personal = personal_fields(kind)
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        inner, is_list = _unwrap(info.annotation)
        label, is_personal = labels[name], name in personal
        required = info.is_required()
        if _is_model(inner):
            columns.append(Column(name, "list" if is_list else "object", label, required, personal=is_personal))
            for sub, sub_info in inner.model_fields.items():
                sub_inner, sub_list = _unwrap(sub_info.annotation)
                if _is_model(sub_inner) or (sub_list and is_list):
                    continue  # deeper structures are checked as a whole by their parent's type
                sub_type, values = _scalar_type(sub_inner)
                sub_name = f"{name}[].{sub}" if is_list else f"{name}.{sub}"
                columns.append(Column(sub_name, "list" if sub_list else sub_type, f"{label}·{_sub_label(inner, sub)}",
                                      required=is_list and sub_info.is_required(), many=is_list,
                                      personal=is_personal, value_set=values, nested=True))
        elif is_list:
            element, values = _scalar_type(inner)
            columns.append(Column(name, element, label, required, many=True, personal=is_personal, value_set=values))
        else:
            col_type, values = _scalar_type(inner)
            columns.append(Column(name, col_type, label, required, personal=is_personal, value_set=values))
    all_columns = (*ENVELOPE, *columns)
    return KindColumns(kind, all_columns, frozenset(model.model_fields),
                       tuple(n for n, i in model.model_fields.items() if i.is_required()),
                       {c.name: c for c in all_columns})


_EMPTY: dict[str, Any] = {}
_ENVELOPE_KEYS = ["source_id", "source_updated_at", "payload"]


def _objects(values: Any) -> list[dict[str, Any]]:
    """The cells as dicts, an empty one for anything else (read only: the empty dict is shared)."""
    import numpy as np

    cells = np.asarray(values, dtype=object)
    kinds = set(map(type, cells))
    if kinds != {dict}:
        cells = cells.copy()
        cells[np.frompyfunc(type, 1, 1)(cells) != dict] = _EMPTY
    return cells.tolist()


def flatten(kind: str, records: Sequence[dict[str, Any]]):  # -> pandas.DataFrame
    """The records of ``kind`` as one DataFrame, one row per record, index 0..n-1.

    pandas builds the columns of a list of dicts in C, several times faster than reading each
    field in Python; nested objects are spread the same way. Columns the batch lacks are all None.
    Cells keep their Python values (object columns): type checks must see what the partner sent.
    """
    import numpy as np
    import pandas as pd

    spec = kind_columns(kind)
    n = len(records)
    # naming the columns spares pandas a Python pass over every row's keys
    envelope = pd.DataFrame(list(records), columns=_ENVELOPE_KEYS, index=pd.RangeIndex(n), dtype=object)
    payloads = _objects(envelope["payload"].to_numpy())
    extra = sorted(set().union(*payloads) - spec.fields)
    top = pd.DataFrame(payloads, columns=[*spec.fields, *extra], index=pd.RangeIndex(n), dtype=object)
    data: dict[str, Any] = {SOURCE_ID: envelope["source_id"], UPDATED_AT: envelope["source_updated_at"]}
    nested: dict[str, pd.DataFrame] = {}
    missing = np.full(n, None, dtype=object)
    for col in spec.columns[len(ENVELOPE):]:
        if not col.nested:
            data[col.name] = top[col.name] if col.name in top.columns else missing
            continue
        parent, key = col.name.replace("[]", "").split(".", 1)
        if parent not in top.columns:
            data[col.name] = missing
        elif col.many:
            data[col.name] = top[parent]  # the list of objects itself; checks read the sub-field
        else:
            if parent not in nested:
                keys = [c.leaf for c in spec.columns if c.nested and c.name.startswith(parent + ".")]
                nested[parent] = pd.DataFrame(_objects(top[parent].to_numpy(dtype=object)), columns=keys,
                                              index=top.index, dtype=object)
            data[col.name] = nested[parent][key] if key in nested[parent].columns else missing
    if extra:
        present = top[extra].notna().to_numpy()
        data[UNKNOWN_FIELDS] = [[c for c, here in zip(extra, row) if here] or None for row in present]
    else:
        data[UNKNOWN_FIELDS] = missing
    return pd.DataFrame({k: v if isinstance(v, pd.Series) else np.fromiter(v, dtype=object, count=n)
                         for k, v in data.items()}, index=top.index, copy=False)
