"""The impact view of one IT system: which steps of a blueprint it underlies, and by which supports.

A step is hit when it uses the system or one of its parts (sb:partOf, transitively),
or when such a step underlies it (sb:underlies, materialised on write). The arrows drawn
are the supports leaving hit steps: they form every path from the system's users up to
what the customer meets. The query binds its parameters; no text is pasted into it.
"""

from __future__ import annotations

from rdflib import URIRef

from ..model.labels import labels_of
from ..registry.names import resolve
from ..repository.blueprint_view import BlueprintView
from ..resources import internal_query
from ..store import Store
from .layout import Highlight


def resolve_system(store: Store, ref: str) -> URIRef:
    """A system named by IRI, id, label (either language) or alias: the one resolver's answer."""
    return resolve(store, "system", ref)


def impact(store: Store, blueprint: URIRef, system: URIRef, lang: str = "en") -> Highlight:
    """The steps of `blueprint` that `system` underlies, and the supports between them."""
    steps: set[URIRef] = set()
    arrows: set[tuple[URIRef, URIRef]] = set()
    for step, supported in store.select(internal_query("steps_hit_by_system"), {"bp": blueprint, "system": system}).rows:
        assert isinstance(step, URIRef)
        steps.add(step)
        if isinstance(supported, URIRef):
            arrows.add((step, supported))
    label = labels_of(store, [system], lang).get(system, str(system))
    return Highlight(frozenset(steps), frozenset(arrows), label)


def impact_highlight(store: Store, view: BlueprintView, system_ref: str) -> Highlight:
    """`impact` for a drawn view, the system named by IRI, id or label."""
    return impact(store, view.iri, resolve_system(store, system_ref), view.lang)
