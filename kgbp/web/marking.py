"""What a blueprint page marks on its diagram: an answer's steps, a system's impact, a draft's broken steps."""

from __future__ import annotations

from rdflib import URIRef

from ..diagram import Highlight
from ..repository.blueprint_view import BlueprintView
from ..store import Store
from ..validation.engine import ValidationReport
from .messages import messages


def marked(store: Store, view: BlueprintView, report: ValidationReport, lang: str,
           system: str = "", steps: list[str] | None = None) -> Highlight | None:
    """One highlight for the page: `steps` (IRIs or ids of this blueprint's steps, from an answer row),
    the impact of `system` (IRI, id or label), and for a draft the steps its violations are about."""
    t = messages(lang)
    by_ref = {str(s.iri): s.iri for s in view.steps} | {s.id: s.iri for s in view.steps}
    chosen = {by_ref[r] for r in steps or () if r in by_ref}
    arrows: frozenset[tuple[URIRef, URIRef]] = frozenset()
    label = legend = t["answer"] if chosen else ""
    if system:
        from ..diagram.impact import impact_highlight

        impact = impact_highlight(store, view, system)
        chosen |= impact.steps
        arrows, label, legend = impact.arrows, impact.label, ""
    broken: set[URIRef] = set()
    if view.status == "draft":
        broken = {r.focus for r in report.violations() if r.focus in by_ref.values()}
    if not (chosen or broken or system):  # nothing to mark: the plain diagram
        return None
    return Highlight(steps=frozenset(chosen), arrows=arrows, label=label, legend=legend,
                     marks=frozenset((s, "broken") for s in broken),
                     mark_labels=(("broken", t["broken_step"]),) if broken else ())
