"""Great Expectations Data Docs for ops, rebuilt from the validation results stored per run.

Each partner stream of a run becomes one GX validation result page (suite ``wushe.<kind>``), with
one line per rule and field: how many values were checked and how many failed. No row values are
stored with the results, so the pages carry no personal data.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from wushe.errors import WusheError
from wushe.validation.catalogue import describe
from wushe.validation.results import read_results

SITE = "wushe"


def _expectation_result(row: dict[str, Any]) -> Any:
    from great_expectations.core import ExpectationValidationResult
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    kwargs = dict(row["kwargs"] or {})
    if "column_list" in kwargs and row["field"]:
        kwargs["column_list"] = ["_source_id", row["field"]] if row["field"] != "_source_id" else kwargs["column_list"]
    info = describe(row["rule_id"])
    config = ExpectationConfiguration(
        type=row["expectation"] or "expect_column_values_to_not_be_null", kwargs=kwargs,
        meta={"rule_id": row["rule_id"], "tier": row["tier"], "field": row["field"]},
        description=f"{row['rule_id']} ({row['tier']}) · {row['field'] or '—'}: {info.en} / {info.zh}")
    checked, failed = row["checked"], row["failed"]
    percent = 100.0 * failed / checked if checked else 0.0
    return ExpectationValidationResult(
        success=failed == 0 or row["tier"] != "error", expectation_config=config,
        result={"element_count": checked, "unexpected_count": failed, "unexpected_percent": percent,
                "partial_unexpected_list": []})


def build_data_docs(conn: Connection, folder: str | Path, *, run_id: str | None = None,
                    partner: str | None = None) -> str:
    """Write the Data Docs site of a run (default: the latest with results) to ``folder``; returns its index URL."""
    rows = read_results(conn, run_id=run_id, partner=partner)
    if not rows:
        raise WusheError("no validation results stored" + (f" for run {run_id}" if run_id else "")
                         + (f" of partner {partner}" if partner else ""))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    import wushe.validation.expectations  # noqa: F401  (registers wushe's expectation types)

    folder = Path(folder).resolve()
    context = gx.get_context(mode="ephemeral")
    context.add_data_docs_site(SITE, {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    streams: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        streams[(row["partner"], row["stream"], row["kind"])].append(row)
    run_name = rows[0]["run_id"] or "ad hoc"
    run_time = min(r["created_at"] for r in rows)
    run = RunIdentifier(run_name=run_name, run_time=run_time if isinstance(run_time, datetime) else None)
    for (partner_name, stream, kind), found in sorted(streams.items()):
        results = [_expectation_result(r) for r in found]
        passed = sum(1 for r in results if r.success)
        suite_name = f"wushe.{kind}"
        suite_result = ExpectationSuiteValidationResult(
            success=passed == len(results), results=results, suite_name=suite_name,
            statistics={"evaluated_expectations": len(results), "successful_expectations": passed,
                        "unsuccessful_expectations": len(results) - passed,
                        "success_percent": 100.0 * passed / len(results)},
            meta={"run_id": run, "active_batch_definition": {
                "datasource_name": partner_name, "data_connector_name": stream, "data_asset_name": stream,
                "batch_identifiers": {}}})
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(suite_name), run, f"{partner_name}.{stream}")
        context.validation_results_store.set(key, suite_result)
    return context.build_data_docs(site_names=[SITE])[SITE]
