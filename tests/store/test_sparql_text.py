"""Parser errors as one line with their place (store/sparql_text.syntax_error)."""

from __future__ import annotations

import pytest

from kgbp.errors import QueryError
from kgbp.store.embedded import EmbeddedStore


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT * WHERE {\n  ?s ?p ?o \n  } LIMIT x",
     "malformed SPARQL query at line 3, column 11: found 'x'; expected HAVING, OFFSET, OPTIONAL, VALUES, a number"),
    ("SELECT * WHERE { <http://a b> ?p ?o }",
     "malformed SPARQL query at line 1, column 30: the IRI just before this place is not a valid IRI"),
    ("", "the SPARQL query is empty"),
])
def test_a_syntax_error_is_one_line_with_its_place(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        EmbeddedStore().query_serialized(text, "application/sparql-results+json")
    assert caught.value.message == message
    assert caught.value.where in message or caught.value.where == "line 1, column 1"


def test_bind_many_binds_each_value_as_a_row_and_serialises_terms() -> None:
    from rdflib import Graph, Literal, URIRef

    from kgbp.store.sparql_text import bind_many

    store = EmbeddedStore()
    graph = Graph()
    for name in ("a", "b", "c"):
        graph.add((URIRef(f"urn:x:{name}"), URIRef("urn:x:label"), Literal(f"label {name}")))
    store.replace_graphs({URIRef("urn:x:g"): graph})
    query = "SELECT ?n ?l WHERE { ?n <urn:x:label> ?l }"
    rows = store.select(bind_many(query, "n", [URIRef("urn:x:a"), URIRef("urn:x:c"), URIRef("urn:x:none")])).rows
    assert sorted(str(lab) for _, lab in rows) == ["label a", "label c"]
    # a CONSTRUCT's template is left alone; a second list narrows the first
    text = bind_many(bind_many("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "g", [URIRef("urn:x:g")]),
                     "s", [URIRef("urn:x:b")])
    assert [str(o) for _, _, o in store.construct(text)] == ["label b"]
    # a value is a serialised term, never pasted text
    hostile = bind_many(query, "n", [Literal('x" } } ; DROP ALL #')])
    assert store.select(hostile).rows == []
