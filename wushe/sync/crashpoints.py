"""Named points where a sync can be made to die, to prove that a rerun converges.

Setting ``WUSHE_CRASH_AT=NAME`` (or ``NAME:N`` for the N-th time the point is reached) makes the
process kill itself with SIGKILL there: no cleanup, no rollback, exactly what a power cut or the
OOM killer does. Unset, a point costs one dictionary lookup. The crash tests use every point.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

POINTS = (
    "batch-read",  # a batch is read, nothing of it written yet
    "batch-validated",  # inside the batch transaction: quarantine rows and results written
    "batch-stored",  # inside the batch transaction: source records written, cursor not yet
    "batch-committed",  # between two batches
    "stream-finishing",  # inside the transaction that withdraws what a full export no longer has
    "resolution-step",  # inside the resolution pass, once a kind's merge is committed (organisations first)
    "resolution",  # inside the resolution pass, before its last commit
    "run-finishing",  # everything committed, the run not yet closed
)
# in a process planning a kind for the resolution pass: the worker alone dies, as when the system
# kills it for its memory (wushe.resolution.parallel)
WORKER_POINTS = ("planning",)

_hits: Counter[str] = Counter()
_lock = threading.Lock()
_syncing: int | None = None  # in a partner's worker process: the crash is the whole sync's


def crash_takes_sync(syncing: int) -> None:
    """From now on a crash here also kills the syncing process ``syncing``, which this worker serves."""
    global _syncing
    _syncing = syncing


def crash_point(name: str) -> None:
    wanted = os.environ.get("WUSHE_CRASH_AT")
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    with _lock:
        _hits[name] += 1
        if _hits[name] >= int(nth or 1):
            if _syncing is not None:
                os.kill(_syncing, signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGKILL)
