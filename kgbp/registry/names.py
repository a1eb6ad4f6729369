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
from ..i18n import say
from ..model import iris
from ..model.namespaces import SB
from ..repository import save as repository
from ..store import Store

ENTITIES: dict[str, URIRef] = {"system": SB.System, "department": SB.Department,
                               "service": SB.Service, "blueprint": SB.Blueprint,
                               "action": SB.ImprovementAction, "category": SB.ComplaintCategory}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]*$")


# exact matches, one query per form of the text: an id (tier 1), or a label or alias, plain or
# tagged en or zh (tier 2); each starts from the bound text (a UNION of them would be planned over
# every identifier and label in the store first: tens of ms at 1,000 blueprints)
_BY_ID = """
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?entity WHERE { ?entity dcterms:identifier ?text . ?entity a ?class . }"""
_BY_NAME = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?entity WHERE { ?entity rdfs:label|skos:prefLabel|dcterms:title|skos:altLabel ?text . ?entity a ?class . }"""
# the fallback scans the entities of one class: ignore case, any language tag
_LOOSE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?entity ?class ?text WHERE {
  ?entity a ?class ; rdfs:label|skos:prefLabel|dcterms:title|skos:altLabel ?name .
  FILTER(LCASE(STR(?name)) = LCASE(STR(?text)))
}"""
_IDS = """
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?entity ?id ?class WHERE { ?entity a ?class ; dcterms:identifier ?id } ORDER BY ?id LIMIT 30"""


def is_iri(text: str) -> bool:
    return bool(_IRI.match(text))


def _describe(store: Store, entity: str, nodes: list[URIRef], lang: str) -> list[str]:
    labels = repository.labels_of(store, nodes, lang)
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
        if is_iri(text) and store.ask("ASK { ?e a ?class }", {"e": URIRef(text), "class": cls}):
            return URIRef(text)
    except QueryError:
        pass  # looked like an IRI, but is none: may still be a label
    if entity == "blueprint" and (not text.startswith("http") or is_iri(text)):
        try:
            return repository.resolve_blueprint(store, text)
        except (NotFound, QueryError):
            pass  # may still be a title (or made an IRI no store takes)
    found: dict[URIRef, int] = {}
    if text:
        forms = [] if entity == "blueprint" else [(_BY_ID, Literal(text), 1)]  # a blueprint's id is service/version
        forms += [(_BY_NAME, Literal(text, lang=tag), 2) for tag in (None, "en", "zh")]
        for sparql, literal, tier in forms:
            if found and tier > min(found.values()):
                break  # an id matched: labels cannot beat it
            for node, *_ in store.select(sparql, {"class": cls, "text": literal}).rows:
                if isinstance(node, URIRef):
                    found[node] = min(found.get(node, 9), tier)
        if not found:
            for node, *_ in store.select(_LOOSE, {"class": cls, "text": Literal(text)}).rows:
                if isinstance(node, URIRef):
                    found[node] = 3
    if found:
        best = min(found.values())
        candidates = [n for n, t in found.items() if t == best]
        if len(candidates) == 1:
            return candidates[0]
        names = _describe(store, entity, candidates, lang)
        raise Ambiguous(say("reg_ambiguous", text=text, n=len(candidates), kinds=say(f"kinds_{entity}"), names=", ".join(names)),
                        where=text, hint=say("reg_ambiguous_hint", kind=say(f"kind_{entity}")))
    known = [str(r[1]) for r in store.select(_IDS, {"class": cls}).rows] if entity != "blueprint" else \
        [b.id for b in repository.list_blueprints(store, lang)][:30]
    raise NotFound(say("reg_not_found", kind=say(f"kind_{entity}"), text=text), where=text,
                   hint=say("reg_not_found_hint", known=", ".join(known) or say("reg_none")))
