"""Shared sandbox worlds: built once per test session, small enough for the unit layer."""

from __future__ import annotations

import pytest

SEED = 20260101
SIZE = 3000


@pytest.fixture(scope="session")
def labelled_rows():
    """(record, truth) pairs of every partner on night 0 of a small world."""
    from wushe.sandbox import PARTNERS, labelled

    return {partner: list(labelled(SEED, SIZE, partner)) for partner in PARTNERS}


@pytest.fixture(scope="session")
def division_codes() -> set[str]:
    from wushe.taxonomy import divisions

    return {d.code for d in divisions()}
