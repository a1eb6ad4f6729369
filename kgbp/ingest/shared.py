"""Shared entities (departments, systems, services): one IRI each across the repository.

Authors name them by id or by a label in either language. The index knows what the
repository already holds, so BOSS in a new file joins the BOSS already stored.
"""

from __future__ import annotations

import weakref
from collections import ChainMap
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..model.namespaces import SB
from ..store import Store

_FROM_STORE: weakref.WeakKeyDictionary[Any, tuple[int, SharedIndex]] = weakref.WeakKeyDictionary()
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
    below: SharedIndex | None = None  # the index this one overlays: read, never changed

    def add(self, kind: str, iri: URIRef, ident: str | None, labels: list[tuple[str, str]]) -> None:
        table = self.keys[kind]
        for key in ([ident] if ident else []) + [text.strip() for text, _ in labels]:
            table[key.casefold()] = table.get(key.casefold(), set()) | {iri}  # new sets: `below`'s stay as they are
        self.labelled.update((iri, lang) for _, lang in labels)

    def merge(self, other: SharedIndex) -> None:
        for kind, table in other.keys.items():
            mine = self.keys[kind]
            for key, found in table.items():
                mine[key] = mine.get(key, set()) | found
        self.labelled |= other.labelled

    def is_labelled(self, entity: URIRef, lang: str) -> bool:
        return (entity, lang) in self.labelled or (self.below is not None and self.below.is_labelled(entity, lang))

    def _flat(self) -> tuple[dict[str, dict[str, set[URIRef]]], set[tuple[URIRef, str]]]:
        below = self.below._flat()[1] if self.below is not None else set()
        return {kind: dict(table) for kind, table in self.keys.items()}, self.labelled | below

    def __eq__(self, other: object) -> bool:  # the same entities, however layered
        return isinstance(other, SharedIndex) and self._flat() == other._flat()

    __hash__ = None  # type: ignore[assignment]

    def overlay(self) -> SharedIndex:
        """A view to read and add to, this index staying as it is: a file's declarations, or
        a load's, go in a layer on top. (A copy would cost O(repository) each time.)"""
        return SharedIndex({kind: ChainMap({}, table) for kind, table in self.keys.items()}, set(), self)

    def find(self, kind: str, text: str) -> set[URIRef]:
        return set(self.keys[kind].get(text.strip().casefold(), set()))

    @classmethod
    def from_store(cls, store: Store) -> SharedIndex:
        """The repository's shared entities; an overlay of the one read at the store's
        current write generation when the store counts them (a server reads it once per
        write, not per upload: 10,000 services take ~1.5 s to read)."""
        generation = getattr(store, "generation", None)
        cached = _FROM_STORE.get(store)
        if generation is not None and cached is not None and cached[0] == generation:
            return cached[1].overlay()
        index = cls._read(store)
        if generation is not None:
            _FROM_STORE[store] = (generation, index)
            return index.overlay()
        return index

    @staticmethod
    def written(store: Store, generation: int | None, shared: Graph) -> None:
        """`shared` was just added to the repository graph by the one write after
        `generation`: keep the store's cached index current instead of reading it again."""
        cached = _FROM_STORE.get(store)
        now = getattr(store, "generation", None)
        if cached is None or generation is None or now != generation + 1 or cached[0] != generation:
            return
        cached[1].merge(SharedIndex.from_graph(shared))
        _FROM_STORE[store] = (now, cached[1])

    @classmethod
    def _read(cls, store: Store) -> SharedIndex:
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
