"""A named query's answer, evaluated once and kept while the store is unchanged, so that its
pages, its total and its whole (streamed) all come from one evaluation.

The answer is held as the store gave it (`Solutions`: pyoxigraph's own solutions on the
embedded store), so a page makes terms for its rows only. Kept answers are keyed by the
query text, its bound parameters and the store's write generation (any write makes every
kept answer stale), and found again by the parameters as typed, so that a warm request
does not resolve a label again. A store that does not count its writes (a remote one, which others may
write) is asked every time. The first request for an answer is cold (the store evaluates
the query); the following ones, until the next write, are warm (a slice of what is kept).

After a write, a kept answer of a question whose rows each come from one blueprint graph (its
`partition` header) is patched rather than evaluated again, when the write changed only
blueprint graphs (and the history): the store is asked for the rows of those blueprints alone,
which replace their old rows, each put where the query's ORDER BY puts it. A write that changed
anything else (a shared entity, a label, evidence, an update) makes the next request evaluate
the whole question again.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rdflib.term import Identifier, Node, URIRef

from ..i18n import normalise_lang
from ..model.iris import blueprint_id
from ..model.namespaces import HISTORY_GRAPH
from ..store import Store
from ..store.protocol import Solutions
from .catalogue import NamedQuery, QueryResult, bind, get

KEEP_ROWS = 500_000  # rows kept per store, over all its answers (~100 MiB at the widest queries)
PATCH_EACH = 8  # written blueprints up to which a kept answer is patched one blueprint at a time


@dataclass
class Answer:
    query: NamedQuery
    bindings: dict[str, Identifier]
    solutions: Solutions
    warm: bool = False  # taken from what was kept, not evaluated for this request
    patched: bool = False  # a kept answer with the rows of the blueprints written since asked again

    @property
    def total(self) -> int:
        return len(self.solutions)

    def page(self, offset: int, limit: int | None) -> QueryResult:
        """Rows offset .. offset+limit as rdflib terms (a page shown as a table)."""
        from ..store.protocol import Rows

        stop = None if limit is None else offset + limit
        return QueryResult(self.query, self.bindings, Rows(list(self.solutions.variables),
                                                           self.solutions.terms(offset, stop)))


Key = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass
class _Entry:
    generation: int  # the store's write generation the answer is current at
    solutions: Solutions


@dataclass
class _Kept:
    answers: OrderedDict[Key, _Entry]  # by the bound terms
    # by the parameters as typed (so a warm request resolves no label): at a generation
    typed: dict[Key, tuple[int, dict[str, Identifier], Key]]
    rows: int = 0


_KEPT: weakref.WeakKeyDictionary[Store, _Kept] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def answer(store: Store, name: str | NamedQuery, params: Mapping[str, str | None] | None = None,
           lang: str = "en") -> Answer:
    """The answer of a named query with parameters as people type them (see catalogue.run)."""
    query = name if isinstance(name, NamedQuery) else get(name)
    lang = normalise_lang(lang)
    generation = getattr(store, "generation", None)
    typed: Key = ("typed", query.text, (("", lang), *sorted((k, v or "") for k, v in (params or {}).items())))
    if generation is not None:
        with _LOCK:
            kept = _KEPT.get(store)
            if kept is not None and typed in kept.typed:
                at, known, found = kept.typed[typed]
                entry = kept.answers.get(found)
                if at == generation and entry is not None and entry.generation == generation:
                    kept.answers.move_to_end(found)
                    return Answer(query, known, entry.solutions, warm=True)
    bindings = bind(store, query, params or {}, lang)
    key: Key = ("bound", query.text, tuple(sorted((k, v.n3()) for k, v in bindings.items())))
    if generation is None:
        return Answer(query, bindings, store.solutions(query.text, bindings))
    with _one_evaluation(store, key) as flight:
        if flight.done is not None and flight.done[0] == generation:  # evaluated while this request waited
            return Answer(query, bindings, flight.done[1], warm=True)
        with _LOCK:
            kept = _KEPT.get(store)
            entry = None if kept is None else kept.answers.get(key)
            if kept is not None and entry is not None and entry.generation == generation:
                kept.answers.move_to_end(key)
                kept.typed[typed] = (generation, bindings, key)
                return Answer(query, bindings, entry.solutions, warm=True)
        solutions = None if entry is None else _patched(store, query, bindings, entry)
        patched = solutions is not None
        if solutions is None:
            solutions = store.solutions(query.text, bindings)
        _keep(store, generation, typed, bindings, key, solutions)
        flight.done = (generation, solutions)
    return Answer(query, bindings, solutions, patched=patched)


@dataclass
class _Flight:
    """The evaluation of one answer: requests asking for it meanwhile wait for it and take its
    result, rather than evaluating the same question at the same time (8 clients asking a 7 s
    listing at once took 8 evaluations' CPU and memory)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: int = 0  # requests holding or waiting for the lock; the flight is dropped at 0
    done: tuple[int, Solutions] | None = None  # (generation, solutions) of the last evaluation


_FLIGHTS: dict[tuple[int, Key], _Flight] = {}


@contextmanager
def _one_evaluation(store: Store, key: Key) -> Iterator[_Flight]:
    ident = (id(store), key)  # the flight lives only while requests hold it: the store outlives it
    with _LOCK:
        flight = _FLIGHTS.setdefault(ident, _Flight())
        flight.waiting += 1
    try:
        with flight.lock:
            yield flight
    finally:
        with _LOCK:
            flight.waiting -= 1
            if not flight.waiting:
                _FLIGHTS.pop(ident, None)


def _patched(store: Store, query: NamedQuery, bindings: Mapping[str, Identifier], entry: _Entry) -> Solutions | None:
    """The kept answer brought up to date by asking again for the blueprints written since it
    was evaluated; None when it must be evaluated whole (see the module's docstring)."""
    changes, column = getattr(store, "changes", None), query.partition
    patch = getattr(entry.solutions, "patched", None)
    if changes is None or column is None or patch is None:
        return None
    changed: set[Node] | None = changes.since(entry.generation)
    if changed is None:
        return None
    others = changed - {HISTORY_GRAPH}
    written = {node for node in others if isinstance(node, URIRef) and blueprint_id(str(node))}
    if written != others:
        return None  # a shared entity, evidence or another graph: any row may have changed
    if not written:
        return entry.solutions
    given = bindings.get(column)
    if given is not None:  # a question about given blueprints: unchanged unless one was written
        return None if written & ({given} if isinstance(given, Node) else set(given)) else entry.solutions
    variables = list(entry.solutions.variables)
    at, order = variables.index(column), [(variables.index(v), descending) for v, descending in query.order]
    # a few blueprints are asked one at a time: pyoxigraph's plan can change with the length
    # of the list (dead_backstage_steps: 6 ms for one blueprint at 10,000, 15 s for five)
    asked = [sorted(written)] if len(written) > PATCH_EACH else [[node] for node in sorted(written)]
    solutions: Any = entry.solutions  # a store's own solutions, which can be patched (checked above)
    for nodes in asked:
        solutions = solutions.patched(at, set(nodes), store.solutions(query.text, {**bindings, column: nodes}), order)
    return solutions


def _keep(store: Store, generation: int, typed: Key, bindings: dict[str, Identifier], key: Key,
          solutions: Solutions) -> None:
    if len(solutions) > KEEP_ROWS:
        return
    with _LOCK:
        if getattr(store, "generation", None) != generation:
            return  # written meanwhile: what was evaluated may already be stale
        kept = _KEPT.get(store)
        if kept is None:
            kept = _KEPT[store] = _Kept(OrderedDict(), {})
        kept.typed[typed] = (generation, bindings, key)
        old = kept.answers.pop(key, None)
        if old is not None:
            kept.rows -= len(old.solutions)
        kept.answers[key] = _Entry(generation, solutions)
        kept.rows += len(solutions)
        while kept.rows > KEEP_ROWS:
            _, dropped = kept.answers.popitem(last=False)
            kept.rows -= len(dropped.solutions)
