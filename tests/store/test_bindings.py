"""A parameter bound to several terms (store/sparql_text.bind): the store gives the query a
VALUES of them, so one fixed text asks about many nodes; the terms are serialised, never pasted."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kgbp.store.embedded import EmbeddedStore
from kgbp.store.sparql_text import bind

EX = "https://example.org/"
G = URIRef(EX + "g")
LABELS = "SELECT ?n ?l WHERE { GRAPH ?g { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l } }"


def _store() -> EmbeddedStore:
    graph = Graph()
    for name in ("a", "b", "c"):
        graph.add((URIRef(EX + name), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(name.upper())))
    store = EmbeddedStore()
    store.replace_graphs({G: graph})
    return store


def test_several_terms_answer_what_each_term_answers() -> None:
    store = _store()
    nodes = [URIRef(EX + "a"), URIRef(EX + "c"), URIRef(EX + "missing")]
    together = set(store.select(LABELS, {"n": nodes}).rows)
    one_by_one = {row for n in nodes for row in store.select(LABELS, {"n": n}).rows}
    assert together == one_by_one == {(URIRef(EX + "a"), Literal("A")), (URIRef(EX + "c"), Literal("C"))}


def test_several_terms_join_with_one_term_and_none_answers_nothing() -> None:
    store = _store()
    assert len(store.select(LABELS, {"n": [URIRef(EX + "a"), URIRef(EX + "b")], "g": G})) == 2
    assert len(store.select(LABELS, {"n": [URIRef(EX + "a")], "g": URIRef(EX + "other")})) == 0
    assert len(store.select(LABELS, {"n": []})) == 0


def test_literals_in_a_list_are_terms_not_text() -> None:
    store = _store()
    sneaky = Literal('A" } ?n ?p ?l { "')
    rows = store.select("SELECT ?n WHERE { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
                        {"l": [Literal("B"), sneaky]}).rows
    assert rows == [(URIRef(EX + "b"),)]


def test_a_list_gets_its_own_values_and_is_never_substituted() -> None:
    text = bind("SELECT ?n WHERE { ?n ?p ?g }", {"n": [URIRef(EX + "a"), URIRef(EX + "b")], "g": G}, substitute=True)
    assert f"VALUES ?n {{ <{EX}a> <{EX}b> }}" in text
    assert f"?n ?p <{G}>" in text  # the one-term parameter is substituted, the list is not
