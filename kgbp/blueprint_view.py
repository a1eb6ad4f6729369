"""One blueprint as plain objects, in one language: what the terminal, pages and diagrams show."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS

from . import iris
from .i18n import pick
from .namespaces import SB
from .repository import labels_of
from .store import Store
from .vocabulary import vocabulary

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


def _label(graph: Graph, node: object, lang: str, shared: dict[URIRef, str]) -> str:
    if node in shared:
        return shared[node]  # type: ignore[index]
    return pick(graph.objects(node, RDFS.label), lang, str(graph.value(node, DCTERMS.identifier) or node))  # type: ignore[arg-type]


def build_view(graph: Graph, bp: URIRef, lang: str, shared_labels: dict[URIRef, str]) -> BlueprintView:
    vocab = vocabulary()
    lane_names = vocab.scheme("lane").notation
    performer_names = vocab.scheme("performer").notation
    status_names = vocab.scheme("status").notation
    ident = {n: str(i) for n, i in graph.subject_objects(DCTERMS.identifier)}

    steps = []
    for s in graph.subjects(SB.inBlueprint, bp):
        if not isinstance(s, URIRef):
            continue
        is_step = (s, SB.inLane, None) in graph
        is_evidence = (s, SB.evidenceOf, None) in graph or (s, None, SB.PhysicalEvidence) in graph
        if not (is_step or is_evidence):
            continue
        lane = lane_names.get(graph.value(s, SB.inLane), "evidence") if is_step else "evidence"  # type: ignore[arg-type]
        dept = graph.value(s, SB.responsibleDepartment)
        systems = sorted(graph.objects(s, SB.usesSystem))
        markers = set(graph.objects(s, SB.hasMarker))
        tp = graph.value(s, SB.atTouchpoint)
        std = graph.value(s, SB.boundedBy)
        steps.append(StepView(
            iri=s, id=ident.get(s, str(s).rsplit("/", 1)[-1]), label=_label(graph, s, lang, {}),
            lane=lane, position=int(graph.value(s, SB.position) if graph.value(s, SB.position) is not None else 0),  # type: ignore[call-overload]
            performer=performer_names.get(graph.value(s, SB.performerKind), ""),  # type: ignore[arg-type]
            department=_label(graph, dept, lang, shared_labels) if dept else "",
            department_iri=dept if isinstance(dept, URIRef) else None,
            systems=[_label(graph, x, lang, shared_labels) for x in systems],
            system_iris=[x for x in systems if isinstance(x, URIRef)],
            supports=sorted(ident.get(u, str(u)) for u in graph.objects(s, SB.supports)),
            fail=SB.FailMarker in markers, wait=SB.WaitMarker in markers,
            failure_mode=pick(graph.objects(s, SB.failureMode), lang),  # type: ignore[arg-type]
            consequence=pick(graph.objects(s, SB.customerConsequence), lang),  # type: ignore[arg-type]
            touchpoint=_label(graph, tp, lang, {}) if tp else "",
            standard=_label(graph, std, lang, {}) if std else "",
            evidence_of=sorted(ident.get(u, str(u)) for u in graph.objects(s, SB.evidenceOf)),
        ))
    service = graph.value(bp, SB.blueprintOf)
    status = graph.value(bp, SB.versionStatus)
    departments = {s.department_iri: s.department for s in steps if s.department_iri is not None}
    refines = graph.value(bp, SB.refinesStep)
    revision = graph.value(bp, URIRef("http://www.w3.org/ns/prov#wasRevisionOf"))
    return BlueprintView(
        iri=bp, id=iris.blueprint_id(bp) or str(bp),
        title=pick(graph.objects(bp, DCTERMS.title), lang, ""),  # type: ignore[arg-type]
        service=shared_labels.get(service, str(service)) if service is not None else "",  # type: ignore[arg-type]
        version=str(graph.value(bp, DCTERMS.identifier) or ""),
        status=status_names.get(status, "") if status is not None else "",  # type: ignore[arg-type]
        level=int(graph.value(bp, SB.level) if graph.value(bp, SB.level) is not None else 1),  # type: ignore[call-overload]
        lang=lang, steps=steps, departments=dict(sorted(departments.items(), key=lambda kv: kv[1])),
        refines=refines if isinstance(refines, URIRef) else None,
        revision_of=revision if isinstance(revision, URIRef) else None,
    )


def load_view(store: Store, bp: URIRef, lang: str) -> BlueprintView:
    graph = store.graph(bp)
    shared = [o for p in (SB.responsibleDepartment, SB.usesSystem, SB.blueprintOf)
              for o in graph.objects(None, p) if isinstance(o, URIRef)]
    return build_view(graph, bp, lang, labels_of(store, shared, lang))
