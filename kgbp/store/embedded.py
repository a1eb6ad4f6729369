"""The embedded store: pyoxigraph (RocksDB) on disk, or in memory for tests and tools."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from ..errors import QueryError, StoreUnavailable
from .protocol import Rows, SerializedResult
from .sparql_text import replace_graphs_update, values_clause

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


def to_ox(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def from_ox(term: object) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


class EmbeddedStore:
    """pyoxigraph store. `path=None` gives an in-memory store."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path else None
        try:
            if self.path is None:
                self._ox = ox.Store()
            elif read_only:
                self._ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreUnavailable(
                    "the store is in use by another process",
                    where=str(self.path),
                    hint="a running `kgbp serve` holds it: stop the server, or send the change "
                    "through it (upload in the web UI, or POST to /api/blueprints)",
                ) from None
            raise StoreUnavailable(f"cannot open the store: {exc}", where=str(self.path),
                                   hint="check the folder exists and is a kgbp store") from None

    # -- queries ---------------------------------------------------------------
    def _run(self, query: str, bindings: Mapping[str, Identifier] | None = None,
             default_graphs: Sequence[URIRef] = (), named_graphs: Sequence[URIRef] = ()) -> object:
        subs = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        kwargs: dict[str, object] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(str(g)) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(str(g)) for g in named_graphs]
        try:
            return self._ox.query(query, substitutions=subs or None, **kwargs)  # type: ignore[arg-type]
        except RuntimeError as exc:
            # substitution needs the variable projected; otherwise bind with a trailing VALUES
            if subs and "projection" in str(exc):
                return self._ox.query(query + values_clause(bindings or {}), **kwargs)  # type: ignore[arg-type]
            raise QueryError(f"query failed: {exc}", hint="check the query") from None
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}", hint="fix the query syntax") from None

    def select(self, query: str, bindings: Mapping[str, Identifier] | None = None) -> Rows:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query", hint="use select() for SELECT only")
        variables = [v.value for v in result.variables]
        rows = [tuple(None if t is None else from_ox(t) for t in sol) for sol in result]
        return Rows(variables, rows)

    def ask(self, query: str, bindings: Mapping[str, Identifier] | None = None) -> bool:
        return bool(self._run(query, bindings))

    def construct(self, query: str, bindings: Mapping[str, Identifier] | None = None) -> Graph:
        graph = Graph()
        for t in self._run(query, bindings):  # type: ignore[attr-defined]
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return graph

    def query_serialized(self, query: str, media_type: str, default_graphs: Sequence[URIRef] = (),
                         named_graphs: Sequence[URIRef] = (), timeout: float | None = None) -> SerializedResult:
        result = self._run(query, None, default_graphs, named_graphs)
        out = io.BytesIO()
        if isinstance(result, ox.QueryTriples):
            result.serialize(out, GRAPH_FORMATS[media_type])  # type: ignore[arg-type]
        else:
            result.serialize(out, RESULT_FORMATS[media_type])  # type: ignore[union-attr]
        return SerializedResult(out.getvalue(), media_type)

    # -- writes ----------------------------------------------------------------
    def update(self, update: str) -> None:
        try:
            self._ox.update(update)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL Update: {exc}", hint="fix the update syntax") from None

    def replace_graphs(self, replace: Mapping[URIRef, Graph | None],
                       add: Mapping[URIRef, Graph] | None = None) -> None:
        # pyoxigraph has no transaction object, but one update() call is one transaction
        text = replace_graphs_update(replace, add)
        if text:
            self._ox.update(text)

    # -- graphs ----------------------------------------------------------------
    def graph(self, name: URIRef) -> Graph:
        graph = Graph()
        for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        return graph

    def graph_names(self) -> list[URIRef]:
        return [URIRef(g.value) for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode)]

    def dump(self, media_type: str = "application/n-quads") -> bytes:
        out = io.BytesIO()
        self._ox.dump(out, GRAPH_FORMATS[media_type])
        return out.getvalue()

    def backup(self, target: str) -> None:
        self._ox.flush()
        self._ox.backup(target)

    def close(self) -> None:
        self._ox.flush()
        del self._ox
