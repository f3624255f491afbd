"""A live progress display of a sync: one line per partner stream, rows so far and status."""

from __future__ import annotations

import threading
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from wushe.sync.engine import Progress as SyncStep

DONE = {"succeeded": "[green]✓ succeeded[/]"}


class SyncProgress:
    """Feeds ``wushe.sync`` progress events into a rich display (thread-safe)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=None),
            TextColumn("{task.completed:,.0f} rows"),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> "SyncProgress":
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.__exit__(*exc)

    def update(self, step: SyncStep) -> None:
        with self._lock:
            key = (step.partner, step.stream)
            if key not in self._tasks:
                self._tasks[key] = self._progress.add_task(f"{step.partner}/{step.stream}", total=None,
                                                           status="running")
            task = self._tasks[key]
            if step.status == "running":
                self._progress.update(task, completed=step.fetched)
            else:
                status = DONE.get(step.status, f"[red]✗ {step.status}[/]")
                self._progress.update(task, completed=step.fetched, total=max(step.fetched, 1), status=status)
