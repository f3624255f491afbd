"""What a plugin hands to ``wushe_expectations``: an expectation and the rule it enforces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wushe.validation.catalogue import RuleInfo


@dataclass(frozen=True)
class PluginRule:
    """One extra rule for a record kind.

    ``rule`` gives the stable id (namespaced by the plugin, e.g. ``CHARITY.RECEIPT_NO``), the tier
    and the texts partners read in their corrections report. ``expectation`` is any Great
    Expectations 1.x column, column-pair or multi-column map expectation over the batch's columns
    (see :mod:`wushe.validation.columns` for their names, e.g. ``credit_code``, ``capacity.total``).
    A built-in id may be reused only with the catalogue's own :class:`RuleInfo`.
    """

    rule: RuleInfo
    expectation: Any
