"""The stored blueprints: listed with their counts, and one named by its id.

Reads of the base layer (store, vocabulary, labels), so every capability lists and finds
blueprints here without importing the write path: `repository.save` re-exports them, the
name resolver (`registry.names`) builds on `resolve_blueprint` for blueprints.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from ..errors import NotFound
from ..resources import internal_query
from ..store import Store
from . import iris
from .labels import labels_of
from .literals import as_int
from .vocabulary import vocabulary


@dataclass
class BlueprintSummary:
    iri: URIRef
    id: str
    service: URIRef
    service_label: str
    title: str
    version: str
    status: str
    level: int
    steps: int
    fail_points: int
    wait_points: int

    @property
    def draft(self) -> bool:
        return self.status == "draft"


def list_blueprints(store: Store, lang: str = "en") -> list[BlueprintSummary]:
    rows = list(store.select(internal_query("blueprints")).dicts())
    statuses = vocabulary().scheme("status")
    labels = labels_of(store, [n for r in rows for n in (r["service"], r["bp"]) if isinstance(n, URIRef)], lang)
    out = []
    for r in rows:
        bp, service = r["bp"], r["service"]
        assert isinstance(bp, URIRef) and isinstance(service, URIRef)
        out.append(BlueprintSummary(
            iri=bp, id=iris.blueprint_id(bp) or str(bp), service=service,
            service_label=labels.get(service, str(r["serviceId"] or service)),
            title=labels.get(bp, ""), version=str(r["version"]),
            status=statuses.name_of(r["status"]),
            level=as_int(r["level"], 1),  # tolerant: a draft may hold any literal
            steps=int(r["steps"]), fail_points=int(r["failPoints"]), wait_points=int(r["waitPoints"]),  # type: ignore[call-overload]
        ))
    return out


def resolve_blueprint(store: Store, ref: str) -> URIRef:
    """'service/version', 'service' (when it has one version or an as-is) or an IRI."""
    service, version = iris.parse_blueprint_ref(ref)
    if version is not None:
        iri = iris.blueprint_iri(service, version) if not service.startswith("http") else URIRef(ref)
        if store.ask(internal_query("is_blueprint"), {"g": iri}):
            return iri
    else:
        candidates = [b for b in list_blueprints(store) if b.id.split("/")[0] == service]
        if len(candidates) == 1:
            return candidates[0].iri
        as_is = [b for b in candidates if b.version == "as-is"]
        if as_is:
            return as_is[0].iri
        if candidates:
            raise NotFound(f"service {service!r} has several versions", where=ref,
                           hint="name one: " + ", ".join(b.id for b in candidates))
    raise NotFound(f"no blueprint {ref!r}", where=ref, hint="`kgbp list` shows the stored blueprints (ids are service/version)")
