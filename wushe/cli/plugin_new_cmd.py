"""``wushe plugin new NAME``: start a connector plugin from the template."""

from __future__ import annotations

from pathlib import Path

import typer

from wushe.cli.output import console

plugin_app = typer.Typer(help="Write plugins 编写插件.", no_args_is_help=True)


@plugin_app.command("new")
def new(
    name: str = typer.Argument(..., help="Plugin and connector name, e.g. yuanling_property"),
    directory: Path = typer.Option(Path("."), "--dir", help="Folder to create the package in."),
) -> None:
    """Create a ready connector plugin package (entry point, example connector, tests, README)."""
    from wushe.scaffold import render

    target = render(name, directory)
    console.print(f"created {target}")
    console.print(f"next: cd {target} && uv run pytest   (the conformance kit runs against the example connector)")


def register(app: typer.Typer) -> None:
    app.add_typer(plugin_app, name="plugin")
