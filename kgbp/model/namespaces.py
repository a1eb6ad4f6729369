"""Namespaces and the well-known graph names. IRIs of data are minted in `iris.py`."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

SB = Namespace("https://w3id.org/kgbp/ontology#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
ID = Namespace("https://w3id.org/kgbp/id/")

ONTOLOGY_GRAPH = URIRef("https://w3id.org/kgbp/ontology")
REPOSITORY_GRAPH = ID["repository"]
HISTORY_GRAPH = ID["history"]
CATEGORIES_GRAPH = ID["quality/categories"]  # the team's complaint categories and where they arise
QB = Namespace("http://purl.org/linked-data/cube#")

PREFIXES: dict[str, str] = {
    "sb": str(SB),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "kgbp": str(ID),
}

__all__ = [
    "CATEGORIES_GRAPH",
    "DCTERMS",
    "HISTORY_GRAPH",
    "ID",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "REPOSITORY_GRAPH",
    "SB",
    "SCHEMA",
    "SKOS",
    "XSD",
]
