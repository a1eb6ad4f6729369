"""What the blueprint page shows of one stored blueprint: its view, its validation report and its
plain diagram, kept per (blueprint, language) until a write changes something they were read
from (the blueprint's graph, the graphs of the blueprints it refines or revises, a shared
department, system or service it names). Reading them again costs a validation run and a
layout (tens of milliseconds); most page views are of unchanged blueprints.

On a store that does not say what each write changed (a remote store: other servers may
write to it), nothing is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from rdflib import Graph, URIRef

from ..diagram import draw_svg
from ..model.namespaces import ONTOLOGY_GRAPH, SB
from ..repository import save as repository
from ..repository.blueprint_view import BlueprintView, build_view, shared_labels
from ..repository.entities import Entity, list_entities
from ..store import Store
from ..validation.engine import ValidationReport, Validator
from ..validation.service import validate_read

T = TypeVar("T")
PAGES_KEPT = 512  # parts, pages and lists: a few hundred kB each at most, so a hundred MB at most


@dataclass(frozen=True)
class PageParts:
    view: BlueprintView
    report: ValidationReport
    svg: bytes  # the diagram with nothing marked
    labels: dict[URIRef, str]  # the step it refines and the blueprint it revises, by label
    reads: frozenset[URIRef]  # the graphs and shared entities they were read from


def parent_of(step: URIRef) -> URIRef:
    """The blueprint a step IRI belongs to (steps are named under their blueprint)."""
    return URIRef(str(step).rsplit("/step/", 1)[0])


def build(store: Store, iri: URIRef, lang: str) -> PageParts:
    from ..model.iris import blueprint_id

    graph = store.graph(iri)
    view = build_view(graph, iri, lang, shared_labels(store, graph, lang))
    report = validate_read(store, iri, graph, Validator(lang=lang))
    others = [n for n in (view.refines, view.revision_of) if n is not None]
    labels = repository.labels_of(store, others, lang)
    if view.refines is not None:
        parent = parent_of(view.refines)
        title = repository.labels_of(store, [parent], lang).get(parent) or blueprint_id(str(parent))
        labels[view.refines] = f"{title} · {labels.get(view.refines, '')}"
    return PageParts(view, report, draw_svg(view, None), labels, _reads(graph, iri, view))


def _reads(graph: Graph, iri: URIRef, view: BlueprintView) -> frozenset[URIRef]:
    named = {n for triple in graph for n in triple if isinstance(n, URIRef)}  # entities it names, itself too
    blueprints = {iri, *(parent_of(n) for n in (view.refines,) if n is not None),
                  *(n for n in (view.revision_of,) if n is not None)}
    return frozenset({*named, *blueprints, ONTOLOGY_GRAPH})


def _systems_read(systems: list[Entity]) -> frozenset[URIRef]:
    return frozenset({SB.System, *(e.iri for e in systems)})  # a new system: the class gains a member


class PageCache:
    """Page parts by (blueprint, language), the least recently used dropped past `size`; and the
    list of systems the page offers for the impact view, by language."""

    def __init__(self, size: int = PAGES_KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[str, URIRef | None, str], tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def parts(self, store: Store, iri: URIRef, lang: str) -> PageParts:
        return self._get(store, ("parts", iri, lang), lambda: build(store, iri, lang), lambda p: p.reads)  # type: ignore[no-any-return]

    def systems(self, store: Store, lang: str) -> list[Entity]:
        """Every system of the repository (parents too: a parent's impact is its parts' impact)."""
        return self._get(store, ("systems", None, lang), lambda: list_entities(store, "system", lang),  # type: ignore[no-any-return]
                         _systems_read)

    def html(self, store: Store, iri: URIRef, lang: str, render: Callable[[PageParts, list[Entity]], bytes]) -> bytes:
        """The plain page (nothing marked but a draft's broken steps), rendered from the parts and the systems."""
        def make() -> tuple[bytes, frozenset[URIRef]]:
            parts, systems = self.parts(store, iri, lang), self.systems(store, lang)
            return render(parts, systems), parts.reads | _systems_read(systems)

        return self._get(store, ("html", iri, lang), make, lambda made: made[1])[0]

    def kept_html(self, store: Store, iri: URIRef, lang: str) -> bytes | None:
        """The plain page if it is kept and current, without building anything (for the event loop)."""
        made = self._peek(store, ("html", iri, lang))
        return None if made is None else made[0]  # type: ignore[no-any-return]

    def _peek(self, store: Store, key: tuple[str, URIRef | None, str]) -> Any:
        changes = getattr(store, "changes", None)
        if changes is None:
            return None
        with self._lock:
            kept = self._kept.get(key)
        if kept is None or changes.last(kept[1][1]) > kept[0]:
            return None
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
        return kept[1][0]

    def _get(self, store: Store, key: tuple[str, URIRef | None, str], make: Callable[[], T],
             reads: Callable[[T], frozenset[URIRef]]) -> T:
        if getattr(store, "changes", None) is None:
            return make()
        kept = self._peek(store, key)
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        # the generation before reading: a write meanwhile is newer, and the next view reads again
        generation: int = store.generation  # type: ignore[attr-defined]
        made = make()
        with self._lock:
            self._kept[key] = (generation, (made, reads(made)))
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return made


def page_cache(app: object) -> PageCache:
    """The app's page cache (one per app: each app serves its own store)."""
    state = app.state  # type: ignore[attr-defined]
    if not hasattr(state, "page_cache"):
        with _CREATING:
            if not hasattr(state, "page_cache"):
                state.page_cache = PageCache()
    return state.page_cache  # type: ignore[no-any-return]


_CREATING = threading.Lock()
