"""Storing evidence: derive, check, then replace its graphs in one transaction.

The evidence side of the one write path (`repository.save` is the blueprint side): a
period's graph is replaced whole, so importing a month again replaces that month and
never adds to it; a rejected import changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..errors import BadInput
from ..i18n import say_in
from ..model.namespaces import SB, SCHEMA
from ..repository.concurrency import write_lock
from ..resources import internal_query
from ..store import Store
from .checks import check, context, referenced
from .reader import EvidenceBatch, read_evidence


@dataclass
class SavedEvidence:
    graphs: list[URIRef] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0


def _number(node: object) -> Decimal | None:
    try:
        return Decimal(str(node)) if isinstance(node, Literal) else None
    except ArithmeticError:
        return None


def derive_met(batch: EvidenceBatch, known: Graph) -> None:
    """sb:standardMet on each measurement: share >= target share, else quantity <= threshold."""
    for graph in batch.graphs.values():
        for obs in list(graph.subjects(RDF.type, SB.StandardMeasurement)):
            graph.remove((obs, SB.standardMet, None))
            standard, value = graph.value(obs, SB.measuredStandard), _number(graph.value(obs, SB.measuredValue))
            if standard is None or value is None:
                continue
            share = _number(known.value(standard, SB.targetShare))
            limit_node = known.value(standard, SB.threshold)
            limit = _number(known.value(limit_node, SCHEMA.maxValue)) if limit_node is not None else None
            if share is not None:
                met = value >= share
            elif limit is not None:
                met = value <= limit
            else:
                continue
            graph.add((obs, SB.standardMet, Literal(met, datatype=XSD.boolean)))


def save_evidence(store: Store, batch: EvidenceBatch, *, lang: str = "en") -> SavedEvidence:
    """Check the batch against the evidence rules and store it; BadInput (nothing stored) if it breaks one."""
    known = context(store, referenced(batch))
    derive_met(batch, known)
    problems = check(batch, known, lang)
    if problems:
        raise BadInput(say_in(lang, "ev_rejected", n=len(problems)), where=problems[0].where,
                       hint=problems[0].hint, problems=problems)
    with write_lock():
        store.replace_graphs(dict(batch.graphs))
    return SavedEvidence(sorted(batch.graphs), dict(batch.counts), sum(len(g) for g in batch.graphs.values()))


def load_evidence(store: Store, files: list[tuple[str, bytes]], *, source: str | None = None, agent: str = "kgbp",
                  lang: str = "en") -> SavedEvidence:
    """Read evidence files (name, bytes) and store them as one write."""
    return save_evidence(store, read_evidence(store, files, source=source, agent=agent, lang=lang), lang=lang)


def load_example_evidence(store: Store) -> bool:
    """Store the shipped example evidence unless the store has a category mapping already
    (a team's own evidence, or the examples loaded before): True when it was loaded."""
    from ..model.namespaces import CATEGORIES_GRAPH
    from ..resources import example_evidence

    if store.ask(internal_query("graph_exists"), {"g": CATEGORIES_GRAPH}):
        return False
    load_evidence(store, [(p.name, p.read_bytes()) for p in example_evidence()], agent="examples")
    return True
