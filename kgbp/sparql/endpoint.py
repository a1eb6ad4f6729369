"""What the SPARQL endpoint allows, and how its writes reach the one write path.

SPARQL Update and Graph Store writes never touch the store directly: an update is first
run on a scratch copy (`SparqlRunner.preview_update`) to learn which graphs it changes
and how; each changed blueprint graph is then read like an uploaded RDF file and stored
through `repository.save` (derived facts recomputed, rules checked, history recorded).
Only blueprint graphs are writable; the ontology, repository and history graphs are kept
by kgbp itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from ..errors import BadInput, Conflict, Forbidden, NotFound, UnsupportedMediaType
from ..ingest import AuthoredBlueprint
from ..ingest.rdf_reader import read_rdf
from ..model import iris
from ..repository import save as repository
from ..store import Store
from ..store.protocol import SparqlRunner
from ..store.sparql_text import syntax_only
from ..validation.engine import ValidationReport, Validator

# media type -> (suffix the RDF reader knows, rdflib format for writing)
RDF_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "text/turtle": (".ttl", "turtle"),
    "application/n-triples": (".nt", "nt"),
    "application/rdf+xml": (".rdf", "xml"),
    "application/ld+json": (".jsonld", "json-ld"),
}
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)
_LOAD = re.compile(r"(?<![\w:?$])LOAD(?![\w:-])", re.IGNORECASE)


def check_query(query: str) -> None:
    """Refuse federated queries: SERVICE would let anyone make this server fetch URLs."""
    if _SERVICE.search(syntax_only(query)):
        raise Forbidden("SERVICE (federated query) is not allowed on this endpoint", where="query",
                        hint="query the other endpoint yourself and combine the answers")


def check_update(update: str) -> None:
    check_query(update)
    if _LOAD.search(syntax_only(update)):
        raise Forbidden("LOAD is not allowed on this endpoint", where="update",
                        hint="send the data itself: PUT or POST it to /rdf-graphs/service, or upload the blueprint")


def is_blueprint_graph(name: URIRef) -> bool:
    return iris.blueprint_id(str(name)) is not None


def _writable(name: URIRef | None) -> URIRef:
    if name is None:
        raise Forbidden("the default graph is not writable: it is the union of all blueprints",
                        where="default graph", hint="name the blueprint graph (GRAPH <...> or WITH <...>)")
    if not is_blueprint_graph(name):
        raise Forbidden(f"only blueprint graphs are writable, not <{name}>", where=str(name),
                        hint="blueprint graphs are named https://w3id.org/kgbp/id/service/<service>/<version>; "
                             "departments and systems are written with the blueprints that name them")
    return name


def _as_blueprint(name: URIRef, graph: Graph, source: str) -> AuthoredBlueprint:
    """A blueprint graph read as if uploaded as an RDF file (shared entities split off)."""
    found = read_rdf(graph.serialize(format="nt", encoding="utf-8"), source, ".nt")
    if len(found) != 1 or found[0].iri != name:
        other = found[0].iri if found else "none"
        raise BadInput(f"graph <{name}> must hold the blueprint <{name}> (found {other})", where=str(name),
                       hint="a blueprint's graph is named by the blueprint's IRI")
    return found[0]


@dataclass
class WriteOutcome:
    saved: list[repository.Saved] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    created: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"saved": [{"id": s.id, "iri": str(s.iri), "triples": s.triples, "added": s.added,
                           "removed": s.removed, "draft": s.draft, "warnings": s.warnings} for s in self.saved],
                "removed": self.removed, "report": self.report.as_dict()}


def _store_graphs(store: Store, new: dict[URIRef, Graph | None], validator: Validator, agent: str) -> WriteOutcome:
    saves = [_as_blueprint(name, graph, f"<{name}>") for name, graph in new.items() if graph is not None]
    outcome = WriteOutcome()
    if saves:
        result = repository.save(store, saves, validator=validator, agent=agent)
        outcome.saved, outcome.report = result.saved, result.report
    for name, graph in new.items():
        if graph is None:
            repository.remove(store, name, agent=agent)
            outcome.removed.append(iris.blueprint_id(str(name)) or str(name))
    return outcome


def apply_update(store: Store, runner: SparqlRunner, update: str, *, validator: Validator, agent: str) -> WriteOutcome:
    """Run a SPARQL Update through the one write path: preview, validate, save."""
    check_update(update)
    preview = runner.preview_update(update)
    new = {_writable(name): graph for name, graph in preview.changes.items()}
    if getattr(store, "generation", preview.generation) != preview.generation:
        raise Conflict("the store changed while the update was being checked", where="update",
                       hint="send the update again")
    return _store_graphs(store, new, validator, agent)


# -- Graph Store HTTP Protocol ----------------------------------------------------------

def rdf_suffix(media_type: str) -> str:
    if media_type not in RDF_MEDIA_TYPES:
        raise UnsupportedMediaType(f"cannot read {media_type or 'a body without Content-Type'}",
                                   where="Content-Type", hint="send one of: " + ", ".join(RDF_MEDIA_TYPES))
    return RDF_MEDIA_TYPES[media_type][0]


def parse_graph(data: bytes, media_type: str, source: str) -> Graph:
    from ..export.jsonld_context import inline_contexts
    from ..ingest.rdf_reader import refuse_dtd

    rdf_suffix(media_type)
    fmt = RDF_MEDIA_TYPES[media_type][1]
    body: bytes | str = data
    if fmt == "xml":
        refuse_dtd(data, source)  # no entity expansion, no external entities
    elif fmt == "json-ld":
        body = inline_contexts(_utf8(data, source), source)  # no remote @context fetch
    graph = Graph()
    try:
        graph.parse(data=body, format=fmt)
    except Exception as exc:  # rdflib raises many types for syntax errors
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BadInput(f"{media_type} syntax error: {first[:300]}", where=source, hint="fix the RDF syntax") from None
    return graph


def _utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the body is not UTF-8 text (byte {exc.start})", where=source, hint="send UTF-8") from None


def graph_exists(store: Store, name: URIRef) -> bool:
    return store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": name})


def put_graph(store: Store, name: URIRef, data: bytes, media_type: str, *, validator: Validator,
              agent: str) -> WriteOutcome:
    """Replace (or create) a blueprint graph with the RDF payload."""
    _writable(name)
    existed = graph_exists(store, name)
    bp = _as_blueprint(name, parse_graph(data, media_type, f"PUT <{name}>"), f"PUT <{name}>")
    result = repository.save(store, [bp], validator=validator, agent=agent)
    return WriteOutcome(saved=result.saved, report=result.report, created=not existed)


def post_graph(store: Store, name: URIRef, data: bytes, media_type: str, *, validator: Validator,
               agent: str) -> WriteOutcome:
    """Merge the RDF payload into a blueprint graph (creating it if new)."""
    _writable(name)
    existed = graph_exists(store, name)
    merged = store.graph(name) + parse_graph(data, media_type, f"POST <{name}>")
    outcome = _store_graphs(store, {name: merged}, validator, agent)
    outcome.created = not existed
    return outcome


def post_new_graph(store: Store, data: bytes, media_type: str, *, validator: Validator, agent: str) -> WriteOutcome:
    """POST to the graph store itself: the payload is a new blueprint, named by its IRI."""
    found = read_rdf(data, "POST", rdf_suffix(media_type)) if data.strip() else []
    if len(found) != 1:
        raise BadInput(f"the payload must hold exactly one blueprint (found {len(found)})", where="POST",
                       hint="send one blueprint; its IRI names the new graph")
    if graph_exists(store, found[0].iri):
        raise Conflict(f"blueprint <{found[0].iri}> exists already", where=str(found[0].iri),
                       hint="PUT to ?graph=<iri> to replace it, or POST to ?graph=<iri> to add to it")
    result = repository.save(store, found, validator=validator, agent=agent)
    return WriteOutcome(saved=result.saved, report=result.report, created=True)


def delete_graph(store: Store, name: URIRef, *, agent: str) -> None:
    _writable(name)
    if not graph_exists(store, name):
        raise NotFound(f"no graph <{name}>", where=str(name), hint="GET /sparql lists the named graphs")
    repository.remove(store, name, agent=agent)
