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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from ..errors import BadInput, NotFound
from ..i18n import say
from ..model import iris
from ..model.blueprints import resolve_blueprint
from ..model.labels import labels_of
from ..model.namespaces import HISTORY_GRAPH, SB
from ..resources import internal_query
from ..store import Store

# the log (recording and listing activities) is its own module, which the write path
# imports; named here too, so `history.activities` and `history.record` read as before
from .history_log import ACTIONS as ACTIONS
from .history_log import STATE_FORMAT as STATE_FORMAT
from .history_log import Activity as Activity
from .history_log import _int, _unpack
from .history_log import activities as activities
from .history_log import agent_iri as agent_iri
from .history_log import record as record

if TYPE_CHECKING:
    from ..validation.engine import Validator
    from .blueprint_view import BlueprintView
    from .save import Saved

_MIN_PREFIX = 4


def resolve(store: Store, ref: str) -> URIRef:
    """A stored blueprint ('service/version', 'service' or IRI), or one the history knows
    that has been removed since (its states can still be viewed and restored)."""
    try:  # what registry.names.resolve does first for a blueprint
        return resolve_blueprint(store, ref)
    except NotFound:
        service, version = iris.parse_blueprint_ref(ref)
        if version is None:
            raise
        iri = iris.blueprint_iri(service, version) if not service.startswith("http") else URIRef(ref)
        if not store.ask(internal_query("history_knows_blueprint"), {"h": HISTORY_GRAPH, "bp": iri}):
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
    rows = store.select(internal_query("kept_state"), {"h": HISTORY_GRAPH, "e": activity.state})
    if not rows.rows or rows.rows[0][0] is None:
        raise NotFound(say("activity_state_missing", id=activity.id), where=str(activity.state),
                       hint=say("activity_state_missing_hint"))
    return _unpack(str(rows.rows[0][0]), str(activity.state))


def state_view(store: Store, activity: Activity, lang: str) -> BlueprintView:
    """An earlier state, as the presenters show a blueprint."""
    from .blueprint_view import build_view

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
    from ..model.authored import AuthoredBlueprint
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




def versions(store: Store, service: str, lang: str = "en") -> list[Version]:
    """The stored versions of a service ('mobile-tv-subscription', or any of its blueprint ids)."""
    from ..model.vocabulary import vocabulary

    service_id, _ = iris.parse_blueprint_ref(service)
    rows: Sequence[dict[str, Any]] = list(store.select(internal_query("versions_of_service"),
                                                             {"service": iris.service_iri(service_id)}).dicts())
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
