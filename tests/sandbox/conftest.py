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


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """A generated night-0 folder (read-only: copy it before changing anything)."""
    from wushe.sandbox import generate

    out = tmp_path_factory.mktemp("sandbox") / "night0"
    generate(out, SEED, SIZE, 0)
    return out


@pytest.fixture
def folder(generated, tmp_path):
    """A private copy of the generated folder, free to break."""
    import shutil

    return shutil.copytree(generated, tmp_path / "sandbox")


@pytest.fixture
def sandbox(folder):
    """The sandbox served in this process on free loopback ports."""
    from wushe.sandbox import Sandbox

    with Sandbox(folder, fund_port=0, merchants_port=0, rate=1000, burst=1000).start() as sb:
        yield sb
