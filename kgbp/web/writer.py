"""Writes on one thread of their own, so that they never take the readers' threads.

Starlette runs blocking work on one shared pool of threads. An upload parses, validates and
stores for a second or more: with writers uploading without pause, reads queued behind them
for a pool thread. Every write (uploads, imports, SPARQL Update, Graph Store writes, registry
changes, restores, evidence) runs instead on the app's WriteThread, one at a time in the order
asked: the store takes one write transaction at a time anyway, and the shared pool stays for
the reads. On Linux the thread is also nicer than the server (WRITE_NICENESS): when the cores
are busy, a read gets one before a write does; a write still gets its turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

WRITE_NICENESS = 10  # the write thread is this much nicer than the server (Linux): a read gets a core before a write
P = ParamSpec("P")
T = TypeVar("T")


class WriteThread:
    """One thread running the app's writes in turn; started at the first write, stopped by close()."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    async def run(self, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`work(*args, **kwargs)` on the write thread, off the event loop; its result or its error."""
        return await asyncio.wrap_future(self.submit(work, *args, **kwargs))

    def submit(self, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Queue `work(*args, **kwargs)` behind the writes asked before it (from any thread)."""
        context = contextvars.copy_context()  # as Starlette's threads do: the request's context goes along
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kgbp-write", initializer=_yield_to_reads)
            return self._executor.submit(context.run, partial(work, *args, **kwargs))

    def close(self) -> None:
        """Wait for the writes asked so far, then stop the thread (a later write starts it again)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)


def _yield_to_reads() -> None:
    """Make the calling thread nicer than the server by WRITE_NICENESS (on Linux a thread is scheduled on its own)."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed: writes run at the server's priority
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + WRITE_NICENESS))
