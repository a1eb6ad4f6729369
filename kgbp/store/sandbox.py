"""Run user-written SPARQL where a runaway query can be stopped.

pyoxigraph cannot cancel a running query, and the server process holds the store's
RocksDB lock. So the SPARQL endpoint's queries, and the trial runs of its updates, go to
worker processes that read a checkpoint of the store (`Store.backup`: hard links, a few
milliseconds). A query that overruns the time limit is stopped by killing its worker; a
fresh worker is started at once, and the other requests never wait on it.

The checkpoint is refreshed lazily, on the first request after a write (the store's
`generation` moved). Old checkpoints are deleted once no worker reads them.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from ..errors import Forbidden, KgbpError, NotAcceptable, QueryError, QueryTimeout, QueryTooLarge, StoreUnavailable
from ..i18n import say
from .protocol import BASE_IRI, SerializedResult, SparqlRunner, Store, UpdatePreview
from .update_targets import update_targets

if TYPE_CHECKING:
    from .embedded import EmbeddedStore

log = logging.getLogger("kgbp.sparql")
_ERRORS: dict[str, type[KgbpError]] = {c.__name__: c for c in (QueryError, NotAcceptable, StoreUnavailable, Forbidden,
                                                                 QueryTooLarge)}


# -- the worker process ------------------------------------------------------------------

def _worker_main(jobs: Connection, replies: Connection) -> None:
    """Answer jobs until the pipe closes. Keeps one checkpoint open."""
    from .embedded import EmbeddedStore, changed_graphs

    opened: tuple[str, EmbeddedStore] | None = None

    def store_at(path: str) -> EmbeddedStore:
        nonlocal opened
        if opened is None or opened[0] != path:
            if opened is not None:
                opened[1].close()
            opened = (path, EmbeddedStore(path, read_only=True))
        return opened[1]

    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        kind = job[0]
        if kind == "ping":
            replies.send(("ok",))
            continue
        if kind == "release":  # no reply: the checkpoint is about to be deleted
            if opened is not None:
                opened[1].close()
                opened = None
            continue
        try:
            if kind == "query":
                _, path, query, media, graph_media, defaults, named = job
                result = store_at(path).query_serialized(
                    query, media or "", [URIRef(g) for g in defaults], [URIRef(g) for g in named],
                    graph_media_type=graph_media)
                replies.send(("ok", result.body, result.media_type))
            elif kind == "preview":
                _, path, scratch_path, update, candidates = job
                before = store_at(path)
                scratch = EmbeddedStore(scratch_path)
                try:
                    changes = changed_graphs(before._ox, scratch._ox, update,
                                             None if candidates is None else [None if c is None else URIRef(c) for c in candidates])
                finally:
                    scratch.close()
                replies.send(("ok", changes))
        except KgbpError as exc:
            replies.send(("error", type(exc).__name__, exc.message, exc.where, exc.hint))
        except MemoryError:  # the answer outgrew this worker's memory cap; what it built is freed now
            replies.send(("error", "QueryTooLarge", say("query_memory_any"), "query", say("query_memory_hint")))
        except Exception as exc:  # a worker answers every job; the server decides what to show
            replies.send(("error", "QueryError", say("query_failed", what=str(exc)), "", say("query_failed_hint")))


class _Worker:
    """A `python -m kgbp.store.sandbox` process, talked to over two pipes.

    A plain subprocess rather than multiprocessing: spawn and forkserver children import
    the parent's main module again (seconds under a test runner), and fork would copy a
    threaded server holding the store's RocksDB handles.
    """

    def __init__(self, memory_mb: int = 0) -> None:
        child_reads, to_child = os.pipe()
        parent_reads, child_writes = os.pipe()
        root = str(Path(__file__).resolve().parents[2])  # so the child finds this kgbp
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own module, no shell
                [sys.executable, "-m", "kgbp.store.sandbox", str(child_reads), str(child_writes), str(memory_mb)],
                pass_fds=(child_reads, child_writes), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                env=env, start_new_session=True)
        finally:
            os.close(child_reads)
            os.close(child_writes)
        self._jobs = Connection(to_child, readable=False)
        self._replies = Connection(parent_reads, writable=False)
        self.checkpoint: Path | None = None
        self.ready = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, limit: float = 120.0) -> None:
        """Wait until the process answers: its start-up is not counted against a query."""
        if not self.ready:
            self._jobs.send(("ping",))
            if not self._replies.poll(limit):
                raise StoreUnavailable(say("query_worker_failed"), where="query", hint=say("see_server_log"))
            self._replies.recv()
            self.ready = True

    def call(self, job: tuple[Any, ...], timeout: float) -> Any:
        self._jobs.send(job)
        if not self._replies.poll(timeout):
            raise TimeoutError
        return self._replies.recv()

    def release(self) -> None:
        if self.checkpoint is not None:
            with contextlib.suppress(OSError):
                self._jobs.send(("release",))
            self.checkpoint = None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self._jobs.close()
        self._replies.close()
        self.checkpoint = None


def _link_or_copy(src: str, dst: str) -> None:
    # RocksDB never changes an .sst file once written; every other file it may rewrite
    if src.endswith(".sst"):
        os.link(src, dst)
    else:
        shutil.copy2(src, dst)


# -- the runner the endpoint uses --------------------------------------------------------

class QuerySandbox:
    """Evaluates SPARQL in killable worker processes over a checkpoint of an on-disk store."""

    def __init__(self, store: EmbeddedStore, timeout: float, workers: int = 2, per_client: int = 1,
                 memory_mb: int = 0) -> None:
        self._store = store
        self.timeout = timeout
        self._lock = threading.Lock()
        self._size = workers + 1  # one more process: an update's trial run never waits behind queries
        self._reads = FairQueue(workers, per_client, timeout)
        self._updates = FairQueue(1, 1, timeout)
        self._memory_mb = memory_mb
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._root: Path | None = None
        self._root_lock = threading.Lock()
        self._seq = itertools.count()
        self._checkpoint: Path | None = None
        self._checkpoint_generation = -1
        self._readers: Counter[Path] = Counter()
        self._stale: set[Path] = set()
        self._closed = False

    # -- public ---------------------------------------------------------------------
    def query(self, query: str, media_type: str | None, graph_media_type: str | None,
              default_graphs: Sequence[URIRef] = (), named_graphs: Sequence[URIRef] = (),
              client: str = "") -> SerializedResult:
        with self._reads.turn(client):
            checkpoint, _ = self._acquire_checkpoint()
            try:
                reply = self._call(("query", str(checkpoint), query, media_type, graph_media_type,
                                    [str(g) for g in default_graphs], [str(g) for g in named_graphs]), checkpoint)
            finally:
                self._release_checkpoint(checkpoint)
        return SerializedResult(reply[1], reply[2])

    def preview_update(self, update: str) -> UpdatePreview:
        from .embedded import graphs_from_nquads

        targets = update_targets(update, BASE_IRI)
        candidates = None if targets is None else [None if t is None else str(t) for t in targets]
        with self._updates.turn("update"):  # its own lane: never queued behind read queries
            checkpoint, generation = self._acquire_checkpoint()
            scratch = self._new_dir("scratch")
            try:
                shutil.copytree(checkpoint, scratch, copy_function=_link_or_copy)
                reply = self._call(("preview", str(checkpoint), str(scratch), update, candidates), checkpoint)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
                self._release_checkpoint(checkpoint)
        return UpdatePreview(graphs_from_nquads(reply[1]), generation)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for worker in [*self._idle, *self._busy]:
                worker.kill()
            self._idle.clear()
            self._busy.clear()
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None

    # -- workers --------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        worker = _Worker(self._memory_mb)
        # a record for clean_orphans: if this server is killed, the next one stops the worker
        (self._root_dir() / f"worker-{worker.process.pid}").touch()
        return worker

    def _call(self, job: tuple[Any, ...], checkpoint: Path) -> Any:
        with self._lock:
            if self._closed:
                raise StoreUnavailable(say("server_shutting_down"), where="query", hint=say("try_again_shortly"))
            if not self._idle and not self._busy:  # first use: boot the whole pool at once
                self._idle.extend(self._spawn() for _ in range(self._size))
            worker = self._idle.pop() if self._idle else self._spawn()
            if not worker.alive():
                worker.kill()
                worker = self._spawn()
            self._busy.add(worker)
        try:
            worker.wait_ready()
            worker.checkpoint = checkpoint
            reply = worker.call(job, self.timeout)
        except TimeoutError:
            self._discard(worker, replace=True)
            log.warning("SPARQL job stopped after %.1f s", self.timeout)
            raise QueryTimeout(say("query_timeout", seconds=self.timeout), where="query", hint=say("query_timeout_hint")) from None
        except (EOFError, OSError):
            self._discard(worker, replace=False)
            if self._memory_mb:
                raise QueryTooLarge(say("query_memory", mb=self._memory_mb), where="query", hint=say("query_memory_hint")) from None
            raise StoreUnavailable(say("query_worker_died"), where="query", hint=say("query_worker_died_hint")) from None
        with self._lock:
            self._busy.discard(worker)
            if worker.checkpoint != self._checkpoint:
                worker.release()
            self._idle.append(worker)
            self._sweep()
        if reply[0] == "error":
            raise _ERRORS.get(reply[1], QueryError)(reply[2], where=reply[3], hint=reply[4])
        return reply

    def _discard(self, worker: _Worker, replace: bool) -> None:
        worker.kill()
        if self._root is not None:
            with contextlib.suppress(OSError):
                (self._root / f"worker-{worker.process.pid}").unlink()
        with self._lock:
            self._busy.discard(worker)
            if replace and not self._closed:
                self._idle.append(self._spawn())  # warm up the next one now
            self._sweep()

    # -- checkpoints ----------------------------------------------------------------
    def _root_dir(self) -> Path:
        with self._root_lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}-"))
            return self._root

    def _new_dir(self, prefix: str) -> Path:
        return self._root_dir() / f"{prefix}-{next(self._seq)}"

    def _acquire_checkpoint(self) -> tuple[Path, int]:
        with self._lock:
            generation = self._store.generation  # read before the backup, see EmbeddedStore.update
            if self._checkpoint is None or generation != self._checkpoint_generation:
                target = self._new_dir("checkpoint")
                try:
                    self._store.backup(str(target))  # StoreUnavailable saying why, after a storage fault
                except BaseException:
                    shutil.rmtree(target, ignore_errors=True)
                    raise
                if self._checkpoint is not None:
                    self._stale.add(self._checkpoint)
                self._checkpoint, self._checkpoint_generation = target, generation
                for worker in self._idle:
                    worker.release()
                self._sweep()
            self._readers[self._checkpoint] += 1
            return self._checkpoint, self._checkpoint_generation

    def _release_checkpoint(self, checkpoint: Path) -> None:
        with self._lock:
            self._readers[checkpoint] -= 1
            self._sweep()

    def _sweep(self) -> None:
        """Delete stale checkpoints nobody reads (call with the lock held)."""
        open_ = {w.checkpoint for w in [*self._idle, *self._busy]}
        for path in list(self._stale):
            if self._readers[path] <= 0 and path not in open_:
                shutil.rmtree(path, ignore_errors=True)
                self._stale.discard(path)
                del self._readers[path]


ROOT_PREFIX = "kgbp-sparql-"  # + the server's pid + "-": a server's checkpoints and worker records


def clean_orphans(folder: str | None = None) -> list[int]:
    """Stop the query workers and delete the checkpoints of servers that were killed (kill -9
    leaves both: the workers run in their own session). Only folders whose server process is
    gone are touched, and only processes that are kgbp query workers are stopped. Returns
    the pids stopped. Called when a server starts."""
    stopped = []
    for root in Path(folder or tempfile.gettempdir()).glob(f"{ROOT_PREFIX}*-*"):
        owner = root.name[len(ROOT_PREFIX):].split("-", 1)[0]
        if not owner.isdigit() or _alive(int(owner)) or not root.is_dir():
            continue
        for record in root.glob("worker-*"):
            pid = record.name.removeprefix("worker-")
            if pid.isdigit() and _is_worker(int(pid)):
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)
                    stopped.append(int(pid))
        shutil.rmtree(root, ignore_errors=True)
        log.warning("removed what a stopped server left: %s (%d query worker(s) stopped)", root, len(stopped))
    return stopped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_worker(pid: int) -> bool:
    try:
        return b"kgbp.store.sandbox" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class FairQueue:
    """Who runs next: at most `size` jobs at once, at most `per_client` of them for one client,
    the others waiting in arrival order. A client's tenth runaway query waits behind its
    first; another client's query takes the next free worker. Waiting is bounded by `timeout`."""

    def __init__(self, size: int, per_client: int, timeout: float) -> None:
        self._size, self._per_client, self._timeout = size, max(1, per_client), timeout
        self._cond = threading.Condition()
        self._running: Counter[str] = Counter()
        self._waiting: list[tuple[int, str]] = []
        self._tickets = itertools.count()

    def _eligible(self, client: str) -> bool:
        return sum(self._running.values()) < self._size and self._running[client] < self._per_client

    @contextlib.contextmanager
    def turn(self, client: str) -> Iterator[None]:
        ticket = (next(self._tickets), client)
        with self._cond:
            self._waiting.append(ticket)
            try:
                # my turn: a worker is free for me, and no one who came earlier could take it
                if not self._cond.wait_for(lambda: self._eligible(client) and next(
                        t for t in self._waiting if self._eligible(t[1])) == ticket, self._timeout):
                    busy = self._running[client] >= self._per_client
                    raise QueryTimeout(say("workers_yours_busy" if busy else "workers_busy"), where="query",
                                       hint=say("workers_yours_busy_hint" if busy else "workers_busy_hint"))
            finally:
                self._waiting.remove(ticket)
            self._running[client] += 1
        try:
            yield
        finally:
            with self._cond:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]
                self._cond.notify_all()


class InProcessRunner:
    """For stores without a checkpoint (in memory, remote): runs in this process, no time
    limit of ours (a remote server applies its own)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def query(self, query: str, media_type: str | None, graph_media_type: str | None,
              default_graphs: Sequence[URIRef] = (), named_graphs: Sequence[URIRef] = (),
              client: str = "") -> SerializedResult:
        return self._store.query_serialized(query, media_type or "", default_graphs, named_graphs,
                                            graph_media_type=graph_media_type)

    def preview_update(self, update: str) -> UpdatePreview:
        preview = getattr(self._store, "preview_update", None)
        if preview is None:
            raise QueryError(say("store_no_check"), hint=say("store_no_check_hint"))
        return preview(update, update_targets(update, BASE_IRI))  # type: ignore[no-any-return]

    def close(self) -> None:
        pass


def open_sparql_runner(store: Store, timeout: float, workers: int = 2, per_client: int = 1,
                       memory_mb: int = 0) -> SparqlRunner:
    from .embedded import EmbeddedStore

    if isinstance(store, EmbeddedStore) and store.path is not None:
        return QuerySandbox(store, timeout, workers, per_client, memory_mb)
    return InProcessRunner(store)


def _limit_memory(megabytes: int) -> None:
    """Cap this worker's heap (data segment): a query building a huge result fails to allocate
    and the process ends, instead of the machine swapping. RLIMIT_DATA rather than RLIMIT_AS:
    RocksDB maps files and reserves address space it never touches."""
    import resource

    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _exit_with_parent() -> None:
    """End this worker soon after its server ends, however the server ended (its own session
    keeps it from the server's signals). A query holding the interpreter delays it; the next
    server's clean_orphans stops such a worker."""
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


if __name__ == "__main__":  # a worker: python -m kgbp.store.sandbox READ_FD WRITE_FD [MEMORY_MB]
    from .offline import cut_network

    cut_network()  # before any thread starts: a query that got past the checks still cannot connect
    _limit_memory(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    _exit_with_parent()
    _worker_main(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
