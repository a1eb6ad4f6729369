"""Shared entities (departments, systems, services): one IRI each across the repository.

Authors name them by id or by a label in either language. The index knows what the
repository already holds, so BOSS in a new file joins the BOSS already stored.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..namespaces import SB
from ..store import Store

KINDS = {"department": SB.Department, "system": SB.System, "service": SB.Service}

_SHARED_QUERY = """
PREFIX sb: <https://w3id.org/kgbp/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?e ?type ?id ?label WHERE {
  GRAPH <https://w3id.org/kgbp/id/repository> {
    VALUES ?type { sb:Department sb:System sb:Service }
    ?e a ?type .
    OPTIONAL { ?e dcterms:identifier ?id }
    OPTIONAL { ?e rdfs:label ?label }
  }
}"""


@dataclass
class SharedIndex:
    """id / label -> IRI, per kind; ``labels`` keeps what each entity is called."""

    keys: dict[str, MutableMapping[str, set[URIRef]]] = field(default_factory=lambda: {k: {} for k in KINDS})
    labelled: set[tuple[URIRef, str]] = field(default_factory=set)  # (entity, lang) with a label

    def add(self, kind: str, iri: URIRef, ident: str | None, labels: list[tuple[str, str]]) -> None:
        table = self.keys[kind]
        if ident:
            table.setdefault(ident.casefold(), set()).add(iri)
        for text, lang in labels:
            table.setdefault(text.strip().casefold(), set()).add(iri)
            self.labelled.add((iri, lang))

    def merge(self, other: SharedIndex) -> None:
        for kind, table in other.keys.items():
            for key, found in table.items():
                self.keys[kind].setdefault(key, set()).update(found)
        self.labelled |= other.labelled

    def overlay(self) -> SharedIndex:
        """A view for reading one file: its declarations go in a layer on top, this index
        stays as it is. (A copy would cost O(repository) per file: quadratic in a big load.)"""
        return SharedIndex({kind: ChainMap({}, table) for kind, table in self.keys.items()}, self.labelled)

    def find(self, kind: str, text: str) -> set[URIRef]:
        return set(self.keys[kind].get(text.strip().casefold(), set()))

    @classmethod
    def from_store(cls, store: Store) -> SharedIndex:
        index = cls()
        kind_of = {v: k for k, v in KINDS.items()}
        for e, type_, ident, label in store.select(_SHARED_QUERY).rows:
            assert isinstance(e, URIRef)
            lang = getattr(label, "language", None) or ""
            index.add(kind_of[type_], e, str(ident) if ident else None,  # type: ignore[index]
                      [(str(label), lang)] if label is not None else [])
        return index

    @classmethod
    def from_graph(cls, graph: Graph) -> SharedIndex:
        index = cls()
        for kind, cls_iri in KINDS.items():
            for e in graph.subjects(RDF.type, cls_iri):
                assert isinstance(e, URIRef)
                ident = graph.value(e, DCTERMS.identifier)
                labels = [(str(lab), getattr(lab, "language", "") or "") for lab in graph.objects(e, RDFS.label)]
                index.add(kind, e, str(ident) if ident else None, labels)
        return index
