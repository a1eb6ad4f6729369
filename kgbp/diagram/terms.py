"""The words a diagram shows for the ontology's own terms (lanes, lines, markers), in one language.

Labels are data: every name here is the term's skos:prefLabel in the ontology, so the
diagram and the graph never disagree and a new language needs no code.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef

from ..i18n import pick
from ..model.literals import as_int
from ..model.namespaces import SB, SKOS
from ..model.vocabulary import vocabulary


@dataclass(frozen=True)
class Lane:
    key: str  # skos:notation, as in StepView.lane
    iri: URIRef
    label: str


@dataclass(frozen=True)
class Line:
    key: str
    iri: URIRef
    label: str
    below_lane: str  # the lane under the line: the line is drawn on that lane's top edge


@dataclass(frozen=True)
class Terms:
    lanes: list[Lane]
    lines: list[Line]
    fail: str
    wait: str
    supports: str
    evidence_of: str
    department: str
    uses_system: str
    underlies: str
    level: str
    status: dict[str, str]


def label(iri: URIRef, lang: str) -> str:
    graph = vocabulary().graph
    labels = [x for x in graph.objects(iri, SKOS.prefLabel) if isinstance(x, Literal)]
    return pick(labels, lang, str(iri).rsplit("#", 1)[-1])


def terms(lang: str) -> Terms:
    vocab = vocabulary()
    graph = vocab.graph
    lane_scheme = vocab.scheme("lane")

    def order(concept: URIRef) -> int:
        return as_int(graph.value(concept, SB.laneOrder), 99)

    lanes = [Lane(key, iri, label(iri, lang))
             for iri, key in sorted(lane_scheme.notation.items(), key=lambda kv: (order(kv[0]), kv[1]))]
    lines = []
    for iri, key in sorted(vocab.scheme("line").notation.items(), key=lambda kv: kv[1]):
        below = graph.value(iri, SB.below)
        if isinstance(below, URIRef) and below in lane_scheme.notation:
            lines.append(Line(key, iri, label(iri, lang), lane_scheme.notation[below]))
    return Terms(
        lanes=lanes, lines=lines,
        fail=label(SB.FailMarker, lang), wait=label(SB.WaitMarker, lang),
        supports=label(SB.supports, lang), evidence_of=label(SB.evidenceOf, lang),
        department=label(SB.responsibleDepartment, lang), uses_system=label(SB.usesSystem, lang),
        underlies=label(SB.underlies, lang), level=label(SB.level, lang),
        status={key: label(iri, lang) for iri, key in vocab.scheme("status").notation.items()},
    )
