"""Import back: what an architect changed in Archi, as blueprints ready for the one ingest path.

What comes back is the names: a step, touchpoint, evidence, standard or blueprint title
renamed in Archi (in any language the file carries) renames it in the stored blueprint
version it came from. The changed versions are read as if uploaded (`ingest.rdf_reader`)
and stored through `ingest.pipeline.ingest`, so they are validated and recorded in
history like any other write. Everything else is reported, never applied silently: what
Archi added (the reader's notes), a renamed department, system or service (shared by
every blueprint: `kgbp registry rename`), a renamed failure mode, an element of a
blueprint version that is not stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from ..errors import Problem
from ..i18n import guess_lang, normalise_lang, say
from ..ingest.rdf_reader import blueprints_in
from ..model.authored import AuthoredBlueprint
from ..model.blueprints import list_blueprints
from ..model.namespaces import REPOSITORY_GRAPH
from ..store import Store
from .reader import ArchimateImport, ImportedElement

SHARED_KINDS = frozenset({"service", "department", "system"})
LABELS = (RDFS.label, SKOS.prefLabel)


@dataclass
class Rename:
    """One name changed in Archi: `iri` is called `new` in `lang` (it was `old`)."""

    iri: URIRef
    lang: str
    old: str
    new: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return {"iri": str(self.iri), "lang": self.lang, "old": self.old, "new": self.new, "where": self.where}


@dataclass
class ArchimateChanges:
    """The blueprint versions to store again, the renames they carry, and what was left out."""

    blueprints: list[AuthoredBlueprint] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def _names(element: ImportedElement) -> dict[str, str]:
    """Language -> name as Archi holds it; an untagged name (Archi CSV) is in the language it is written in."""
    out: dict[str, str] = {}
    for lang, text in element.names.items():
        text = text.strip()
        if text:
            out.setdefault(normalise_lang(lang) if lang else guess_lang(text), text)
    return out


def _owner(iri: URIRef, stored: set[URIRef]) -> URIRef | None:
    """The stored blueprint version a node belongs to (its IRI is the blueprint's, or under it)."""
    if iri in stored:
        return iri
    return next((bp for bp in stored if str(iri).startswith(f"{bp}/")), None)


def _renamed(graph: Graph, node: URIRef, wanted: dict[str, str], props: tuple[URIRef, ...], where: str,
             strip: str = "") -> list[Rename]:
    """Rewrite `node`'s names in `graph` where Archi's differ; only languages it has a name in."""
    done: list[Rename] = []
    for prop in props:
        for lit in list(graph.objects(node, prop)):
            if not isinstance(lit, Literal):
                continue
            lang = normalise_lang(lit.language) if lit.language else guess_lang(str(lit))
            new = wanted.get(lang, "").removesuffix(strip).strip()
            if new and new != str(lit):
                graph.remove((node, prop, lit))
                graph.add((node, prop, Literal(new, lang=lit.language)))
                done.append(Rename(node, lang, str(lit), new, where))
    return done


def changes_in(store: Store, imported: ArchimateImport, stored: set[URIRef] | None = None) -> ArchimateChanges:
    """What `imported` changes in the stored blueprint versions (`stored`: their IRIs; default: all)."""
    if stored is None:
        stored = {b.iri for b in list_blueprints(store)}
    changes = ArchimateChanges(notes=list(imported.notes))
    graphs: dict[URIRef, Graph] = {}
    repository: Graph | None = None
    for element in imported.elements:
        if not element.ours or element.iri is None or element.kind == "failure-mode":
            continue  # a failure mode's name is its step's failure text, authored in the blueprint file
        wanted = _names(element)
        if element.kind in SHARED_KINDS:
            repository = repository if repository is not None else store.graph(REPOSITORY_GRAPH)
            scratch = Graph()  # compared, never changed here: a shared entity is renamed for every blueprint at once
            for triple in repository.triples((element.iri, None, None)):
                scratch.add(triple)
            if _renamed(scratch, element.iri, wanted, LABELS, element.where):
                changes.notes.append(Problem(say("archimate_shared_renamed", element=element.name, iri=str(element.iri)),
                                             element.where, say("archimate_shared_renamed_hint", kind=element.kind)))
            continue
        owner = _owner(element.iri, stored)
        if owner is None:
            changes.notes.append(Problem(say("archimate_not_stored", element=element.name, iri=str(element.iri)),
                                         element.where, say("archimate_not_stored_hint")))
            continue
        graph = graphs.setdefault(owner, store.graph(owner))
        if element.kind == "blueprint":  # the plateau is named "title [version]"
            version = str(graph.value(owner, DCTERMS.identifier) or "")
            found = _renamed(graph, owner, wanted, (DCTERMS.title,), element.where, strip=f" [{version}]")
        else:
            found = _renamed(graph, element.iri, wanted, LABELS, element.where)
        changes.renames.extend(found)
    changed = {r.iri for r in changes.renames}
    for owner, graph in graphs.items():
        if any(iri == owner or str(iri).startswith(f"{owner}/") for iri in changed):
            changes.blueprints.extend(blueprints_in([(None, graph)], imported.source))
    return changes
