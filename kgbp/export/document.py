"""A stored blueprint as an authoring document: the YAML-shaped dict the readers take.

The inverse of `authoring.yaml_reader`: read back (as YAML or through the spreadsheet
template) it gives the same blueprint graph. Everything is written out explicitly
(positions, performers, channel kinds), so no reader default is needed to get it back.
Labels keep their languages; untagged literals are written under the language the
YAML reader would guess for them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from ..errors import NotFound
from ..i18n import guess_lang
from ..model import iris
from ..model.literals import as_number
from ..model.namespaces import ORG, SB, SCHEMA
from ..model.vocabulary import vocabulary
from ..resources import internal_query
from ..store import Store

LANES = ("customer", "frontstage", "backstage", "support")


def texts(graph: Graph, node: Node, prop: URIRef) -> dict[str, str]:
    """{lang: text} of a node's literals, languages sorted (zh, en and any other)."""
    found: dict[str, str] = {}
    for lit in sorted(graph.objects(node, prop), key=str):
        if isinstance(lit, Literal):
            found.setdefault(lit.language or guess_lang(str(lit)), str(lit))
    return dict(sorted(found.items()))


def _number(lit: Node | None) -> int | float | None:
    return as_number(lit)  # None for an ill-typed or non-finite literal


def _ident(graph: Graph, node: Node) -> str:
    value = graph.value(node, DCTERMS.identifier)
    return str(value) if value is not None else unquote(str(node).rstrip("/").rsplit("/", 1)[-1])


def _shared(store: Store, nodes: set[URIRef]) -> Graph:
    """Repository triples about `nodes` and, through sb:partOf / org:unitOf, the larger ones they belong to."""
    graph = Graph()
    todo, seen = set(nodes), set()
    while todo:
        node = todo.pop()
        seen.add(node)
        for p, o in store.select(internal_query("repository_triples_of"), {"s": node}).rows:
            graph.add((node, p, o))  # type: ignore[arg-type]
            if p in (SB.partOf, ORG.unitOf) and isinstance(o, URIRef) and o not in seen:
                todo.add(o)
    return graph


def _with(entry: dict[str, Any], **values: Any) -> dict[str, Any]:
    """`entry` plus the values that are set (no empty labels, no None)."""
    entry.update({k: v for k, v in values.items() if v not in (None, {}, [], "")})
    return entry


def blueprint_document(store: Store, bp: URIRef) -> dict[str, Any]:
    g = store.graph(bp)
    if (bp, RDF.type, SB.Blueprint) not in g:
        raise NotFound(f"no blueprint <{bp}>", where=str(bp), hint="`kgbp list` shows the stored blueprints")
    return document_from_graphs(g, bp, store)


def document_from_graphs(g: Graph, bp: URIRef, store: Store) -> dict[str, Any]:
    vocab = vocabulary()
    service = g.value(bp, SB.blueprintOf)
    assert isinstance(service, URIRef)
    departments = {o for o in g.objects(None, SB.responsibleDepartment) if isinstance(o, URIRef)}
    systems = {o for o in g.objects(None, SB.usesSystem) if isinstance(o, URIRef)}
    shared = _shared(store, {service} | departments | systems)
    service_id = _ident(shared, service)
    version = str(g.value(bp, DCTERMS.identifier) or "as-is")
    scheme = vocab.scheme

    doc: dict[str, Any] = {"format": "kgbp/1"}
    doc["service"] = _with({"id": service_id}, label=texts(shared, service, RDFS.label),
                           description=texts(shared, service, DCTERMS.description))
    doc["version"] = version
    doc["status"] = scheme("status").name_of(g.value(bp, SB.versionStatus)) or "as-is"
    _with(doc, title=texts(g, bp, DCTERMS.title), description=texts(g, bp, DCTERMS.description),
          level=_number(g.value(bp, SB.level)))
    revised = g.value(bp, PROV.wasRevisionOf)
    if revised is not None:
        rid = iris.blueprint_id(str(revised)) or ""
        if rid.split("/")[0] == service_id:  # the format names a version of the same service only
            doc["revision_of"] = rid.split("/", 1)[1]
    refined = g.value(bp, SB.refinesStep)
    if refined is not None and "/step/" in str(refined):
        parent, _, step = str(refined).rpartition("/step/")
        doc["refines"] = {"blueprint": iris.blueprint_id(parent) or parent, "step": unquote(step)}
    for key, prop in (("created", DCTERMS.created), ("modified", DCTERMS.modified)):
        if g.value(bp, prop) is not None:
            doc[key] = str(g.value(bp, prop))

    def shared_entries(cls: URIRef) -> list[dict[str, Any]]:
        entries = []
        for node in sorted(shared.subjects(RDF.type, cls), key=lambda n: _ident(shared, n)):
            parent = shared.value(node, SB.partOf) or shared.value(node, ORG.unitOf)  # a system's, a department's
            entries.append(_with({"id": _ident(shared, node)}, label=texts(shared, node, RDFS.label),
                                 part_of=_ident(shared, parent) if parent is not None else None,
                                 aliases=sorted(str(a) for a in shared.objects(node, SKOS.altLabel))))
        return entries

    _with(doc, departments=shared_entries(SB.Department), systems=shared_entries(SB.System))

    def local(cls: URIRef) -> list[URIRef]:
        nodes = [n for n in g.subjects(RDF.type, cls) if isinstance(n, URIRef)]
        return sorted(nodes, key=lambda n: (_number(g.value(n, SB.position)) or 0, _ident(g, n)))

    def ids(nodes: Any) -> list[str]:
        return sorted(_ident(g, n) for n in nodes)

    touchpoints = []
    for node in local(SB.Touchpoint):
        touchpoints.append(_with(
            {"id": _ident(g, node)}, label=texts(g, node, RDFS.label),
            channel=scheme("channel").name_of(g.value(node, SB.channel)),
            kind=scheme("channel_kind").name_of(g.value(node, SB.channelKind)),
            p=scheme("p").name_of(g.value(node, SB.expressesP))))
    standards = []
    for node in local(SB.ServiceStandard):
        threshold = g.value(node, SB.threshold)
        unit = g.value(threshold, SCHEMA.unitCode) if threshold is not None else None
        standards.append(_with(
            {"id": _ident(g, node)}, label=texts(g, node, RDFS.label),
            applies_to=ids(g.objects(node, SB.appliesTo)),
            metric=scheme("metric").name_of(g.value(node, SB.metric)),
            max=_number(g.value(threshold, SCHEMA.maxValue)) if threshold is not None else None,
            unit=str(unit) if unit is not None else None,
            share=_number(g.value(node, SB.targetShare)),
            tier=scheme("tier").name_of(g.value(node, SB.customerTier))))
    evidence = []
    for node in local(SB.PhysicalEvidence):
        evidence.append(_with(
            {"id": _ident(g, node)}, label=texts(g, node, RDFS.label),
            **{"for": ids(g.objects(node, SB.evidenceOf))},
            p=scheme("p").name_of(g.value(node, SB.expressesP)),
            position=_number(g.value(node, SB.position))))
    _with(doc, touchpoints=touchpoints, standards=standards, evidence=evidence)

    steps: dict[str, list[dict[str, Any]]] = {}
    lanes, performers = scheme("lane"), scheme("performer")
    for node in local(SB.Step):
        lane = lanes.name_of(g.value(node, SB.inLane))
        markers = set(g.objects(node, SB.hasMarker))
        fail: Any = None
        if SB.FailMarker in markers:
            fail = _with({}, mode=texts(g, node, SB.failureMode), consequence=texts(g, node, SB.customerConsequence)) or True
        wait: Any = None
        if SB.WaitMarker in markers:
            bound = g.value(node, SB.boundedBy)
            wait = {"standard": _ident(g, bound)} if bound is not None else True
        department = g.value(node, SB.responsibleDepartment)
        touchpoint = g.value(node, SB.atTouchpoint)
        steps.setdefault(lane, []).append(_with(
            {"id": _ident(g, node)}, label=texts(g, node, RDFS.label),
            description=texts(g, node, DCTERMS.description),
            position=_number(g.value(node, SB.position)),
            performer=performers.name_of(g.value(node, SB.performerKind)),
            department=_ident(shared, department) if department is not None else None,
            systems=sorted(_ident(shared, s) for s in g.objects(node, SB.usesSystem)),
            touchpoint=_ident(g, touchpoint) if touchpoint is not None else None,
            supports=ids(g.objects(node, SB.supports)),
            fail=fail, wait=wait))
    doc["steps"] = {lane: steps[lane] for lane in LANES if lane in steps}
    return doc
