"""Shared fixtures: a real on-disk store with the shipped examples, loaded once per session."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from kgbp.config import Settings
from kgbp.ingest.pipeline import ingest
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store import Store
from kgbp.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent

# A pytest-xdist worker starts with COLUMNS=80 and LINES=24 in its environment, and a rich
# console made while they are set keeps that width for good (the CLI's consoles are made
# when kgbp.cli is imported). Without them, each CLI test's own COLUMNS decides, as in one process.
if "PYTEST_XDIST_WORKER" in os.environ:
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
DATA = Path(__file__).resolve().parent / "data"


def load_files(store: Store, paths: list[Path], agent: str = "kgbp", draft: bool = False) -> repository.SaveResult:
    """Store `paths` through the one ingest path, as `kgbp load` does (raising what it would report)."""
    return ingest(store, paths, agent=agent, draft=draft).accepted()


def stored_ids(folder: Path) -> set[str]:
    """The ids of the blueprints stored in the embedded store at `folder` (opened, then closed)."""
    store = EmbeddedStore(folder)
    try:
        return {b.id for b in repository.list_blueprints(store)}
    finally:
        store.close()


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """Read-mostly store with the examples. Tests must not write to it."""
    store = EmbeddedStore(tmp_path_factory.mktemp("examples") / "store")
    repository.init(store)
    load_files(store, examples())
    yield store
    store.close()


@pytest.fixture()
def empty_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store")
    repository.init(store)
    yield store
    store.close()


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(store=str(tmp_path / "store"))


@contextmanager
def examples_served(tmp_path_factory: pytest.TempPathFactory, name: str = "served") -> Iterator[tuple[str, str]]:
    """A real server (uvicorn, loopback) on a store of its own with the examples; (base URL, write token)."""
    from kgbp.auth import create_token

    from .live_server import running_server

    folder = tmp_path_factory.mktemp(name) / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, examples())
    store.close()
    settings = Settings(store=str(folder))
    token = create_token(settings, "tester")
    with running_server(settings) as base:
        yield base, token


@contextmanager
def copy_served(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory, name: str, holder: str = "tester",
                **settings: object) -> Iterator[tuple[str, str]]:
    """A real server on a copy of `store` (a checkpoint: hard links), with `settings` beyond the
    store; (base URL, a write token held by `holder`)."""
    from kgbp.auth import create_token

    from .live_server import running_server

    folder = tmp_path_factory.mktemp(name) / "store"
    store.backup(str(folder))
    config = Settings(store=str(folder), **settings)  # type: ignore[arg-type]
    token = create_token(config, holder)
    with running_server(config) as base:
        yield base, token


@pytest.fixture(scope="session")
def examples_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The examples served, shared by the suites that only read."""
    with examples_served(tmp_path_factory) as served:
        yield served


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


VIRTUOSO_SCRIPT = str(ROOT / "scripts" / "virtuoso.sh")


def run_virtuoso_script(command: str, env: dict[str, str]) -> None:
    done = subprocess.run(["bash", VIRTUOSO_SCRIPT, command], env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"Virtuoso 7 is needed for the store suite, and `scripts/virtuoso.sh {command}` failed:\n"
                    f"{done.stdout}{done.stderr}\n(install it with `make system-deps`, or "
                    "`apt-get install virtuoso-opensource-7-bin`)", pytrace=False)


@pytest.fixture(scope="session")
def virtuoso_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """How scripts/virtuoso.sh reaches the session's instance: its folder, ports, password."""
    return {**os.environ,
            "VIRTUOSO_DIR": str(tmp_path_factory.mktemp("virtuoso") / "instance"),
            "VIRTUOSO_SQL_PORT": str(_free_port()), "VIRTUOSO_HTTP_PORT": str(_free_port()),
            "VIRTUOSO_PASSWORD": secrets.token_hex(8), "VIRTUOSO_MAX_ROWS": "10000"}


@pytest.fixture(scope="session")
def virtuoso(virtuoso_env: dict[str, str]) -> Iterator[Settings]:
    """A throwaway Virtuoso 7 for the session (scripts/virtuoso.sh): loopback, free ports,
    a random dba password, a database in a temporary folder. Yields the settings that reach it.

    Fails (never skips) when Virtuoso cannot be installed or started: the store suite is
    part of `make test`. Its row cap is Virtuoso's shipped default (10,000 rows), so the
    suite also shows kgbp works on a server configured as it comes.
    """
    for command in ("install", "start"):
        run_virtuoso_script(command, virtuoso_env)
    try:
        yield Settings(store=f"http://127.0.0.1:{virtuoso_env['VIRTUOSO_HTTP_PORT']}/sparql", store_user="dba",
                       store_password=virtuoso_env["VIRTUOSO_PASSWORD"])
    finally:
        subprocess.run(["bash", VIRTUOSO_SCRIPT, "stop"], env=virtuoso_env, capture_output=True, timeout=60)


class OxigraphServer:
    """The Oxigraph server (PyPI `oxigraph`) on loopback, a database in `folder`: the remote
    store's second, independent SPARQL server. Its default graph is the union of the named
    graphs, as Virtuoso's and the embedded store's are."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def settings(self) -> Settings:
        """Oxigraph's endpoint layout: /query, /update and /store (Graph Store); no accounts."""
        return Settings(store=f"{self.base}/query", store_update_url=f"{self.base}/update",
                        store_graph_store_url=f"{self.base}/store")

    def start(self) -> None:
        exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        log = (self.folder / "oxigraph.log").open("ab")
        self._process = subprocess.Popen([exe, "serve", "--location", str(self.folder / "data"),
                                          "--bind", f"127.0.0.1:{self.port}", "--union-default-graph"],
                                         stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:  # answers a query: listening and its database open
                if httpx.get(f"{self.base}/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        pytest.fail("the Oxigraph server is needed for the store suite and did not start:\n"
                    + (self.folder / "oxigraph.log").read_text("utf-8", "replace")[-2000:]
                    + "\n(install it with `make install`: the `oxigraph` package of the dev extra)", pytrace=False)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(30)
            self._process = None

    def restart(self, fresh_database: bool = False) -> None:
        self.stop()
        if fresh_database:
            shutil.rmtree(self.folder / "data", ignore_errors=True)
        self.start()


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A throwaway Oxigraph server for the session: loopback, a free port, a database in a
    temporary folder. Fails (never skips) when it cannot start: the store suite is part of `make test`."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
