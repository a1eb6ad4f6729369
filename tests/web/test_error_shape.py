"""The one JSON error shape, pinned against a real server for every status kgbp answers with.

Every error answer is `{"error", "message", "where", "hint", "problems": [{"message", "where",
"hint"}]}` (kgbp.errors.error_body), whichever layer refused the request: a KgbpError raised
by a route, FastAPI's parameter check, Starlette's routing, the body-size middleware, the
Graph Store's read-only default graph, or an unexpected fault. A 412 adds `etag` and
`last_change`, a 422 adds the validation `report`; nothing else varies.

The 500 is a real fault: the store handed to the routes is closed under the running app
(`dependency_overrides`, the app's own way to swap a dependency). The 503 is a real runaway
query stopped at the server's query time limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.errors import KgbpError, NotFound, Problem, error_body
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore
from kgbp.web.deps import app_store

from ..conftest import DATA
from ..live_server import running_app

LIMIT = 100_000  # max_upload_bytes of this suite's server
QUERY_LIMIT = 1.0  # its query time limit, seconds (only the runaway query meets it)
SHAPE = {"error", "message", "where", "hint", "problems"}
EXTRA = {412: {"etag", "last_change"}, 422: {"report"}}
ARREARS = next(p for p in examples() if p.name == "arrears-reconnect.yaml")
REJECTED = DATA / "shapes" / "two-violations.yaml"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x:none>)* ?b . ?c ?d ?e }"


@pytest.fixture(scope="module")
def server(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, FastAPI]]:
    folder = tmp_path_factory.mktemp("error-shape") / "store"
    examples_store.backup(str(folder))
    settings = Settings(store=str(folder), max_upload_bytes=LIMIT, query_timeout=QUERY_LIMIT)
    token = create_token(settings, "tester")
    with running_app(settings) as (base, app):
        yield base, token, app


def assert_error_shape(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert "Traceback" not in answer.text
    body: dict[str, Any] = answer.json()
    assert set(body) == SHAPE | EXTRA.get(status, set()), sorted(body)
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["where"], str) and isinstance(body["hint"], str)
    assert body["problems"], "an error is at least its own one problem"
    for problem in body["problems"]:
        assert set(problem) == {"message", "where", "hint"}
        assert all(isinstance(value, str) for value in problem.values())
    return body


def _auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def _upload(base: str, name: str, data: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{base}/api/blueprints", files={"file": (name, data)}, headers=headers, timeout=60)


# (status, error kind, the request): each a real request an API client can send
Request = Callable[[str, str], httpx.Response]
REQUESTS: list[tuple[int, str, Request]] = [
    # a KgbpError raised by a route
    (400, "bad-input", lambda base, _: httpx.get(f"{base}/api/queries/fail_points_by_system",
                                                 params={"system": "boss", "colour": "red"}, timeout=30)),
    # FastAPI's own parameter check (a required query parameter missing)
    (400, "bad-input", lambda base, _: httpx.get(f"{base}/api/diff", timeout=30)),
    (401, "unauthorized", lambda base, _: _upload(base, ARREARS.name, ARREARS.read_bytes(), {})),
    (403, "forbidden", lambda base, _: httpx.get(f"{base}/sparql", timeout=30, params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"})),
    (404, "not-found", lambda base, _: httpx.get(f"{base}/api/blueprints/no-such-service/as-is", timeout=30)),
    # Starlette's routing: no such path, a method the route does not take
    (404, "http", lambda base, _: httpx.get(f"{base}/api/no/such/route", timeout=30)),
    (405, "http", lambda base, _: httpx.put(f"{base}/sparql", content=b"x", timeout=30)),
    # the Graph Store's default graph is read-only (answered by the route itself)
    (405, "method-not-allowed", lambda base, token: httpx.put(
        f"{base}/rdf-graphs/service?default", content=b"", timeout=30,
        headers=_auth(token, **{"Content-Type": "text/turtle"}))),
    (406, "not-acceptable", lambda base, _: httpx.get(f"{base}/sparql", params={"query": "ASK {}"},
                                                      headers={"Accept": "image/png"}, timeout=30)),
    (412, "precondition-failed", lambda base, token: _upload(base, ARREARS.name, ARREARS.read_bytes(),
                                                             _auth(token, **{"If-None-Match": "*"}))),
    # the body-size middleware, before any route reads the body
    (413, "too-large", lambda base, token: _upload(base, "big.yaml", b"#" * (LIMIT + 1), _auth(token))),
    (415, "unsupported-media-type", lambda base, _: httpx.post(f"{base}/sparql", content=b"ASK {}", timeout=30,
                                                               headers={"Content-Type": "text/plain"})),
    (422, "not-conformant", lambda base, token: _upload(base, REJECTED.name, REJECTED.read_bytes(), _auth(token))),
]


@pytest.mark.parametrize(("status", "kind", "send"), REQUESTS,
                         ids=[f"{status}-{kind}" for status, kind, _ in REQUESTS])
def test_every_refusal_has_the_one_shape(server: tuple[str, str, FastAPI], status: int, kind: str, send: Request) -> None:
    base, token, _ = server
    body = assert_error_shape(send(base, token), status)
    assert body["error"] == kind


def test_an_unexpected_fault_is_a_500_in_the_one_shape(server: tuple[str, str, FastAPI], tmp_path: Path) -> None:
    base, _, app = server
    closed = EmbeddedStore(tmp_path / "closed")
    closed.close()
    app.dependency_overrides[app_store] = lambda: closed
    try:
        answer = httpx.get(f"{base}/api/blueprints", timeout=30)
    finally:
        app.dependency_overrides.pop(app_store)
    body = assert_error_shape(answer, 500)
    assert body["error"] == "internal" and body["where"] == "/api/blueprints" and body["hint"]
    assert httpx.get(f"{base}/api/blueprints", timeout=30).status_code == 200  # the served store is untouched


def test_a_runaway_query_is_a_503_in_the_one_shape(server: tuple[str, str, FastAPI]) -> None:
    base = server[0]
    body = assert_error_shape(httpx.get(f"{base}/sparql", params={"query": RUNAWAY}, timeout=120), 503)
    assert body["error"] == "query-timeout" and body["hint"]


def test_the_shape_has_one_builder() -> None:
    # KgbpError.as_dict, the web handlers and the middleware all go through error_body
    error = NotFound("no blueprint x/y", where="x/y", hint="list them: GET /api/blueprints")
    assert error.as_dict() == error_body("not-found", "no blueprint x/y", "x/y", "list them: GET /api/blueprints")
    several = KgbpError("two problems", problems=[Problem("a", "f:1"), Problem("b", "f:2", "fix b")])
    assert several.as_dict()["problems"] == [{"message": "a", "where": "f:1", "hint": ""},
                                             {"message": "b", "where": "f:2", "hint": "fix b"}]

