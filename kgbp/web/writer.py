"""Writes on one thread of their own, so that they never take the readers' threads.

Starlette runs blocking work on one shared pool of threads. An upload parses, validates and
stores for a second or more: with writers uploading without pause, reads queued behind them
for a pool thread. Every write (uploads, imports, SPARQL Update, Graph Store writes, registry
changes, restores, evidence) runs instead on the app's WriteThread, one at a time in the order
asked: the store takes one write transaction at a time anyway, and the shared pool stays for
the reads.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

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
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kgbp-write")
            return self._executor.submit(context.run, partial(work, *args, **kwargs))

    def close(self) -> None:
        """Wait for the writes asked so far, then stop the thread (a later write starts it again)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
