"""The history log: each write recorded as a prov:Activity in the history graph (with the
state it left, packed), and the activities read back. The write path (`repository.save`,
the registry's operations) records through this module; the views of the history
(`repository.history`: states, restore, versions) and the version checks
(`repository.concurrency`) read it. It imports neither of them, so none is a cycle.
The layout of the history graph is described in `repository.history`.
"""

from __future__ import annotations

import base64
import binascii
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ..errors import BadInput
from ..i18n import say
from ..model import iris
from ..model.namespaces import ID, REPOSITORY_GRAPH, SB
from ..resources import internal_query
from ..store import Store
from ..store.embedded import ntriples

STATE_FORMAT = "application/n-triples"
ACTIONS = ("save", "restore", "remove", "merge", "rename", "alias")


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
    state_ntriples: bytes | None = None,
) -> tuple[URIRef, Graph]:
    """The history triples of one change: its activity IRI and the triples to add.
    `state_ntriples`: the state already written as N-Triples (`ntriples(state)`), when the caller has it."""
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
        graph.add((entity, PROV.value, Literal(_pack(state_ntriples or ntriples(state)), datatype=XSD.base64Binary)))
    if restores is not None:
        graph.add((act, PROV.used, URIRef(f"{restores}/state")))
    return act, graph


def _pack(state: bytes) -> str:
    # N-Triples (one triple a line, newlines escaped); sorted: the same state packs the same
    text = b"\n".join(sorted(state.splitlines()))
    return base64.b64encode(zlib.compress(text)).decode("ascii")  # level 6: a third of level 9's time, 10% larger


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




def _int(term: object) -> int:
    try:
        return int(str(term)) if term is not None else 0
    except ValueError:
        return 0


def activities(store: Store, blueprint: URIRef | None = None) -> list[Activity]:
    """The recorded changes, oldest first; of one blueprint, or of all."""
    rows = store.select(internal_query("activities"), {"bp": blueprint} if blueprint is not None else None)
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
