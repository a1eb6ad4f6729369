"""RDF exports: the whole repository (TriG, N-Quads) with dump/restore, JSON-LD with kgbp's context."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SKOS
from typer.testing import CliRunner

from kgbp.cli import app
from kgbp.errors import BadInput, NotConformant
from kgbp.export.jsonld_context import CONTEXT_IRI, context, inline_contexts
from kgbp.export.rdf import blueprint_dataset, export_blueprint
from kgbp.ingest import SharedIndex, read_bytes
from kgbp.model import iris
from kgbp.model.namespaces import HISTORY_GRAPH, ONTOLOGY_GRAPH, REPOSITORY_GRAPH, SB
from kgbp.model.vocabulary import ontology_graph
from kgbp.repository import save as repository
from kgbp.repository.dump import dump, restore
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

runner = CliRunner()
ARREARS = iris.blueprint_iri("arrears-reconnect", "as-is")
MTV = iris.blueprint_iri("mobile-tv-subscription", "as-is")


def assert_same_dataset(a: EmbeddedStore, b: EmbeddedStore) -> None:
    names = set(a.graph_names())
    assert names == set(b.graph_names())
    for name in names:
        assert isomorphic(a.graph(name), b.graph(name)), name


# -- dump and restore -----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_dump_then_restore_gives_the_same_dataset_graph_by_graph(examples_store: EmbeddedStore,
                                                                 empty_store: EmbeddedStore, fmt: str) -> None:
    data = dump(examples_store, fmt)
    done = restore(empty_store, data, f"repo.{fmt}", fmt, Validator())
    assert (done.blueprints, done.graphs, done.dropped) == (5, 7, [])
    assert_same_dataset(examples_store, empty_store)
    assert len(empty_store.graph(HISTORY_GRAPH)) > 0


def test_a_dump_holds_every_graph_but_the_ontology(examples_store: EmbeddedStore) -> None:
    ds = Dataset()
    ds.parse(data=dump(examples_store, "trig").decode(), format="trig")
    names = {g.identifier for g in ds.graphs() if len(g)}
    expected = {b.iri for b in repository.list_blueprints(examples_store)} | {REPOSITORY_GRAPH, HISTORY_GRAPH}
    assert names == expected


def test_restore_replaces_everything_and_drops_graphs_not_in_the_dump(examples_store: EmbeddedStore,
                                                                      empty_store: EmbeddedStore) -> None:
    stray = iris.blueprint_iri("stray", "as-is")
    empty_store.replace_graphs({stray: _stray(stray), URIRef("https://example.org/notes"): _stray(stray)})
    done = restore(empty_store, dump(examples_store, "nq"), "repo.nq", "nq", Validator())
    assert done.dropped == [URIRef("https://example.org/notes"), stray]
    assert_same_dataset(examples_store, empty_store)


def _stray(name: URIRef) -> Graph:
    g = Graph()
    g.add((name, RDF.type, SB.Blueprint))
    return g


def _without_department(data: bytes, step: URIRef) -> Dataset:
    ds = Dataset()
    ds.parse(data=data.decode(), format="trig")
    ds.graph(MTV).remove((step, SB.responsibleDepartment, None))
    return ds


def test_a_dump_breaking_the_rules_restores_nothing(examples_store: EmbeddedStore, empty_store: EmbeddedStore) -> None:
    step = iris.local_iri("mobile-tv-subscription", "as-is", "step", "send-confirmation-sms")
    broken = _without_department(dump(examples_store, "trig"), step).serialize(format="trig", encoding="utf-8")
    before = {n: empty_store.graph(n) for n in empty_store.graph_names()}
    with pytest.raises(NotConformant) as caught:
        restore(empty_store, broken, "broken.trig", "trig", Validator())
    assert caught.value.message == "1 rule violation(s) in the dump: nothing was restored"
    assert [(r.focus, r.rule) for r in caught.value.report.violations()] == [(step, "FailPointDepartment")]
    assert set(empty_store.graph_names()) == set(before)
    assert all(isomorphic(empty_store.graph(n), g) for n, g in before.items())


def test_a_draft_in_a_dump_is_restored_as_it_is(examples_store: EmbeddedStore, empty_store: EmbeddedStore) -> None:
    step = iris.local_iri("mobile-tv-subscription", "as-is", "step", "send-confirmation-sms")
    ds = _without_department(dump(examples_store, "trig"), step)
    ds.graph(MTV).set((MTV, SB.versionStatus, SB.Draft))
    done = restore(empty_store, ds.serialize(format="trig", encoding="utf-8"), "draft.trig", "trig", Validator())
    assert done.blueprints == 5
    assert (step, SB.responsibleDepartment, None) not in empty_store.graph(MTV)


@pytest.mark.parametrize(("text", "message"), [
    ("<http://a> <http://b> <http://c> .\n", "1 triple(s) outside any named graph"),
    ("<http://a> <http://b> .\n", "nq syntax error"),
    ("", "the dump holds no graphs"),
])
def test_bad_dumps_are_refused(empty_store: EmbeddedStore, text: str, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        restore(empty_store, text.encode(), "x.nq", "nq", Validator())
    assert caught.value.message.startswith(message)
    assert caught.value.where == "x.nq"


def test_cli_dump_and_restore(examples_store: EmbeddedStore, tmp_path: Path) -> None:
    dump_file = tmp_path / "repo.trig"
    dump_file.write_bytes(dump(examples_store, "trig"))
    store = tmp_path / "store"
    result = runner.invoke(app, ["restore", str(dump_file), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "restored 5 blueprint(s) in 7 graph(s)" in result.output
    again = tmp_path / "again.nq"
    result = runner.invoke(app, ["dump", "-o", str(again), "--store", str(store)])
    assert result.exit_code == 0, result.output
    ds = Dataset()
    ds.parse(again, format="nquads")
    assert len({g.identifier for g in ds.graphs() if len(g)}) == 7
    result = runner.invoke(app, ["restore", str(tmp_path), "--store", str(store)])
    assert result.exit_code == 2
    assert f"{tmp_path} is a folder: restore a store backup with `kgbp restore-backup`" in result.output


# -- one blueprint: Turtle, RDF/XML, N-Triples, JSON-LD ------------------------------------------

@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("rdf", "xml"), ("nt", "nt")])
def test_blueprint_exports_parse_to_the_stored_triples(examples_store: EmbeddedStore, fmt: str, rdflib_format: str) -> None:
    graph, shared = blueprint_dataset(examples_store, ARREARS)
    exported = Graph().parse(data=export_blueprint(examples_store, ARREARS, fmt), format=rdflib_format)
    assert isomorphic(exported, graph + shared)


def test_jsonld_uses_readable_keys_and_names_the_context(examples_store: EmbeddedStore) -> None:
    doc = json.loads(export_blueprint(examples_store, MTV, "jsonld"))
    assert doc["@context"] == CONTEXT_IRI
    nodes = {n["id"]: n for n in doc["@graph"]}
    step = nodes[str(iris.local_iri("mobile-tv-subscription", "as-is", "step", "data-sync-between-systems"))]
    assert step["lane"] == "BackstageLane"
    assert step["label"] == {"en": "Data sync between service systems", "zh": "业务系统间数据同步"}
    assert step["department"] == str(iris.department_iri("data"))
    assert sorted(step["systems"]) == sorted(str(iris.system_iri(s)) for s in ("home-boss", "mbbms-platform",
                                                                               "partner-service-system"))
    assert step["supports"] == [str(iris.local_iri("mobile-tv-subscription", "as-is", "step", "service-activation-failed"))]
    assert step["marker"] == ["FailMarker"]
    assert step["failureMode"]["en"].startswith("Subscription data out of step")
    assert step["position"] == 3
    assert set(step["type"]) == {"Step", "BackstageStep", "SystemStep", "FailPoint"}


def test_jsonld_round_trips_through_the_reader_without_network(examples_store: EmbeddedStore) -> None:
    data = export_blueprint(examples_store, MTV, "jsonld")
    [bp] = read_bytes(data, "mtv.jsonld", SharedIndex())
    assert bp.iri == MTV
    assert isomorphic(bp.graph, examples_store.graph(MTV))


def test_a_remote_context_is_never_fetched() -> None:
    doc = json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://a", "http://b": "c"})
    with pytest.raises(BadInput) as caught:
        read_bytes(doc.encode(), "evil.jsonld")
    assert caught.value.message.startswith("the JSON-LD context 'http://127.0.0.1:9/context.jsonld' is not fetched")
    assert json.loads(inline_contexts(json.dumps({"@context": [CONTEXT_IRI, {"x": "http://x/"}]}), "a"))["@context"][0] \
        == context()


def test_the_context_names_every_term_of_the_ontology() -> None:
    ctx = context()
    expanded = {v if isinstance(v, str) else v["@id"] for k, v in ctx.items() if not k.startswith("@")}
    expanded = {f"{SB}{v[3:]}" if v.startswith("sb:") else v for v in expanded}
    graph = ontology_graph()
    terms = {s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme)
             for s in graph.subjects(RDF.type, t) if str(s).startswith(str(SB))}
    assert len(terms) > 100
    assert {str(t) for t in terms} - expanded == set()
    for key in ("label", "lane", "supports", "department", "systems", "failureMode"):
        assert key in ctx


# -- over HTTP ------------------------------------------------------------------------------------

def test_repository_exports_and_context_over_http(examples_server: tuple[str, str]) -> None:
    base, _ = examples_server
    trig = httpx.get(f"{base}/export/repository.trig")
    assert trig.status_code == 200
    assert trig.headers["content-type"].startswith("application/trig")
    ds = Dataset()
    ds.parse(data=trig.text, format="trig")
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert {ARREARS, MTV, REPOSITORY_GRAPH, HISTORY_GRAPH} <= names and ONTOLOGY_GRAPH not in names
    nq = httpx.get(f"{base}/export/repository.nq")
    assert nq.status_code == 200 and nq.headers["content-type"].startswith("application/n-quads")
    ctx = httpx.get(f"{base}/context.jsonld")
    assert ctx.status_code == 200
    assert ctx.headers["content-type"] == "application/ld+json"
    assert ctx.headers["access-control-allow-origin"] == "*"
    assert ctx.json()["@context"] == context()
    label = Literal("Data sync between service systems", lang="en")
    data = httpx.get(f"{base}/api/blueprints/mobile-tv-subscription/as-is/export", params={"format": "jsonld"}).content
    graph = Graph().parse(data=inline_contexts(data.decode(), "x"), format="json-ld")
    assert (iris.local_iri("mobile-tv-subscription", "as-is", "step", "data-sync-between-systems"), None, label) in graph
