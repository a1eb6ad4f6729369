"""Security: every write needs a token (found by walking the app's routes), reads can need
one, tokens are kept hashed and can be rotated and revoked, CORS is off by default, no
traceback ever reaches a response, and the server binds to loopback unless told."""

from __future__ import annotations

import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from kgbp.auth import create_token, tokens_path
from kgbp.cli import app as cli_app
from kgbp.config import Settings
from kgbp.repository import save as repository
from kgbp.store.embedded import EmbeddedStore
from kgbp.web.app import create_app

from ..live_server import running_server

WRITE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}
# the writes this suite knows of: the walk below must find at least these
KNOWN_WRITES = {("POST", "/api/blueprints"), ("DELETE", "/api/blueprints/{service}/{version}"), ("POST", "/upload"),
                ("POST", "/api/blueprints/{service}/{version}/restore"), ("POST", "/sparql"),
                ("PUT", "/rdf-graphs/service"), ("POST", "/rdf-graphs/service"), ("DELETE", "/rdf-graphs/service"),
                ("POST", "/api/slides"), ("POST", "/api/admin/backup")}
# a request body that each write would otherwise act on (POST /sparql also answers queries: send an update)
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/sparql"): {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
    ("PUT", "/rdf-graphs/service"): {"content": b"<a:b> <a:c> <a:d> .", "headers": {"Content-Type": "text/turtle"}},
    ("POST", "/rdf-graphs/service"): {"content": b"<a:b> <a:c> <a:d> .", "headers": {"Content-Type": "text/turtle"}},
}
ARREARS_GRAPH = "https://w3id.org/kgbp/id/service/arrears-reconnect/as-is"


def routes_of(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route of the app, included routers too."""
    try:  # FastAPI 0.16x resolves included routers lazily; this walks them
        from fastapi.routing import iter_route_contexts

        routes: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:
        routes = list(app.routes)
    return sorted({(m, r.path) for r in routes for m in (getattr(r, "methods", None) or ())})


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "arrears-reconnect", path).replace("/arrears-reconnect/arrears-reconnect", "/arrears-reconnect/as-is")


@pytest.fixture(scope="module")
def folder(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("security") / "store"
    examples_store.backup(str(path))
    return path


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[tuple[str, str]]:
    settings = Settings(store=str(folder))
    token = create_token(settings, "admin")
    with running_server(settings) as base:
        yield base, token


def dump(base: str) -> bytes:
    return httpx.get(f"{base}/export/repository.nq", timeout=30).content


def test_every_write_route_refuses_without_a_token(server: tuple[str, str], folder: Path) -> None:
    base, _ = server
    writes = [(m, p) for m, p in routes_of(create_app(Settings(store=str(folder)))) if m in WRITE_METHODS]
    assert set(writes) >= KNOWN_WRITES, set(KNOWN_WRITES) - set(writes)
    before = dump(base)
    for method, path in writes:
        url = base + concrete(path)
        params = {"graph": ARREARS_GRAPH} if path == "/rdf-graphs/service" else {"activity": "abcd", "name": "x"}
        body = BODIES.get((method, path), {"files": {"file": ("arrears-reconnect.yaml", b"service: {id: x}\n")}})
        for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}):
            answer = httpx.request(method, url, params=params, timeout=30,
                                   **{**body, "headers": {**body.get("headers", {}), **headers}})
            assert answer.status_code in (401, 403), (method, path, headers, answer.status_code, answer.text[:300])
            if answer.headers["content-type"].startswith("application/json"):
                assert answer.json()["error"] == "unauthorized" and "token" in answer.json()["hint"]
    assert dump(base) == before


def test_reads_can_require_a_token(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(folder, path, ignore=shutil.ignore_patterns("tokens"))
    settings = Settings(store=str(path), read_token_required=True)
    token = create_token(settings, "reader")
    reads = ["/api/blueprints", "/", "/api/blueprints/arrears-reconnect/as-is", "/export/repository.nq",
             "/api/queries/fail_points_by_system?system=boss", "/sparql?query=ASK%7B%7D", "/rdf-graphs/service?default",
             "/api/history", "/blueprints/arrears-reconnect/as-is", "/id/service/arrears-reconnect/as-is"]
    with running_server(settings) as base:
        for read in reads:
            refused = httpx.get(base + read, timeout=30, headers={"Accept": "application/json"})
            assert refused.status_code == 401, (read, refused.status_code)
            assert refused.json()["error"] == "unauthorized"
            allowed = httpx.get(base + read, timeout=30, headers={"Authorization": f"Bearer {token}"})
            assert allowed.status_code in (200, 303), (read, allowed.status_code, allowed.text[:200])
        posted = httpx.post(f"{base}/sparql", data={"query": "ASK {}"}, timeout=30)
        assert posted.status_code == 401


def test_tokens_are_kept_hashed_and_can_be_rotated_and_revoked(tmp_path: Path, folder: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(folder, path, ignore=shutil.ignore_patterns("tokens"))
    runner = CliRunner()

    def cli(*args: str) -> Any:
        return runner.invoke(cli_app, [*args, "--store", str(path)])

    created = cli("token", "create", "alice")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert len(token) >= 40
    file = tokens_path(Settings(store=str(path)))
    assert token not in file.read_text() and stat.S_IMODE(file.stat().st_mode) == 0o600
    assert cli("token", "create", "alice").exit_code == 2  # one token per name: rotate instead
    assert cli("token", "create", "bad name:x").exit_code == 2
    assert cli("token", "create", "bob").exit_code == 0
    assert cli("token", "list").stdout.split() == ["alice", "write", "bob", "write"]
    with running_server(Settings(store=str(path))) as base:
        def can_write(secret: str) -> int:
            return httpx.delete(f"{base}/api/blueprints/no-such/as-is", headers={"Authorization": f"Bearer {secret}"},
                                timeout=30).status_code  # 404 once past the token check

        assert can_write(token) == 404
        rotated = cli("token", "rotate", "alice")
        assert rotated.exit_code == 0
        new = rotated.stdout.strip()
        assert new != token and can_write(token) == 401 and can_write(new) == 404
        assert cli("token", "revoke", "alice").exit_code == 0
        assert can_write(new) == 401
    assert cli("token", "list").stdout.split() == ["bob", "write"]
    assert cli("token", "revoke", "alice").exit_code == 2
    assert cli("token", "rotate", "alice").exit_code == 2


def test_cors_is_off_by_default_and_configurable(server: tuple[str, str], folder: Path, tmp_path: Path) -> None:
    base, _ = server
    origin = {"Origin": "https://elsewhere.example"}
    assert "access-control-allow-origin" not in httpx.get(f"{base}/api/blueprints", headers=origin, timeout=30).headers
    preflight = httpx.options(f"{base}/api/blueprints", timeout=30,
                              headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    path = tmp_path / "store"
    shutil.copytree(folder, path, ignore=shutil.ignore_patterns("tokens"))
    with running_server(Settings(store=str(path), cors_origins=("https://ui.example",))) as other:
        allowed = httpx.get(f"{other}/api/blueprints", headers={"Origin": "https://ui.example"}, timeout=30)
        assert allowed.headers["access-control-allow-origin"] == "https://ui.example"
        assert "access-control-allow-origin" not in httpx.get(f"{other}/api/blueprints", headers=origin, timeout=30).headers


def test_an_internal_error_answers_without_a_traceback(server: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    base, _ = server

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret-internal-detail in /srv/kgbp/app.py line 42")

    monkeypatch.setattr(repository, "list_blueprints", broken)
    for path in ("/api/blueprints", "/"):
        answer = httpx.get(base + path, timeout=30)
        assert answer.status_code == 500
        assert answer.json() == {"error": "internal", "message": "unexpected server error", "where": path,
                                 "hint": "try again; if it persists, report it with the server log",
                                 "problems": [{"message": "unexpected server error", "where": path,
                                               "hint": "try again; if it persists, report it with the server log"}]}
        assert "secret" not in answer.text and "Traceback" not in answer.text and "RuntimeError" not in answer.text
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert httpx.get(f"{base}/docs", timeout=30).status_code == 200  # the API docs, but no debug pages
    assert httpx.get(f"{base}/no/such/page", timeout=30).json()["error"] == "http"


def test_the_server_binds_to_loopback_unless_told(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    for name in ("KGBP_HOST", "KGBP_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().host == "127.0.0.1" and Settings.from_env().host == "127.0.0.1"
    bound: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **_: bound.append((host, port)))
    runner = CliRunner()
    assert runner.invoke(cli_app, ["serve", "--store", str(tmp_path / "s")]).exit_code == 0
    assert runner.invoke(cli_app, ["serve", "--store", str(tmp_path / "s"), "--host", "0.0.0.0"]).exit_code == 0
    assert bound == [("127.0.0.1", 8000), ("0.0.0.0", 8000)]
