"""On sandbox data, every planted invalid row is quarantined under its expected rule id and no valid
row is: precision and recall 1.0 on planted errors."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

# runs once the sandbox (wushe.sandbox: labelled(seed, entities, partner, night, invalid_share=...)
# yielding (record, TruthRow(..., kind, source_id, entity_id, rule_id, deleted))) is in the tree
sandbox = pytest.importorskip("wushe.sandbox", reason="wushe.sandbox is not in this tree yet")

SEED, ENTITIES = 7, 3000


@pytest.mark.parametrize("partner", sandbox.PARTNERS)
def test_every_planted_error_and_nothing_else_is_quarantined(validator, partner: str) -> None:
    batches: dict[str, list] = defaultdict(list)
    for record, truth in sandbox.labelled(SEED, ENTITIES, partner, 0, invalid_share=0.05):
        batches[truth.kind].append((record, truth))
    planted = found = 0
    misses: Counter[str] = Counter()
    for kind, pairs in batches.items():
        report = validator.validate([r for r, _ in pairs], kind)
        rejected = report.rejected
        for row, (_, truth) in enumerate(pairs):
            rules = {p.rule_id for p in rejected.get(row, [])}
            if truth.rule_id:
                planted += 1
                if truth.rule_id in rules:
                    found += 1
                else:
                    misses[f"missed {truth.rule_id} (got {sorted(rules) or 'none'})"] += 1
            elif rules:
                misses[f"valid row rejected for {sorted(rules)}"] += 1
    assert planted > 0, "the sandbox planted no errors"
    assert not misses, dict(misses.most_common(10))
    assert found == planted
