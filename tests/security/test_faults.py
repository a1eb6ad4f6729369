"""Findings 9 and 10: recovery without a restart, and nothing left behind by kill -9.

A server runs as a process of its own. Its file size limit (RLIMIT_FSIZE, lowered from
outside with prlimit) makes every write to disk fail as a full disk does; raising it again
is freeing space. Writes then answer 503 saying why, the health check answers 503, and once
space is back both work again without a restart. A server killed with -9 during a runaway
query leaves a worker and checkpoints; the next server's start removes them.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore

from ..conftest import ROOT, load_files
from ..live_server import free_port

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _store(folder: Path) -> str:
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, [p for p in examples() if p.name == "restaurant-checkout.yaml"])
    store.close()
    return create_token(Settings(store=str(folder)), "tester")


def _serve(folder: Path, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp), "KGBP_QUERY_TIMEOUT": "60"}
    server = subprocess.Popen([sys.executable, "-m", "kgbp.cli", "serve", "--store", str(folder), "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/blueprints", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


@pytest.fixture()
def tmp(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tmp"
    folder.mkdir()
    yield folder


def _upload(base: str, token: str, version: str) -> httpx.Response:
    text = (ROOT / "examples" / "restaurant-checkout.yaml").read_text("utf-8").replace("version: as-is", f"version: {version}")
    return httpx.post(f"{base}/api/blueprints", params={"draft": "true"}, files={"file": ("r.yaml", text.encode())},
                      headers={"Authorization": f"Bearer {token}"}, timeout=60)


def test_a_full_disk_is_reported_and_recovered_without_a_restart(tmp_path: Path, tmp: Path) -> None:
    folder = tmp_path / "store"
    token = _store(folder)
    server, base = _serve(folder, tmp)
    try:
        assert httpx.get(base + "/api/health", timeout=30).status_code == 200
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (1, hard))  # the disk is full
        failed = _upload(base, token, "v-full")
        assert failed.status_code == 503, failed.text[:300]
        assert failed.json()["error"] == "store-unavailable"
        unhealthy = httpx.get(base + "/api/health", timeout=30)
        assert unhealthy.status_code == 503 and "writes fail" in unhealthy.json()["message"]
        assert httpx.get(base + "/api/blueprints", timeout=30).status_code == 200  # reads go on

        resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (hard, hard))  # space is freed
        assert httpx.get(base + "/api/health", timeout=30).status_code == 200
        stored = _upload(base, token, "v-after")
        assert stored.status_code == 201, stored.text[:300]
        answer = httpx.get(base + "/sparql", timeout=60, headers={"Accept": "application/sparql-results+json"},
                           params={"query": "ASK { GRAPH <https://w3id.org/kgbp/id/service/restaurant-checkout/v-after> "
                                            "{ ?s ?p ?o } }"})
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert server.poll() is None  # the same process throughout
    finally:
        server.kill()
        server.wait(30)


def _workers_of(root: Path) -> list[int]:
    return [int(p.name.removeprefix("worker-")) for p in root.glob("worker-*")]


def test_kill_9_leaves_nothing_the_next_start_does_not_remove(tmp_path: Path, tmp: Path) -> None:
    folder = tmp_path / "store"
    _store(folder)
    server, base = _serve(folder, tmp)
    try:
        import threading

        threading.Thread(target=lambda: httpx.get(base + "/sparql", params={"query": RUNAWAY}, timeout=90),
                         daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (list(tmp.glob("kgbp-sparql-*/checkpoint-*"))
                                                   and list(tmp.glob("kgbp-sparql-*/worker-*"))):
            time.sleep(0.2)
        time.sleep(1)  # the query reaches its worker
        roots = list(tmp.glob("kgbp-sparql-*"))
        assert roots and list(roots[0].glob("checkpoint-*")), "the query never reached a worker"
        workers = _workers_of(roots[0])
        assert workers
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(30)
    second, _ = _serve(folder, tmp)
    try:
        assert not list(tmp.glob("kgbp-sparql-*"))  # the checkpoints are gone
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
            time.sleep(0.2)  # a killed process lingers until reaped
        alive = [pid for pid in workers if Path(f"/proc/{pid}/cmdline").exists()
                 and b"kgbp.store.sandbox" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert not alive
    finally:
        second.kill()
        second.wait(30)
