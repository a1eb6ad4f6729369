"""The ontology's concept schemes (lanes, channels, 7Ps, tiers ...) as lookup tables.

Authoring files name concepts by their skos:notation ("frontstage") or by a label in
either language ("前台服务"); both resolve here, from the ontology file, so adding a
concept to the ontology needs no code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, Literal, URIRef

from ..i18n import pick
from ..resources import ontology_file
from .namespaces import SB, SKOS


@dataclass
class Scheme:
    iri: URIRef
    by_key: dict[str, URIRef] = field(default_factory=dict)
    notation: dict[URIRef, str] = field(default_factory=dict)
    pref_labels: dict[str, list[Literal]] = field(default_factory=dict)  # notation -> skos:prefLabel

    def label(self, name: str, lang: str) -> str:
        """The concept's preferred label in `lang` ('as-is' -> '现状'); the name itself when unknown."""
        return pick(self.pref_labels.get(name, []), lang, name)

    def lookup(self, text: str) -> URIRef | None:
        return self.by_key.get(text.strip().casefold())

    def name_of(self, concept: object) -> str:
        """The notation of a concept of this scheme; '' for None or a stranger."""
        return self.notation.get(concept, "") if isinstance(concept, URIRef) else ""

    def names(self) -> list[str]:
        return sorted(self.notation.values())


@dataclass
class Vocabulary:
    graph: Graph
    schemes: dict[str, Scheme]

    def scheme(self, name: str) -> Scheme:
        return self.schemes[name]

    def attr(self, concept: URIRef, prop: URIRef) -> URIRef | Literal | None:
        value = self.graph.value(concept, prop)
        return value  # type: ignore[return-value]


SCHEMES = {
    "lane": SB.LaneScheme,
    "line": SB.LineScheme,
    "channel": SB.ChannelScheme,
    "channel_kind": SB.ChannelKindScheme,
    "p": SB.MarketingPScheme,
    "tier": SB.CustomerTierScheme,
    "marker": SB.MarkerScheme,
    "performer": SB.PerformerKindScheme,
    "status": SB.StatusScheme,
    "metric": SB.MetricScheme,
    "action_status": SB.ActionStatusScheme,
}


def _scheme(graph: Graph, iri: URIRef) -> Scheme:
    scheme = Scheme(iri)
    for concept in graph.subjects(SKOS.inScheme, iri):
        assert isinstance(concept, URIRef)
        notation = graph.value(concept, SKOS.notation)
        if notation is not None:
            scheme.notation[concept] = str(notation)
            scheme.by_key[str(notation).casefold()] = concept
            scheme.pref_labels[str(notation)] = [x for x in graph.objects(concept, SKOS.prefLabel) if isinstance(x, Literal)]
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in graph.objects(concept, prop):
                scheme.by_key.setdefault(str(label).casefold(), concept)
    return scheme


@cache
def ontology_graph() -> Graph:
    graph = Graph()
    graph.parse(ontology_file(), format="turtle")
    return graph


@cache
def vocabulary() -> Vocabulary:
    graph = ontology_graph()
    return Vocabulary(graph, {name: _scheme(graph, iri) for name, iri in SCHEMES.items()})


@cache
def channel_kinds() -> dict[URIRef, URIRef]:
    """Channel -> channel kind, from the (immutable) ontology: read once, not on every save."""
    return {c: k for c, k in ontology_graph().subject_objects(SB.channelKind)  # type: ignore[misc]
            if isinstance(c, URIRef) and isinstance(k, URIRef)}
