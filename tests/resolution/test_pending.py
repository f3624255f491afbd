"""The pending records are found through their partial index on both backends."""

from __future__ import annotations

from wushe.resolution.pending import pending_records
from wushe.resolution.resolver import ORDER


def test_the_pending_lookup_is_planned_on_the_pending_index(registry) -> None:
    query = str(pending_records(list(ORDER)).compile(registry, compile_kwargs={"literal_binds": True}))
    with registry.connect() as conn:
        if registry.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # the index wins wherever it is usable at all
            plan = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN {query}")]
        else:
            plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}")]
    assert any("ix_source_record_pending" in step for step in plan), plan
