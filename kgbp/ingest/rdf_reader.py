"""Blueprints written directly in RDF (Turtle, TriG, JSON-LD, N-Quads, N-Triples, RDF/XML).

Each blueprint is a node typed sb:Blueprint whose IRI is in our namespace (so its id can
be read from it). In a dataset, each named graph holding one is that blueprint's graph.
Descriptions of services, departments and systems go to the repository graph.
"""

from __future__ import annotations

import re

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node, _is_valid_uri

from ..errors import BadInput, PayloadTooLarge
from ..i18n import say
from ..model import iris
from ..model.authored import AuthoredBlueprint
from ..model.namespaces import HISTORY_GRAPH, ID, REPOSITORY_GRAPH, SB
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
        raise BadInput(say("rdf_dtd"), where=f"{source}:{line}", hint=say("rdf_dtd_hint"))


# rdflib's Turtle and N-Triples parsers take time growing with the square of the escapes
# (\n, \", \uXXXX) in one string: 100,000 in one literal take 5 s, 400,000 a minute
MAX_ESCAPES_PER_LINE, MAX_ESCAPES = 10_000, 100_000
ESCAPED_FORMATS = {"turtle", "trig", "nt", "nquads"}


def refuse_slow_escapes(text: str, source: str) -> None:
    """Refuse text whose escapes would make parsing quadratic; linear, before the parser runs."""
    total = text.count("\\")
    if total <= MAX_ESCAPES_PER_LINE:
        return
    if total > MAX_ESCAPES:
        raise PayloadTooLarge(say("rdf_escapes", total=total, limit=MAX_ESCAPES), where=source, hint=say("rdf_escapes_hint"))
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count("\\") > MAX_ESCAPES_PER_LINE:
            raise PayloadTooLarge(say("rdf_escapes_line", total=line.count(chr(92)), limit=MAX_ESCAPES_PER_LINE),
                                  where=f"{source}:{number}", hint=say("rdf_escapes_line_hint"))


_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def refuse_unwritable_iris(graph: Graph, source: str) -> None:
    """Refuse IRIs that RDF cannot write back (a '>' or space from an escape such as \\u003E):
    the store, N-Triples and the history's kept states could not hold them."""
    seen: set[URIRef] = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and term not in seen:
                seen.add(term)
                if not _ABSOLUTE.match(term):
                    raise BadInput(say("rdf_relative_iri", iri=f"{term!s:.200}"), where=f"{source}: <{term!s:.200}>",
                                   hint=say("rdf_relative_iri_hint"))
                if not _is_valid_uri(term):
                    raise BadInput(say("rdf_bad_iri_char", iri=f"{term!s:.200}"), where=f"{source}: <{term!s:.200}>",
                                   hint=say("rdf_bad_iri_char_hint"))


def _syntax_error(exc: Exception, source: str, fmt: str) -> BadInput:
    text = str(exc)
    line = re.search(r"line (\d+)", text) or re.search(r":(\d+):", text)
    where = f"{source}:{line.group(1)}" if line else source
    lines = [ln for ln in text.strip().splitlines() if ln.strip() and not ln.startswith("at line")]
    first = lines[0] if lines else type(exc).__name__
    first = re.sub(r" at \^ in:$", "", first)
    return BadInput(say("rdf_syntax", fmt=fmt, what=first[:300]), where=where, hint=say("rdf_syntax_hint", fmt=fmt))


def _own(node: Node, bp: URIRef) -> bool:
    """Whether a subject belongs to blueprint `bp`: the blueprint, a node minted under it, or a blank node."""
    return isinstance(node, BNode) or node == bp or (isinstance(node, URIRef) and str(node).startswith(f"{bp}/"))


def _shared_kind(node: Node) -> bool:
    """Whether `node` is a department, system or service IRI as kgbp mints them."""
    text = str(node)
    if not isinstance(node, URIRef):
        return False
    for kind in ("department/", "system/", "service/"):
        rest = text[len(f"{ID}{kind}"):] if text.startswith(f"{ID}{kind}") else None
        if rest and "/" not in rest and "#" not in rest:
            return True
    return False


def _shared_subjects(graph: Graph, source: str) -> set[Node]:
    found = {s for t in SHARED_TYPES for s in graph.subjects(RDF.type, t)}
    for subject in found:
        if not _shared_kind(subject):
            raise BadInput(say("rdf_shared_misnamed", iri=str(subject)), where=f"{source}: <{subject}>",
                           hint=say("rdf_shared_misnamed_hint", id=ID))
    return found


def _split(graph: Graph, bp: URIRef, source: str, outside: Graph | None = None) -> AuthoredBlueprint:
    """The blueprint's own graph and the shared entities it describes (departments, systems,
    its service), refusing whatever else: a blueprint's graph describes only the blueprint
    and its own nodes, and a shared entity is kept only when the blueprint names it.
    `outside`: shared entities described outside any blueprint graph (checked by the caller);
    the blueprint keeps those it names."""
    bid = iris.blueprint_id(str(bp))
    canonical = iris.canonical_blueprint_iri(str(bp))
    if canonical is not None:
        raise BadInput(say("rdf_not_canonical", iri=str(bp), canonical=canonical), where=f"{source}: <{bp}>",
                       hint=say("rdf_not_canonical_hint", canonical=canonical))
    if bid is None:
        raise BadInput(say("rdf_outside_namespace", iri=str(bp)), where=f"{source}: <{bp}>",
                       hint=say("rdf_outside_namespace_hint", id=ID))
    shared_subjects = _shared_subjects(graph, source)
    blueprint_graph, shared = Graph(), Graph()
    for triple in graph:
        subject = triple[0]
        if subject in shared_subjects:
            shared.add(triple)
        elif _own(subject, bp):
            blueprint_graph.add(triple)
        else:
            raise BadInput(say("rdf_not_part", iri=str(subject), bp=str(bp)), where=f"{source}: <{subject}>",
                           hint=say("rdf_not_part_hint", bp=str(bp)))
    service = iris.service_iri(bid.split("/")[0])
    named = _reachable(blueprint_graph, shared + outside if outside is not None else shared, service)
    stray = sorted(str(s) for s in shared_subjects - named)
    if stray:
        raise BadInput(say("rdf_stray", iri=stray[0], bp=str(bp)), where=f"{source}: <{stray[0]}>", hint=say("rdf_stray_hint"))
    if outside is not None:
        shared += (t for t in outside if t[0] in named)
    status = blueprint_graph.value(bp, SB.versionStatus)
    return AuthoredBlueprint(iri=bp, id=bid, graph=blueprint_graph, shared=shared,
                             draft=status == SB.Draft, source=source)


def _reachable(blueprint_graph: Graph, shared: Graph, service: URIRef) -> set[Node]:
    """The shared subjects the blueprint names, directly or through them (a system's parent)."""
    seen: set[Node] = {service}
    todo: list[Node] = [service, *blueprint_graph.objects()]
    while todo:
        node = todo.pop()
        seen.add(node)
        todo.extend(o for o in shared.objects(node) if o not in seen and isinstance(o, URIRef))
    return seen


def read_rdf(data: bytes, source: str, suffix: str) -> list[AuthoredBlueprint]:
    fmt = FORMATS[suffix]
    if fmt == "xml":
        refuse_dtd(data, source)
    text = decode(data, source) if fmt != "xml" else None
    if fmt == "json-ld" and text is not None:
        from ..export.jsonld_context import inline_contexts

        text = inline_contexts(text, source)  # our context from the package; no remote fetch
    if fmt in ESCAPED_FORMATS and text is not None:
        refuse_slow_escapes(text, source)
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
        if isinstance(exc, RecursionError):
            raise  # the boundary names it: nested too deeply
        raise _syntax_error(exc, source, fmt) from None
    return blueprints_in(graphs, source)


def blueprints_in(graphs: list[tuple[Node | None, Graph]], source: str) -> list[AuthoredBlueprint]:
    """The blueprints in parsed graphs (graph name, graph): each with its shared entities split off."""
    for _, graph in graphs:
        refuse_unwritable_iris(graph, source)
    chosen: list[tuple[URIRef, Graph]] = []
    default_rest, exported_shared = Graph(), Graph()
    for name, graph in graphs:
        blueprints = [s for s in graph.subjects(RDF.type, SB.Blueprint) if isinstance(s, URIRef)]
        is_default = name is None or not isinstance(name, URIRef) or "default" in str(name)
        if name == HISTORY_GRAPH:
            continue  # kgbp's own record in a repository export: a save writes history anew
        if name == REPOSITORY_GRAPH:  # kgbp's own export: its blueprints keep the entities they name
            exported_shared += graph
            continue
        if isinstance(name, URIRef) and name in blueprints:
            chosen.append((name, graph))
        elif len(blueprints) == 1 and is_default:
            chosen.append((blueprints[0], graph))
        elif len(blueprints) > 1:
            raise BadInput(say("rdf_many_in_graph", n=len(blueprints)), where=source, hint=say("rdf_many_in_graph_hint"))
        elif is_default or not len(graph):
            default_rest += graph
        else:
            raise BadInput(say("rdf_graph_no_blueprint", name=str(name)), where=f"{source}: <{name}>",
                           hint=say("rdf_graph_no_blueprint_hint", graph=str(REPOSITORY_GRAPH)))
    if not chosen:
        raise BadInput(say("rdf_no_blueprint"), where=source, hint=say("rdf_no_blueprint_hint", id=ID, cls=str(SB.Blueprint)))
    # outside any blueprint graph: only departments, systems and services a blueprint names
    outside_shared = _shared_subjects(default_rest, source)
    _shared_subjects(exported_shared, source)
    outside = default_rest + exported_shared
    found = [_split(graph, bp, source, outside if len(outside) else None) for bp, graph in chosen]
    named = set().union(*(set(bp.shared.subjects()) for bp in found))
    loose = sorted(str(s) for s in set(default_rest.subjects()) - (outside_shared & named))
    if loose:
        raise BadInput(say("rdf_loose", iri=loose[0]), where=f"{source}: <{loose[0]}>", hint=say("rdf_loose_hint"))
    return found
