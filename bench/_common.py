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
