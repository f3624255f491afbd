"""``wushe validate --docs DIR``: Great Expectations Data Docs from the stored validation results."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from wushe.cli.output import console


def validate(
    docs: Path = typer.Option(..., "--docs", help="Folder to write the Data Docs site to."),
    run: Optional[str] = typer.Option(None, "--run", help="Run id (default: the latest run with results)."),
    partner: Optional[str] = typer.Option(None, "--partner", "-p", help="Only this partner."),
) -> None:
    """Build Great Expectations Data Docs of a run's validation results, for ops."""
    from wushe.registry.db import engine
    from wushe.registry.migrate import require_current
    from wushe.validation.docs import build_data_docs

    eng = engine()
    require_current(eng)
    with eng.connect() as conn:
        index = build_data_docs(conn, docs, run_id=run, partner=partner)
    console.print(f"Data Docs written: {index}")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
