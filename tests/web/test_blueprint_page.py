"""The blueprint page keeps its parts (view, report, diagram) between views: what it shows is
exactly what it shows when it reads everything again, before and after writes that change
the blueprint, a shared entity it names, or anything (a SPARQL Update)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi import FastAPI

from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.model import iris
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import Changes, EmbeddedStore
from kgbp.web.blueprint_page import PageCache

from ..conftest import load_files
from ..live_server import running_app

PAGES = ["restaurant-checkout/as-is", "arrears-reconnect/as-is", "mobile-tv-subscription/as-is",
         "mobile-tv-subscription/to-be"]
EXAMPLES = {p.name: p for p in examples()}


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[httpx.Client, FastAPI, str]]:
    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, examples())
    store.close()
    settings = Settings(store=str(folder))
    token = create_token(settings, "tester")
    with running_app(settings) as (base, app), httpx.Client(base_url=base, timeout=60) as client:
        yield client, app, token


def _page(client: httpx.Client, path: str, lang: str) -> str:
    answer = client.get(f"/blueprints/{path}", params={"lang": lang})
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def _read_again(client: httpx.Client, app: FastAPI, path: str, lang: str) -> str:
    """The page with nothing kept: every part read from the store."""
    kept = app.state.page_cache
    app.state.page_cache = PageCache(size=0)
    try:
        return _page(client, path, lang)
    finally:
        app.state.page_cache = kept


def _same_as_read_again(client: httpx.Client, app: FastAPI, path: str, lang: str = "en") -> str:
    first, again = _page(client, path, lang), _page(client, path, lang)  # built, then kept
    fresh = _read_again(client, app, path, lang)
    assert first == again == fresh
    return again


def _upload(client: httpx.Client, token: str, name: str, doc: dict[str, object]) -> None:
    data = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")
    answer = client.post("/api/blueprints", files={"file": (name, data)}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text[:1000]


def test_kept_pages_are_the_pages_read_again(served: tuple[httpx.Client, FastAPI, str]) -> None:
    client, app, _ = served
    for path in PAGES:
        for lang in ("en", "zh"):
            page = _same_as_read_again(client, app, path, lang)
            assert "<svg" in page and 'id="steps"' in page
    assert _page(client, "restaurant-checkout/as-is?highlight_system=orders-checkout", "en") == \
        _read_again(client, app, "restaurant-checkout/as-is?highlight_system=orders-checkout", "en")


def test_a_saved_blueprint_shows_at_once(served: tuple[httpx.Client, FastAPI, str]) -> None:
    client, app, token = served
    before = _same_as_read_again(client, app, "restaurant-checkout/as-is")
    assert "Restaurant — leaving after the meal" in before
    doc = yaml.safe_load(EXAMPLES["restaurant-checkout.yaml"].read_text("utf-8"))
    doc["title"] = {"en": "Restaurant — the way out", "zh": "餐厅离店"}
    _upload(client, token, "restaurant-checkout.yaml", doc)
    after = _same_as_read_again(client, app, "restaurant-checkout/as-is")
    assert "Restaurant — the way out" in after and "leaving after the meal" not in after
    svg = client.get("/blueprints/restaurant-checkout/as-is/diagram.svg").text
    assert "Restaurant — the way out" in svg or "the way out" in svg


def test_a_shared_entity_changed_by_another_blueprint_shows(served: tuple[httpx.Client, FastAPI, str]) -> None:
    client, app, token = served
    page = "restaurant-checkout/as-is"
    _same_as_read_again(client, app, page)
    _same_as_read_again(client, app, "arrears-reconnect/as-is")
    generation = app.state.store.generation
    doc = yaml.safe_load(EXAMPLES["restaurant-checkout.yaml"].read_text("utf-8"))
    doc["service"] = {"id": "bistro-checkout", "label": {"en": "Bistro checkout", "zh": "小馆结账"}}
    doc["departments"] = [{**d, "label": {"en": "Front of house and bar", "zh": "前厅与吧台部"}}
                          if d["id"] == "front-of-house" else d for d in doc["departments"]]
    doc["systems"] = [*doc["systems"], {"id": "espresso-till", "label": {"en": "Espresso till", "zh": "咖啡收银机"}}]
    _upload(client, token, "bistro-checkout.yaml", doc)
    assert app.state.store.generation > generation
    after = _same_as_read_again(client, app, page)  # the department's labels as read again, whichever they are
    arrears = iris.blueprint_iri("arrears-reconnect", "as-is")
    kept_at, (_, reads) = app.state.page_cache._kept[("parts", arrears, "en")]
    assert app.state.store.changes.last(reads) <= kept_at  # names nothing that changed: still kept
    unrelated = _page(client, "arrears-reconnect/as-is", "en")
    assert unrelated == _read_again(client, app, "arrears-reconnect/as-is", "en") and "Espresso till" in unrelated
    assert re.search(r"Front of house", after)
    assert "Espresso till" in after  # a new system: offered for the impact view on every page


def test_a_sparql_update_shows(served: tuple[httpx.Client, FastAPI, str]) -> None:
    client, app, token = served
    page = "arrears-reconnect/as-is"
    _same_as_read_again(client, app, page)
    bp = iris.blueprint_iri("arrears-reconnect", "as-is")
    update = (f"PREFIX dcterms: <http://purl.org/dc/terms/> DELETE {{ GRAPH <{bp}> {{ <{bp}> dcterms:title ?t }} }} "
              f"INSERT {{ GRAPH <{bp}> {{ <{bp}> dcterms:title \"Arrears, renamed\"@en }} }} "
              f"WHERE {{ GRAPH <{bp}> {{ <{bp}> dcterms:title ?t }} }}")
    answer = client.post("/sparql", data={"update": update}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code in (200, 204), answer.text[:1000]
    assert "Arrears, renamed" in _same_as_read_again(client, app, page)


def test_changes_say_what_each_write_touched(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    try:
        repository.init(store)
        load_files(store, examples())
        bp = iris.blueprint_iri("restaurant-checkout", "as-is")
        front = next(o for o in store.graph(bp).objects() if str(o).endswith("/front-of-house"))
        seen = store.generation
        assert store.changes.last([bp, front]) <= seen
        load_files(store, [EXAMPLES["arrears-reconnect.yaml"]])  # another blueprint, saved again
        assert store.changes.last([bp, front]) <= seen
        load_files(store, [EXAMPLES["restaurant-checkout.yaml"]])  # the same graph again: replaced
        assert store.changes.last([bp]) > seen
        assert store.changes.last([front]) <= seen  # its statements did not grow
        seen = store.generation
        store.update("INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }")
        assert store.changes.last([front]) > seen  # an update may have touched anything
    finally:
        store.close()


def test_changes_forget_past_their_limit() -> None:
    changes = Changes()
    changes.LIMIT = 2
    changes.wrote(1, [], ["a", "b", "c"])  # type: ignore[list-item]
    assert changes.last(["zzz"]) == 0  # type: ignore[list-item]
    changes.wrote(2, [], ["d"])  # type: ignore[list-item]
    assert changes.last(["zzz"]) == 2  # type: ignore[list-item]
