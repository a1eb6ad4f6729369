"""Shared entities people pick from: departments, systems, services, blueprints, with labels."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from ..model.blueprints import list_blueprints
from ..model.labels import labels_of
from ..model.namespaces import SB
from ..model.vocabulary import vocabulary
from ..resources import internal_query
from ..store import Store

_CLASSES = {"department": SB.Department, "system": SB.System, "service": SB.Service}



@dataclass(frozen=True)
class Entity:
    iri: URIRef
    id: str
    label: str


def list_entities(store: Store, kind: str, lang: str) -> list[Entity]:
    """Every department, system, service or blueprint, sorted by label."""
    if kind == "blueprint":
        statuses = vocabulary().scheme("status")  # a version named as-is / to-be reads as its status does
        return [Entity(b.iri, b.id, f"{b.service_label} · {statuses.label(b.version, lang)}")
                for b in list_blueprints(store, lang)]
    if kind not in _CLASSES:  # e.g. an improvement action: named by typing it, not picked from a list
        return []
    rows = store.select(internal_query("repository_entities"), {"class": _CLASSES[kind]}).rows
    nodes = [r[0] for r in rows if isinstance(r[0], URIRef)]
    labels = labels_of(store, nodes, lang)
    found = [Entity(n, str(i or n), labels.get(n, str(i or n))) for n, i, _ in rows if isinstance(n, URIRef)]
    return sorted(found, key=lambda e: e.label.casefold())
