"""Loading source records for resolution: in parts or at once, a pass sees the same frame."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from tests.resolution import world
from tests.resolution.helpers import write
from wushe.resolution.records import combined, load_records


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_records_loaded_in_parts_combine_to_the_records_loaded_at_once(registry, seed) -> None:
    """A delta combines the records it read first with those it reads last: in another order, or
    with another column type, the pass would cluster and name its golden records differently."""
    write(registry, [r for r, _t in world.rows(seed, 60, 60)])
    with registry.connect() as conn:
        for kind in ("organization", "volunteer"):
            whole = load_records(conn, kind)
            rids = whole.frame["rid"].tolist()
            random.Random(seed).shuffle(rids)
            cuts = sorted(random.Random(seed).sample(range(1, len(rids)), 2))
            parts = [rids[:cuts[0]], rids[cuts[0]:cuts[1]], [], rids[cuts[1]:]]
            together = combined(kind, [load_records(conn, kind, part) for part in parts])
            pd.testing.assert_frame_equal(together.frame, whole.frame)
            assert together.bodies == whole.bodies
