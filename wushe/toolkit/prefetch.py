"""Overlap waiting for a partner with mapping what already arrived.

A REST read alternates network waits and CPU work; fetching the next page in a background thread
while the current one is mapped makes a read as fast as the slower of the two instead of their
sum. At most ``depth`` items wait in between, so memory stays bounded; an error in the producer
is raised in the consumer, and closing the consumer stops the producer.
"""

from __future__ import annotations

import queue
import threading
from typing import Iterator, TypeVar

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """``items``, produced ahead by a worker thread, at most ``depth`` at a time."""
    handoff: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, who raises it
            put(_Failed(exc))

    worker = threading.Thread(target=produce, name="wushe-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=5)
