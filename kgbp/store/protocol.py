"""The one interface between kgbp and a triple store: SPARQL and Graph Store operations.

Nothing outside `kgbp.store` imports pyoxigraph or SPARQLWrapper. Terms crossing this
boundary are rdflib terms; results are plain data (`Rows`), so presenters don't care
which store answered.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

Term = Node
# A query parameter: one term, or several (IRIs and literals), which the store gives the
# query as a VALUES of them, so a question about many nodes stays one fixed text
Binding = Identifier | Collection[Identifier]
Bindings = Mapping[str, Binding]

# Relative IRIs in a query or update resolve against kgbp's id namespace (namespaces.ID), so
# `<service/x/as-is>` names a blueprint and `<user/notes>` a user-owned graph. Documented in
# docs/sparql.md and the service description.
BASE_IRI = "https://w3id.org/kgbp/id/"


# A term as plain data, cheap to make from any store's answer: (kind, text, extra), kind one
# of IRI, BLANK, LITERAL; extra is a literal's datatype IRI, or "@" and its language tag.
Plain = tuple[int, str, str]
IRI, BLANK, LITERAL = 0, 1, 2
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def plain_of(term: Term) -> Plain:
    """An rdflib term as plain data (for stores that answer in rdflib terms)."""
    if isinstance(term, Literal):
        extra = f"@{term.language}" if term.language else str(term.datatype or XSD_STRING)
        return (LITERAL, str(term), extra)
    return (BLANK if isinstance(term, BNode) else IRI, str(term), "")


class Solutions(Protocol):
    """A SELECT answer evaluated once and held as the store gave it: counted, sliced and
    written out without an rdflib term per cell (the cost of a long answer)."""

    variables: list[str]

    def __len__(self) -> int: ...

    def terms(self, start: int = 0, stop: int | None = None) -> list[tuple[Term | None, ...]]:
        """Rows `start` to `stop` as rdflib terms (for a page shown as a table)."""
        ...

    def plain(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[Plain | None, ...]]:
        """Rows `start` to `stop` as plain data (for JSON and CSV)."""
        ...


@dataclass
class Rows:
    """SELECT results: variable names and one tuple per solution (None = unbound)."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]

    def dicts(self) -> Iterator[dict[str, Term | None]]:
        for row in self.rows:
            yield dict(zip(self.variables, row, strict=True))

    def __len__(self) -> int:
        return len(self.rows)

    def terms(self, start: int = 0, stop: int | None = None) -> list[tuple[Term | None, ...]]:
        return self.rows[start:stop]

    def plain(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[Plain | None, ...]]:
        for row in self.rows[start:stop]:
            yield tuple(None if t is None else plain_of(t) for t in row)


@dataclass
class SerializedResult:
    """A query answer already in a wire format (for the SPARQL protocol endpoint)."""

    body: bytes
    media_type: str


@dataclass
class UpdatePreview:
    """What a SPARQL Update would do, found by running it on a scratch copy of the store.

    `changes` maps each graph whose content would change to its new content (None: the
    graph would be empty, i.e. gone); the key None stands for the store's default graph.
    `generation` is the store's write generation the preview was computed against.
    """

    changes: dict[URIRef | None, Graph | None]
    generation: int = 0


class SparqlRunner(Protocol):
    """Evaluates user-written SPARQL (the /sparql endpoint) within a time limit.

    Named queries don't go through it: they are known and bounded, and run in-process.
    """

    def query(
        self,
        query: str,
        media_type: str | None,
        graph_media_type: str | None,
        default_graphs: Sequence[URIRef] = (),
        named_graphs: Sequence[URIRef] = (),
        client: str = "",
    ) -> SerializedResult:
        """Answer SELECT/ASK in `media_type`, CONSTRUCT/DESCRIBE in `graph_media_type`;
        a form whose type is None raises NotAcceptable. QueryTimeout when it overruns.
        `client` (a token name or an address) is who asks: no client may hold every worker."""
        ...

    def preview_update(self, update: str) -> UpdatePreview: ...

    def close(self) -> None: ...


class Store(Protocol):
    """A quad store reached through SPARQL 1.1 Query/Update and Graph Store operations.

    The default graph of queries is the union of all named graphs unless `default_graphs`
    says otherwise.
    """

    def select(self, query: str, bindings: Bindings | None = None) -> Rows: ...

    def solutions(self, query: str, bindings: Bindings | None = None) -> Solutions:
        """The answer of a SELECT, as `select`, held as the store gave it (see Solutions)."""
        ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph: ...

    def query_serialized(
        self,
        query: str,
        media_type: str,
        default_graphs: Sequence[URIRef] = (),
        named_graphs: Sequence[URIRef] = (),
        timeout: float | None = None,
        graph_media_type: str | None = None,
    ) -> SerializedResult:
        """Run any query form and answer in `media_type` (already negotiated); when given,
        CONSTRUCT/DESCRIBE answer in `graph_media_type` instead. Without FROM clauses and
        `default_graphs`, the default graph is the union of all named graphs."""
        ...

    def update(self, update: str) -> None:
        """Run a SPARQL Update as one transaction."""
        ...

    def graph(self, name: URIRef) -> Graph:
        """The triples of one named graph (empty when it does not exist)."""
        ...

    def triples(self, name: URIRef) -> set[tuple[Node, Node, Node]]:
        """The triples of one named graph as a set (a write only compares them with the new
        ones: filling an rdflib graph costs half of reading it)."""
        ...

    def graph_ntriples(self, name: URIRef) -> bytes:
        """One named graph as the store serialises it in N-Triples (its version hash)."""
        ...

    def graph_names(self) -> list[URIRef]: ...

    def replace_graphs(
        self,
        replace: Mapping[URIRef, Graph | None],
        add: Mapping[URIRef, Graph] | None = None,
    ) -> None:
        """In one transaction: replace each graph in `replace` (None drops it) and add the
        triples of `add` to their graphs. Either all of it happens or none."""
        ...

    def dump(self, media_type: str = "application/n-quads") -> bytes: ...

    def backup(self, target: str) -> None: ...

    def close(self) -> None: ...
