"""The validators and the sandbox agree: every planted row is rejected for exactly its labelled rule,
and every other row passes every error-tier rule."""

from __future__ import annotations

from collections import defaultdict

import pytest

from wushe.sandbox import PARTNERS, labelled

pytestmark = pytest.mark.slow


def test_validator_verdicts_match_the_truth():
    from wushe.validation.validator import validator

    checker = validator()
    disagreements = []
    for partner in PARTNERS:
        by_kind = defaultdict(list)
        for record, truth in labelled(41, 3000, partner, night=2):
            by_kind[record["kind"]].append((record, truth))
        for kind, pairs in by_kind.items():
            report = checker.validate([r for r, _ in pairs], kind)
            for i, (record, truth) in enumerate(pairs):
                errors = sorted({p.rule_id for p in report.problems.get(i, []) if p.tier == "error"})
                if errors != ([truth.rule_id] if truth.rule_id else []):
                    disagreements.append((partner, truth.source_id, truth.rule_id, errors))
    assert disagreements == []
