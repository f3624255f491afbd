"""Worker processes, forked from a server that has the library imported.

Partners are synced, and resolution plans made, in worker processes. Started as fresh interpreters
("spawn"), each imported the library, pandas, SQLAlchemy and their like anew: seconds of CPU a
process, seven processes on a first night, on a machine of two cores. Here workers are forked from
multiprocessing's fork server, which imports those once (:mod:`wushe.preload`) and, being a process
of its own, passes on none of the syncing process's threads or connections. Great Expectations is among
them: every partner worker validates, and importing it took each of them two seconds of CPU.

The preload itself takes seconds on one core, so a command that will sync in processes starts the
server first (:func:`warm_up`), and it imports while the command connects, checks the registry's
schema and reads the partners file.

A forked worker inherits the fork server's environment, which is the syncing process's as it was
when the server started; every worker first takes on the current one (:func:`start_worker`), as a
fresh interpreter would have. Where there is no fork server (Windows), workers are fresh interpreters.

A worker dies with the syncing process (a crash of either is a crash of the run, which a rerun
repairs): it watches the end of a pipe the syncing process holds, which the system closes when that
process dies however it dies. The fork server is no help there: it lives as long as any worker does.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait
from multiprocessing.context import BaseContext
from typing import Any, Callable

PRELOAD = ["wushe.preload"]


def pool_context() -> BaseContext:
    """The multiprocessing context worker pools start their processes in."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)  # read when the server starts: the first pool of the process
    return forkserver


def warm_up() -> None:
    """Start the fork server now, if it is not running; its preload goes on while the caller does."""
    context = pool_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def environment() -> dict[str, str]:
    """The environment to hand to :func:`start_worker`."""
    return dict(os.environ)


def submitted(pool: Executor, fn: Callable[..., Any], *args: Any) -> Future:
    """``pool.submit(fn, *args)``, or a future failed with :class:`BrokenProcessPool` when a worker
    of the pool died before the job could be handed over (the system killed it, say): the caller
    learns it from the job's result like any other job's, not from the submitting."""
    try:
        return pool.submit(fn, *args)
    except BrokenProcessPool as exc:
        failed: Future = Future()
        failed.set_exception(exc)
        return failed


def start_worker(env: dict[str, str]) -> None:
    """A pool's initializer: take on the syncing process's environment ``env`` and die with that
    process; and leave what it inherited out of the cyclic collector's full passes."""
    # The library the worker was forked with (hundreds of thousands of objects) lives as long as the
    # worker: each full pass of the collector walked all of it, 0.35 s in a partner's withdrawal.
    # Frozen, the passes walk only what the worker made itself (and share the server's pages longer).
    gc.freeze()
    os.environ.clear()
    os.environ.update(env)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="wushe-parent-watch", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)  # at once: no cleanup, as if killed with it; the run's transaction dies with the parent
