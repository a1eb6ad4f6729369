"""Shared entities (departments, systems, services): one IRI each across the repository.

Authors name them by id, by a label in either language, or by an alias (skos:altLabel).
The index knows what the repository already holds, so BOSS in a new file joins the BOSS
already stored; how a declaration is matched (linked, or a conflict) is decided by the
reader (`yaml_reader.declare_shared`), never silently.
"""

from __future__ import annotations

import weakref
from collections import ChainMap
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..model.namespaces import ORG, SB
from ..resources import internal_query
from ..store import Store

_FROM_STORE: weakref.WeakKeyDictionary[Any, tuple[int, SharedIndex]] = weakref.WeakKeyDictionary()
KINDS = {"department": SB.Department, "system": SB.System, "service": SB.Service}
# a system's parts: sb:partOf; a department's units: org:unitOf (ORG)
PARENT = {"department": ORG.unitOf, "system": SB.partOf}

# one row per value (a row per label x alias would multiply)


def _tables() -> dict[str, MutableMapping[str, set[URIRef]]]:
    return {k: {} for k in KINDS}


@dataclass
class SharedIndex:
    """id / label / alias -> IRI, per kind, and what each entity is called.

    `keys` finds an entity by any of its names (case-insensitive); `ids` by its id only;
    `ident`, `shown` and `parents` answer what a report or a cycle check needs to say.
    """

    keys: dict[str, MutableMapping[str, set[URIRef]]] = field(default_factory=_tables)
    labelled: set[tuple[URIRef, str]] = field(default_factory=set)  # (entity, lang) with a label
    below: SharedIndex | None = None  # the index this one overlays: read, never changed
    ids: dict[str, MutableMapping[str, URIRef]] = field(default_factory=lambda: {k: {} for k in KINDS})
    ident: MutableMapping[URIRef, str] = field(default_factory=dict)
    shown: MutableMapping[URIRef, str] = field(default_factory=dict)  # a label to show in reports
    parents: MutableMapping[URIRef, URIRef] = field(default_factory=dict)
    label_text: MutableMapping[tuple[URIRef, str], str] = field(default_factory=dict)  # (entity, lang) -> label

    def add(self, kind: str, iri: URIRef, ident: str | None, labels: list[tuple[str, str]],
            aliases: list[str] = (), parent: URIRef | None = None) -> None:  # type: ignore[assignment]
        table = self.keys[kind]
        for key in ([ident] if ident else []) + [text.strip() for text, _ in labels] + [a.strip() for a in aliases]:
            table[key.casefold()] = table.get(key.casefold(), set()) | {iri}  # new sets: `below`'s stay as they are
        if ident:
            self.ids[kind][ident.casefold()] = iri
            self.ident.setdefault(iri, ident)
        self.labelled.update((iri, lang) for _, lang in labels)
        for text, lang in labels:
            self.label_text.setdefault((iri, lang), text)
            if lang != "zh" or iri not in self.shown:
                self.shown[iri] = text
        if parent is not None:
            self.parents[iri] = parent

    def merge(self, other: SharedIndex) -> None:
        for kind, table in other.keys.items():
            mine = self.keys[kind]
            for key, found in table.items():
                mine[key] = mine.get(key, set()) | found
            self.ids[kind].update(other.ids[kind])
        self.labelled |= other.labelled
        for iri, ident in other.ident.items():
            self.ident.setdefault(iri, ident)
        self.shown.update(other.shown)
        self.parents.update(other.parents)
        for entity_lang, label in other.label_text.items():
            self.label_text.setdefault(entity_lang, label)

    def is_labelled(self, entity: URIRef, lang: str) -> bool:
        return (entity, lang) in self.labelled or (self.below is not None and self.below.is_labelled(entity, lang))

    def _flat(self) -> tuple[Any, ...]:
        below = self.below._flat()[1] if self.below is not None else set()
        return ({kind: dict(table) for kind, table in self.keys.items()}, self.labelled | below,
                {kind: dict(table) for kind, table in self.ids.items()}, dict(self.parents))

    def __eq__(self, other: object) -> bool:  # the same entities, however layered
        return isinstance(other, SharedIndex) and self._flat() == other._flat()

    __hash__ = None  # type: ignore[assignment]

    def overlay(self) -> SharedIndex:
        """A view to read and add to, this index staying as it is: a file's declarations, or
        a load's, go in a layer on top. (A copy would cost O(repository) each time.)"""
        return SharedIndex({kind: ChainMap({}, table) for kind, table in self.keys.items()}, set(), self,
                           {kind: ChainMap({}, table) for kind, table in self.ids.items()},
                           ChainMap({}, self.ident), ChainMap({}, self.shown), ChainMap({}, self.parents),
                           ChainMap({}, self.label_text))

    def find(self, kind: str, text: str) -> set[URIRef]:
        """Every entity of `kind` that `text` names: id, label or alias, case ignored."""
        return set(self.keys[kind].get(text.strip().casefold(), set()))

    def by_id(self, kind: str, text: str) -> URIRef | None:
        return self.ids[kind].get(text.strip().casefold())

    def names(self, iri: URIRef) -> str:
        """How a report names an entity: `id (label)`."""
        ident = self.ident.get(iri, str(iri).rsplit("/", 1)[-1])
        label = self.shown.get(iri)
        return f"{ident} ({label})" if label and label != ident else ident

    def ancestors(self, iri: URIRef) -> list[URIRef]:
        """The parents of `iri`, nearest first; stops at a repeat (the caller reports the cycle)."""
        chain: list[URIRef] = []
        node = self.parents.get(iri)
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parents.get(node)
        return chain

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
        kind_of = {v: k for k, v in KINDS.items()}
        found: dict[URIRef, tuple[str, dict[Any, list[Any]]]] = {}  # plain dicts: an rdflib graph costs 3x
        for e, type_, p, v in store.select(internal_query("shared_entities")).rows:
            assert isinstance(e, URIRef)
            found.setdefault(e, (kind_of[type_], {}))[1].setdefault(p, []).append(v)  # type: ignore[index]
        index = cls()
        for e, (kind, values) in found.items():
            ident = values.get(DCTERMS.identifier, [None])[0]
            parent = values.get(PARENT.get(kind), [None])[0]
            index.add(kind, e, str(ident) if ident is not None else None,
                      [(str(lab), getattr(lab, "language", "") or "") for lab in values.get(RDFS.label, [])],
                      [str(a) for a in values.get(SKOS.altLabel, [])], parent if isinstance(parent, URIRef) else None)
        return index

    def _add_from(self, graph: Graph, kind: str, e: URIRef) -> None:
        ident = graph.value(e, DCTERMS.identifier)
        labels = [(str(lab), getattr(lab, "language", "") or "") for lab in graph.objects(e, RDFS.label)]
        aliases = [str(a) for a in graph.objects(e, SKOS.altLabel)]
        parent = graph.value(e, PARENT[kind]) if kind in PARENT else None
        self.add(kind, e, str(ident) if ident else None, labels, aliases,
                 parent if isinstance(parent, URIRef) else None)

    @classmethod
    def from_graph(cls, graph: Graph) -> SharedIndex:
        index = cls()
        for kind, cls_iri in KINDS.items():
            for e in graph.subjects(RDF.type, cls_iri):
                assert isinstance(e, URIRef)
                index._add_from(graph, kind, e)
        return index
