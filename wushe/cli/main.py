"""The ``wushe`` command: entry point and global options."""

from __future__ import annotations

import os
from typing import Optional

import typer

from wushe.cli import (
    contract_cmd,
    plugin_new_cmd,
    plugins_cmd,
    quarantine_cmd,
    registry_cmds,
    resolution_cmds,
    sandbox_cmd,
    sync_cmds,
    validate_cmd,
)
from wushe.cli.output import fail

app = typer.Typer(
    name="wushe",
    help="wushe 五社联动资源库: nightly partner sync, validation, merging and lookup.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        from wushe import __version__

        typer.echo(f"wushe {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    database: Optional[str] = typer.Option(
        None, "--database", metavar="URL", help="Registry database URL (default: $WUSHE_DATABASE_URL, else SQLite in ./var)."
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    if database:
        os.environ["WUSHE_DATABASE_URL"] = database


registry_cmds.register(app)
plugins_cmd.register(app)
contract_cmd.register(app)
plugin_new_cmd.register(app)
quarantine_cmd.register(app)
validate_cmd.register(app)
resolution_cmds.register(app)
sandbox_cmd.register(app)
sync_cmds.register(app)


def run() -> None:
    """Console-script entry: user errors become one line and a non-zero exit, never a traceback."""
    from wushe.errors import WusheError

    try:
        app()
    except WusheError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            from wushe.registry.db import redact
            from wushe.settings import database_url

            fail(f"cannot use the registry database {redact(database_url())}: {exc.orig}", 1)
        raise


if __name__ == "__main__":
    run()
