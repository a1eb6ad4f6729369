"""Blueprints as an ArchiMate model: the mapping, shared by the exchange-XML and Archi-CSV writers.

Data comes from the store through Graph Store reads (one blueprint graph at a time, plus
the repository graph for services, departments and systems). The mapping is documented in
docs/archimate.md; keep the two in step.

Identifiers are derived from keys (our IRIs, or an IRI plus a suffix for things that have
no IRI of their own), so the same repository exports the same identifiers every time, and
an element edited in Archi keeps pointing at its source through its ``kgbp:iri`` property.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node as RdfNode

from ..diagram.layout import Arrow, StepBox, department_colour
from ..diagram.layout import layout as diagram_layout
from ..errors import NotFound
from ..i18n import LANGS, guess_lang, normalise_lang
from ..model import iris
from ..model.literals import as_int, as_number
from ..model.namespaces import REPOSITORY_GRAPH, SB, SCHEMA
from ..model.vocabulary import vocabulary
from ..repository import save as repository
from ..repository.blueprint_view import build_view
from ..store import Store

LANE_ORDER = ("evidence", "customer", "frontstage", "backstage", "support")

# Property definitions (name -> exchange-format data type). Archi shows them as properties.
PROPERTY_TYPES: dict[str, str] = {
    "kgbp:iri": "string",
    "kgbp:kind": "string",
    "kgbp:id": "string",
    "kgbp:lane": "string",
    "kgbp:position": "number",
    "kgbp:performer": "string",
    "kgbp:fail-point": "boolean",
    "kgbp:failure-mode": "string",
    "kgbp:consequence": "string",
    "kgbp:wait-point": "boolean",
    "kgbp:channel": "string",
    "kgbp:channel-kind": "string",
    "kgbp:marketing-p": "string",
    "kgbp:tier": "string",
    "kgbp:metric": "string",
    "kgbp:threshold": "string",
    "kgbp:target-share": "number",
    "kgbp:status": "string",
    "kgbp:version": "string",
    "kgbp:level": "number",
    "kgbp:relation": "string",
}
IRI_PROPERTY = "kgbp:iri"
KIND_PROPERTY = "kgbp:kind"
RELATION_PROPERTY = "kgbp:relation"

# Kinds of element we write that have no IRI of their own (the importer knows them).
CUSTOMER_KIND = "customer"
FAILURE_MODE_KIND = "failure-mode"

# Our own words (not domain data): the customer role, the model, and association names.
CUSTOMER_NAMES = {"en": "Customer", "zh": "客户"}
REPOSITORY_NAMES = {"en": "kgbp service blueprints", "zh": "kgbp 服务蓝图"}
RELATION_NAMES: dict[str, dict[str, str]] = {
    "responsible-department": {"en": "responsible for", "zh": "负责"},
    "at-touchpoint": {"en": "at touchpoint", "zh": "接触点"},
    "applies-to": {"en": "applies to", "zh": "适用于"},
    "bounded-by": {"en": "bounded by", "zh": "受标准约束"},
    "failure-mode": {"en": "failure mode", "zh": "失败模式"},
    "refines": {"en": "refines", "zh": "细化"},
}

LANE_FILL = (246, 246, 246)
LINE_FILL = (90, 107, 130)
WHITE = (255, 255, 255)
# captions of the two rows under the lanes (our words, both languages)
SYSTEMS_CAPTION = {"en": "IT systems (application layer)", "zh": "IT 系统（应用层）"}
DEPARTMENTS_CAPTION = {"en": "Departments (the colour of their steps)", "zh": "责任部门（其步骤的颜色）"}


def identifier(key: str) -> str:
    """A valid xs:ID (and Archi CSV id) derived from a key: 'id-' + 16 hex digits of SHA-256."""
    return "id-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def ordered(texts: dict[str, str], lang: str) -> list[tuple[str, str]]:
    """(lang, text) pairs with `lang` first (Archi shows the first name it finds)."""
    order = [lang, *(x for x in LANGS if x != lang)]
    return sorted(texts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def pick_text(texts: dict[str, str], lang: str) -> str:
    pairs = ordered(texts, lang)
    return pairs[0][1] if pairs else ""


@dataclass
class Property:
    key: str
    values: dict[str, str]  # language -> text; "" for a language-neutral value


@dataclass
class Element:
    key: str
    type: str  # ArchiMate element type, as the exchange format and Archi's CSV name it
    names: dict[str, str]
    docs: dict[str, str] = field(default_factory=dict)
    properties: list[Property] = field(default_factory=list)

    @property
    def identifier(self) -> str:
        return identifier(self.key)

    def prop(self, key: str, value: str | dict[str, str] | None) -> None:
        if value is None or value == "" or value == {}:
            return
        self.properties.append(Property(key, value if isinstance(value, dict) else {"": value}))

    def value(self, key: str) -> str | None:
        """The language-neutral value of a property, if the element has it."""
        return next((p.values.get("") for p in self.properties if p.key == key), None)


@dataclass
class Relationship:
    type: str  # exchange-format relationship type: Serving, Assignment, ...
    source: str  # element keys
    target: str
    relation: str  # what it stands for in our model (the kgbp:relation property)
    names: dict[str, str] = field(default_factory=dict)
    access_type: str | None = None

    @property
    def key(self) -> str:
        return f"{self.type}|{self.source}|{self.target}|{self.relation}"

    @property
    def identifier(self) -> str:
        return identifier(self.key)


@dataclass
class Node:
    element: str  # element key
    x: int
    y: int
    w: int
    h: int
    fill: tuple[int, int, int] | None = None
    line: tuple[int, int, int] | None = None


@dataclass
class Mark:
    """A Label node: one of the three lines (a thin bar and its name), an F or W badge, a caption."""

    key: str
    labels: dict[str, str]
    x: int
    y: int
    w: int
    h: int
    fill: tuple[int, int, int] | None = None
    line: tuple[int, int, int] | None = None


@dataclass
class Wire:
    """A drawn relationship: its source attachment, bend points and target attachment, in order."""

    relationship: str  # relationship key
    points: list[tuple[int, int]]


@dataclass
class LaneRow:
    lane: str
    labels: dict[str, str]
    x: int
    y: int
    w: int
    h: int
    nodes: list[Node] = field(default_factory=list)


@dataclass
class View:
    key: str  # the blueprint IRI
    names: dict[str, str]
    docs: dict[str, str]
    lanes: list[LaneRow]
    nodes: list[Node] = field(default_factory=list)  # outside the lanes: systems, departments
    marks: list[Mark] = field(default_factory=list)
    wires: list[Wire] = field(default_factory=list)


@dataclass
class ArchiModel:
    key: str
    names: dict[str, str]
    lang: str
    docs: dict[str, str] = field(default_factory=dict)
    elements: dict[str, Element] = field(default_factory=dict)
    relationships: dict[str, Relationship] = field(default_factory=dict)
    views: list[View] = field(default_factory=list)

    @property
    def identifier(self) -> str:
        return identifier(self.key)

    def add(self, element: Element) -> Element:
        return self.elements.setdefault(element.key, element)

    def relate(self, type_: str, source: str, target: str, relation: str, *,
               access_type: str | None = None) -> None:
        if source not in self.elements or target not in self.elements or source == target:
            return
        rel = Relationship(type_, source, target, relation, dict(RELATION_NAMES.get(relation, {}))
                           if type_ == "Association" else {}, access_type)
        self.relationships.setdefault(rel.key, rel)

    def property_keys(self) -> list[str]:
        used = {p.key for e in self.elements.values() for p in e.properties} | {RELATION_PROPERTY}
        return [k for k in PROPERTY_TYPES if k in used]


# -- reading the graphs ----------------------------------------------------------------


def texts(literals: Iterable[object]) -> dict[str, str]:
    """Language -> text; untagged text is filed under the language it is written in."""
    out: dict[str, str] = {}
    for lit in literals:
        if isinstance(lit, Literal):
            lang = normalise_lang(lit.language) if lit.language else guess_lang(str(lit))
            out.setdefault(lang, str(lit))
    return dict(sorted(out.items()))


class _Builder:
    def __init__(self, model: ArchiModel, repo: Graph) -> None:
        self.model = model
        self.repo = repo
        vocab = vocabulary()
        self.notation = {name: vocab.scheme(name).notation
                         for name in ("lane", "performer", "status", "channel", "channel_kind", "p", "tier", "metric")}
        self.lane_labels = {c: texts(vocab.graph.objects(c, SKOS.prefLabel)) for c in self.notation["lane"]}

    # names of shared things live in the repository graph, of local things in the blueprint's
    def names(self, graph: Graph, node: URIRef, *props: URIRef) -> dict[str, str]:
        props = props or (RDFS.label, SKOS.prefLabel)
        for g in (graph, self.repo):
            found = texts(o for p in props for o in g.objects(node, p))
            if found:
                return found
        ident = graph.value(node, DCTERMS.identifier) or self.repo.value(node, DCTERMS.identifier)
        return {self.model.lang: str(ident) if ident is not None else str(node).rsplit("/", 1)[-1]}

    def element(self, graph: Graph, node: URIRef, type_: str, kind: str, names: dict[str, str] | None = None,
                ident: str | None = None) -> Element:
        el = Element(str(node), type_, names or self.names(graph, node))
        el.docs = texts(graph.objects(node, DCTERMS.description)) or texts(self.repo.objects(node, DCTERMS.description))
        el.prop(IRI_PROPERTY, str(node))
        el.prop(KIND_PROPERTY, kind)
        if ident is None:
            found = graph.value(node, DCTERMS.identifier) or self.repo.value(node, DCTERMS.identifier)
            ident = str(found) if found is not None else None
        el.prop("kgbp:id", ident)
        return self.model.add(el)

    def concept(self, scheme: str, value: object) -> str | None:
        return self.notation[scheme].get(value) if isinstance(value, URIRef) else None  # type: ignore[return-value]

    def customer(self) -> Element:
        el = Element("kgbp:customer", "BusinessRole", dict(CUSTOMER_NAMES))
        el.prop(KIND_PROPERTY, CUSTOMER_KIND)
        return self.model.add(el)

    def service(self, graph: Graph, service: URIRef) -> Element:
        el = self.element(graph, service, "BusinessService", "service")
        self.model.relate("Serving", el.key, self.customer().key, "serves-customer")
        return el

    def blueprint(self, bp: URIRef, graph: Graph) -> None:
        m = self.model
        service = graph.value(bp, SB.blueprintOf)
        version = str(graph.value(bp, DCTERMS.identifier) or "")
        title = texts(graph.objects(bp, DCTERMS.title)) or self.names(graph, bp)
        names = {lang: f"{text} [{version}]" for lang, text in title.items()}
        plateau = self.element(graph, bp, "Plateau", "blueprint", names, iris.blueprint_id(str(bp)))
        plateau.prop("kgbp:version", version)
        plateau.prop("kgbp:status", self.concept("status", graph.value(bp, SB.versionStatus)))
        plateau.prop("kgbp:level", _int_text(graph.value(bp, SB.level)))
        members: list[str] = []
        if isinstance(service, URIRef):
            members.append(self.service(graph, service).key)

        for tp in _refs(graph.subjects(RDF.type, SB.Touchpoint)):
            el = self.element(graph, tp, "BusinessInterface", "touchpoint")
            el.prop("kgbp:channel", self.concept("channel", graph.value(tp, SB.channel)))
            el.prop("kgbp:channel-kind", self.concept("channel_kind", graph.value(tp, SB.channelKind)))
            el.prop("kgbp:marketing-p", self.concept("p", graph.value(tp, SB.expressesP)))
            m.relate("Serving", el.key, self.customer().key, "touchpoint-serves-customer")
            members.append(el.key)

        lanes: dict[str, list[tuple[int, str]]] = {}  # lane -> (position, step key)
        steps = _refs(graph.subjects(SB.inLane, None))
        for step in steps:
            el = self.step(graph, step)
            members.append(el.key)
            lanes.setdefault(el.value("kgbp:lane") or "frontstage", []).append((int(el.value("kgbp:position") or 0), el.key))
        for step in steps:
            self.step_relations(graph, step)
        self.timeline(lanes)

        evidence = _refs([*graph.subjects(SB.evidenceOf, None), *graph.subjects(RDF.type, SB.PhysicalEvidence)])
        for ev in evidence:
            el = self.element(graph, ev, "Representation", "evidence")
            el.prop("kgbp:lane", "evidence")
            el.prop("kgbp:position", _int_text(graph.value(ev, SB.position)))
            el.prop("kgbp:marketing-p", self.concept("p", graph.value(ev, SB.expressesP)))
            for step in _refs(graph.objects(ev, SB.evidenceOf)):
                m.relate("Access", str(step), el.key, "evidence-of", access_type="Read")
            members.append(el.key)

        for std in _refs(graph.subjects(RDF.type, SB.ServiceStandard)):
            members.append(self.standard(graph, std).key)
        for step in _refs(graph.subjects(SB.boundedBy, None)):
            for std in _refs(graph.objects(step, SB.boundedBy)):
                m.relate("Association", str(step), str(std), "bounded-by")

        for key in [*members, *(str(d) for d in self.departments_of(graph)), *(str(s) for s in self.systems_of(graph))]:
            m.relate("Aggregation", plateau.key, key, "in-version")
        systems = [str(s) for s in self.systems_of(graph)]
        self.model.views.append(_view(self, bp, graph, systems, plateau))

    def timeline(self, lanes: dict[str, list[tuple[int, str]]]) -> None:
        """Triggering from each step to the next one(s) in time within its lane."""
        for items in lanes.values():
            positions = sorted({p for p, _ in items})
            for before, after in itertools.pairwise(positions):
                for a in (k for p, k in items if p == before):
                    for b in (k for p, k in items if p == after):
                        self.model.relate("Triggering", a, b, "timeline")

    def step(self, graph: Graph, step: URIRef) -> Element:
        lane = self.concept("lane", graph.value(step, SB.inLane)) or "frontstage"
        performer = self.concept("performer", graph.value(step, SB.performerKind))
        type_ = "ApplicationProcess" if lane != "customer" and performer == "system" else "BusinessProcess"
        el = self.element(graph, step, type_, "customer-action" if lane == "customer" else "step")
        el.prop("kgbp:lane", lane)
        el.prop("kgbp:position", _int_text(graph.value(step, SB.position)))
        el.prop("kgbp:performer", performer)
        markers = set(graph.objects(step, SB.hasMarker))
        mode = texts(graph.objects(step, SB.failureMode))
        consequence = texts(graph.objects(step, SB.customerConsequence))
        if SB.FailMarker in markers:
            el.prop("kgbp:fail-point", "true")
            el.prop("kgbp:failure-mode", mode)
            el.prop("kgbp:consequence", consequence)
        if SB.WaitMarker in markers:
            el.prop("kgbp:wait-point", "true")
        if SB.FailMarker in markers and mode:
            # an Assessment names what goes wrong; its documentation says what the customer feels
            assessment = Element(f"{step}#failure-mode", "Assessment", mode, consequence)
            assessment.prop(IRI_PROPERTY, str(step))
            assessment.prop(KIND_PROPERTY, FAILURE_MODE_KIND)
            self.model.add(assessment)
            self.model.relate("Association", assessment.key, el.key, "failure-mode")
        return el

    def step_relations(self, graph: Graph, step: URIRef) -> None:
        m = self.model
        el = m.elements[str(step)]
        system_step = el.type == "ApplicationProcess"
        if el.value("kgbp:lane") == "customer":
            m.relate("Assignment", self.customer().key, el.key, "customer-action")
        for dept in _refs(graph.objects(step, SB.responsibleDepartment)):
            d = self.department(graph, dept)
            # a business actor cannot be assigned to an application process in ArchiMate 3.1
            m.relate("Association" if system_step else "Assignment", d.key, el.key, "responsible-department")
        for sys in _refs(graph.objects(step, SB.usesSystem)):
            s = self.system(graph, sys)
            m.relate("Assignment" if system_step else "Serving", s.key, el.key, "uses-system")
        for upper in _refs(graph.objects(step, SB.supports)):
            m.relate("Serving", el.key, str(upper), "supports")
        for tp in _refs(graph.objects(step, SB.atTouchpoint)):
            m.relate("Association", el.key, str(tp), "at-touchpoint")

    def standard(self, graph: Graph, std: URIRef) -> Element:
        el = self.element(graph, std, "Requirement", "standard")
        el.prop("kgbp:tier", self.concept("tier", graph.value(std, SB.customerTier)))
        el.prop("kgbp:metric", self.concept("metric", graph.value(std, SB.metric)))
        threshold = graph.value(std, SB.threshold)
        if threshold is not None:
            top, unit = graph.value(threshold, SCHEMA.maxValue), graph.value(threshold, SCHEMA.unitCode)
            el.prop("kgbp:threshold", " ".join(x for x in (f"<= {top}" if top is not None else "", str(unit or "")) if x))
        share = graph.value(std, SB.targetShare)
        # a "number" property: an ill-typed literal is left out
        el.prop("kgbp:target-share", str(share) if as_number(share) is not None else None)
        for target in _refs(graph.objects(std, SB.appliesTo)):
            self.model.relate("Association", el.key, str(target), "applies-to")
        return el

    def department(self, graph: Graph, dept: URIRef) -> Element:
        return self.element(graph, dept, "BusinessActor", "department")

    def system(self, graph: Graph, system: URIRef) -> Element:
        el = self.element(graph, system, "ApplicationComponent", "system")
        parent = self.repo.value(system, SB.partOf) or graph.value(system, SB.partOf)
        if isinstance(parent, URIRef) and str(parent) not in self.model.elements:
            self.system(graph, parent)
        if isinstance(parent, URIRef):
            self.model.relate("Composition", str(parent), el.key, "part-of")
        return el

    def departments_of(self, graph: Graph) -> list[URIRef]:
        return _refs(graph.objects(None, SB.responsibleDepartment))

    def systems_of(self, graph: Graph) -> list[URIRef]:
        found: set[URIRef] = set()
        stack = [s for s in graph.objects(None, SB.usesSystem) if isinstance(s, URIRef)]
        while stack:
            s = stack.pop()
            if s not in found:
                found.add(s)
                parent = self.repo.value(s, SB.partOf)
                if isinstance(parent, URIRef):
                    stack.append(parent)
        return sorted(found)

    def finish(self, graphs: dict[URIRef, Graph], whole_repository: bool) -> None:
        m = self.model
        if whole_repository:  # shared entities nobody names yet still belong to the repository
            for dept in _refs(self.repo.subjects(RDF.type, SB.Department)):
                self.department(self.repo, dept)
            for sys in _refs(self.repo.subjects(RDF.type, SB.System)):
                self.system(self.repo, sys)
        for bp, graph in graphs.items():
            earlier = graph.value(bp, PROV.wasRevisionOf)
            if isinstance(earlier, URIRef):
                m.relate("Triggering", str(earlier), str(bp), "revision-of")
            refined = graph.value(bp, SB.refinesStep)
            if isinstance(refined, URIRef):
                m.relate("Association", str(bp), str(refined), "refines")


def _refs(nodes: Iterable[object]) -> list[URIRef]:
    """The IRIs among `nodes`, once each, sorted (so exports come out the same every time)."""
    return sorted({n for n in nodes if isinstance(n, URIRef)})


def _int_text(value: RdfNode | None) -> str | None:
    number = as_int(value, -1) if value is not None else None
    return str(number) if number is not None and number >= 0 else None


# -- the view: one per blueprint, five lanes ---------------------------------------------

SYSTEM_W, SYSTEM_H, ROW_GAP, MARGIN = 150, 55, 16, 12
WIRE_TRACK = 6  # between two wires running side by side
CAPTION_H = 20


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _view(builder: _Builder, bp: URIRef, graph: Graph, systems: list[str], plateau: Element) -> View:
    """The blueprint's diagram as the SVG diagrams draw it (kgbp.diagram.layout): five lanes top to
    bottom with the three lines between them, steps along the timeline in their department's colour
    with F and W badges, the support arrows and evidence links on the diagram's own routes.

    ArchiMate puts application components in a layer below the business processes they serve:
    the IT systems get a row under the lanes (outside the support lane), each use of a system a
    wire of its own (up a channel between columns, where no box stands, into the step's right
    edge); the departments a row under that, in the colours of their steps.
    """
    m = builder.model
    shared = [o for p in (SB.responsibleDepartment, SB.usesSystem, SB.blueprintOf)
              for o in graph.objects(None, p) if isinstance(o, URIRef)]
    labels = {n: pick_text(builder.names(graph, n), m.lang) for n in shared}
    drawn = diagram_layout(build_view(graph, bp, m.lang, labels))
    boxes = {str(b.step.iri): b for b in drawn.boxes}
    bands = {band.key: band.rect for band in drawn.lanes}
    lane_concepts = {v: k for k, v in builder.notation["lane"].items()}
    # the SVG puts a title above the lanes; Archi has the view's name, so move the lanes up
    dx = round(min(b.x for b in bands.values())) - MARGIN
    dy = round(min(b.y for b in bands.values())) - MARGIN

    def pt(x: float, y: float) -> tuple[int, int]:
        return round(x) - dx, round(y) - dy

    view = View(str(bp), plateau.names, plateau.docs, [])
    # columns' extents: the channels between them hold no box in any lane
    cols: dict[int, tuple[float, float]] = {}
    for b in drawn.boxes:
        lo, hi = cols.get(b.column, (b.rect.x, b.rect.right))
        cols[b.column] = (min(lo, b.rect.x), max(hi, b.rect.right))
    left = min((lo for lo, _ in cols.values()), default=min(b.x for b in bands.values()) + 2 * MARGIN)

    uses = [r for r in m.relationships.values() if r.relation == "uses-system" and r.target in boxes
            and r.source in systems]
    lanes_bottom = bands["support"].bottom
    corridor = lanes_bottom + 2 * WIRE_TRACK  # wires run under the lanes, one track each
    systems_top = corridor + len(uses) * WIRE_TRACK + 2 * WIRE_TRACK
    depts = sorted({str(b.step.department_iri) for b in drawn.boxes if b.step.department_iri is not None})
    depts_top = systems_top + (SYSTEM_H + ROW_GAP + CAPTION_H if systems else 0)
    right = max([band.right for band in bands.values()]
                + [left + n * (SYSTEM_W + ROW_GAP) for n in (len(systems), len(depts))]
                + [hi + 5 * MARGIN for _, hi in cols.values()])  # the channel after the last column

    for lane in LANE_ORDER:
        band = bands[lane]
        x, y = pt(band.x, band.y)
        labels_ = builder.lane_labels.get(lane_concepts[lane], {}) if lane in lane_concepts else {}
        row = LaneRow(lane, labels_ or {"en": lane}, x, y, round(right) - dx - x, round(band.bottom) - dy - y)
        for key, box in boxes.items():
            el = m.elements.get(key)
            if el is not None and (el.value("kgbp:lane") or "frontstage") == lane:
                row.nodes.append(Node(key, *pt(box.rect.x, box.rect.y), round(box.rect.w), round(box.rect.h),
                                      _rgb(box.fill), _rgb(box.stroke)))
        view.lanes.append(row)

    for line in drawn.lines:  # a thin bar across, and its name on it (at the right: lane names sit at the left)
        names = texts(vocabulary().graph.objects(line.iri, SKOS.prefLabel)) or {m.lang: line.label.text}
        view.marks.append(Mark(f"line|{line.key}", names, *pt(line.x1, line.y - 1), round(right - line.x1), 2,
                               LINE_FILL, LINE_FILL))
        bg = line.label_bg
        view.marks.append(Mark(f"line-name|{line.key}", names, *pt(right - MARGIN - bg.w, bg.y), round(bg.w),
                               round(bg.h), WHITE, LINE_FILL))
    for key, box in boxes.items():
        for badge in box.badges:
            view.marks.append(Mark(f"badge|{badge.kind}|{key}", {"": badge.kind},
                                   *pt(badge.cx - badge.r, badge.cy - badge.r), round(2 * badge.r),
                                   round(2 * badge.r), _rgb(badge.fill), WHITE))

    system_nodes = {key: Node(key, *pt(left + i * (SYSTEM_W + ROW_GAP), systems_top), SYSTEM_W, SYSTEM_H)
                    for i, key in enumerate(systems)}
    view.nodes.extend(system_nodes.values())
    if systems:
        view.marks.append(Mark("caption|systems", dict(SYSTEMS_CAPTION),
                               *pt(left, systems_top + SYSTEM_H + 4), 2 * SYSTEM_W, CAPTION_H - 4))
    for i, key in enumerate(depts):
        fill, stroke = department_colour(URIRef(key))
        view.nodes.append(Node(key, *pt(left + i * (SYSTEM_W + ROW_GAP), depts_top), SYSTEM_W, SYSTEM_H // 2 + 10,
                               _rgb(fill), _rgb(stroke)))
    if depts:
        view.marks.append(Mark("caption|departments", dict(DEPARTMENTS_CAPTION),
                               *pt(left, depts_top + SYSTEM_H // 2 + 14), 2 * SYSTEM_W, CAPTION_H - 4))

    view.wires.extend(_diagram_wires(m, drawn.arrows, pt))
    view.wires.extend(_system_wires(uses, boxes, system_nodes, cols, corridor, pt))
    return view


Place = Callable[[float, float], tuple[int, int]]  # a layout point in the view


def _diagram_wires(m: ArchiModel, arrows: Iterable[Arrow], pt: Place) -> list[Wire]:
    """The support arrows and evidence links on the routes the diagram gave them (a track each)."""
    wires = []
    by_pair = {(r.source, r.target): r.key for r in m.relationships.values() if r.relation in ("supports", "evidence-of")}
    for arrow in arrows:
        source, target = str(arrow.source.iri), str(arrow.target.iri)
        points = [pt(x, y) for x, y in arrow.path.points]
        if arrow.kind == "evidence":
            source, target, points = target, source, points[::-1]  # the relationship runs step -> evidence
        key = by_pair.get((source, target))
        if key is not None:
            wires.append(Wire(key, points))
    return wires


def _system_wires(uses: list[Relationship], boxes: dict[str, StepBox], system_nodes: dict[str, Node],
                  cols: dict[int, tuple[float, float]], corridor: float, pt: Place) -> list[Wire]:
    """Each use of a system: up from the system's top edge to a track of its own under the lanes,
    along it to a channel beside the step's column (the less used one), up the channel on a track
    of its own to the step's height, and into the step's side."""
    leaving: dict[str, list[Relationship]] = {}
    arriving: dict[str, list[Relationship]] = {}
    for rel in uses:
        leaving.setdefault(rel.source, []).append(rel)
        arriving.setdefault(rel.target, []).append(rel)
    order = sorted(cols)
    bounds: dict[int, tuple[float, float]] = {}  # channel c runs left of column c (the last one right of all)
    for n, c in enumerate(order):
        lo = cols[order[n - 1]][1] if n else cols[c][0] - 4 * MARGIN
        bounds[n] = (lo, cols[c][0])
    bounds[len(order)] = (cols[order[-1]][1], cols[order[-1]][1] + 4 * MARGIN) if order else (0.0, 0.0)
    ranked = sorted(uses, key=lambda r: (system_nodes[r.source].x, r.target))
    chosen: dict[str, int] = {}
    load: dict[int, list[str]] = {}
    for rel in ranked:
        at = order.index(boxes[rel.target].column)
        channel = min((at, at + 1), key=lambda c: (len(load.get(c, [])), -c))
        chosen[rel.key] = channel
        load.setdefault(channel, []).append(rel.key)
    wires: list[Wire] = []
    for track, rel in enumerate(ranked):
        node = system_nodes[rel.source]
        mine = leaving[rel.source]
        sx = node.x + round(node.w * (mine.index(rel) + 1) / (len(mine) + 1))
        rect = boxes[rel.target].rect
        channel = chosen[rel.key]
        lo, hi = bounds[channel]
        here = load[channel]
        cx = lo + (hi - lo) * (here.index(rel.key) + 1) / (len(here) + 1)
        side_x = rect.right if channel > order.index(boxes[rel.target].column) else rect.x
        # into the side below the badges (top third of the box), one height per wire
        into = arriving[rel.target]
        top = rect.y + max(rect.h * 0.45, 28.0)
        ty = top + (rect.bottom - 4 - top) * (into.index(rel) + 1) / (len(into) + 1)
        tx, tty = pt(side_x, ty)
        ccx, cty = pt(cx, corridor + track * WIRE_TRACK)
        wires.append(Wire(rel.key, [(sx, node.y), (sx, cty), (ccx, cty), (ccx, tty), (tx, tty)]))
    return wires


# -- entry point ---------------------------------------------------------------------------


def build_model(store: Store, service: str | None = None, lang: str = "en") -> ArchiModel:
    """The ArchiMate model of the whole repository, or of one service (all its versions)."""
    lang = normalise_lang(lang)
    summaries = repository.list_blueprints(store, lang)
    if service is not None:
        summaries = [b for b in summaries if b.id.split("/", 1)[0] == service]
        if not summaries:
            raise NotFound(f"no service {service!r}", where=service,
                           hint="`kgbp list` shows the stored blueprints (ids are service/version)")
    repo = store.graph(REPOSITORY_GRAPH)
    if service is None:
        model = ArchiModel("kgbp:model:repository", dict(REPOSITORY_NAMES), lang)
    else:
        svc = iris.service_iri(service)
        model = ArchiModel(f"kgbp:model:{svc}", texts(repo.objects(svc, RDFS.label)) or {lang: service}, lang,
                           texts(repo.objects(svc, DCTERMS.description)))
    builder = _Builder(model, repo)
    graphs: dict[URIRef, Graph] = {}
    for summary in sorted(summaries, key=lambda b: b.id):
        graphs[summary.iri] = store.graph(summary.iri)
        builder.blueprint(summary.iri, graphs[summary.iri])
    builder.finish(graphs, whole_repository=service is None)
    return model


__all__ = ["ArchiModel", "Element", "LaneRow", "Mark", "Node", "Relationship", "View", "Wire", "build_model",
           "identifier"]
