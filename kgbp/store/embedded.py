"""The embedded store: pyoxigraph (RocksDB) on disk, or in memory for tests and tools."""

from __future__ import annotations

import bisect
import contextlib
import functools
import io
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from ..errors import NotAcceptable, QueryError, StoreUnavailable
from ..i18n import say
from .order import row_key
from .protocol import BASE_IRI, BLANK, IRI, LITERAL, Bindings, Plain, Rows, SerializedResult, Term, UpdatePreview
from .sparql_text import bind, has_dataset_clause, patch_graphs_update, replace_graphs_update, syntax_error

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
    "application/ld+json": ox.RdfFormat.JSON_LD,
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


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """Triples in N-Triples as pyoxigraph writes them: what `EmbeddedStore.graph_ntriples`
    gives once they are stored (the store keeps each term as given). Each distinct term is
    made once."""
    term = functools.cache(to_ox)  # a graph names each subject and predicate many times
    out = io.BytesIO()
    ox.serialize((ox.Triple(term(s), term(p), term(o)) for s, p, o in triples),  # type: ignore[arg-type]
                 out, format=ox.RdfFormat.N_TRIPLES)
    return out.getvalue()


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

    keeps_terms = True  # a graph stored from triples dumps as `ntriples` writes them (the save path's version)

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path else None
        self.read_only = read_only
        # bumped after every write, so readers of a checkpoint know when it is stale
        self.generation = 0
        self.changes = Changes()
        self._kept = _KeptGraphs()
        # why the last write failed in storage (disk full, I/O error); None when writes work.
        # RocksDB refuses every write after such an error until it is reopened (see recover)
        self.fault: str | None = None
        self._ox = self._open()

    def _open(self) -> ox.Store:
        try:
            if self.path is None:
                return ox.Store()
            if self.read_only:
                return ox.Store.read_only(str(self.path))
            self.path.mkdir(parents=True, exist_ok=True)
            return ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreUnavailable(
                    say("store_in_use"), where=str(self.path), hint=say("store_in_use_hint"),
                ) from None
            raise StoreUnavailable(say("store_cannot_open", what=str(exc)), where=str(self.path),
                                   hint=say("store_cannot_open_hint")) from None

    # -- storage faults --------------------------------------------------------
    def _storage_fault(self, exc: OSError) -> StoreUnavailable:
        self.fault = str(exc)
        return StoreUnavailable(say("store_write_fault", what=str(exc)), where=str(self.path), hint=say("store_write_fault_hint"))

    def recover(self) -> None:
        """After a storage fault: reopen the store, so writes work again once the cause is gone.
        While the disk still cannot be written, the open store keeps serving reads and this
        raises StoreUnavailable saying why."""
        if self.fault is None or self.path is None or self.read_only:
            return
        reason = self._probe()
        if reason is not None:
            raise StoreUnavailable(say("store_cannot_write", fault=self.fault, reason=reason), where=str(self.path),
                                   hint=say("store_cannot_write_hint"))
        old, self._ox = self._ox, _Reopening(self.fault)  # type: ignore[assignment]  # readers meanwhile: a 503
        del old  # the last reference: RocksDB releases its lock
        try:
            self._ox = self._open()
        except StoreUnavailable as exc:
            with contextlib.suppress(OSError):
                self._ox = ox.Store.read_only(str(self.path))  # reads go on; the next write tries again
            raise StoreUnavailable(say("store_not_reopened", fault=self.fault, what=exc.message), where=str(self.path),
                                   hint=say("try_again_shortly")) from None
        self.fault = None
        self.generation += 1
        self.changes.everything(self.generation)

    def health(self) -> str | None:
        """Why writes would fail now, or None: writes and syncs a small file in the store's
        folder (disk full, read-only, over quota all show), and reopens after a fault."""
        if self.path is None or self.read_only:
            return None
        reason = self._probe()
        if reason is not None:
            return reason
        try:
            self.recover()
        except StoreUnavailable as exc:
            return exc.message
        return None

    def _probe(self) -> str | None:
        assert self.path is not None
        probe = self.path / ".health-probe"
        try:
            with open(probe, "wb") as out:
                out.write(b"\0" * 4096)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            return f"the store's folder cannot be written: {exc}"
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()
        return None

    # -- queries ---------------------------------------------------------------
    def _run(self, query: str, bindings: Bindings | None = None,
             default_graphs: Sequence[URIRef] = (), named_graphs: Sequence[URIRef] = ()) -> object:
        try:
            subs = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items() if isinstance(v, Node)}
            for many in (v for v in (bindings or {}).values() if not isinstance(v, Node)):
                for one in many:
                    to_ox(one)
        except ValueError as exc:  # e.g. an IRI made from what someone typed
            raise QueryError(say("query_bind", what=str(exc)), where=", ".join(bindings or {}), hint=say("query_bind_hint")) from None
        kwargs: dict[str, object] = {}
        if any(isinstance(v, BNode) for v in (bindings or {}).values()):
            kwargs["substitutions"] = subs  # a stored blank node has no name a query text could give
            bindings = {k: v for k, v in (bindings or {}).items() if not isinstance(v, Node)}
        if default_graphs or named_graphs:
            # a dataset given by the caller (SPARQL protocol): no default graph unless named
            kwargs["default_graph"] = [ox.NamedNode(str(g)) for g in default_graphs]
        elif not has_dataset_clause(query):
            # pyoxigraph's union flag would override the query's own FROM clauses
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(str(g)) for g in named_graphs]
        try:
            # parameters as a VALUES at the start of the WHERE group (see sparql_text.bind)
            return self._ox.query(bind(query, bindings), base_iri=BASE_IRI, **kwargs)  # type: ignore[arg-type]
        except RuntimeError as exc:
            raise QueryError(say("query_failed", what=str(exc)), hint=say("query_failed_hint")) from None
        except SyntaxError as exc:
            raise malformed("SPARQL query", exc, query) from None
        except OSError as exc:
            raise QueryError(say("query_failed", what=str(exc)), hint=say("query_failed_hint")) from None

    def select(self, query: str, bindings: Bindings | None = None) -> Rows:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError(say("expected_select"), hint=say("expected_select_hint"))
        variables = [v.value for v in result.variables]
        rows: list[tuple[Term | None, ...]] = [tuple(None if t is None else from_ox(t) for t in sol) for sol in result]
        return Rows(variables, rows)

    def solutions(self, query: str, bindings: Bindings | None = None) -> OxSolutions:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query", hint="use solutions() for SELECT only")
        return OxSolutions([v.value for v in result.variables], list(result))

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return bool(self._run(query, bindings))

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        graph = Graph()
        for t in self._run(query, bindings):  # type: ignore[attr-defined]
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return graph

    def query_serialized(self, query: str, media_type: str, default_graphs: Sequence[URIRef] = (),
                         named_graphs: Sequence[URIRef] = (), timeout: float | None = None,
                         graph_media_type: str | None = None) -> SerializedResult:
        result = self._run(query, None, default_graphs, named_graphs)
        out = io.BytesIO()
        if isinstance(result, ox.QueryTriples):
            chosen = graph_media_type or media_type
            if chosen not in GRAPH_FORMATS:
                raise NotAcceptable(say("not_acceptable_graph"), where="Accept",
                                    hint=say("accept_one_of", formats=", ".join(GRAPH_FORMATS)))
            result.serialize(out, GRAPH_FORMATS[chosen])
        else:
            chosen = media_type
            if chosen not in RESULT_FORMATS:
                raise NotAcceptable(say("not_acceptable_results"), where="Accept",
                                    hint=say("accept_one_of", formats=", ".join(RESULT_FORMATS)))
            result.serialize(out, RESULT_FORMATS[chosen])  # type: ignore[attr-defined]
        return SerializedResult(out.getvalue(), chosen)

    # -- writes ----------------------------------------------------------------
    def update(self, update: str) -> None:
        self.recover()
        try:
            self._ox.update(update, base_iri=BASE_IRI)
        except SyntaxError as exc:
            raise malformed("SPARQL Update", exc, update) from None
        except OSError as exc:
            raise self._storage_fault(exc) from None
        except RuntimeError as exc:
            raise QueryError(say("update_failed", what=str(exc)), hint=say("update_failed_hint")) from None
        finally:
            # after the write: a checkpoint taken meanwhile is then seen as stale
            self.generation += 1
            self.changes.everything(self.generation)  # an update may touch any graph

    def preview_update(self, update: str, candidates: Collection[URIRef | None] | None = None) -> UpdatePreview:
        """Run `update` on an in-memory copy of this store and say which graphs it changes.

        For small stores and tools; the server previews on a checkpoint in a worker process
        (see sandbox.py). `candidates` are the graphs the update can touch (None: any).
        """
        scratch = ox.Store()
        scratch.bulk_extend(self._ox)
        changes = changed_graphs(self._ox, scratch, update, candidates)
        return UpdatePreview(graphs_from_nquads(changes), self.generation)

    def replace_graphs(self, replace: Mapping[URIRef, Graph | None],
                       add: Mapping[URIRef, Graph] | None = None) -> None:
        # pyoxigraph has no transaction object, but one update() call is one transaction
        self._write(replace_graphs_update(replace, add, lambda g: self._ox.contains_named_graph(ox.NamedNode(str(g)))),
                    lambda: (replace, self._touched(replace, add or {})))

    def patch_graphs(self, remove: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]],
                     add: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]]) -> None:
        """Remove, then add, triples of named graphs in one transaction (one update call).
        A save that changes a few triples of a stored blueprint then costs those triples,
        not a DROP and re-insert of the whole graph (~50 ms for 1,000 triples)."""
        removed = {name: list(triples) for name, triples in remove.items()}
        added = {name: list(triples) for name, triples in add.items()}
        before = {name: self._kept.get(name, self.changes) for name in {*removed, *added}}
        self._write(patch_graphs_update(removed, added), lambda: ((), self._touched({}, added, removed)))
        for name, old in before.items():  # the patch is applied whole: what it leaves is known
            new = added.get(name, ())
            if old is not None and not any(isinstance(t, BNode) for triple in new for t in triple):
                self._kept.put(name, self.generation, (old - set(removed.get(name, ()))) | set(new))

    def _write(self, text: str, changes: Callable[[], tuple[Iterable[Node], set[Node]]]) -> None:
        """Run one update (one transaction); the generation moves even when it fails midway.
        `changes`: the graphs and other nodes it changes, read before it (see Changes)."""
        if text:
            self.recover()
            graphs, touched = changes()
            try:
                self._ox.update(text)
            except OSError as exc:
                raise self._storage_fault(exc) from None
            finally:
                self.generation += 1
                self.changes.wrote(self.generation, graphs, touched)

    def _touched(self, replace: Mapping[URIRef, Graph | None], add: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]],
                 remove: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]] | None = None) -> set[Node]:
        """What a write changes besides the graphs it replaces (read before it): each graph that gains
        or loses statements; the subjects and classes a graph gains statements about; and the subjects
        of replaced or removed statements that are not the graph's own nodes (a label given to a shared
        entity in a user's graph)."""
        out: set[Node] = set()
        for name, added in add.items():
            own = str(name)
            for s, p, o in added:
                if ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(own)) not in self._ox:  # type: ignore[arg-type]
                    out.add(name)
                    if not str(s).startswith(own):  # a shared entity (and its class, when it is new)
                        out.update((s, o) if p == RDF.type else (s,))
        own_nodes = {name: str(name) for name in (*replace, *(remove or {}))}
        for name, removed in (remove or {}).items():
            out.add(name)
            out.update(s for s, _, _ in removed if not str(s).startswith(own_nodes[name]))
        for name, new in replace.items():
            own = own_nodes[name]
            old = {from_ox(q.subject) for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(own))}
            out.update(n for n in (*old, *(new.subjects() if new is not None else ()))
                       if not str(n).startswith(own))  # its own nodes are named under it: the graph's entry covers them
        return out

    # -- graphs ----------------------------------------------------------------
    def graph(self, name: URIRef) -> Graph:
        graph = Graph()
        for triple in self._triples(name):
            graph.add(triple)
        return graph

    def triples(self, name: URIRef) -> set[tuple[Node, Node, Node]]:
        """Kept from the last read or patch of the graph while no write changed it since: a
        blueprint saved again (the editing case) is not read from the store again (reading its
        terms costs ~10 µs each on disk)."""
        if self.read_only:  # another process writes: its writes are not in `changes`
            return set(self._triples(name))
        kept = self._kept.get(name, self.changes)
        if kept is not None:
            return set(kept)
        generation = self.generation  # read before: a write meanwhile makes the entry stale, never wrong
        found = frozenset(self._triples(name))
        self._kept.put(name, generation, found)
        return set(found)

    def _triples(self, name: URIRef) -> Iterator[tuple[Node, Node, Node]]:
        """A named graph's triples as rdflib terms, each distinct term made once."""
        term = functools.cache(from_ox)  # a graph names each subject and predicate many times
        for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            yield term(q.subject), term(q.predicate), term(q.object)

    def graph_ntriples(self, name: URIRef) -> bytes:
        out = io.BytesIO()
        self._ox.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
        return out.getvalue()

    def graph_names(self) -> list[URIRef]:
        return [URIRef(g.value) for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode)]

    def dump(self, media_type: str = "application/n-quads") -> bytes:
        out = io.BytesIO()
        self._ox.dump(out, GRAPH_FORMATS[media_type])
        return out.getvalue()

    def backup(self, target: str) -> None:
        self.recover()
        try:
            self._ox.flush()
            self._ox.backup(target)
        except OSError as exc:
            raise self._storage_fault(exc) from None

    def close(self) -> None:
        if not self.read_only and isinstance(self._ox, ox.Store):
            with contextlib.suppress(OSError):  # after a storage fault, what is stored stays; nothing to flush
                self._ox.flush()
        del self._ox


class Changes:
    """Which graphs and which outside subjects (shared entities, classes) each write of this
    process changed, by generation: a reader that kept something read at generation G knows whether it
    is still current without reading again (the store folder has one writer: this process).
    Bounded: past LIMIT entries, it forgets them and says "everything changed" once."""

    LIMIT = 100_000

    def __init__(self) -> None:
        self._at: dict[Node, int] = {}
        self._all = 0
        # the write thread records while request threads read (`since` walks the whole record)
        self._lock = threading.RLock()

    def everything(self, generation: int) -> None:
        with self._lock:
            self._at.clear()
            self._all = generation

    def wrote(self, generation: int, graphs: Iterable[Node], subjects: Iterable[Node]) -> None:
        with self._lock:
            if len(self._at) > self.LIMIT:
                self.everything(generation)
                return
            for node in (*graphs, *subjects):
                self._at[node] = generation

    def since(self, generation: int) -> set[Node] | None:
        """What the writes after `generation` changed (graphs' names and outside subjects, as in
        `last`), or None when that is not known (everything may have changed)."""
        with self._lock:
            if self._all > generation:
                return None
            return {node for node, at in self._at.items() if at > generation}

    def last(self, nodes: Iterable[Node]) -> int:
        """The generation of the last write that changed any of `nodes` (a graph's name: the graph;
        else a subject or class whose statements a write changed outside the subject's own graph)."""
        with self._lock:
            return max([self._all, *(self._at.get(n, 0) for n in nodes)])


class _KeptGraphs:
    """The triples of the graphs last read or patched through `EmbeddedStore.triples`, each
    with the generation it is current at; an entry is used only while `Changes` says no write
    changed its graph since (a graph with blank nodes the store named is not kept after a
    patch: the store names them anew)."""

    LIMIT = 64  # graphs (a blueprint: ~1,000 triples)

    def __init__(self) -> None:
        self._graphs: OrderedDict[Node, tuple[int, frozenset[tuple[Node, Node, Node]]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: Node, changes: Changes) -> frozenset[tuple[Node, Node, Node]] | None:
        with self._lock:
            kept = self._graphs.get(name)
            if kept is None or changes.last([name]) > kept[0]:
                return None
            self._graphs.move_to_end(name)
            return kept[1]

    def put(self, name: Node, generation: int, triples: frozenset[tuple[Node, Node, Node]]) -> None:
        with self._lock:
            self._graphs[name] = (generation, frozenset(triples))
            self._graphs.move_to_end(name)
            while len(self._graphs) > self.LIMIT:
                self._graphs.popitem(last=False)


class OxSolutions:
    """A SELECT answer as pyoxigraph's solutions: terms made only for the rows asked for."""

    def __init__(self, variables: list[str], rows: list[ox.QuerySolution]) -> None:
        self.variables = variables
        self._rows = rows
        self._keys: list[tuple[object, ...]] | None = None  # ORDER BY keys, made at the first patch

    def __len__(self) -> int:
        return len(self._rows)

    def patched(self, column: int, replaced: Collection[Node], fresh: OxSolutions,
                order: Sequence[tuple[int, bool]]) -> OxSolutions:
        """These rows without those whose `column` holds one of `replaced`, with `fresh`'s rows
        put where the store's ORDER BY (`order`: column indexes, descending) would have put them.
        For a kept answer after a write that changed only the `replaced` graphs. The rows' sort
        keys are made once and kept with the answer for its next patch."""
        gone = {str(node) for node in replaced}
        key = row_key(order)
        if self._keys is None:
            self._keys = [key(row) for row in self._rows] if order else []
        stays = [i for i, row in enumerate(self._rows) if (term := row[column]) is None or term.value not in gone]
        rows = [self._rows[i] for i in stays]
        if not order:
            return OxSolutions(self.variables, rows + list(fresh._rows))
        keys = [self._keys[i] for i in stays]
        for row in fresh._rows:
            at = bisect.bisect_right(keys, k := key(row))
            keys.insert(at, k)
            rows.insert(at, row)
        patched = OxSolutions(self.variables, rows)
        patched._keys = keys
        return patched

    def terms(self, start: int = 0, stop: int | None = None) -> list[tuple[Term | None, ...]]:
        return [tuple(None if t is None else from_ox(t) for t in row) for row in self._rows[start:stop]]

    def plain(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[Plain | None, ...]]:
        literal, named = ox.Literal, ox.NamedNode
        for row in self._rows[start:stop]:
            yield tuple(None if t is None
                        else (IRI, t.value, "") if type(t) is named
                        else (LITERAL, t.value, f"@{t.language}" if t.language else t.datatype.value)
                        if type(t) is literal
                        else (BLANK, t.value, "") for t in row)


class _Reopening:
    """Stands in for the pyoxigraph store while it is reopened: every use is a 503 that says why."""

    def __init__(self, fault: str) -> None:
        self._fault = fault

    def __getattr__(self, name: str) -> object:
        raise StoreUnavailable(say("store_reopening", fault=self._fault), hint=say("store_reopening_hint"))


def malformed(what: str, exc: SyntaxError, text: str) -> QueryError:
    """A parser error as a QueryError that says where (line:column) the query is wrong."""
    message, where = syntax_error(what, text, str(exc))
    return QueryError(message, where=where, hint=say("sparql_fix_syntax_hint"))


def check_update_syntax(update: str) -> None:
    """QueryError (with the place) if `update` is not well-formed: parsed by running it on an
    empty in-memory store. For text about to be rewritten, so that a syntax error is reported
    at its place in what the user wrote. Call only after SERVICE and LOAD were refused."""
    try:
        ox.Store().update(update, base_iri=BASE_IRI)
    except SyntaxError as exc:
        raise malformed("SPARQL Update", exc, update) from None
    except (OSError, RuntimeError):
        pass  # well-formed; what it does is the preview's business


def _graph_key(name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str | None:
    return name.value if isinstance(name, ox.NamedNode) else None


def changed_graphs(before: ox.Store, scratch: ox.Store, update: str,
                   candidates: Collection[URIRef | None] | None) -> dict[str | None, bytes | None]:
    """Run `update` on `scratch` (a copy of `before`) and return, for each graph whose
    content changed, its new content as N-Quads (None when it ended up empty).

    Only `candidates` are compared (None key: the default graph); None compares all.
    """
    try:
        scratch.update(update, base_iri=BASE_IRI)
    except SyntaxError as exc:
        raise malformed("SPARQL Update", exc, update) from None
    except OSError as exc:
        raise QueryError(say("update_failed", what=str(exc)), hint=say("update_failed_hint")) from None
    if candidates is None:
        names: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph()]
        names += {*before.named_graphs(), *scratch.named_graphs()}
    else:
        names = [ox.DefaultGraph() if c is None else ox.NamedNode(str(c)) for c in candidates]
    changes: dict[str | None, bytes | None] = {}
    for name in names:
        if isinstance(name, ox.BlankNode):
            continue
        old = set(before.quads_for_pattern(None, None, None, name))
        new = set(scratch.quads_for_pattern(None, None, None, name))
        if old != new:
            changes[_graph_key(name)] = ox.serialize(new, format=ox.RdfFormat.N_QUADS) if new else None
    return changes


def graphs_from_nquads(changes: Mapping[str | None, bytes | None]) -> dict[URIRef | None, Graph | None]:
    out: dict[URIRef | None, Graph | None] = {}
    for name, data in changes.items():
        graph = None
        if data is not None:
            graph = Graph()
            for q in ox.parse(data, format=ox.RdfFormat.N_QUADS):
                graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        out[None if name is None else URIRef(name)] = graph
    return out
