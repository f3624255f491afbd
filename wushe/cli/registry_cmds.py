"""Commands that set up and describe the registry: ``init`` and ``demo``."""

from __future__ import annotations

import typer

from wushe.cli.output import console


def init() -> None:
    """Create or migrate the registry database to the current schema (safe to run again)."""
    from wushe.registry.db import engine, redact
    from wushe.registry.migrate import upgrade

    eng = engine()
    before, after = upgrade(eng)
    where = redact(str(eng.url))
    if before == after:
        console.print(f"registry at {where} is up to date (revision {after})", soft_wrap=True)
    else:
        console.print(f"registry at {where} migrated from {before or 'empty'} to revision {after}", soft_wrap=True)


def demo() -> None:
    """Set up a local registry and show what is installed and what the registry holds."""
    from wushe.cli.plugins_cmd import plugins_table
    from wushe.cli.summary_view import summary_panel
    from wushe.registry.db import engine
    from wushe.registry.migrate import upgrade
    from wushe.registry.summary import summarize

    eng = engine()
    upgrade(eng)
    console.rule("wushe demo")
    console.print(plugins_table())
    console.print(summary_panel(summarize(eng), str(eng.url)))


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
