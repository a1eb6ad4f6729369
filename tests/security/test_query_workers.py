"""Findings 13 and 12 (result memory): query workers are shared fairly and bounded in memory.

Ten runaway queries from one client held both workers: another client's ASK waited 30 s for
a 503, and a SPARQL Update stalled as long. Now one client holds at most its share, updates
have their own worker, and a query that builds a huge answer is stopped at its memory cap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore

from ..conftest import load_files
from ..live_server import running_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
HUGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
BP = "https://w3id.org/kgbp/id/service/restaurant-checkout/as-is"


def _serve(tmp_path_factory: pytest.TempPathFactory, **settings: object) -> Iterator[tuple[str, str, str]]:
    folder = tmp_path_factory.mktemp("workers") / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, examples())
    store.close()
    configured = Settings(store=str(folder), query_workers=2, query_workers_per_client=1, **settings)  # type: ignore[arg-type]
    hog, other = create_token(configured, "hog"), create_token(configured, "other")
    with running_server(configured) as base:
        yield base, hog, other


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    yield from _serve(tmp_path_factory, query_timeout=25.0)


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    yield from _serve(tmp_path_factory, query_timeout=120.0, query_memory_mb=300)


def _query(base: str, text: str, token: str | None = None) -> httpx.Response:
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/sparql-query"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{base}/sparql", content=text, headers=headers, timeout=120)


def test_one_client_cannot_hold_every_worker(server: tuple[str, str, str]) -> None:
    base, hog, other = server
    finished: list[float] = []
    statuses: list[int] = []

    def runaway() -> None:
        answer = _query(base, RUNAWAY, hog)
        finished.append(time.monotonic())
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=runaway) for _ in range(10)]
    for thread in threads:
        thread.start()
    time.sleep(3)  # let them reach the workers
    try:
        ask = _query(base, f"ASK {{ GRAPH <{BP}> {{ ?s ?p ?o }} }}")  # no token: another client, by address
        asked = time.monotonic()
        assert ask.status_code == 200 and ask.json()["boolean"] is True
        update = httpx.post(f"{base}/sparql", timeout=120, content=(
            f'INSERT DATA {{ GRAPH <{BP}> {{ <{BP}> <http://www.w3.org/2000/01/rdf-schema#comment> "fair"@en }} }}'),
            headers={"Authorization": f"Bearer {other}", "Content-Type": "application/sparql-update"})
        updated = time.monotonic()
        assert update.status_code == 200, update.text[:300]
        assert not finished or min(finished) > updated > asked  # both answered while the runaways still ran
    finally:
        for thread in threads:
            thread.join(120)
    assert set(statuses) <= {503}  # each runaway stopped (time limit) or refused its turn, never a 500


def test_a_query_building_a_huge_answer_is_stopped_at_its_memory_cap(capped: tuple[str, str, str]) -> None:
    base, _, other = capped
    answer = _query(base, HUGE, other)
    assert answer.status_code == 503, answer.text[:300]
    assert answer.json()["error"] == "query-too-large", answer.text[:300]
    assert _query(base, f"ASK {{ GRAPH <{BP}> {{ ?s ?p ?o }} }}", other).status_code == 200  # a fresh worker answers
