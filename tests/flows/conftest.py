"""Flows run under one Prefect test harness per session, with PREFECT_HOME in a temporary folder."""

from __future__ import annotations

import os
import tempfile

import pytest

# before prefect is first imported: its settings are read at import
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="wushe-prefect-home-")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session", autouse=True)
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
