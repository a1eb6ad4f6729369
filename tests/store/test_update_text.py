"""The operations of an update request found in its text, and the protocol's rewrites."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import URIRef

from kgbp.errors import BadInput
from kgbp.store.embedded import EmbeddedStore
from kgbp.store.update_targets import update_targets
from kgbp.store.update_text import confine_all, operations, with_using

G, H = URIRef("http://example.org/g"), URIRef("http://example.org/h")


def test_operations_skip_prologues_strings_groups_and_comments() -> None:
    text = ('PREFIX ex: <http://example.org/> BASE <http://b/>\n'
            'INSERT { ex:a ex:b "x ; WHERE { }" } WHERE { ?s ?p ?o ; ex:q ?z } ; # CLEAR ALL ;\n'
            'DELETE WHERE { ?a ?b ?c } ; INSERT DATA { <a> <b> <c> } ; CLEAR SILENT NAMED')
    ops = operations(text)
    assert [op.keyword for op in ops] == ["INSERT", "DELETE", "INSERT", "CLEAR"]
    assert [op.is_modify for op in ops] == [True, False, False, False]
    assert text[ops[3].start:ops[3].end] == "CLEAR SILENT NAMED"


def test_using_is_added_to_each_modify_only() -> None:
    text = "INSERT { GRAPH <urn:t> { ?s a 1 } } WHERE { ?s ?p ?o } ; INSERT DATA { <a> <b> <c> } ; DELETE WHERE { ?s ?p ?o }"
    rewritten = with_using(text, [G], [H])
    assert rewritten.count("USING <http://example.org/g> USING NAMED <http://example.org/h> WHERE") == 1
    assert rewritten.endswith("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(BadInput, match="USING at line 2, column 41"):
        with_using("INSERT { ?s a 1 }\n WHERE { ?s ?p ?o } ; INSERT { ?s a 2 } USING <urn:x> WHERE { ?s ?p ?o }", [G], [])


def test_all_and_named_reach_only_the_writable_graphs() -> None:
    assert confine_all("CLEAR ALL", [G, H]) == (
        "CLEAR SILENT DEFAULT ;\nCLEAR SILENT GRAPH <http://example.org/g> ;\nCLEAR SILENT GRAPH <http://example.org/h>")
    assert confine_all("DROP SILENT NAMED ; CLEAR GRAPH <urn:x>", [G]) == \
        "DROP SILENT GRAPH <http://example.org/g> ; CLEAR GRAPH <urn:x>"
    assert confine_all("CLEAR NAMED", []) == "CLEAR SILENT DEFAULT"
    store = EmbeddedStore()
    store.update("INSERT DATA { GRAPH <http://example.org/g> { <a> <b> <c> } GRAPH <urn:kept> { <a> <b> <c> } }")
    store.update(confine_all("CLEAR ALL", [G]))
    assert len(store.graph(G)) == 0 and len(store.graph(URIRef("urn:kept"))) == 1


@pytest.mark.parametrize("update", [
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "WITH <http://example.org/g> INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
])
def test_with_names_the_graph_a_modify_writes(update: str) -> None:
    assert update_targets(update) == {G}


def test_relative_graph_names_resolve_against_the_base() -> None:
    assert update_targets("INSERT DATA { GRAPH <user/x> { <a> <b> <c> } }", "https://w3id.org/kgbp/id/") == {
        URIRef("https://w3id.org/kgbp/id/user/x")}


TOKENS = [*"{}<>;\"'#?$:\n ", "CLEAR", "ALL", "NAMED", "WITH", "USING", "WHERE", "INSERT", "DELETE", "DATA",
          "PREFIX", "SILENT", "a", "x"]


@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_the_rewrites_take_any_text(text: str) -> None:
    """Whatever is sent, the rewrites either give text back or refuse with a BadInput (a 400)."""
    operations(text)
    assert isinstance(confine_all(text, [G]), str)
    try:
        assert isinstance(with_using(text, [G], []), str)
    except BadInput as exc:
        assert "line" in exc.where

