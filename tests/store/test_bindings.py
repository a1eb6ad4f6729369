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


# -- a sub-SELECT gets the parameters it projects (its count is then of what was asked) -----

COUNTS = ("SELECT ?n ?count WHERE { { SELECT ?n (COUNT(?l) AS ?count) WHERE { "
          "GRAPH ?g { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l } } GROUP BY ?n } }")


def test_a_sub_select_grouped_by_the_parameter_is_bound_inside_and_answers_the_same() -> None:
    store = _store()
    text = bind(COUNTS, {"n": URIRef(EX + "a")})
    assert text.count(f"<{EX}a>") == 2  # the query's VALUES and the sub-SELECT's own
    assert store.select(COUNTS, {"n": URIRef(EX + "a")}).rows == [(URIRef(EX + "a"), Literal(1))]
    both = store.select(COUNTS, {"n": [URIRef(EX + "a"), URIRef(EX + "b")]}).rows
    assert sorted(both) == [(URIRef(EX + "a"), Literal(1)), (URIRef(EX + "b"), Literal(1))]


def test_a_sub_select_is_bound_inside_only_where_that_cannot_change_its_rows() -> None:
    a = {"n": URIRef(EX + "a")}
    kept_apart = [
        "SELECT * { { SELECT ?n WHERE { ?n ?p ?o } LIMIT 1 } }",  # LIMIT would pick among other rows
        "SELECT * { { SELECT ?n WHERE { ?n ?p ?o } ORDER BY ?o OFFSET 2 } }",
        "SELECT * { { SELECT (?o AS ?n) WHERE { ?n ?p ?o } } }",  # ?n inside is another variable
        "SELECT * { { SELECT * WHERE { ?n ?p ?o } } }",
        "SELECT * { { SELECT ?o (SAMPLE(?n) AS ?m) WHERE { ?n ?p ?o } GROUP BY ?o } }",  # ?n not projected
        "SELECT * { { SELECT ?n (COUNT(*) AS ?c) WHERE { ?n ?p ?o } GROUP BY (STR(?n) AS ?k) ?o } }",  # not a key
    ]
    for text in kept_apart:
        assert bind(text, a).count(f"<{EX}a>") == 1, text
    nested = bind("SELECT * { OPTIONAL { SELECT DISTINCT ?n ?o WHERE { { SELECT ?n WHERE { ?n ?p ?q } } ?n ?r ?o } } }", a)
    assert nested.count(f"<{EX}a>") == 3
    limited_outside = bind("SELECT * { { SELECT ?n WHERE { { SELECT ?n WHERE { ?n ?p ?q } } } LIMIT 5 } }", a)
    assert limited_outside.count(f"<{EX}a>") == 1  # the inner one only joins the outer one's rows


def test_a_limited_sub_select_keeps_its_answer() -> None:
    store = _store()
    first = "SELECT ?n WHERE { { SELECT ?n WHERE { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l LIMIT 1 } }"
    assert store.select(first, {"n": URIRef(EX + "b")}).rows == []  # "a" is the first: "b" is not in it
    assert store.select(first, {"n": URIRef(EX + "a")}).rows == [(URIRef(EX + "a"),)]
