"""Helpers shared by the benchmark scripts: memory readings and result lines."""

from __future__ import annotations

import os
import resource
import time


def rss_mb(pid: int | str = "self", *, anonymous: bool = False) -> float:
    """Resident memory of a process (this one by default) in MB, 0 once it is gone: cheap to read,
    but a page shared by several processes counts in full in each. ``anonymous``: only what no
    file backs (not the pages of a SQLite registry it maps, say)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            _size, resident, file_backed, *_rest = fh.read().split()
    except OSError:
        return 0.0
    return (int(resident) - (int(file_backed) if anonymous else 0)) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def yardstick_seconds() -> float:
    """Best of three timings of a fixed pure-Python workload (a dict of 300,000 string keys, then
    sorted): this machine's speed at the moment, printed beside a benchmark's figures so that runs
    of other days or machines can be compared. Shared machines vary: the nightly bench's night 2
    took 10.3 s one afternoon and 22.2 s the next morning, for the same code."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        table = {f"key-{i}": i * 7919 % 1000 for i in range(300_000)}
        sorted(table.items(), key=lambda kv: (kv[1], kv[0]))
        best = min(best, time.perf_counter() - started)
    return best


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
    Processes in ``exclude`` (a sandbox serving the partners, say) are left out with theirs.

    The files in ``unmapped`` (a SQLite registry, which SQLite maps to read it) do not count: their
    pages are the system's file cache, which a process reading the file with read() uses as much
    without it counting towards its size, and which the system drops when it needs the memory.

    Reading a process's proportional size walks its page tables (55 ms for a 3 GB process, 15-30 ms
    for one that maps 800 MB of a SQLite registry, on a core the measured sync needs): sampled every
    tick, it took a tenth of a night's CPU. So a process's size is read again only when its
    anonymous resident size moved by ``reread_mb`` or ``reread_seconds`` went by; in between, its
    last reading moves with that size (which counts a private page as the proportional size does; a
    page of a mapped file waits for the next reading). Read every 2 s, the readings still took
    1.7-2.6 CPU-seconds of a SQLite night 2 (about 20 s, seven processes)."""

    def __init__(self, interval: float = 0.1, exclude: set[int] | None = None, *, unmapped: set[str] | None = None,
                 reread_mb: float = 64.0, reread_seconds: float = 10.0) -> None:
        import threading

        self.exclude = exclude or set()
        self.unmapped = {os.path.realpath(path) for path in unmapped or ()}
        self.interval = interval
        self.reread_mb = reread_mb
        self.reread_seconds = reread_seconds
        self.peak_mb = 0.0
        self._readings: dict[int, tuple[float, float, float]] = {}  # pid: (resident, proportional, when)
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
            pids = _tree(os.getpid(), self.exclude)
            self.peak_mb = max(self.peak_mb, sum(self._estimate(pid) for pid in pids))
            self._readings = {pid: r for pid, r in self._readings.items() if pid in pids}
            if self._stop.wait(self.interval):
                return

    def _estimate(self, pid: int) -> float:
        """The process's proportional size now, read or moved on from its last reading."""
        resident, now = rss_mb(pid, anonymous=True), time.monotonic()
        last = self._readings.get(pid)
        if last is None or abs(resident - last[0]) >= self.reread_mb or now - last[2] >= self.reread_seconds:
            last = self._readings[pid] = (resident, _proportional_of(pid, self.unmapped), now)
        return last[1] + resident - last[0]


def registry_file(engine) -> set[str]:
    """The file of a SQLite registry (which SQLite maps to read it), for :class:`TreeMemory`'s ``unmapped``."""
    return {engine.url.database} if engine.dialect.name == "sqlite" and engine.url.database else set()


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


def _proportional_of(pid: int, unmapped: set[str]) -> float:
    """The process's proportional set size in MB, leaving out the mappings of the files ``unmapped``
    (0 once it is gone)."""
    kb, counted = 0, True
    try:
        with open(f"/proc/{pid}/smaps" if unmapped else f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    kb += int(line.split()[1]) if counted else 0
                elif "-" in line.split(" ", 1)[0]:  # a mapping's first line: addresses, ..., its file if any
                    fields = line.split(maxsplit=5)
                    counted = len(fields) < 6 or fields[5].strip() not in unmapped
    except OSError:
        return 0.0
    return kb / 1024
