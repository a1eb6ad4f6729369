"""The embedded store keeps the triples of the graphs the write path reads, so that a blueprint
saved again is not read from disk again. What it gives must always be what is stored."""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Literal, URIRef

from kgbp.store.embedded import EmbeddedStore

G = URIRef("https://w3id.org/kgbp/id/service/kept/as-is")
S = URIRef("https://w3id.org/kgbp/id/service/kept/as-is/step/a")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def stored(store: EmbeddedStore) -> set[tuple[object, ...]]:
    return set(store._triples(G))  # read from disk, past what is kept


def test_what_is_kept_follows_every_kind_of_write(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.patch_graphs({}, {G: [(S, LABEL, Literal("one", lang="en"))]})
        assert store.triples(G) == stored(store) == {(S, LABEL, Literal("one", lang="en"))}
        # a patch of a kept graph: kept as the patch leaves it
        store.patch_graphs({G: [(S, LABEL, Literal("one", lang="en"))]}, {G: [(S, LABEL, Literal("二", lang="zh"))]})
        assert store.triples(G) == stored(store) == {(S, LABEL, Literal("二", lang="zh"))}
        # an update names no graph the store can tell in advance: nothing kept is used after it
        store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <{S}> <{LABEL}> "three" }} }}')
        assert store.triples(G) == stored(store) and len(stored(store)) == 2
        # a patch that adds a blank node: the store names it anew, so the graph is read again
        store.patch_graphs({}, {G: [(S, URIRef("https://example.org/p"), BNode())]})
        assert store.triples(G) == stored(store) and len(stored(store)) == 3
        # a graph replaced whole
        from rdflib import Graph

        other = Graph()
        other.add((S, LABEL, Literal("four")))
        store.replace_graphs({G: other})
        assert store.triples(G) == stored(store) == {(S, LABEL, Literal("four"))}
        store.replace_graphs({G: None})
        assert store.triples(G) == stored(store) == set()
    finally:
        store.close()


def test_a_kept_graph_is_not_read_again_until_a_write_may_have_changed_it(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.patch_graphs({}, {G: [(S, LABEL, Literal("one"))]})
        first = store.triples(G)
        store._ox.clear()  # behind the store's back (no process does this): shows the kept copy is used
        assert store.triples(G) == first
        store.update(f'INSERT DATA {{ GRAPH <{G}> {{ <{S}> <{LABEL}> "two" }} }}')  # any other write: read again
        assert store.triples(G) == {(S, LABEL, Literal("two"))}
    finally:
        store.close()
