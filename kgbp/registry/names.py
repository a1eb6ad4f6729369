"""The one name resolver: systems, departments, services and blueprints, by IRI, id,
label in zh or en, or alias (skos:altLabel).

Named queries (`kgbp query ... system=X`), diagrams (`--highlight-system`), history, the
registry's own commands and the web all call `resolve`, so they never disagree about what
a name means. Exact forms first (an id beats a label), then the same text ignoring case;
two entities at the best tier are Ambiguous, naming both.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from ..errors import Ambiguous, NotFound, QueryError
from ..model import iris
from ..model.blueprints import list_blueprints, resolve_blueprint
from ..model.labels import labels_of
from ..model.namespaces import SB
from ..resources import internal_query
from ..store import Store

ENTITIES: dict[str, URIRef] = {"system": SB.System, "department": SB.Department,
                               "service": SB.Service, "blueprint": SB.Blueprint,
                               "action": SB.ImprovementAction, "category": SB.ComplaintCategory}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]*$")


def is_iri(text: str) -> bool:
    return bool(_IRI.match(text))


def _describe(store: Store, entity: str, nodes: list[URIRef], lang: str) -> list[str]:
    labels = labels_of(store, nodes, lang)
    out = []
    for node in sorted(nodes):
        ref = iris.blueprint_id(str(node)) if entity == "blueprint" else str(node).rsplit("/", 1)[-1]
        out.append(f"{ref} ({labels[node]})" if node in labels else str(ref or node))
    return out


def resolve(store: Store, entity: str, text: str, lang: str = "en") -> URIRef:
    """The IRI of the `entity` (system, department, service, blueprint) a person named:
    IRI, id, label in either language or alias. NotFound or Ambiguous, naming what is known."""
    cls = ENTITIES[entity]
    text = text.strip()
    try:
        if is_iri(text) and store.ask(internal_query("is_a"), {"e": URIRef(text), "class": cls}):
            return URIRef(text)
    except QueryError:
        pass  # looked like an IRI, but is none: may still be a label
    if entity == "blueprint" and (not text.startswith("http") or is_iri(text)):
        try:
            return resolve_blueprint(store, text)
        except (NotFound, QueryError):
            pass  # may still be a title (or made an IRI no store takes)
    found: dict[URIRef, int] = {}
    if text:
        # exact matches, one query per form of the text: an id (tier 1), or a label or alias, plain
        # or tagged en or zh (tier 2); each starts from the bound text (a UNION of them would be
        # planned over every identifier and label in the store first: tens of ms at 1,000 blueprints)
        forms = [] if entity == "blueprint" else [("entity_by_id", Literal(text), 1)]  # a blueprint's id is service/version
        forms += [("entity_by_name", Literal(text, lang=tag), 2) for tag in (None, "en", "zh")]
        for question, literal, tier in forms:
            if found and tier > min(found.values()):
                break  # an id matched: labels cannot beat it
            for node, *_ in store.select(internal_query(question), {"class": cls, "text": literal}).rows:
                if isinstance(node, URIRef):
                    found[node] = min(found.get(node, 9), tier)
        if not found:  # the fallback scans the entities of one class: ignore case, any language tag
            for node, *_ in store.select(internal_query("entity_by_name_any_case"), {"class": cls, "text": Literal(text)}).rows:
                if isinstance(node, URIRef):
                    found[node] = 3
    if found:
        best = min(found.values())
        candidates = [n for n, t in found.items() if t == best]
        if len(candidates) == 1:
            return candidates[0]
        names = _describe(store, entity, candidates, lang)
        raise Ambiguous(f"{text!r} names {len(candidates)} {entity}s: {', '.join(names)}", where=text,
                        hint=f"give the id or IRI of the {entity} you mean")
    known = [str(r[1]) for r in store.select(internal_query("entity_ids"), {"class": cls}).rows] if entity != "blueprint" else \
        [b.id for b in list_blueprints(store, lang)][:30]
    raise NotFound(f"no {entity} {text!r}", where=text,
                   hint=f"give its id, IRI or label in en or zh; known: {', '.join(known) or 'none'}")
