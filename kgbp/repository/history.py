"""Change history: who changed which blueprint when, and every state a write left behind.

Each write through `repository.save` / `remove` is one prov:Activity per blueprint in the
history graph (label save / restore / remove, time, agent, triples added and removed).
A save or restore also keeps the state it generated, so any earlier state can be viewed
and restored:

    <activity> prov:generated <activity/state> .
    <activity/state> a prov:Entity ; prov:specializationOf <blueprint> ;
        dcterms:format "application/n-triples" ; dcterms:extent <triples> ;
        prov:value "<zlib-compressed N-Triples, base64>"^^xsd:base64Binary .

Why a literal and not a named graph per state: every query reads the union of the named
graphs as its default graph, so a state kept as a graph would bring removed steps and fail
points back as ghosts in cross-service answers (and in the validator's look-up of refined
steps). A literal is invisible to graph patterns. Cost: one compressed copy of the
blueprint per write, about 16 bytes a triple (the 405-triple mobile-TV blueprint: 6.5 KB,
against 77 KB as N-Triples text) and ~11 ms of a save to pack it.

Restoring writes the old state through `repository.save` (validated, recorded as a
"restore" activity that prov:used the old state).
"""

from __future__ import annotations

import base64
import binascii
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ..errors import BadInput, NotFound
from ..i18n import say
from ..model import iris
from ..model.namespaces import HISTORY_GRAPH, ID, REPOSITORY_GRAPH, SB
from ..store import Store

if TYPE_CHECKING:
    from ..validation.engine import Validator
    from .blueprint_view import BlueprintView
    from .save import Saved

STATE_FORMAT = "application/n-triples"
ACTIONS = ("save", "restore", "remove", "merge", "rename", "alias")
_MIN_PREFIX = 4


# -- recording (called by the write path, inside its one transaction) ----------------------

def agent_iri(agent: str) -> URIRef:
    return ID[f"agent/{iris.slug(agent)}"]


def record(
    blueprint: URIRef,
    action: str,
    agent: str,
    added: int,
    removed: int,
    when: datetime,
    state: Graph | None = None,
    restores: URIRef | None = None,
) -> tuple[URIRef, Graph]:
    """The history triples of one change: its activity IRI and the triples to add."""
    assert action in ACTIONS
    graph = Graph()
    act = ID[f"history/{uuid.uuid4()}"]
    who = agent_iri(agent)
    graph.add((act, RDF.type, PROV.Activity))
    graph.add((act, RDFS.label, Literal(action)))
    graph.add((act, PROV.endedAtTime, Literal(when.isoformat(), datatype=XSD.dateTime)))
    graph.add((act, PROV.wasAssociatedWith, who))
    graph.add((who, RDF.type, PROV.Agent))
    graph.add((who, RDFS.label, Literal(agent)))
    graph.add((act, SB.changedBlueprint, blueprint))
    graph.add((act, SB.triplesAdded, Literal(added)))
    graph.add((act, SB.triplesRemoved, Literal(removed)))
    if state is not None:
        entity = URIRef(f"{act}/state")
        graph.add((act, PROV.generated, entity))
        graph.add((entity, RDF.type, PROV.Entity))
        graph.add((entity, PROV.specializationOf, blueprint))
        graph.add((entity, DCTERMS.format, Literal(STATE_FORMAT)))
        graph.add((entity, DCTERMS.extent, Literal(len(state))))
        graph.add((entity, PROV.value, Literal(_pack(state), datatype=XSD.base64Binary)))
    if restores is not None:
        graph.add((act, PROV.used, URIRef(f"{restores}/state")))
    return act, graph


def _pack(state: Graph) -> str:
    # N-Triples (one triple a line, newlines escaped); sorted: the same state packs the same
    text = "\n".join(sorted(state.serialize(format="nt").splitlines()))
    return base64.b64encode(zlib.compress(text.encode("utf-8"))).decode("ascii")  # level 6: a third of level 9's time, 10% larger


def _unpack(value: str, where: str) -> Graph:
    try:
        text = zlib.decompress(base64.b64decode(value, validate=True)).decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError) as exc:
        raise BadInput(say("state_unreadable", what=str(exc)), where=where, hint=say("state_unreadable_hint")) from None
    return Graph().parse(data=text, format="nt")


# -- reading -------------------------------------------------------------------------------

@dataclass
class Activity:
    """One recorded change of one blueprint."""

    iri: URIRef
    action: str
    when: datetime
    agent: str
    blueprint: URIRef
    added: int
    removed: int
    state: URIRef | None = None  # the state it generated, when kept
    restored: URIRef | None = None  # for a restore: the activity whose state it brought back

    @property
    def id(self) -> str:
        """The short id people type: the last segment of the IRI."""
        return str(self.iri).rsplit("/", 1)[-1]

    @property
    def blueprint_id(self) -> str:
        if self.blueprint == REPOSITORY_GRAPH:
            return "(registry)"  # a merge, rename or alias: the repository graph changed
        return iris.blueprint_id(str(self.blueprint)) or str(self.blueprint)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "iri": str(self.iri), "action": self.action, "when": self.when.isoformat(),
            "agent": self.agent, "blueprint": self.blueprint_id, "blueprint_iri": str(self.blueprint),
            "added": self.added, "removed": self.removed, "state_kept": self.state is not None,
            "restored": str(self.restored).rsplit("/", 1)[-1] if self.restored else None,
        }


_LIST = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sb: <https://w3id.org/kgbp/ontology#>
SELECT ?act ?action ?when ?agent ?agentName ?bp ?added ?removed ?state ?source WHERE {
  GRAPH <https://w3id.org/kgbp/id/history> {
    ?act a prov:Activity ; rdfs:label ?action ; prov:endedAtTime ?when ; sb:changedBlueprint ?bp .
    OPTIONAL { ?act prov:wasAssociatedWith ?agent OPTIONAL { ?agent rdfs:label ?agentName } }
    OPTIONAL { ?act sb:triplesAdded ?added }
    OPTIONAL { ?act sb:triplesRemoved ?removed }
    OPTIONAL { ?act prov:generated ?state }
    OPTIONAL { ?act prov:used ?used . ?source prov:generated ?used }
  }
}
ORDER BY ?when ?bp ?act
"""


def _int(term: object) -> int:
    try:
        return int(str(term)) if term is not None else 0
    except ValueError:
        return 0


def activities(store: Store, blueprint: URIRef | None = None) -> list[Activity]:
    """The recorded changes, oldest first; of one blueprint, or of all."""
    rows = store.select(_LIST, {"bp": blueprint} if blueprint is not None else None)
    found: dict[URIRef, Activity] = {}
    for r in rows.dicts():
        act = r["act"]
        assert isinstance(act, URIRef)
        if act in found:  # an agent with two labels gives two rows
            continue
        agent = r["agentName"] or (str(r["agent"]).rsplit("/", 1)[-1] if r["agent"] else "")
        found[act] = Activity(
            iri=act, action=str(r["action"]), when=datetime.fromisoformat(str(r["when"])), agent=str(agent),
            blueprint=r["bp"], added=_int(r["added"]), removed=_int(r["removed"]),  # type: ignore[arg-type]
            state=r["state"] if isinstance(r["state"], URIRef) else None,
            restored=r["source"] if isinstance(r["source"], URIRef) else None,
        )
    return list(found.values())


def resolve(store: Store, ref: str) -> URIRef:
    """A stored blueprint ('service/version', 'service' or IRI), or one the history knows
    that has been removed since (its states can still be viewed and restored)."""
    from .save import resolve_blueprint

    try:  # what registry.names.resolve does first for a blueprint (it imports this package, not back)
        return resolve_blueprint(store, ref)
    except NotFound:
        service, version = iris.parse_blueprint_ref(ref)
        if version is None:
            raise
        iri = iris.blueprint_iri(service, version) if not service.startswith("http") else URIRef(ref)
        if not store.ask("ASK { GRAPH ?h { ?a <https://w3id.org/kgbp/ontology#changedBlueprint> ?bp } }",
                         {"h": HISTORY_GRAPH, "bp": iri}):
            raise
        return iri


def find_activity(store: Store, ref: str, blueprint: URIRef | None = None) -> Activity:
    """An activity by IRI, by id, or by a unique prefix of its id (at least 4 characters)."""
    ref = ref.strip()
    candidates = activities(store, blueprint)
    exact = [a for a in candidates if ref in (str(a.iri), a.id)]
    if exact:
        return exact[0]
    where = f"{ref} ({iris.blueprint_id(str(blueprint)) or blueprint})" if blueprint is not None else ref
    listing = f"kgbp history {iris.blueprint_id(str(blueprint)) or blueprint}" if blueprint is not None else "kgbp history"
    hint = say("activities_listed", listing=listing)
    if len(ref) < _MIN_PREFIX:
        raise BadInput(say("activity_too_short", ref=ref), where=where, hint=say("activity_too_short_hint", n=_MIN_PREFIX, hint=hint))
    matches = [a for a in candidates if a.id.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise BadInput(say("activity_many", n=len(matches), ref=ref), where=where,
                       hint=say("activity_many_hint", ids=", ".join(a.id for a in matches[:5])))
    raise NotFound(say("activity_unknown_here" if blueprint is not None else "activity_unknown", ref=ref), where=where, hint=hint)


def state(store: Store, activity: Activity) -> Graph:
    """The blueprint graph as `activity` left it."""
    if activity.state is None:
        if activity.action == "remove":
            raise NotFound(say("activity_removed", id=activity.id, blueprint=activity.blueprint_id), where=str(activity.iri),
                           hint=say("activity_removed_hint"))
        raise NotFound(say("activity_no_state", id=activity.id), where=str(activity.iri), hint=say("activity_no_state_hint"))
    rows = store.select("SELECT ?v ?h ?e WHERE { GRAPH ?h { ?e <http://www.w3.org/ns/prov#value> ?v } }",
                        {"h": HISTORY_GRAPH, "e": activity.state})
    if not rows.rows or rows.rows[0][0] is None:
        raise NotFound(say("activity_state_missing", id=activity.id), where=str(activity.state),
                       hint=say("activity_state_missing_hint"))
    return _unpack(str(rows.rows[0][0]), str(activity.state))


def state_view(store: Store, activity: Activity, lang: str) -> BlueprintView:
    """An earlier state, as the presenters show a blueprint."""
    from .blueprint_view import build_view
    from .save import labels_of

    graph = state(store, activity)
    shared = [o for p in (SB.responsibleDepartment, SB.usesSystem, SB.blueprintOf)
              for o in graph.objects(None, p) if isinstance(o, URIRef)]
    return build_view(graph, activity.blueprint, lang, labels_of(store, shared, lang))


# -- restoring ----------------------------------------------------------------------------

@dataclass
class Restored:
    source: Activity  # whose state came back
    saved: Saved  # the new write (its activity is the "restore")

    def as_dict(self) -> dict[str, Any]:
        return {"blueprint": self.saved.id, "restored": self.source.id, "restored_when": self.source.when.isoformat(),
                "activity": str(self.saved.activity).rsplit("/", 1)[-1] if self.saved.activity else None,
                "triples": self.saved.triples, "added": self.saved.added, "removed": self.saved.removed,
                "draft": self.saved.draft, "warnings": self.saved.warnings}


def restore(store: Store, blueprint: URIRef, activity_ref: str, *, agent: str,
            validator: Validator | None = None) -> Restored:
    """Write the state `activity_ref` left back as the blueprint's current content.

    A new write: validated against today's rules (rejected with NotConformant if the old
    state breaks them) and recorded as a "restore" activity.
    """
    from ..ingest import AuthoredBlueprint
    from .save import save

    source = find_activity(store, activity_ref, blueprint)
    graph = state(store, source)
    bp = AuthoredBlueprint(iri=blueprint, id=source.blueprint_id, graph=graph, shared=Graph(),
                           draft=(blueprint, SB.versionStatus, SB.Draft) in graph,
                           source=f"history {source.id}")
    result = save(store, [bp], validator=validator, agent=agent, restores=source.iri)
    return Restored(source, result.saved[0])


# -- versions of a service -----------------------------------------------------------------

@dataclass
class Version:
    """One version of a service: its status, dates and links, and when it last changed."""

    iri: URIRef
    id: str
    version: str
    status: str
    title: str
    created: str = ""
    modified: str = ""
    revision_of: str = ""  # blueprint id
    refines: str = ""  # step IRI
    last_changed: str = ""
    changes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "iri": str(self.iri)}


_VERSIONS = """
PREFIX sb: <https://w3id.org/kgbp/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?service ?bp ?version ?status ?created ?modified ?revisionOf ?refines
       (MAX(?when) AS ?lastChanged) (COUNT(DISTINCT ?act) AS ?changes)
WHERE {
  GRAPH ?bp {
    ?bp a sb:Blueprint ; sb:blueprintOf ?service ; dcterms:identifier ?version .
    OPTIONAL { ?bp sb:versionStatus ?status }
    OPTIONAL { ?bp dcterms:created ?created }
    OPTIONAL { ?bp dcterms:modified ?modified }
    OPTIONAL { ?bp prov:wasRevisionOf ?revisionOf }
    OPTIONAL { ?bp sb:refinesStep ?refines }
  }
  OPTIONAL { GRAPH <https://w3id.org/kgbp/id/history> { ?act sb:changedBlueprint ?bp ; prov:endedAtTime ?when } }
}
GROUP BY ?service ?bp ?version ?status ?created ?modified ?revisionOf ?refines
ORDER BY ?version
"""


def versions(store: Store, service: str, lang: str = "en") -> list[Version]:
    """The stored versions of a service ('mobile-tv-subscription', or any of its blueprint ids)."""
    from ..model.vocabulary import vocabulary
    from .save import labels_of

    service_id, _ = iris.parse_blueprint_ref(service)
    rows: Sequence[dict[str, Any]] = list(store.select(_VERSIONS, {"service": iris.service_iri(service_id)}).dicts())
    if not rows:
        raise NotFound(say("no_versions", service=service_id), where=service, hint=say("list_shows_ids_hint"))
    names = vocabulary().scheme("status").notation
    titles = labels_of(store, [r["bp"] for r in rows], lang)
    return [Version(
        iri=r["bp"], id=iris.blueprint_id(str(r["bp"])) or str(r["bp"]), version=str(r["version"]),
        status=names.get(r["status"], "") if r["status"] is not None else "",
        title=titles.get(r["bp"], ""),
        created=str(r["created"] or ""), modified=str(r["modified"] or ""),
        revision_of=(iris.blueprint_id(str(r["revisionOf"])) or str(r["revisionOf"])) if r["revisionOf"] else "",
        refines=str(r["refines"] or ""), last_changed=str(r["lastChanged"] or ""), changes=_int(r["changes"]),
    ) for r in rows]
