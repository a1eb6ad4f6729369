"""Blueprints written directly in RDF (Turtle, TriG, JSON-LD, N-Quads, N-Triples, RDF/XML).

Each blueprint is a node typed sb:Blueprint whose IRI is in our namespace (so its id can
be read from it). In a dataset, each named graph holding one is that blueprint's graph.
Descriptions of services, departments and systems go to the repository graph.
"""

from __future__ import annotations

import re

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..errors import BadInput
from ..model import iris
from ..model.namespaces import ID, SB
from .model import AuthoredBlueprint
from .yaml_reader import decode

FORMATS = {
    ".ttl": "turtle", ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld",
    ".nq": "nquads", ".nt": "nt", ".rdf": "xml", ".owl": "xml",
}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}
SHARED_TYPES = (SB.Service, SB.Department, SB.System)
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def refuse_dtd(data: bytes, source: str) -> None:
    """RDF/XML with a DTD is refused before any parser sees it: entities can expand without
    bound (billion laughs) or read local files and URLs (external entities). A DTD can only
    come before the root element (UTF-16/32 interleave NUL bytes: dropped for the scan)."""
    text = data.replace(b"\x00", b"")
    first = _FIRST_ELEMENT.search(text)
    found = _DTD.search(text, 0, first.start() if first else len(text))
    if found:
        line = text.count(b"\n", 0, found.start()) + 1
        raise BadInput("the RDF/XML declares a DTD or entities (<!DOCTYPE>/<!ENTITY>); refused, nothing was expanded",
                       where=f"{source}:{line}",
                       hint="write the IRIs out in full instead of entities (or send Turtle), and remove the DOCTYPE")


def _syntax_error(exc: Exception, source: str, fmt: str) -> BadInput:
    text = str(exc)
    line = re.search(r"line (\d+)", text) or re.search(r":(\d+):", text)
    where = f"{source}:{line.group(1)}" if line else source
    lines = [ln for ln in text.strip().splitlines() if ln.strip() and not ln.startswith("at line")]
    first = lines[0] if lines else type(exc).__name__
    first = re.sub(r" at \^ in:$", "", first)
    return BadInput(f"{fmt} syntax error: {first[:300]}", where=where,
                    hint=f"fix the {fmt} syntax at that place (a validator such as `riot --validate` shows more)")


def _split(graph: Graph, bp: URIRef, source: str) -> AuthoredBlueprint:
    bid = iris.blueprint_id(str(bp))
    canonical = iris.canonical_blueprint_iri(str(bp))
    if canonical is not None:
        raise BadInput(f"blueprint IRI <{bp}> is not written canonically: it names the blueprint <{canonical}>",
                       where=f"{source}: <{bp}>", hint=f"write it <{canonical}> (no percent-escapes of allowed characters)")
    if bid is None:
        raise BadInput(f"blueprint IRI <{bp}> is outside kgbp's namespace", where=f"{source}: <{bp}>",
                       hint=f"name blueprints {ID}service/<service-id>/<version>")
    shared_subjects = {s for t in SHARED_TYPES for s in graph.subjects(RDF.type, t)}
    blueprint_graph, shared = Graph(), Graph()
    for triple in graph:
        (shared if triple[0] in shared_subjects else blueprint_graph).add(triple)
    status = blueprint_graph.value(bp, SB.versionStatus)
    return AuthoredBlueprint(iri=bp, id=bid, graph=blueprint_graph, shared=shared,
                             draft=status == SB.Draft, source=source)


def read_rdf(data: bytes, source: str, suffix: str) -> list[AuthoredBlueprint]:
    fmt = FORMATS[suffix]
    if fmt == "xml":
        refuse_dtd(data, source)
    text = decode(data, source) if fmt != "xml" else None
    if fmt == "json-ld" and text is not None:
        from ..export.jsonld_context import inline_contexts

        text = inline_contexts(text, source)  # our context from the package; no remote fetch
    try:
        if fmt in QUAD_FORMATS:
            ds = Dataset()
            ds.parse(data=text, format=fmt)
            graphs: list[tuple[Node | None, Graph]] = [(g.identifier, g) for g in ds.graphs()]
        else:
            g = Graph()
            g.parse(data=text if text is not None else data, format=fmt)
            graphs = [(None, g)]
    except BadInput:
        raise
    except Exception as exc:  # rdflib raises many types for syntax errors
        raise _syntax_error(exc, source, fmt) from None
    found: list[AuthoredBlueprint] = []
    default_rest = Graph()
    for name, graph in graphs:
        blueprints = [s for s in graph.subjects(RDF.type, SB.Blueprint) if isinstance(s, URIRef)]
        if isinstance(name, URIRef) and name in blueprints:
            found.append(_split(graph, name, source))
        elif len(blueprints) == 1 and (name is None or not isinstance(name, URIRef) or "default" in str(name)):
            found.append(_split(graph, blueprints[0], source))
        elif len(blueprints) > 1:
            raise BadInput(f"{len(blueprints)} blueprints in one graph", where=source,
                           hint="put each blueprint in its own named graph (TriG or N-Quads), named by its IRI")
        else:
            default_rest += graph
    if not found:
        raise BadInput("no blueprint found (nothing typed sb:Blueprint)", where=source,
                       hint=f"type the blueprint node <{ID}service/<service>/<version>> a <{SB.Blueprint}>")
    # triples outside any blueprint graph (e.g. departments in the default graph) are shared
    for bp in found:
        for triple in default_rest:
            bp.shared.add(triple)
    return found
