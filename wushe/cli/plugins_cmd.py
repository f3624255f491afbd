"""``wushe plugins``: what is installed, from which distribution, implementing which hooks."""

from __future__ import annotations

import typer
from rich.table import Table

from wushe.cli.output import console, print_json


def plugins_table() -> Table:
    from wushe.plugins import connectors, exporters, plugin_infos

    provided: dict[str, list[str]] = {}
    for name, cls in connectors().items():
        provided.setdefault(cls.__module__.split(".")[0], []).append(f"connector {name}")
    for name, exp in exporters().items():
        provided.setdefault(type(exp).__module__.split(".")[0], []).append(f"export {name}")
    table = Table(title="plugins 插件", header_style="bold")
    for col in ("name", "distribution", "version", "kind", "hooks", "provides"):
        table.add_column(col)
    for info in plugin_infos():
        top = info.module.split(".")[0]
        table.add_row(
            info.name,
            info.distribution or "—",
            info.version or "—",
            ", ".join(info.kinds) or "—",
            "\n".join(info.hooks),
            "\n".join(provided.get(top, [])),
        )
    return table


def plugins(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List installed plugins: name, version, kind and the hooks each implements."""
    from dataclasses import asdict

    from wushe.plugins import plugin_infos

    if as_json:
        print_json([asdict(info) for info in plugin_infos()])
    else:
        console.print(plugins_table())


def register(app: typer.Typer) -> None:
    app.command("plugins")(plugins)
