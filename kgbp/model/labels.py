"""What a stored node is called in one language: the label every presenter shows for an IRI.

A read of the base layer (store and vocabulary only), so the write path, the views, the name
resolver and validation all take labels from this one place without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef

from ..i18n import pick
from ..resources import internal_query
from ..store import Store


def labels_of(store: Store, nodes: Iterable[URIRef], lang: str) -> dict[URIRef, str]:
    """Labels of many nodes in one query (rdfs:label, then skos:prefLabel, then title)."""
    wanted = {n for n in nodes if isinstance(n, URIRef)}
    if not wanted:
        return {}
    found: dict[URIRef, list[Literal]] = {}
    for n, lab in store.select(internal_query("labels"), {"n": wanted}).rows:
        found.setdefault(n, []).append(lab)  # type: ignore[arg-type]
    return {n: pick(labs, lang) for n, labs in found.items()}
