"""What the crash test and the load benchmark share: a real `kgbp serve` process on a store
folder, the blueprints they write, and the check that each stored blueprint is whole.

A blueprint is "whole" when its stored graph is exactly the graph its authoring file gives
(parsed and derived as the write path does) for one of the versions that were sent;
anything else (some triples of one version, some of another) is a torn write.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import yaml
from rdflib import Graph, URIRef

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import blueprint  # noqa: E402

from kgbp.ingest import SharedIndex, read_bytes  # noqa: E402
from kgbp.model import iris  # noqa: E402
from kgbp.model.derive import derive  # noqa: E402
from kgbp.repository import history  # noqa: E402
from kgbp.repository import save as repository  # noqa: E402
from kgbp.store.embedded import EmbeddedStore  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """A `kgbp serve` process on a loopback port."""

    process: subprocess.Popen[bytes]
    url: str
    log: IO[bytes]

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush; what a power cut does to the process."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
        self.log.close()


def serve(store: Path, log_path: Path, timeout: float = 60, **env: str) -> Served:
    """Start `kgbp serve` (its own Python process) on `store`; return once it answers."""
    port = free_port()
    log = log_path.open("ab")
    environment = {**os.environ, "KGBP_STORE": str(store), **{f"KGBP_{k.upper()}": v for k, v in env.items()}}
    process = subprocess.Popen([sys.executable, "-m", "kgbp.cli", "serve", "--store", str(store), "--port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"the server exited with {process.returncode}; see {log_path}")
        try:
            if httpx.get(f"{url}/api/queries", timeout=5).status_code == 200:
                return Served(process, url, log)
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    process.wait()
    log.close()
    raise RuntimeError(f"the server did not answer within {timeout} s; see {log_path}")


@contextmanager
def serving(store: Path, log_path: Path, **env: str) -> Iterator[Served]:
    served = serve(store, log_path, **env)
    try:
        yield served
    finally:
        served.stop()


# -- the blueprints written ------------------------------------------------------------------

def standalone(count: int, start: int = 0) -> list[int]:
    """Indexes of generated blueprints that need no other (no to-be, no slice): any subset
    of them can be stored in any order."""
    found, index = [], start
    while len(found) < count:
        if index % 5 != 4 and index % 7 != 6:
            found.append(index)
        index += 1
    return found


def document(index: int, revision: int = 0) -> tuple[str, bytes]:
    """(file name, YAML) of generated blueprint `index`; revision r > 0 changes its title."""
    doc: dict[str, Any] = blueprint(index)
    if revision:
        doc["title"] = {lang: f"{text} (revision {revision})" for lang, text in doc["title"].items()}
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200)
    return f"bp-{index:05d}.yaml", text.encode("utf-8")


def blueprint_iri(index: int) -> URIRef:
    return iris.blueprint_iri(str(blueprint(index)["service"]["id"]), "as-is")


@dataclass
class Expected:
    """The graphs the write path makes of the revisions of one blueprint (computed once)."""

    cache: dict[tuple[int, int], frozenset[Any]] = field(default_factory=dict)

    def graph(self, index: int, revision: int) -> frozenset[Any]:
        key = (index, revision)
        if key not in self.cache:
            name, data = document(index, revision)
            bp = read_bytes(data, name, SharedIndex())[0]
            derive(bp.graph, repository._channel_kinds())
            self.cache[key] = frozenset(bp.graph)
        return self.cache[key]

    def revision_of(self, stored: Graph, index: int, revisions: range) -> int | None:
        """Which revision the stored graph is exactly (None: none of them: torn)."""
        triples = frozenset(stored)
        return next((r for r in revisions if self.graph(index, r) == triples), None)


def check_store(store: EmbeddedStore, sent: dict[int, int], acknowledged: dict[int, int],
                expected: Expected, others: Collection[str] = ()) -> list[str]:
    """Problems with what the store holds, given the highest revision of each blueprint
    sent (-1: never) and acknowledged (-1: never). Empty when all is well:
    - a blueprint never sent is absent; a sent one is absent or exactly one sent revision;
    - an acknowledged one is there, at that revision or a later sent one;
    - the history's last kept state of each stored blueprint is exactly what is stored,
      and an absent blueprint has no history (the write and its record are one transaction).
    """
    problems = []
    stored_iris = {b.iri for b in repository.list_blueprints(store) if b.id not in others}
    known = {blueprint_iri(i): i for i in sent}
    for iri in stored_iris - set(known):
        problems.append(f"{iri} is stored but was never sent")
    for index, top in sent.items():
        iri = blueprint_iri(index)
        graph = store.graph(iri)
        acts = history.activities(store, iri)
        if not len(graph):
            if acknowledged.get(index, -1) >= 0:
                problems.append(f"{iri}: acknowledged (revision {acknowledged[index]}) but absent: lost")
            if acts:
                problems.append(f"{iri}: absent, but the history records {len(acts)} write(s)")
            continue
        revision = expected.revision_of(graph, index, range(top + 1))
        if revision is None:
            problems.append(f"{iri}: {len(graph)} stored triples are no revision that was sent: torn")
            continue
        if revision < acknowledged.get(index, -1):
            problems.append(f"{iri}: revision {acknowledged[index]} was acknowledged, revision {revision} is stored: lost")
        if not acts or acts[-1].state is None:
            problems.append(f"{iri}: stored, but the history has no kept state for it")
        elif frozenset(history.state(store, acts[-1])) != frozenset(graph):
            problems.append(f"{iri}: the history's last kept state differs from what is stored")
    return problems
