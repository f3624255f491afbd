"""Handing freed memory back to the operating system between the phases of a long job.

glibc keeps the heap that a phase freed (the batches of finished sync threads, a written
resolution plan) for reuse by the same process; when the next phase builds structures of another
shape, or other processes need the memory, the peaks of the phases add up instead of taking turns.
"""

from __future__ import annotations

import ctypes


def release_freed_memory() -> None:
    """Return the freed parts of the heap to the system (a no-op where the C library is not glibc)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
