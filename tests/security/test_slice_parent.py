"""Finding 7: removing a slice's parent is validated like a save.

arrears-reconnect/as-is refines the step pay-top-up of customer-lifecycle/as-is. Removing the
parent (REST DELETE, Graph Store DELETE, SPARQL DROP GRAPH), or saving it without that step,
is refused with 409 naming the slice, and nothing changes; removing both together is allowed.
"""

from __future__ import annotations

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

PARENT = "https://w3id.org/kgbp/id/service/customer-lifecycle/as-is"
SLICE = "https://w3id.org/kgbp/id/service/arrears-reconnect/as-is"


@pytest.fixture()
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("slices") / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, examples())
    store.close()
    settings = Settings(store=str(folder))
    token = create_token(settings, "tester")
    with running_server(settings) as base:
        yield base, {"Authorization": f"Bearer {token}"}


def _ids(base: str) -> set[str]:
    return {b["id"] for b in httpx.get(base + "/api/blueprints", timeout=60).json()}


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 409, answer.text[:500]
    body = answer.json()
    assert body["error"] == "conflict"
    assert "arrears-reconnect/as-is" in body["message"]
    assert "pay-top-up" in body["where"]


def test_every_way_of_removing_the_parent_is_refused(server: tuple[str, dict[str, str]]) -> None:
    base, auth = server
    before = _ids(base)
    _refused(httpx.delete(f"{base}/api/blueprints/customer-lifecycle/as-is", headers=auth, timeout=60))
    _refused(httpx.delete(f"{base}/rdf-graphs/service", params={"graph": PARENT}, headers=auth, timeout=60))
    _refused(httpx.post(f"{base}/sparql", content=f"DROP GRAPH <{PARENT}>", timeout=60,
                        headers={**auth, "Content-Type": "application/sparql-update"}))
    assert _ids(base) == before


def test_saving_the_parent_without_the_refined_step_is_refused(server: tuple[str, dict[str, str]]) -> None:
    base, auth = server
    update = f"""PREFIX sb: <https://w3id.org/kgbp/ontology#>
        DELETE {{ GRAPH <{PARENT}> {{ <{PARENT}/step/pay-top-up> ?p ?o . ?s ?q <{PARENT}/step/pay-top-up> }} }}
        WHERE {{ GRAPH <{PARENT}> {{ {{ <{PARENT}/step/pay-top-up> ?p ?o }} UNION {{ ?s ?q <{PARENT}/step/pay-top-up> }} }} }}"""
    answer = httpx.post(f"{base}/sparql", content=update, timeout=60,
                        headers={**auth, "Content-Type": "application/sparql-update"})
    _refused(answer)


def test_parent_and_slice_removed_together_is_allowed(server: tuple[str, dict[str, str]]) -> None:
    base, auth = server
    answer = httpx.post(f"{base}/sparql", content=f"DROP GRAPH <{PARENT}> ; DROP GRAPH <{SLICE}>", timeout=60,
                        headers={**auth, "Content-Type": "application/sparql-update"})
    assert answer.status_code == 200, answer.text[:500]
    assert not {"customer-lifecycle/as-is", "arrears-reconnect/as-is"} & _ids(base)


def test_the_slice_first_then_the_parent_is_allowed(server: tuple[str, dict[str, str]]) -> None:
    base, auth = server
    assert httpx.delete(f"{base}/api/blueprints/arrears-reconnect/as-is", headers=auth, timeout=60).status_code == 200
    assert httpx.delete(f"{base}/api/blueprints/customer-lifecycle/as-is", headers=auth, timeout=60).status_code == 200
