"""The evidence rules (shapes/quality/*.ttl) run on what an import writes.

The data graph is the new graphs plus the store's facts about the nodes they name (their
types and a standard's tier, target share and threshold), so a rule like "a measurement
names an existing standard" is a plain sh:class. Each finding is turned into a Problem at
the cell the fact came from, in the language asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ..errors import Problem
from ..i18n import pick
from ..model.namespaces import SB
from ..resources import data_dir, internal_query
from ..store import Store
from .reader import EvidenceBatch

KGBPSH = "https://w3id.org/kgbp/shapes#"
_LOCK = threading.Lock()  # pySHACL objects are not documented as thread-safe


@cache
def shapes() -> Graph:
    graph = Graph()
    for path in sorted((data_dir("shapes") / "quality").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def context(store: Store, nodes: Iterable[Node]) -> Graph:
    """What the store knows of `nodes` that the rules look at (one query per 500 nodes)."""
    found = Graph()
    named = sorted({n for n in nodes if isinstance(n, URIRef)})
    for i in range(0, len(named), 500):
        found += store.construct(internal_query("evidence_context"), {"n": named[i:i + 500]})
    return found


def referenced(batch: EvidenceBatch) -> set[URIRef]:
    own: set[Node] = {s for g in batch.graphs.values() for s in g.subjects()}
    return {o for g in batch.graphs.values() for _, p, o in g if isinstance(o, URIRef) and p != RDF.type} - own


def _rule(shapes_graph: Graph, shape: Node) -> Node:
    """The named shape a finding belongs to (a nested property shape reports as its parent)."""
    while isinstance(shape, BNode):
        parent = next(iter(shapes_graph.subjects(SH.property, shape)), None)
        if parent is None:
            parent = next(iter(shapes_graph.subjects(SH.sparql, shape)), None)
        if parent is None:
            break
        shape = parent
    return shape


def check(batch: EvidenceBatch, known: Graph, lang: str = "en") -> list[Problem]:
    """Every rule broken by the batch, each at its cell, message and hint in `lang`."""
    from pyshacl import validate

    data = Graph()
    for graph in batch.graphs.values():
        data += graph
    data += known
    rules = shapes()
    with _LOCK:
        _, report, _ = validate(data, shacl_graph=rules, inference="none", allow_warnings=True)
    problems = []
    seen: set[tuple[str, str]] = set()
    own = {s for g in batch.graphs.values() for s in g.subjects()}
    for result in report.subjects(RDF.type, SH.ValidationResult):  # type: ignore[union-attr]
        focus = report.value(result, SH.focusNode)  # type: ignore[union-attr]
        if focus not in own:
            continue  # a stored node the context brought in (checked when it was written)
        path = report.value(result, SH.resultPath)  # type: ignore[union-attr]
        value = report.value(result, SH.value)  # type: ignore[union-attr]
        rule = _rule(rules, report.value(result, SH.sourceShape))  # type: ignore[union-attr, arg-type]
        assert focus is not None
        where = batch.place(focus, path if isinstance(path, URIRef) else None)
        if isinstance(value, URIRef) and (value, None) in batch.places and path is not None:
            where = batch.place(value) or where  # a touchpoint named in its own cell
        message = pick(rules.objects(rule, SH.message), lang, "rule broken")
        hint = pick(rules.objects(rule, URIRef(KGBPSH + "hint")), lang)
        if isinstance(value, URIRef | Literal) and not isinstance(value, BNode):
            shown = str(value).rsplit("/", 1)[-1] if isinstance(value, URIRef) else str(value)
            message = f"{message} ({shown})"
        key = (where, message)
        if key not in seen:
            seen.add(key)
            problems.append(Problem(message, where or str(focus), hint))
    # the tier rule (shapes: kgbpsh:MeasurementTierMatches), here because pySHACL would parse its
    # SPARQL once per measurement
    tier_rule = URIRef(KGBPSH + "MeasurementTierMatches")
    for obs in set(data.subjects(SB.observedTier, None)):
        if obs not in own:
            continue
        observed, standard = data.value(obs, SB.observedTier), data.value(obs, SB.measuredStandard)
        wanted = data.value(standard, SB.customerTier) if standard is not None else None
        if wanted is not None and wanted != observed:
            problems.append(Problem(f"{pick(rules.objects(tier_rule, SH.message), lang)} ({str(observed).rsplit('#', 1)[-1]})",
                                    batch.place(obs), pick(rules.objects(tier_rule, URIRef(KGBPSH + "hint")), lang)))
    return sorted(problems, key=lambda p: (p.where, p.message))


def rule_names(lang: str = "en") -> list[tuple[str, str]]:
    """(rule, name) for the docs: every named evidence rule."""
    rules = shapes()
    return sorted((str(s).rsplit("#", 1)[-1], pick(rules.objects(s, SH.name), lang))
                  for s in set(rules.subjects(SH.name, None)) if isinstance(s, URIRef))


__all__ = ["check", "context", "referenced", "rule_names", "shapes"]
