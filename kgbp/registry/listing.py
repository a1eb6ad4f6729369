"""The registry listed and searched: every department, system or channel with its labels
in zh and en, aliases, parent, parts, status and how many blueprints and steps name it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS

from ..i18n import LANGS, normalise_lang
from ..model.namespaces import ORG, SB
from ..model.vocabulary import vocabulary
from ..resources import internal_query
from ..store import Store

KINDS = ("department", "system", "channel")
_CLASS = {"department": SB.Department, "system": SB.System}
_PARENT = {"department": ORG.unitOf, "system": SB.partOf}
_USE = {"department": SB.responsibleDepartment, "system": SB.usesSystem, "channel": SB.channel}




@dataclass
class RegistryEntry:
    kind: str
    iri: URIRef
    id: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    parts: list[str] = field(default_factory=list)
    status: str = "active"
    blueprints: int = 0
    steps: int = 0  # steps (touchpoints, for a channel) that name it

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or next((self.labels[x] for x in LANGS if x in self.labels), self.id)

    def matches(self, search: str) -> bool:
        needle = search.strip().casefold()
        return any(needle in text.casefold() for text in (self.id, *self.labels.values(), *self.aliases))

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "iri": str(self.iri), "labels": self.labels, "aliases": self.aliases,
                "parent": self.parent, "parts": self.parts, "status": self.status,
                "blueprints": self.blueprints, "steps": self.steps}


def list_entries(store: Store, kind: str, search: str = "", lang: str = "en") -> list[RegistryEntry]:
    """Every entry of `kind` (department, system or channel) whose id, label or alias holds `search`."""
    found = _channels() if kind == "channel" else _stored(store, kind)
    for e, n_bp, n_steps in store.select(internal_query("registry_uses"), {"use": _USE[kind]}).rows:
        if isinstance(e, URIRef) and e in found:
            found[e].blueprints, found[e].steps = int(n_bp), int(n_steps)  # type: ignore[arg-type,call-overload]
    entries = [e for e in found.values() if not search or e.matches(search)]
    lang = normalise_lang(lang)
    return sorted(entries, key=lambda e: (e.label(lang).casefold(), e.id))


def _stored(store: Store, kind: str) -> dict[URIRef, RegistryEntry]:
    values: dict[URIRef, dict[URIRef, list[Any]]] = {}
    for e, p, v in store.select(internal_query("registry_entries"), {"class": _CLASS[kind]}).rows:
        if isinstance(e, URIRef):
            values.setdefault(e, {}).setdefault(p, []).append(v)  # type: ignore[arg-type]
    found: dict[URIRef, RegistryEntry] = {}
    for e, props in values.items():
        ident = str(props.get(DCTERMS.identifier, [str(e).rsplit("/", 1)[-1]])[0])
        labels = {normalise_lang(lab.language): str(lab) for lab in props.get(RDFS.label, [])
                  if isinstance(lab, Literal)}
        retired = any(str(v).lower() == "true" for v in props.get(OWL.deprecated, []))
        found[e] = RegistryEntry(kind, e, ident, dict(sorted(labels.items())),
                                 sorted({str(a) for a in props.get(SKOS.altLabel, [])}),
                                 status="retired" if retired else "active")
    for e, props in values.items():
        parent = next((p for p in props.get(_PARENT[kind], []) if isinstance(p, URIRef)), None)
        if parent in found:
            found[e].parent = found[parent].id
            found[parent].parts.append(found[e].id)
    for entry in found.values():
        entry.parts.sort()
    return found


def _channels() -> dict[URIRef, RegistryEntry]:
    """Channels are terms of the ontology (read-only here): parent = the channel kind."""
    vocab = vocabulary()
    graph, channels, kinds = vocab.graph, vocab.scheme("channel"), vocab.scheme("channel_kind")
    found: dict[URIRef, RegistryEntry] = {}
    for concept, notation in channels.notation.items():
        labels = {normalise_lang(lab.language): str(lab) for lab in graph.objects(concept, SKOS.prefLabel)
                  if isinstance(lab, Literal)}
        kind = graph.value(concept, SB.channelKind)
        found[concept] = RegistryEntry("channel", concept, notation, dict(sorted(labels.items())),
                                       sorted(str(a) for a in graph.objects(concept, SKOS.altLabel)),
                                       parent=kinds.name_of(kind) or None)
    return found




@dataclass(frozen=True)
class Mention:
    """A step (a touchpoint, for a channel) of a blueprint that names a registry entry."""

    blueprint_id: str
    item: URIRef
    item_id: str
    label: str
    fail_point: bool

    def as_dict(self) -> dict[str, Any]:
        return {"blueprint_id": self.blueprint_id, "item": str(self.item), "item_id": self.item_id,
                "label": self.label, "fail_point": self.fail_point}


def find_entry(store: Store, kind: str, ref: str, lang: str = "en") -> RegistryEntry:
    """One entry by id, IRI, label or alias (the one resolver; channels from the vocabulary)."""
    from ..errors import NotFound
    from .names import resolve

    if kind == "channel":
        concept = vocabulary().scheme("channel").lookup(ref)
        entries = _channels()
        if concept is None or concept not in entries:
            raise NotFound(f"no channel {ref!r}", where=ref, hint="known: " + ", ".join(sorted(e.id for e in entries.values())))
        iri = concept
    else:
        iri = resolve(store, kind, ref, lang)
    return next(e for e in list_entries(store, kind, "", lang) if e.iri == iri)


def mentions(store: Store, entry: RegistryEntry, lang: str = "en") -> list[Mention]:
    """Every blueprint step (touchpoint, for a channel) that names `entry`, fail points marked."""
    from ..i18n import pick

    found: dict[tuple[str, URIRef], tuple[str, bool, list[Any]]] = {}
    for _bp, item, item_id, service_id, version, fail, label in store.select(
            internal_query("registry_mentions"), {"e": entry.iri, "use": _USE[entry.kind]}).rows:
        assert isinstance(item, URIRef)
        key = (f"{service_id}/{version}", item)
        _, was_fail, labels = found.setdefault(key, (str(item_id), False, []))
        if label is not None:
            labels.append(label)
        found[key] = (str(item_id), was_fail or fail is not None, labels)
    return sorted((Mention(bp_id, item, item_id, pick(labels, normalise_lang(lang), item_id), fail)  # type: ignore[arg-type]
                   for (bp_id, item), (item_id, fail, labels) in found.items()),
                  key=lambda m: (m.blueprint_id, m.item_id))
