"""A named query's answer, evaluated once and kept while the store is unchanged, so that its
pages, its total and its whole (streamed) all come from one evaluation.

The answer is held as the store gave it (`Solutions`: pyoxigraph's own solutions on the
embedded store), so a page makes terms for its rows only. Kept answers are keyed by the
query text, its bound parameters and the store's write generation (any write makes every
kept answer stale), and found again by the parameters as typed, so that a warm request
does not resolve a label again. A store that does not count its writes (a remote one, which others may
write) is asked every time. The first request for an answer is cold (the store evaluates
the query); the following ones, until the next write, are warm (a slice of what is kept).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib.term import Identifier

from ..i18n import normalise_lang
from ..store import Store
from ..store.protocol import Solutions
from .catalogue import NamedQuery, QueryResult, bind, get

KEEP_ROWS = 500_000  # rows kept per store, over all its answers (~100 MiB at the widest queries)


@dataclass
class Answer:
    query: NamedQuery
    bindings: dict[str, Identifier]
    solutions: Solutions
    warm: bool = False  # taken from what was kept, not evaluated for this request

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
class _Kept:
    generation: int
    # by the bound terms, and by the parameters as typed (so a warm request resolves no label)
    answers: OrderedDict[Key, Solutions]
    typed: dict[Key, tuple[dict[str, Identifier], Key]]
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
            if kept is not None and kept.generation == generation and typed in kept.typed:
                known, found = kept.typed[typed]
                if found in kept.answers:
                    kept.answers.move_to_end(found)
                    return Answer(query, known, kept.answers[found], warm=True)
    bindings = bind(store, query, params or {}, lang)
    key: Key = ("bound", query.text, tuple(sorted((k, v.n3()) for k, v in bindings.items())))
    if generation is None:
        return Answer(query, bindings, store.solutions(query.text, bindings))
    with _LOCK:
        kept = _KEPT.get(store)
        if kept is not None and kept.generation == generation and key in kept.answers:
            kept.answers.move_to_end(key)
            kept.typed[typed] = (bindings, key)
            return Answer(query, bindings, kept.answers[key], warm=True)
    solutions = store.solutions(query.text, bindings)
    _keep(store, generation, typed, bindings, key, solutions)
    return Answer(query, bindings, solutions)


def _keep(store: Store, generation: int, typed: Key, bindings: dict[str, Identifier], key: Key,
          solutions: Solutions) -> None:
    if len(solutions) > KEEP_ROWS:
        return
    with _LOCK:
        if getattr(store, "generation", None) != generation:
            return  # written meanwhile: what was evaluated may already be stale
        kept = _KEPT.get(store)
        if kept is None or kept.generation != generation:
            kept = _KEPT[store] = _Kept(generation, OrderedDict(), {})
        kept.typed[typed] = (bindings, key)
        if key in kept.answers:
            return
        kept.answers[key] = solutions
        kept.rows += len(solutions)
        while kept.rows > KEEP_ROWS:
            _, dropped = kept.answers.popitem(last=False)
            kept.rows -= len(dropped)
