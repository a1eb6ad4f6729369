"""RDF exports: one blueprint (with the shared entities it names) or the whole repository.

JSON-LD is compacted with kgbp's context (jsonld_context.py) and names it by its IRI.
The whole repository is every named graph but the ontology's: blueprints, the repository
graph (services, departments, systems) and history. The ontology belongs to the software
(served at /ontology) and is reloaded from it on restore (see dump.py).
"""

from __future__ import annotations

import json

from rdflib import Dataset, Graph, URIRef

from ..model.namespaces import ONTOLOGY_GRAPH, PREFIXES, REPOSITORY_GRAPH
from ..resources import internal_query
from ..store import Store
from .jsonld_context import CONTEXT_IRI, context

# format name -> (rdflib format, media type, keeps named graphs)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "ttl": ("turtle", "text/turtle", False),
    "jsonld": ("json-ld", "application/ld+json", False),
    "rdf": ("xml", "application/rdf+xml", False),
    "nt": ("nt", "application/n-triples", False),
    "trig": ("trig", "application/trig", True),
    "nq": ("nquads", "application/n-quads", True),
}


def _bind(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)


def blueprint_dataset(store: Store, bp: URIRef) -> tuple[Graph, Graph]:
    """The blueprint's graph and the repository triples about what it names."""
    graph = store.graph(bp)
    shared = Graph()
    for s, p, o in store.select(internal_query("repository_triples_named_by"), {"bp": bp}).rows:
        shared.add((s, p, o))  # type: ignore[arg-type]
    return graph, shared


def to_jsonld(graph: Graph) -> bytes:
    """Compact JSON-LD with readable keys; "@context" names kgbp's context by its IRI."""
    text = graph.serialize(format="json-ld", context=context(), auto_compact=True, use_native_types=True)
    doc = json.loads(text)
    doc["@context"] = CONTEXT_IRI
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def export_blueprint(store: Store, bp: URIRef, fmt: str) -> bytes:
    rdflib_format, _, quads = FORMATS[fmt]
    graph, shared = blueprint_dataset(store, bp)
    if quads:
        ds = Dataset()
        _bind(ds)
        g = ds.graph(bp)
        g += graph
        r = ds.graph(REPOSITORY_GRAPH)
        r += shared
        return ds.serialize(format=rdflib_format, encoding="utf-8")
    out = graph + shared
    if fmt == "jsonld":
        return to_jsonld(out)
    _bind(out)
    return out.serialize(format=rdflib_format, encoding="utf-8")


def repository_dataset(store: Store) -> Dataset:
    """Every named graph of the store but the ontology's, as an rdflib dataset."""
    ds = Dataset()
    _bind(ds)
    for name in sorted(store.graph_names()):
        if name != ONTOLOGY_GRAPH:
            named = ds.graph(name)
            named += store.graph(name)
    return ds


def export_repository(store: Store, fmt: str = "trig") -> bytes:
    """The whole repository as TriG or N-Quads, a named graph per blueprint (see `repository_dataset`)."""
    rdflib_format, _, quads = FORMATS[fmt]
    if not quads:
        raise ValueError(f"{fmt} keeps no named graphs")
    return repository_dataset(store).serialize(format=rdflib_format, encoding="utf-8")


def describe(store: Store, node: URIRef) -> Graph:
    """What the repository says about one node (as subject), in every graph, plus labels of its objects."""
    graph = Graph()
    _bind(graph)
    rows = store.select(internal_query("node_triples"), {"s": node})
    for p, o in rows.rows:
        graph.add((node, p, o))  # type: ignore[arg-type]
    return graph
