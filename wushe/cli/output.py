"""Shared console output for CLI commands."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> None:
    """Print one error line (no traceback) and exit non-zero."""
    from rich.text import Text

    one_line = " ".join(message.split())
    err_console.print(Text("error: ", style="bold red") + Text(one_line), soft_wrap=True)
    sys.exit(code)


def print_json(value: Any) -> None:
    """JSON on stdout for scripts (no colour, no wrapping)."""
    import orjson

    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n")
