"""``wushe contract``: the record contract and the taxonomies, for partners writing a connector."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from wushe.cli.output import console, print_json


def contract(
    schema: Optional[str] = typer.Option(None, "--schema", metavar="KIND", help="Print the JSON Schema of a record kind."),
    taxonomy: Optional[str] = typer.Option(None, "--taxonomy", metavar="NAME", help="List the codes of a taxonomy."),
    as_json: bool = typer.Option(False, "--json", help="With --taxonomy: print JSON."),
) -> None:
    """Show the record contract: kinds and fields, one kind's JSON Schema, or a taxonomy."""
    from wushe import contract as c
    from wushe import taxonomy as t

    if schema:
        print_json(c.json_schema(schema))
        return
    if taxonomy:
        tax = t.taxonomy(taxonomy)
        if as_json:
            print_json({"name": tax.name, "version": tax.version,
                        "items": [{"code": x.code, "zh": x.zh, "en": x.en, "parent": x.parent} for x in tax]})
            return
        table = Table(title=f"{tax.title_zh} {tax.title_en} (version {tax.version})", header_style="bold")
        for col in ("code", "中文", "English", "parent"):
            table.add_column(col)
        for term in tax:
            table.add_row(term.code, term.zh, term.en, term.parent or "")
        console.print(table)
        return
    table = Table(title="record kinds 记录类型", header_style="bold")
    for col in ("kind", "fields 字段", "personal 个人信息"):
        table.add_column(col)
    for kind in c.KINDS:
        labels = c.field_labels(kind)
        table.add_row(kind, ", ".join(f"{k} {v}" for k, v in labels.items()), ", ".join(sorted(c.personal_fields(kind))))
    console.print(table)
    console.print(f"taxonomies: {', '.join(t.TAXONOMIES)} (wushe contract --taxonomy NAME)")


def register(app: typer.Typer) -> None:
    app.command("contract")(contract)
