"""Helpers shared by the benchmark scripts: memory readings and result lines."""

from __future__ import annotations

import os
import resource


def rss_mb() -> float:
    """Current resident memory of this process in MB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(label: str, **figures: object) -> str:
    parts = [f"{k}={v:,.0f}" if isinstance(v, (int, float)) and not isinstance(v, bool) else f"{k}={v}"
             for k, v in figures.items()]
    return f"{label:<28} " + "  ".join(parts)


class TreeMemory:
    """The peak of the memory of this process and all its descendants together, sampled every
    ``interval`` seconds while the block runs (worker processes count too; ``ru_maxrss`` of
    children would not do: Linux carries a parent's high-water mark into a child it starts).
    Each process counts its proportional set size: a page shared by several processes (a forked
    worker and the fork server it came from) counts once in all, as the machine holds it once.
    Processes in ``exclude`` (a sandbox serving the partners, say) are left out with theirs."""

    def __init__(self, interval: float = 0.1, exclude: set[int] | None = None) -> None:
        import threading

        self.exclude = exclude or set()
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak_mb = max(self.peak_mb, sum(_memory_of(pid) for pid in _tree(os.getpid(), self.exclude)))
            if self._stop.wait(self.interval):
                return


def _tree(pid: int, exclude: set[int]) -> list[int]:
    """``pid`` and its descendants, but for those in ``exclude`` and theirs."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current in exclude:
            continue
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    todo.extend(int(child) for child in fh.read().split())
        except OSError:  # gone meanwhile
            continue
    return found


def _memory_of(pid: int) -> float:
    """The process's proportional set size in MB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
