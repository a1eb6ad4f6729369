"""What changed between two versions of a blueprint (as-is -> to-be, or any two states).

Steps are matched by id first; steps left over on both sides are then matched by label
(the same text in any language, case and spacing aside), which finds a step whose id was
renamed. Such a pair is reported as changed, matched_by "label", with an "id" change. A
label shared by several leftover steps matches none of them (no guessing).

Physical evidence items are matched the same way and reported separately; both lists
give every item a status (added / removed / changed / unchanged) a diagram can colour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ..errors import NotFound
from ..model import iris
from ..model.namespaces import SB
from ..repository.blueprint_view import LANE_ORDER, StepView, build_view
from ..store import Store

STATUSES = ("added", "removed", "changed", "unchanged")
Value = str | list[str]


@dataclass(frozen=True)
class FieldChange:
    """One aspect of a matched step that differs: label, lane, performer, markers,
    department, systems, supports (ids), evidence_of (ids), or id (matched by label)."""

    field: str
    before: Value
    after: Value

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


@dataclass
class StepChange:
    """A step (or evidence item) of either version, with what happened to it."""

    status: str  # added | removed | changed | unchanged
    id: str  # the id in the later version (the earlier one for a removed step)
    label: str
    lane: str
    position: int
    from_id: str | None = None
    to_id: str | None = None
    from_iri: URIRef | None = None
    to_iri: URIRef | None = None
    matched_by: str | None = None  # id | label | None (added, removed)
    changes: list[FieldChange] = field(default_factory=list)

    def change(self, name: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "id": self.id, "label": self.label, "lane": self.lane,
                "position": self.position, "from_id": self.from_id, "to_id": self.to_id,
                "from_iri": str(self.from_iri) if self.from_iri else None,
                "to_iri": str(self.to_iri) if self.to_iri else None,
                "matched_by": self.matched_by, "changes": [c.as_dict() for c in self.changes]}


@dataclass
class MarkerChange:
    """A fail (F) or wait (W) point resolved or introduced, and how."""

    marker: str  # F | W
    step_id: str
    label: str
    lane: str
    how: str  # marker removed | step removed | marker added | step added
    failure_mode: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class DepartmentChange:
    """A department whose responsibilities (the steps it is first responsible for) changed."""

    iri: URIRef
    label: str
    steps_before: int
    steps_after: int
    fail_points_before: int
    fail_points_after: int
    gained: list[str] = field(default_factory=list)  # step ids (later version)
    lost: list[str] = field(default_factory=list)  # step ids (earlier version)

    @property
    def trend(self) -> str:
        """grew / shrank by number of steps; shifted when the count stayed but steps moved."""
        if self.steps_after != self.steps_before:
            return "grew" if self.steps_after > self.steps_before else "shrank"
        return "shifted" if self.gained or self.lost else "unchanged"

    def as_dict(self) -> dict[str, Any]:
        return {"iri": str(self.iri), "label": self.label, "trend": self.trend,
                "steps_before": self.steps_before, "steps_after": self.steps_after,
                "fail_points_before": self.fail_points_before, "fail_points_after": self.fail_points_after,
                "gained": self.gained, "lost": self.lost}


@dataclass
class SystemChange:
    """A system whose dependent steps changed: newly depended on, no longer, or otherwise."""

    iri: URIRef
    label: str
    status: str  # new | dropped | changed
    steps_before: int
    steps_after: int
    gained: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"iri": str(self.iri), "label": self.label, "status": self.status,
                "steps_before": self.steps_before, "steps_after": self.steps_after,
                "gained": self.gained, "lost": self.lost}


@dataclass
class BlueprintDiff:
    from_iri: URIRef
    to_iri: URIRef
    lang: str
    steps: list[StepChange] = field(default_factory=list)
    evidence: list[StepChange] = field(default_factory=list)
    fail_points_resolved: list[MarkerChange] = field(default_factory=list)
    fail_points_introduced: list[MarkerChange] = field(default_factory=list)
    wait_points_resolved: list[MarkerChange] = field(default_factory=list)
    wait_points_introduced: list[MarkerChange] = field(default_factory=list)
    departments: list[DepartmentChange] = field(default_factory=list)
    systems: list[SystemChange] = field(default_factory=list)

    @property
    def from_id(self) -> str:
        return iris.blueprint_id(str(self.from_iri)) or str(self.from_iri)

    @property
    def to_id(self) -> str:
        return iris.blueprint_id(str(self.to_iri)) or str(self.to_iri)

    def with_status(self, status: str) -> list[StepChange]:
        return [s for s in self.steps if s.status == status]

    @property
    def systems_new(self) -> list[SystemChange]:
        return [s for s in self.systems if s.status == "new"]

    @property
    def systems_dropped(self) -> list[SystemChange]:
        return [s for s in self.systems if s.status == "dropped"]

    @property
    def identical(self) -> bool:
        return all(s.status == "unchanged" for s in (*self.steps, *self.evidence))

    def status_by_iri(self) -> dict[URIRef, str]:
        """Status of every step and evidence IRI of both versions (for colouring a diagram)."""
        found: dict[URIRef, str] = {}
        for item in (*self.steps, *self.evidence):
            for node in (item.from_iri, item.to_iri):
                if node is not None:
                    found[node] = item.status
        return found

    def summary(self) -> dict[str, int]:
        counts = {status: len(self.with_status(status)) for status in STATUSES}
        counts.update({
            "matched_by_label": sum(1 for s in self.steps if s.matched_by == "label"),
            "fail_points_resolved": len(self.fail_points_resolved),
            "fail_points_introduced": len(self.fail_points_introduced),
            "wait_points_resolved": len(self.wait_points_resolved),
            "wait_points_introduced": len(self.wait_points_introduced),
        })
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_id, "to": self.to_id, "from_iri": str(self.from_iri), "to_iri": str(self.to_iri),
            "lang": self.lang, "summary": self.summary(),
            "steps": [s.as_dict() for s in self.steps],
            "evidence": [s.as_dict() for s in self.evidence],
            "fail_points": {"resolved": [m.as_dict() for m in self.fail_points_resolved],
                            "introduced": [m.as_dict() for m in self.fail_points_introduced]},
            "wait_points": {"resolved": [m.as_dict() for m in self.wait_points_resolved],
                            "introduced": [m.as_dict() for m in self.wait_points_introduced]},
            "departments": [d.as_dict() for d in self.departments],
            "systems": [s.as_dict() for s in self.systems],
        }


# -- comparing -----------------------------------------------------------------------------

def compare(store: Store, from_iri: URIRef, to_iri: URIRef, lang: str = "en") -> BlueprintDiff:
    """Compare two stored blueprint versions."""
    from ..model.labels import labels_of

    graphs = []
    for iri in (from_iri, to_iri):
        graph = store.graph(iri)
        if (iri, SB.blueprintOf, None) not in graph:
            raise NotFound(f"no blueprint {iris.blueprint_id(str(iri)) or iri}", where=str(iri),
                           hint="`kgbp list` shows the stored blueprints (ids are service/version)")
        graphs.append(graph)
    shared = {o for g in graphs for p in (SB.responsibleDepartment, SB.usesSystem, SB.blueprintOf)
              for o in g.objects(None, p) if isinstance(o, URIRef)}
    return compare_graphs(graphs[0], from_iri, graphs[1], to_iri, lang, labels_of(store, shared, lang))


def compare_graphs(from_graph: Graph, from_iri: URIRef, to_graph: Graph, to_iri: URIRef, lang: str,
                   shared_labels: dict[URIRef, str] | None = None) -> BlueprintDiff:
    """Compare two blueprint graphs (stored versions, or states kept in the history)."""
    labels = shared_labels or {}
    before = build_view(from_graph, from_iri, lang, labels)
    after = build_view(to_graph, to_iri, lang, labels)
    result = BlueprintDiff(from_iri, to_iri, lang)

    old_steps = [s for s in before.steps if s.lane != "evidence"]
    new_steps = [s for s in after.steps if s.lane != "evidence"]
    pairs, how = _match(old_steps, new_steps, from_graph, to_graph)
    renamed = {a.id: b.id for a, b in pairs if a is not None and b is not None}
    result.steps = [_step_change(a, b, how, renamed, from_graph, to_graph, labels) for a, b in pairs]

    old_ev = [s for s in before.steps if s.lane == "evidence"]
    new_ev = [s for s in after.steps if s.lane == "evidence"]
    ev_pairs, ev_how = _match(old_ev, new_ev, from_graph, to_graph)
    result.evidence = [_step_change(a, b, ev_how, renamed, from_graph, to_graph, labels) for a, b in ev_pairs]

    _markers(result, pairs)
    result.departments = _departments(pairs, labels)
    result.systems = _systems(pairs, labels)
    return result


Pair = tuple[StepView | None, StepView | None]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _label_keys(graph: Graph, node: URIRef) -> set[str]:
    return {_norm(str(lab)) for lab in graph.objects(node, RDFS.label)} - {""}


def _order(step: StepView) -> tuple[int, int, str]:
    return (LANE_ORDER.index(step.lane) if step.lane in LANE_ORDER else len(LANE_ORDER), step.position, step.id)


def _match(old: list[StepView], new: list[StepView], old_graph: Graph, new_graph: Graph
           ) -> tuple[list[Pair], dict[int, str]]:
    """Pairs (earlier, later) in display order, and how each pair was matched."""
    new_by_id = {s.id: s for s in new}
    pairs: list[Pair] = []
    how: dict[int, str] = {}
    left_old = []
    for a in old:
        b = new_by_id.pop(a.id, None)
        if b is None:
            left_old.append(a)
        else:
            pairs.append((a, b))
            how[id(b)] = "id"
    left_new = list(new_by_id.values())

    # by label, only where the match is unique both ways (a same-lane candidate wins)
    old_keys = {id(a): _label_keys(old_graph, a.iri) for a in left_old}
    new_keys = {id(b): _label_keys(new_graph, b.iri) for b in left_new}

    def candidates(step: StepView, keys: set[str], pool: list[StepView], pool_keys: dict[int, set[str]]) -> list[StepView]:
        found = [c for c in pool if keys & pool_keys[id(c)]]
        same_lane = [c for c in found if c.lane == step.lane]
        return same_lane if len(found) > 1 and same_lane else found

    matched: set[int] = set()
    for a in left_old:
        cands = candidates(a, old_keys[id(a)], left_new, new_keys)
        if len(cands) != 1 or id(cands[0]) in matched:
            continue
        b = cands[0]
        back = candidates(b, new_keys[id(b)], left_old, old_keys)
        if back == [a]:
            pairs.append((a, b))
            how[id(b)] = "label"
            matched |= {id(a), id(b)}
    pairs += [(a, None) for a in left_old if id(a) not in matched]
    pairs += [(None, b) for b in left_new if id(b) not in matched]
    pairs.sort(key=lambda p: _order(p[1] if p[1] is not None else p[0]))  # type: ignore[arg-type]
    return pairs, how


def _names(nodes: Iterable[URIRef], labels: dict[URIRef, str]) -> list[str]:
    return sorted(labels.get(n, str(n).rsplit("/", 1)[-1]) for n in nodes)


def _step_change(a: StepView | None, b: StepView | None, how: dict[int, str], renamed: dict[str, str],
                 old_graph: Graph, new_graph: Graph, labels: dict[URIRef, str]) -> StepChange:
    shown = b if b is not None else a
    assert shown is not None
    change = StepChange(status="", id=shown.id, label=shown.label, lane=shown.lane, position=shown.position,
                        from_id=a.id if a else None, to_id=b.id if b else None,
                        from_iri=a.iri if a else None, to_iri=b.iri if b else None)
    if a is None or b is None:
        change.status = "added" if a is None else "removed"
        return change
    change.matched_by = how[id(b)]
    diffs: list[FieldChange] = []
    if a.id != b.id:
        diffs.append(FieldChange("id", a.id, b.id))
    if _label_keys(old_graph, a.iri) != _label_keys(new_graph, b.iri):
        diffs.append(FieldChange("label", a.label, b.label))
    for name in ("lane", "performer", "markers"):
        if getattr(a, name) != getattr(b, name):
            diffs.append(FieldChange(name, getattr(a, name), getattr(b, name)))
    if a.department_iri != b.department_iri:
        diffs.append(FieldChange("department", a.department, b.department))
    if set(a.system_iris) != set(b.system_iris):
        diffs.append(FieldChange("systems", _names(a.system_iris, labels), _names(b.system_iris, labels)))
    for name in ("supports", "evidence_of"):
        old_ids, new_ids = getattr(a, name), getattr(b, name)
        if {renamed.get(i, i) for i in old_ids} != set(new_ids):  # a renamed target is no change
            diffs.append(FieldChange(name, sorted(old_ids), sorted(new_ids)))
    change.changes = diffs
    change.status = "changed" if diffs else "unchanged"
    return change


def _markers(result: BlueprintDiff, pairs: list[Pair]) -> None:
    for a, b in pairs:
        for flag, marker, resolved, introduced in (
                ("fail", "F", result.fail_points_resolved, result.fail_points_introduced),
                ("wait", "W", result.wait_points_resolved, result.wait_points_introduced)):
            was, now = bool(a and getattr(a, flag)), bool(b and getattr(b, flag))
            if was and not now:
                assert a is not None
                resolved.append(MarkerChange(marker, a.id, a.label, a.lane,
                                             "step removed" if b is None else "marker removed",
                                             a.failure_mode if marker == "F" else ""))
            elif now and not was:
                assert b is not None
                introduced.append(MarkerChange(marker, b.id, b.label, b.lane,
                                               "step added" if a is None else "marker added",
                                               b.failure_mode if marker == "F" else ""))


def _departments(pairs: list[Pair], labels: dict[URIRef, str]) -> list[DepartmentChange]:
    found: dict[URIRef, DepartmentChange] = {}

    def entry(dept: URIRef, label: str) -> DepartmentChange:
        return found.setdefault(dept, DepartmentChange(dept, labels.get(dept, label), 0, 0, 0, 0))

    for a, b in pairs:
        da = a.department_iri if a else None
        db = b.department_iri if b else None
        if da is not None and a is not None:
            d = entry(da, a.department)
            d.steps_before += 1
            d.fail_points_before += a.fail
            if da != db:
                d.lost.append(a.id)
        if db is not None and b is not None:
            d = entry(db, b.department)
            d.steps_after += 1
            d.fail_points_after += b.fail
            if da != db:
                d.gained.append(b.id)
    changed = [d for d in found.values()
               if d.gained or d.lost or d.fail_points_before != d.fail_points_after]
    return sorted(changed, key=lambda d: d.label)


def _systems(pairs: list[Pair], labels: dict[URIRef, str]) -> list[SystemChange]:
    found: dict[URIRef, SystemChange] = {}
    for a, b in pairs:
        sa = set(a.system_iris) if a else set()
        sb = set(b.system_iris) if b else set()
        for system in sa | sb:
            s = found.setdefault(system, SystemChange(system, labels.get(system, str(system).rsplit("/", 1)[-1]),
                                                      "", 0, 0))
            if system in sa and a is not None:
                s.steps_before += 1
                if system not in sb:
                    s.lost.append(a.id)
            if system in sb and b is not None:
                s.steps_after += 1
                if system not in sa:
                    s.gained.append(b.id)
    out = []
    for s in found.values():
        if not (s.gained or s.lost):
            continue
        s.status = "new" if s.steps_before == 0 else "dropped" if s.steps_after == 0 else "changed"
        out.append(s)
    return sorted(out, key=lambda s: ({"new": 0, "dropped": 1, "changed": 2}[s.status], s.label))


# -- choosing the pair -----------------------------------------------------------------------

def default_pair(store: Store, service: str) -> tuple[URIRef, URIRef]:
    """For `kgbp diff SERVICE`: the as-is and the version that revises it (else the to-be)."""
    from ..repository.history import versions

    found = versions(store, service)
    as_is = [v for v in found if v.status == "as-is"] or [v for v in found if v.version == "as-is"]
    if not as_is:
        raise NotFound(f"service {service!r} has no as-is version", where=service,
                       hint="name both versions: kgbp diff SERVICE/VERSION SERVICE/VERSION")
    base = as_is[0]
    revisions = [v for v in found if v.revision_of == base.id]
    to_be = revisions or [v for v in found if v.status == "to-be"]
    if len(to_be) != 1:
        what = "no" if not to_be else f"{len(to_be)}"
        raise NotFound(f"service {service!r} has {what} to-be version(s) of {base.id}", where=service,
                       hint="name both versions: kgbp diff " + base.id + " SERVICE/VERSION"
                       + (f" (one of {', '.join(v.id for v in to_be)})" if to_be else ""))
    return base.iri, to_be[0].iri
