"""One blueprint as plain objects, in one language: what the terminal, pages and diagrams show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS
from rdflib.term import Node

from ..i18n import pick
from ..model import iris
from ..model.labels import labels_of
from ..model.literals import as_int
from ..model.namespaces import SB
from ..model.vocabulary import vocabulary
from ..store import Store

LANE_ORDER = ("evidence", "customer", "frontstage", "backstage", "support")


@dataclass
class StepView:
    iri: URIRef
    id: str
    label: str
    lane: str
    position: int
    performer: str = ""
    department: str = ""
    department_iri: URIRef | None = None
    systems: list[str] = field(default_factory=list)
    system_iris: list[URIRef] = field(default_factory=list)
    supports: list[str] = field(default_factory=list)  # ids of supported steps
    fail: bool = False
    wait: bool = False
    failure_mode: str = ""
    consequence: str = ""
    touchpoint: str = ""
    standard: str = ""
    evidence_of: list[str] = field(default_factory=list)  # for evidence items

    @property
    def markers(self) -> str:
        return ("F" if self.fail else "") + ("W" if self.wait else "")


@dataclass
class BlueprintView:
    iri: URIRef
    id: str
    title: str
    service: str
    version: str
    status: str
    level: int
    lang: str
    steps: list[StepView]
    departments: dict[URIRef, str]
    refines: URIRef | None = None
    revision_of: URIRef | None = None

    def lane(self, lane: str) -> list[StepView]:
        return sorted((s for s in self.steps if s.lane == lane), key=lambda s: (s.position, s.id))

    def by_id(self) -> dict[str, StepView]:
        return {s.id: s for s in self.steps}

    def as_dict(self) -> dict[str, Any]:
        """The JSON form the API gives (IRIs as strings, rdflib nodes left out)."""
        return {"id": self.id, "iri": str(self.iri), "title": self.title, "service": self.service,
                "version": self.version, "status": self.status, "level": self.level,
                "steps": [{**{k: v for k, v in vars(s).items() if k not in ("iri", "department_iri", "system_iris")},
                           "iri": str(s.iri), "markers": s.markers} for s in self.steps]}


def _label(graph: Graph, node: Node | None, lang: str, shared: dict[URIRef, str]) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef) and node in shared:
        return shared[node]
    return pick(literals(graph.objects(node, RDFS.label)), lang, str(graph.value(node, DCTERMS.identifier) or node))


def literals(nodes: Iterable[Node]) -> list[Literal]:
    return [n for n in nodes if isinstance(n, Literal)]


def _int(graph: Graph, node: Node, prop: URIRef, default: int) -> int:
    return as_int(graph.value(node, prop), default)  # never raises on a stored literal


def build_view(graph: Graph, bp: URIRef, lang: str, shared_labels: dict[URIRef, str]) -> BlueprintView:
    vocab = vocabulary()
    lanes, performers, statuses = vocab.scheme("lane"), vocab.scheme("performer"), vocab.scheme("status")
    ident = {n: str(i) for n, i in graph.subject_objects(DCTERMS.identifier)}

    steps = []
    for s in graph.subjects(SB.inBlueprint, bp):
        if not isinstance(s, URIRef):
            continue
        is_step = (s, SB.inLane, None) in graph
        is_evidence = (s, SB.evidenceOf, None) in graph or (s, None, SB.PhysicalEvidence) in graph
        if not (is_step or is_evidence):
            continue
        lane = lanes.name_of(graph.value(s, SB.inLane)) if is_step else "evidence"
        dept = graph.value(s, SB.responsibleDepartment)
        systems = sorted(o for o in graph.objects(s, SB.usesSystem) if isinstance(o, URIRef))
        markers = set(graph.objects(s, SB.hasMarker))
        tp = graph.value(s, SB.atTouchpoint)
        std = graph.value(s, SB.boundedBy)
        steps.append(StepView(
            iri=s, id=ident.get(s, str(s).rsplit("/", 1)[-1]), label=_label(graph, s, lang, {}),
            lane=lane, position=_int(graph, s, SB.position, 0),
            performer=performers.name_of(graph.value(s, SB.performerKind)),
            department=_label(graph, dept, lang, shared_labels),
            department_iri=dept if isinstance(dept, URIRef) else None,
            systems=[_label(graph, x, lang, shared_labels) for x in systems],
            system_iris=systems,
            supports=sorted(ident.get(u, str(u)) for u in graph.objects(s, SB.supports)),
            fail=SB.FailMarker in markers, wait=SB.WaitMarker in markers,
            failure_mode=pick(literals(graph.objects(s, SB.failureMode)), lang),
            consequence=pick(literals(graph.objects(s, SB.customerConsequence)), lang),
            touchpoint=_label(graph, tp, lang, {}),
            standard=_label(graph, std, lang, {}),
            evidence_of=sorted(ident.get(u, str(u)) for u in graph.objects(s, SB.evidenceOf)),
        ))
    service = graph.value(bp, SB.blueprintOf)
    status = graph.value(bp, SB.versionStatus)
    departments = {s.department_iri: s.department for s in steps if s.department_iri is not None}
    refines = graph.value(bp, SB.refinesStep)
    revision = graph.value(bp, URIRef("http://www.w3.org/ns/prov#wasRevisionOf"))
    return BlueprintView(
        iri=bp, id=iris.blueprint_id(bp) or str(bp),
        title=pick(literals(graph.objects(bp, DCTERMS.title)), lang, ""),
        service=_label(graph, service, lang, shared_labels),
        version=str(graph.value(bp, DCTERMS.identifier) or ""),
        status=statuses.name_of(status),
        level=_int(graph, bp, SB.level, 1),
        lang=lang, steps=steps, departments=dict(sorted(departments.items(), key=lambda kv: kv[1])),
        refines=refines if isinstance(refines, URIRef) else None,
        revision_of=revision if isinstance(revision, URIRef) else None,
    )


def load_view(store: Store, bp: URIRef, lang: str) -> BlueprintView:
    graph = store.graph(bp)
    return build_view(graph, bp, lang, shared_labels(store, graph, lang))


def shared_labels(store: Store, graph: Graph, lang: str) -> dict[URIRef, str]:
    """Labels of the departments, systems and service a blueprint's graph names."""
    shared = [o for p in (SB.responsibleDepartment, SB.usesSystem, SB.blueprintOf)
              for o in graph.objects(None, p) if isinstance(o, URIRef)]
    return labels_of(store, shared, lang)
