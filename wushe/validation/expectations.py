"""wushe's rules as custom Great Expectations 1.x expectations.

Importing this module imports Great Expectations (seconds), so only the validator does, when a
batch is first validated. A suite holds one expectation per rule id, over every column of the
kind the rule applies to: GX's cost is per expectation, so one expectation per (rule, column)
would spend more time in GX's bookkeeping than in the checks themselves. The columns are listed
after the row key (``_source_id``), which the Data Docs show beside each failing row; the checks
are the vectorised functions of :mod:`wushe.validation.checks`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Tuple

import pandas as pd
from great_expectations.compatibility import pydantic
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnPairMapExpectation, MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    MulticolumnMapMetricProvider,
    column_pair_condition_partial,
    multicolumn_condition_partial,
)

from wushe.validation import checks


class MulticolumnValuesPassRule(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.wushe_rule"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ("kind", "rule_id")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, kind: str, rule_id: str, **kwargs: Any) -> pd.Series:
        return pd.Series(checks.rule_passes(column_list, kind, rule_id), index=column_list.index, dtype=bool)


class _FrozenConfiguration:
    """Builds the expectation's configuration once instead of at every read.

    GX reads ``configuration`` for every domain, success and runtime key of every metric it plans,
    and each read serialises the whole model again: thousands of times per batch. The cache is
    dropped whenever a field changes.
    """

    _configuration: Any

    @property
    def configuration(self) -> Any:
        if self._configuration is None:
            self._configuration = super().configuration  # type: ignore[misc]
        return self._configuration

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "_configuration":
            object.__setattr__(self, "_configuration", None)
        super().__setattr__(name, value)


class _RuleExpectation(_FrozenConfiguration, MulticolumnMapExpectation):
    """A wushe rule over the columns of one record kind it applies to (after the row key)."""

    kind: str
    rule_id: str
    # missing values are the checks' concern; letting GX drop rows would copy the batch frame
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"
    map_metric = "multicolumn_values.wushe_rule"
    success_keys: ClassVar[Tuple[str, ...]] = ("kind", "rule_id", "mostly")
    _configuration: Any = pydantic.PrivateAttr(default=None)


class ExpectColumnsToBePresent(_RuleExpectation):
    """Required fields have a value: not missing, not blank text, not an empty list (CONTRACT.REQUIRED)."""


class ExpectColumnsToHaveContractTypes(_RuleExpectation):
    """Values have the record contract's types: text, ISO date, number, one of a closed list (CONTRACT.TYPE)."""


class ExpectColumnsToHoldContractFieldsOnly(_RuleExpectation):
    """The payload holds only fields the contract defines (CONTRACT.UNKNOWN_FIELD)."""


class ExpectColumnsToBeValidCreditCodes(_RuleExpectation):
    """Unified social credit codes: format, check character, embedded organisation code (CN.USCC.*)."""


class ExpectColumnsToBeValidIdNumbers(_RuleExpectation):
    """Resident ID numbers: format, a real past birth date, check character (CN.IDCARD.*)."""


class ExpectColumnsToBePhoneNumbers(_RuleExpectation):
    """Mobiles, landlines with area code or service hotlines (CN.PHONE.FORMAT)."""


class ExpectColumnsToBeKnownDivisionCodes(_RuleExpectation):
    """6- or 12-digit division codes, soundly nested, in the reference table (CN.DIVISION.*)."""


class ExpectColumnsToBeTaxonomyCodes(_RuleExpectation):
    """Category and target-group codes belong to their taxonomy (TAXONOMY.UNKNOWN)."""


class ExpectColumnsToBeNonNegative(_RuleExpectation):
    """Amounts, quantities, capacities, hours and ages are not below zero (VALUE.NEGATIVE)."""


EXPECTATION_BY_RULE: dict[str, type[_RuleExpectation]] = {
    "CONTRACT.REQUIRED": ExpectColumnsToBePresent,
    "CONTRACT.TYPE": ExpectColumnsToHaveContractTypes,
    "CONTRACT.UNKNOWN_FIELD": ExpectColumnsToHoldContractFieldsOnly,
    **{r: ExpectColumnsToBeValidCreditCodes for r in checks.IDENTIFIER_RULES["uscc"]},
    **{r: ExpectColumnsToBeValidIdNumbers for r in checks.IDENTIFIER_RULES["id_number"]},
    **{r: ExpectColumnsToBePhoneNumbers for r in checks.IDENTIFIER_RULES["phone"]},
    **{r: ExpectColumnsToBeKnownDivisionCodes for r in checks.IDENTIFIER_RULES["division"]},
    "TAXONOMY.UNKNOWN": ExpectColumnsToBeTaxonomyCodes,
    "VALUE.NEGATIVE": ExpectColumnsToBeNonNegative,
}


class ColumnPairValuesOrdered(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.wushe_ordered"
    condition_domain_keys = ("batch_id", "table", "column_A", "column_B", "row_condition", "condition_parser",
                             "ignore_row_if")
    condition_value_keys = ("as_type", "rule_id")

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, as_type: str = "number", rule_id: str = "",
                **kwargs: Any) -> pd.Series:
        return pd.Series(checks.ordered(column_A, column_B, as_type, rule_id), index=column_A.index, dtype=bool)


class ExpectColumnPairValuesToBeOrdered(_FrozenConfiguration, ColumnPairMapExpectation):
    """``column_A`` is not above ``column_B``: start before end, remaining within total, min within max."""

    as_type: str = "number"
    rule_id: str = ""  # names the rows' findings (see checks.record)
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = "neither"
    map_metric = "column_pair_values.wushe_ordered"
    success_keys: ClassVar[Tuple[str, ...]] = ("as_type", "rule_id", "ignore_row_if", "mostly")
    _configuration: Any = pydantic.PrivateAttr(default=None)
