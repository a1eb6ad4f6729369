"""The one write path, and the listings every presenter starts from.

Every way in (CLI load, HTTP upload, spreadsheet and ArchiMate import, SPARQL Update,
Graph Store writes) ends in `save`: derive, validate the touched blueprints, then replace
their named graphs, merge the shared entities and record history in ONE store
transaction. A rejected or failed write changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rdflib import BNode, Graph, URIRef

from ..config import Limits
from ..errors import Conflict, NotConformant, NotFound, Problem
from ..i18n import say
from ..model import iris
from ..model.authored import AuthoredBlueprint

# the listings every presenter starts from are reads (kgbp.model): named here for the callers
from ..model.blueprints import BlueprintSummary as BlueprintSummary
from ..model.blueprints import list_blueprints as list_blueprints
from ..model.blueprints import resolve_blueprint as resolve_blueprint
from ..model.derive import derive
from ..model.labels import labels_of as labels_of
from ..model.namespaces import HISTORY_GRAPH, ONTOLOGY_GRAPH, REPOSITORY_GRAPH, SB
from ..model.notes import Note
from ..model.shared_index import SharedIndex
from ..model.vocabulary import channel_kinds as _channel_kinds
from ..model.vocabulary import ontology_graph
from ..resources import internal_query
from ..store import Store
from ..store.embedded import ntriples
from ..validation.engine import ValidationReport, Validator
from . import history_log as history  # the log only: the history views import this module
from .caps import check_blueprint
from .concurrency import Expected, check, version, version_of, write_lock


@dataclass
class Saved:
    id: str
    iri: URIRef
    triples: int
    added: int
    removed: int
    draft: bool
    warnings: int
    activity: URIRef | None = None  # its record in the history graph
    version: str | None = None  # the stored version it left (the HTTP ETag; see concurrency.py)


@dataclass
class GraphWritten:
    """A user-owned graph replaced or removed (not a blueprint: not validated, but recorded)."""

    iri: URIRef
    triples: int
    added: int
    removed: int
    activity: URIRef | None = None


@dataclass
class SaveResult:
    saved: list[Saved] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    links: list[Note] = field(default_factory=list)  # names the readers linked to known entities
    graphs: list[GraphWritten] = field(default_factory=list)


def init(store: Store) -> None:
    """Load (or refresh) the ontology graph. Idempotent."""
    store.replace_graphs({ONTOLOGY_GRAPH: ontology_graph()})


def ensure_initialised(store: Store) -> None:
    if not store.ask(internal_query("graph_exists"), {"g": ONTOLOGY_GRAPH}):
        init(store)


def save(
    store: Store,
    blueprints: Sequence[AuthoredBlueprint],
    *,
    validator: Validator | None = None,
    draft: bool = False,
    agent: str = "kgbp",
    restores: URIRef | None = None,
    expect: Mapping[URIRef, Expected] | None = None,
    phase: Callable[[str], None] | None = None,
    user_graphs: Mapping[URIRef, Graph | None] | None = None,
    limits: Limits | None = None,
) -> SaveResult:
    """Validate and store blueprints in one transaction; raise NotConformant to reject all.

    `restores` (an activity) records the write as a restore of that activity's state.
    `expect`: the versions the writer read (optimistic concurrency); PreconditionFailed,
    and nothing stored, when a blueprint's stored version is not as expected.
    `phase` is told when each long phase starts ("validate", "store"), for progress.
    `user_graphs`: user-owned graphs (see write_user_graphs) replaced in the same transaction.
    `limits`: the caps of Settings.limits (PayloadTooLarge, nothing stored); defaults otherwise.
    """
    kinds = _channel_kinds()
    shared = Graph()
    for bp in blueprints:
        check_blueprint(bp, limits or Limits())  # before derive: its closure grows with the chain's square
        derive(bp.graph, kinds)
        if draft or bp.draft:
            bp.draft = True
            bp.graph.set((bp.iri, SB.versionStatus, SB.Draft))
        shared += bp.shared
    report = ValidationReport()
    if validator is not None:
        if phase is not None:
            phase("validate")
        report = validator.check(blueprints, store)
        blocking = [r for r in report.violations() if r.blueprint not in {b.iri for b in blueprints if b.draft}]
        if blocking:
            raise NotConformant(
                say("rejected_violations", n=len(blocking)),
                where=str(blocking[0].focus),
                hint=say("rejected_violations_hint"),
                report=ValidationReport(blocking + [r for r in report.results if r not in blocking],
                                        report.checked, report.drafts, report.lang),
            )
    if phase is not None:
        phase("store")
    with write_lock():  # the version check, the history's counts and the write see one state
        for bp in blueprints:
            if expect and bp.iri in expect:
                check(store, bp.iri, expect[bp.iri])
        written = {bp.iri for bp in blueprints}
        for bp in blueprints:  # a save that drops a step a stored slice refines would orphan the slice
            refuse_orphaning(store, bp.iri, set(bp.graph.subjects()), written)
        now = datetime.now(UTC)
        records = Graph()
        result = SaveResult(report=report, links=[note for bp in blueprints for note in bp.links])
        changes: dict[URIRef, tuple[set[Any], set[Any]]] = {}  # blueprint -> (triples removed, triples added)
        written_lines: dict[URIRef, bytes] = {}
        for bp in blueprints:
            old, new = store.triples(bp.iri), set(bp.graph)  # sets: rdflib's graph difference copies graphs
            changes[bp.iri] = (old - new, new - old)
            added, removed = len(changes[bp.iri][1]), len(changes[bp.iri][0])
            written_lines[bp.iri] = ntriples(bp.graph)  # the history's state, and the version where the store keeps terms
            act, record = history.record(bp.iri, "restore" if restores else "save", agent, added, removed, now,
                                         state=bp.graph, restores=restores, state_ntriples=written_lines[bp.iri])
            records += record
            result.saved.append(Saved(bp.id, bp.iri, len(bp.graph), added, removed, bp.draft,
                                      sum(1 for r in report.results if r.blueprint == bp.iri and r.severity != "Violation"),
                                      act))
        user_records, result.graphs = _user_graph_records(store, user_graphs or {}, agent, now)
        records += user_records
        generation = getattr(store, "generation", None)
        patch = getattr(store, "patch_graphs", None)  # a store whose one update is one transaction
        if patch is not None and not user_graphs and _patchable(changes, len(blueprints)):
            patch({iri: removed for iri, (removed, _) in changes.items()},
                  {**{iri: added for iri, (_, added) in changes.items()}, REPOSITORY_GRAPH: shared, HISTORY_GRAPH: records})
        else:
            store.replace_graphs({**{bp.iri: bp.graph for bp in blueprints}, **(user_graphs or {})},
                                 add={REPOSITORY_GRAPH: shared, HISTORY_GRAPH: records})
        SharedIndex.written(store, generation, shared)
        as_written = getattr(store, "keeps_terms", False)  # it stores each term as given: no need to read it back
        for saved in result.saved:
            saved.version = version_of(written_lines[saved.iri]) if as_written else version(store, saved.iri)
    return result


def _patchable(changes: Mapping[URIRef, tuple[set[Any], set[Any]]], count: int) -> bool:
    """Whether writing only what changed leaves each graph equal to the new one: each
    blueprint once, and no blank node to remove (no update can name a stored one)."""
    return len(changes) == count and not any(
        isinstance(term, BNode) for removed, _ in changes.values() for triple in removed for term in triple)


def _user_graph_records(store: Store, graphs: Mapping[URIRef, Graph | None], agent: str,
                        now: datetime) -> tuple[Graph, list[GraphWritten]]:
    records, written = Graph(), []
    for name, graph in graphs.items():
        old, new = store.triples(name), set(graph if graph is not None else ())
        action = "save" if new else "remove"
        act, record = history.record(name, action, agent, len(new - old), len(old - new), now,
                                     state=graph if new else None)
        records += record
        written.append(GraphWritten(name, len(new), len(new - old), len(old - new), act))
    return records, written


def write_user_graphs(store: Store, graphs: Mapping[URIRef, Graph | None], *, agent: str) -> list[GraphWritten]:
    """Replace (None or empty: remove) user-owned graphs in one transaction, with history.

    User-owned graphs (annotations, mappings to other systems' ids) hold no blueprint, so
    nothing is derived or validated; who changed what, and each state, is recorded like a
    blueprint's. Which graphs are user-owned is the endpoint's update profile (docs/sparql.md).
    """
    with write_lock():
        records, written = _user_graph_records(store, graphs, agent, datetime.now(UTC))
        store.replace_graphs(dict(graphs), add={HISTORY_GRAPH: records})
    return written


def remove(store: Store, blueprint: URIRef, agent: str = "kgbp", expect: Expected | None = None,
           together: Collection[URIRef] = ()) -> int:
    """Drop a blueprint's graph (recorded); `expect`: the version the remover read.

    Validated like a save: refused (Conflict) while a slice stored elsewhere refines one of
    its steps, unless that slice is among `together`, the blueprints removed in the same request.
    """
    with write_lock():
        old = store.graph(blueprint)
        if not len(old) and (expect is None or not expect.versions):
            raise NotFound(say("no_blueprint", id=iris.blueprint_id(str(blueprint)) or str(blueprint)), where=str(blueprint),
                           hint=say("list_shows_hint"))
        if expect is not None:
            check(store, blueprint, expect)
        refuse_orphaning(store, blueprint, set(), {blueprint, *together})
        _, record = history.record(blueprint, "remove", agent, 0, len(old), datetime.now(UTC))
        store.replace_graphs({blueprint: None}, add={HISTORY_GRAPH: record})
    return len(old)


def refuse_orphaning(store: Store, parent: URIRef, kept: set[object], leaving: set[URIRef]) -> None:
    """Conflict when a stored slice outside `leaving` refines a step of `parent` not in `kept`."""
    orphaned = [(r["slice"], r["step"]) for r in store.select(internal_query("slices_of"), {"parent": parent}).dicts()
                if r["slice"] not in leaving and r["step"] not in kept]
    if orphaned:
        slices = sorted({iris.blueprint_id(str(s)) or str(s) for s, _ in orphaned})
        step = orphaned[0][1]
        raise Conflict(
            say("slice_orphaned", slices=", ".join(slices), step=str(step), parent=iris.blueprint_id(str(parent)) or str(parent)),
            where=str(step), problems=[Problem(say("slice_refines", slice=iris.blueprint_id(str(s)) or str(s), step=str(st)),
                                               str(st), say("slice_refines_hint")) for s, st in orphaned],
            hint=say("slice_orphaned_hint", slices=", ".join(slices)))
