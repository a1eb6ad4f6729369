"""What every reader produces: a blueprint graph plus the shared entities it names."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from .notes import Note


@dataclass
class AuthoredBlueprint:
    """One blueprint version read from a file, ready for `repository.save`.

    `graph` becomes the blueprint's named graph; `shared` (services, departments,
    systems) is merged into the repository graph.
    """

    iri: URIRef
    id: str
    graph: Graph
    shared: Graph
    draft: bool = False
    source: str = ""
    notes: list[str] = field(default_factory=list)
    links: list[Note] = field(default_factory=list)  # names linked to known shared entities (save report)
