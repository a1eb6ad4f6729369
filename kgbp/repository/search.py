"""Search the repository by what people remember: a blueprint, a step, a system or a department,
by its label in either language or its id. The text is bound as a term, never pasted into SPARQL."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from ..i18n import pick
from ..model.blueprints import BlueprintSummary, list_blueprints
from ..model.iris import blueprint_id
from ..resources import internal_query
from ..store import Store
from .entities import Entity, list_entities

MAX_STEPS = 200  # a search is a look-up, not an export


@dataclass
class StepHit:
    iri: URIRef
    label: str
    blueprint: str  # the blueprint's id (service/version)
    blueprint_title: str


@dataclass
class Found:
    blueprints: list[BlueprintSummary] = field(default_factory=list)
    steps: list[StepHit] = field(default_factory=list)
    systems: list[Entity] = field(default_factory=list)
    departments: list[Entity] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.blueprints or self.steps or self.systems or self.departments)

    def exact(self, text: str) -> Entity | None:
        """The one system or department named exactly so (by id or label), if any: BOSS -> its page."""
        needle = text.strip().casefold()
        hits = [e for e in (*self.systems, *self.departments) if needle in (e.id.casefold(), e.label.casefold())]
        return hits[0] if len(hits) == 1 else None


def search(store: Store, text: str, lang: str) -> Found:
    needle = text.strip().casefold()
    found = Found()
    if not needle:
        return found
    other = "zh" if lang == "en" else "en"
    others = {b.iri: b for b in list_blueprints(store, other)}
    for b in list_blueprints(store, lang):
        o = others.get(b.iri, b)
        if needle in f"{b.service_label} {b.title} {b.id} {o.service_label} {o.title}".casefold():
            found.blueprints.append(b)
    titles = {b.iri: b.title or b.service_label for b in list_blueprints(store, lang)}
    for kind, into in (("system", found.systems), ("department", found.departments)):
        labels = {e.iri: e.label for e in list_entities(store, kind, other)}
        into += [e for e in list_entities(store, kind, lang)
                 if needle in f"{e.id} {e.label} {labels.get(e.iri, '')}".casefold()]
    rows: dict[URIRef, tuple[list[Literal], URIRef]] = {}
    for step, label, bp in store.select(internal_query("steps_matching"), {"needle": Literal(needle)}).rows:
        if isinstance(step, URIRef) and isinstance(bp, URIRef) and isinstance(label, Literal):
            rows.setdefault(step, ([], bp))[0].append(label)
    for step, (names, bp) in list(rows.items())[:MAX_STEPS]:
        found.steps.append(StepHit(step, pick(names, lang, str(step)), repository_id(bp), titles.get(bp, "")))
    found.steps.sort(key=lambda s: (s.blueprint, s.label))
    return found


def repository_id(blueprint: URIRef) -> str:
    return blueprint_id(str(blueprint)) or str(blueprint)

