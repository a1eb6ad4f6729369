"""What the SPARQL endpoint allows, and how its writes reach the one write path.

SPARQL Update and Graph Store writes never touch the store directly: an update is first
run on a scratch copy (`SparqlRunner.preview_update`) to learn which graphs it changes
and how; each changed blueprint graph is then read like an uploaded RDF file and stored
through `repository.save` (derived facts recomputed, rules checked, history recorded).

The update profile (docs/sparql.md): blueprint graphs are writable and validated;
user-owned graphs (IRIs under the `user_graphs` setting's prefixes) are writable, not
validated, and recorded in history like blueprints; the ontology, repository and history
graphs and the default graph are kept by kgbp itself. CLEAR/DROP ALL and NAMED reach the
user-owned graphs only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..boundary import reading
from ..config import Limits
from ..errors import BadInput, Conflict, Forbidden, NotFound, UnsupportedMediaType
from ..i18n import say
from ..ingest.rdf_reader import blueprints_in, read_rdf
from ..model import iris
from ..model.authored import AuthoredBlueprint
from ..model.namespaces import HISTORY_GRAPH, ID, ONTOLOGY_GRAPH, REPOSITORY_GRAPH, SB
from ..repository import save as repository
from ..resources import internal_query
from ..store import Store
from ..store.embedded import check_update_syntax
from ..store.protocol import SparqlRunner
from ..store.sparql_guard import refuse_engine_extensions, refuse_remote_query, refuse_remote_update
from ..store.update_text import confine_all, with_using
from ..validation.engine import ValidationReport, Validator

# media type -> (suffix the RDF reader knows, rdflib format for writing)
RDF_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "text/turtle": (".ttl", "turtle"),
    "application/n-triples": (".nt", "nt"),
    "application/rdf+xml": (".rdf", "xml"),
    "application/ld+json": (".jsonld", "json-ld"),
}


def check_query(query: str, store_is_remote: bool = False, parse: bool = False) -> None:
    """Refuse federated queries: SERVICE would let anyone make this server fetch URLs. A query
    sent on to a store over HTTP must also be plain SPARQL 1.1 (see sparql_guard). `parse`:
    also read it with rdflib's grammar (seconds for a long query: the CLI does)."""
    if store_is_remote:
        refuse_engine_extensions(query)
    else:
        refuse_remote_query(query, parse=parse)


def check_update(update: str) -> None:
    """Refuse LOAD and SERVICE in an update (read by the tokenizer: see sparql_guard)."""
    refuse_remote_update(update, parse=False)


def is_blueprint_graph(name: URIRef) -> bool:
    return iris.blueprint_id(str(name)) is not None


def is_user_graph(name: URIRef, user_graphs: Sequence[str]) -> bool:
    """Under a configured user-graph prefix, and not a graph kgbp keeps itself."""
    text = str(name)
    if name in (ONTOLOGY_GRAPH, REPOSITORY_GRAPH, HISTORY_GRAPH) or text.startswith(f"{ID}service/"):
        return False
    return any(text.startswith(prefix) and len(text) > len(prefix) for prefix in user_graphs)


def graph_kind(name: URIRef | None, user_graphs: Sequence[str]) -> Literal["blueprint", "user"]:
    """Whether a write may change graph `name`, and how (the update profile); Forbidden if not."""
    if name is None:
        raise Forbidden(say("gs_default_readonly"), where="default graph", hint=say("gs_default_readonly_hint"))
    canonical = iris.canonical_blueprint_iri(str(name))
    if canonical is not None:
        raise BadInput(say("gs_not_canonical", name=str(name), canonical=canonical), where=str(name),
                       hint=say("gs_not_canonical_hint", canonical=canonical))
    if is_blueprint_graph(name):
        return "blueprint"
    if is_user_graph(name, user_graphs):
        return "user"
    spaces = ", ".join(f"{p}<name>" for p in user_graphs) or say("gs_none_configured")
    raise Forbidden(say("gs_not_writable", name=str(name)), where=str(name), hint=say("gs_not_writable_hint", id=ID, spaces=spaces))


def _as_blueprint(store: Store, name: URIRef, graph: Graph, source: str) -> AuthoredBlueprint:
    """A blueprint graph read as if uploaded as an RDF file (shared entities split off)."""
    found = blueprints_in([(None, graph)], source)  # no text round trip: rdflib's N-Triples parser is quadratic
    if len(found) != 1 or found[0].iri != name:
        other = found[0].iri if found else "none"
        raise BadInput(say("gs_wrong_blueprint", name=str(name), other=str(other)), where=str(name),
                       hint=say("gs_wrong_blueprint_hint"))
    return _unchanged_shared(store, found[0])


def _unchanged_shared(store: Store, bp: AuthoredBlueprint) -> AuthoredBlueprint:
    """Refuse a Graph Store or Update write that would change the repository graph: such a
    write names one blueprint graph and changes only it. Departments, systems and services
    it describes must be as stored already."""
    new = bp.shared - store.graph(REPOSITORY_GRAPH)
    if len(new):
        subject = sorted(str(s) for s in new.subjects())[0]
        raise Forbidden(say("gs_shared_change", bp=str(bp.iri), subject=subject), where=subject, hint=say("gs_shared_change_hint"))
    return bp


@dataclass
class WriteOutcome:
    saved: list[repository.Saved] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    graphs: list[repository.GraphWritten] = field(default_factory=list)
    created: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"saved": [{"id": s.id, "iri": str(s.iri), "triples": s.triples, "added": s.added,
                           "removed": s.removed, "draft": s.draft, "warnings": s.warnings} for s in self.saved],
                "removed": self.removed,
                "graphs": [{"iri": str(g.iri), "triples": g.triples, "added": g.added, "removed": g.removed}
                           for g in self.graphs],
                "report": self.report.as_dict()}


def _store_graphs(store: Store, new: dict[URIRef, Graph | None], validator: Validator, agent: str,
                  user: dict[URIRef, Graph | None] | None = None, limits: Limits | None = None) -> WriteOutcome:
    """Blueprints through repository.save (validated, within `limits`: the server's caps),
    user-owned graphs in the same transaction; then the blueprints an update emptied are removed."""
    saves = [_as_blueprint(store, name, graph, f"<{name}>") for name, graph in new.items() if graph is not None]
    outcome = WriteOutcome()
    if saves:
        result = repository.save(store, saves, validator=validator, agent=agent, user_graphs=user, limits=limits)
        outcome.saved, outcome.report, outcome.graphs = result.saved, result.report, result.graphs
    elif user:
        outcome.graphs = repository.write_user_graphs(store, user, agent=agent)
    leaving = {name for name, graph in new.items() if graph is None}
    for name in leaving:  # checked before any is removed: a refused removal leaves every graph
        repository.refuse_orphaning(store, name, set(), leaving)
    for name, graph in new.items():
        if graph is None:
            repository.remove(store, name, agent=agent, together=leaving)
            outcome.removed.append(iris.blueprint_id(str(name)) or str(name))
    return outcome


def user_graph_names(store: Store, user_graphs: Sequence[str]) -> list[URIRef]:
    return sorted(g for g in store.graph_names() if is_user_graph(g, user_graphs))


def apply_update(store: Store, runner: SparqlRunner, update: str, *, validator: Validator, agent: str,
                 user_graphs: Sequence[str] = (), using: Sequence[URIRef] = (),
                 using_named: Sequence[URIRef] = (), limits: Limits | None = None) -> WriteOutcome:
    """Run a SPARQL Update through the one write path: preview, validate, save.

    `using` / `using_named`: the protocol's using-graph-uri / using-named-graph-uri.
    `limits`: the caps on one write (Settings.limits); the defaults when not given.
    """
    check_update(update)
    text = confine_all(with_using(update, using, using_named), user_graph_names(store, user_graphs))
    if text != update:
        check_update_syntax(update)  # errors at their place in the text as sent, not as rewritten
    preview = runner.preview_update(text)
    blueprints: dict[URIRef, Graph | None] = {}
    user: dict[URIRef, Graph | None] = {}
    for name, graph in preview.changes.items():
        kind = graph_kind(name, user_graphs)
        assert name is not None
        (blueprints if kind == "blueprint" else user)[name] = graph
    if getattr(store, "generation", preview.generation) != preview.generation:
        raise Conflict(say("gs_store_changed"), where="update", hint=say("gs_store_changed_hint"))
    return _store_graphs(store, blueprints, validator, agent, user, limits)


# -- Graph Store HTTP Protocol ----------------------------------------------------------

def rdf_suffix(media_type: str) -> str:
    if media_type not in RDF_MEDIA_TYPES:
        raise UnsupportedMediaType(say("gs_cannot_read", media=media_type or say("gs_no_content_type")),
                                   where="Content-Type", hint=say("send_one_of", values=", ".join(RDF_MEDIA_TYPES)))
    return RDF_MEDIA_TYPES[media_type][0]


def parse_graph(data: bytes, media_type: str, source: str) -> Graph:
    with reading(source):  # deep JSON-LD nesting: 400 with a place, not a RecursionError
        return _parse_graph(data, media_type, source)


def _parse_graph(data: bytes, media_type: str, source: str) -> Graph:
    from ..export.jsonld_context import inline_contexts
    from ..ingest.rdf_reader import _syntax_error, refuse_dtd, refuse_slow_escapes, refuse_unwritable_iris

    rdf_suffix(media_type)
    fmt = RDF_MEDIA_TYPES[media_type][1]
    body: bytes | str = data
    if fmt == "xml":
        refuse_dtd(data, source)  # no entity expansion, no external entities
    else:
        body = _utf8(data, source)
        if fmt == "json-ld":
            body = inline_contexts(body, source)  # no remote @context fetch
        else:
            refuse_slow_escapes(body, source)  # rdflib's parsers are quadratic in escapes
    graph = Graph()
    try:
        graph.parse(data=body, format=fmt)
    except BadInput:
        raise
    except Exception as exc:  # rdflib raises many types for syntax errors
        if isinstance(exc, RecursionError):
            raise  # the boundary names it: nested too deeply
        raise _syntax_error(exc, source, media_type) from None
    refuse_unwritable_iris(graph, source)
    return graph


def _utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(say("body_not_utf8", byte=exc.start), where=source, hint=say("send_utf8")) from None


def graph_exists(store: Store, name: URIRef) -> bool:
    return store.ask(internal_query("graph_exists"), {"g": name})


def put_graph(store: Store, name: URIRef, data: bytes, media_type: str, *, validator: Validator,
              agent: str, user_graphs: Sequence[str] = (), limits: Limits | None = None) -> WriteOutcome:
    """Replace (or create) a blueprint graph or a user-owned graph with the RDF payload."""
    kind = graph_kind(name, user_graphs)
    existed = graph_exists(store, name)
    graph = parse_graph(data, media_type, f"PUT <{name}>")
    if kind == "user":
        return WriteOutcome(graphs=repository.write_user_graphs(store, {name: graph}, agent=agent), created=not existed)
    bp = _as_blueprint(store, name, graph, f"PUT <{name}>")
    result = repository.save(store, [bp], validator=validator, agent=agent, limits=limits)
    return WriteOutcome(saved=result.saved, report=result.report, created=not existed)


def post_graph(store: Store, name: URIRef, data: bytes | Sequence[tuple[bytes, str]], media_type: str = "", *,
               validator: Validator, agent: str, user_graphs: Sequence[str] = (),
               limits: Limits | None = None) -> WriteOutcome:
    """Merge the RDF payload (or the parts of a multipart/form-data body: (bytes, media
    type) each) into a blueprint or user-owned graph, creating it if new."""
    kind = graph_kind(name, user_graphs)
    existed = graph_exists(store, name)
    merged = store.graph(name)
    for part, part_type in ([(data, media_type)] if isinstance(data, bytes) else data):
        merged += parse_graph(part, part_type, f"POST <{name}>")
    if kind == "user":
        outcome = WriteOutcome(graphs=repository.write_user_graphs(store, {name: merged}, agent=agent))
    else:
        outcome = _store_graphs(store, {name: merged}, validator, agent, limits=limits)
    outcome.created = not existed
    return outcome


def post_new_graph(store: Store, data: bytes, media_type: str, *, validator: Validator, agent: str,
                   user_graphs: Sequence[str] = (), limits: Limits | None = None) -> tuple[URIRef, WriteOutcome]:
    """POST to the graph store itself: a new graph, whose IRI is returned (for Location).

    A payload holding one blueprint is stored as that blueprint (named by its IRI);
    anything else becomes a new user-owned graph under the first user-graph prefix.
    """
    suffix = rdf_suffix(media_type)
    if not data.strip():
        raise BadInput(say("gs_empty_payload"), where="POST", hint=say("gs_empty_payload_hint"))
    graph = parse_graph(data, media_type, "POST")
    if not any(graph.subjects(RDF.type, SB.Blueprint)):
        if not user_graphs:
            raise Forbidden(say("gs_no_user_graphs"), where="POST", hint=say("gs_no_user_graphs_hint"))
        name = URIRef(f"{user_graphs[0]}{uuid.uuid4()}")
        return name, WriteOutcome(graphs=repository.write_user_graphs(store, {name: graph}, agent=agent), created=True)
    found = read_rdf(data, "POST", suffix)
    if len(found) != 1:
        raise BadInput(say("gs_one_blueprint", n=len(found)), where="POST", hint=say("gs_one_blueprint_hint"))
    _unchanged_shared(store, found[0])
    if graph_exists(store, found[0].iri):
        raise Conflict(say("gs_exists", iri=str(found[0].iri)), where=str(found[0].iri), hint=say("gs_exists_hint"))
    result = repository.save(store, found, validator=validator, agent=agent, limits=limits)
    return found[0].iri, WriteOutcome(saved=result.saved, report=result.report, created=True)


def delete_graph(store: Store, name: URIRef, *, agent: str, user_graphs: Sequence[str] = ()) -> WriteOutcome:
    kind = graph_kind(name, user_graphs)
    if not graph_exists(store, name):
        raise NotFound(say("gs_no_graph", name=str(name)), where=str(name), hint=say("gs_lists_graphs_hint"))
    if kind == "user":
        return WriteOutcome(graphs=repository.write_user_graphs(store, {name: None}, agent=agent))
    repository.remove(store, name, agent=agent)
    return WriteOutcome(removed=[iris.blueprint_id(str(name)) or str(name)])
