"""Finding 6: a stored literal that is not the number its datatype says never breaks a read.

A draft skips the rules, so `sb:level "high"^^xsd:integer` gets in; a blueprint stored before
the datatype rules may hold `sb:position "one"^^xsd:integer`. Every page, listing and export
still answers 200, about the other blueprints and about these ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.ingest import read_bytes
from kgbp.model.namespaces import SB
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

from ..conftest import DATA, load_files
from ..live_server import running_server

BASE_TTL = (DATA / "shapes" / "base.ttl").read_text("utf-8")
XSD_PREFIX = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
SHAPE_TEST = URIRef("https://w3id.org/kgbp/id/service/shape-test/as-is")


def _variant(old: str, new: str) -> bytes:
    assert old in BASE_TTL
    return (XSD_PREFIX + BASE_TTL.replace(old, new, 1)).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("literals") / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, examples())
    # a conformant blueprint as stored before the datatype rules: its position is "one"
    bp = read_bytes(BASE_TTL.encode(), "base.ttl")[0]
    repository.save(store, [bp], validator=Validator())
    graph = store.graph(SHAPE_TEST)
    call = URIRef(f"{SHAPE_TEST}/step/call")
    graph.set((call, SB.position, Literal("one", datatype=XSD.integer)))
    store.replace_graphs({SHAPE_TEST: graph})
    store.close()
    settings = Settings(store=str(folder))
    token = create_token(settings, "tester")
    with running_server(settings) as base:
        yield base, token


def _upload(base: str, token: str, name: str, data: bytes, draft: bool) -> httpx.Response:
    return httpx.post(f"{base}/api/blueprints", params={"draft": str(draft).lower()}, files={"file": (name, data)},
                      headers={"Authorization": f"Bearer {token}"}, timeout=60)


def test_a_draft_with_an_ill_typed_level_breaks_no_page(server: tuple[str, str]) -> None:
    base, token = server
    draft = _variant("sb:level 1", "sb:level 1").replace(b"shape-test/as-is", b"shape-test/draft")
    draft = draft.replace(b"sb:level 1", b'sb:level "high"^^xsd:integer')
    stored = _upload(base, token, "draft.ttl", draft, draft=True)
    assert stored.status_code == 201, stored.text
    assert stored.json()["stored"][0]["draft"] is True
    for path in ("/api/blueprints", "/", "/validation", "/api/validation", "/export/archimate.xml",
                 "/export/archi-csv.zip", "/blueprints/shape-test/draft", "/api/blueprints/shape-test/draft",
                 "/blueprints/shape-test/draft/diagram.svg", "/blueprints/shape-test/draft/slide.pptx",
                 "/api/blueprints/shape-test/draft/export.xlsx", "/blueprints/mobile-tv-subscription/as-is"):
        answer = httpx.get(base + path, timeout=60)
        assert answer.status_code == 200, (path, answer.text[:300])
    listed = {b["id"]: b for b in httpx.get(base + "/api/blueprints", timeout=60).json()}
    assert listed["shape-test/draft"]["level"] == 1  # shown with the default, not a crash
    assert "mobile-tv-subscription/as-is" in listed


def test_a_stored_blueprint_with_an_ill_typed_position_breaks_no_page(server: tuple[str, str]) -> None:
    base, _ = server
    for path in ("/api/blueprints", "/", "/validation", "/export/archimate.xml", "/blueprints/shape-test/as-is",
                 "/api/blueprints/shape-test/as-is", "/blueprints/shape-test/as-is/diagram.svg",
                 "/blueprints/shape-test/as-is/slide.pptx", "/api/blueprints/shape-test/as-is/export.xlsx",
                 "/api/blueprints/shape-test/as-is/validation"):
        answer = httpx.get(base + path, timeout=60)
        assert answer.status_code == 200, (path, answer.text[:300])
    report = httpx.get(base + "/api/blueprints/shape-test/as-is/validation", timeout=60).json()
    assert "PositionWholeNumber" in str(report)  # the validation page says what is wrong


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("sb:inLane sb:CustomerLane ;", 'sb:inLane sb:CustomerLane ; sb:position "one"^^xsd:integer ;', "PositionWholeNumber"),
    ("sb:level 1", 'sb:level "high"^^xsd:integer', "BlueprintIdentity"),
    ("sb:targetShare 0.9", 'sb:targetShare "NaN"^^xsd:decimal', "StandardShare"),
    ("sb:targetShare 0.9", 'sb:targetShare "most"', "StandardShare"),
    ("schema:maxValue 20", 'schema:maxValue "twenty"', "StandardThreshold"),
])
def test_a_conformant_blueprint_cannot_hold_an_ill_typed_number(server: tuple[str, str], old: str, new: str,
                                                                 rule: str) -> None:
    base, token = server
    refused = _upload(base, token, "bad.ttl", _variant(old, new), draft=False)
    assert refused.status_code == 422, refused.text
    assert rule in {r["rule"] for r in refused.json()["report"]["results"]}


def test_readers_take_every_stored_literal(tmp_path: Path) -> None:
    from kgbp.model.literals import as_int, as_number

    assert as_int(Literal("high", datatype=XSD.integer), 1) == 1
    assert as_int(Literal("2.5", datatype=XSD.decimal), 1) == 1
    assert as_int(Literal("NaN", datatype=XSD.decimal), 7) == 7
    assert as_int(Literal("3", datatype=XSD.decimal), 1) == 3
    assert as_int(Literal("true", datatype=XSD.boolean), 1) == 1
    assert as_number(Literal("INF", datatype=XSD.double)) is None
    assert as_number(Literal("0.90", datatype=XSD.decimal)) == 0.9
    assert as_int(Graph().value(SHAPE_TEST, SB.level), 4) == 4


def test_query_results_show_an_ill_typed_number_as_text() -> None:
    from kgbp.query.output import json_value

    assert json_value(Literal("high", datatype=XSD.integer)) == "high"
    assert json_value(Literal("NaN", datatype=XSD.decimal)) == "NaN"
    assert json_value(Literal("3", datatype=XSD.integer)) == 3
    assert json_value(Literal("0.90", datatype=XSD.decimal)) == 0.9
