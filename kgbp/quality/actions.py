"""Improvement actions after the meeting: the owner moves an action on (status, done date).

The action's graph is read, changed and written back through `save_evidence`, so the same
rules hold as for the register (a done action has a done date, only a done one has it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, XSD

from ..errors import BadInput, NotFound
from ..model import iris
from ..model.namespaces import SB
from ..model.vocabulary import vocabulary
from ..store import Store
from .reader import EvidenceBatch
from .write import SavedEvidence, save_evidence


def update_action(store: Store, action_id: str, status: str, done: str | None, *, agent: str,
                  lang: str = "en") -> SavedEvidence:
    """Set an action's status (and done date); BadInput naming the field, nothing stored, when bad."""
    if not iris.is_valid_id(action_id):
        raise BadInput(f"bad action id {action_id!r}", where="action", hint="the id in the register, e.g. A2")
    node = iris.action_iri(action_id)
    graph = store.graph(node)
    if not len(graph):
        raise NotFound(f"no action {action_id!r}", where=action_id, hint="load the action register first (`kgbp evidence load`)")
    statuses = vocabulary().scheme("action_status")
    concept = statuses.lookup(status)
    if concept is None:
        raise BadInput(f"unknown action status {status!r}", where="status", hint="one of: " + ", ".join(statuses.names()))
    new = Graph()
    new += graph
    new.set((node, SB.actionStatus, concept))
    new.remove((node, SB.doneDate, None))
    if done:
        try:
            new.add((node, SB.doneDate, Literal(date.fromisoformat(done.strip()).isoformat(), datatype=XSD.date)))
        except ValueError:
            raise BadInput(f"bad done date {done!r}", where="done", hint="write the date as YYYY-MM-DD") from None
    new.set((node, DCTERMS.modified, Literal(datetime.now(UTC).isoformat(), datatype=XSD.dateTime)))
    new.set((node, PROV.wasAttributedTo, Literal(agent)))
    batch = EvidenceBatch(graphs={node: new})
    batch.places.update({(node, None): "status", (node, SB.actionStatus): "status", (node, SB.doneDate): "done"})
    return save_evidence(store, batch, lang=lang)
