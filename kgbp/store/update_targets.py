"""Which graphs a SPARQL Update can change, read from its syntax (rdflib's parser).

A preview of an update (see sandbox.py) compares only these graphs before and after, so
that checking an update costs the size of the graphs it writes, not of the store. When
the syntax does not say (``GRAPH ?g`` in a template, ``DROP ALL``), every graph is compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import URIRef, Variable

from .sparql_parser import parse_update

DEFAULT = None  # the key of the default graph


class _Unknown(Exception):
    """The update can change graphs its syntax doesn't name."""


def _field(value: Any, name: str) -> Any:
    """A part of a parsed operation, None when absent (rdflib's CompValue.get answers the
    key itself for a missing part: `WITH <g> DELETE {…} WHERE {…}` has no "insert")."""
    return value[name] if isinstance(value, dict) and name in value else None


def _graph_ref(ref: Any) -> URIRef | None:
    if isinstance(ref, URIRef):
        return ref
    if ref == "DEFAULT":
        return DEFAULT
    raise _Unknown  # NAMED, ALL, or anything this reader doesn't know


def _template(clause: Any, default: URIRef | None) -> Iterable[URIRef | None]:
    if clause is None:
        return
    if _field(clause, "triples"):
        yield default
    for graph in (_field(clause, "quads") or {}):
        if isinstance(graph, Variable) or not isinstance(graph, URIRef):
            raise _Unknown
        yield graph


def update_targets(update: str, base: str | None = None) -> set[URIRef | None] | None:
    """The graphs (None = the default graph) `update` can change; None when unknown.
    `base` resolves relative IRIs, as the store does."""
    from rdflib.plugins.sparql.algebra import translateUpdate

    try:
        operations = translateUpdate(parse_update(update), base=base).algebra
    except Exception:  # rdflib's grammar differs from the store's in corners: compare all
        return None
    targets: set[URIRef | None] = set()
    try:
        for op in operations:
            name = op.name
            if name in ("InsertData", "DeleteData", "DeleteWhere"):
                targets.update(_template(op, DEFAULT))
            elif name == "Modify":
                default = _field(op, "withClause")
                if default is not None and not isinstance(default, URIRef):
                    raise _Unknown
                targets.update(_template(_field(op, "delete"), default))
                targets.update(_template(_field(op, "insert"), default))
            elif name in ("Clear", "Drop", "Create"):
                targets.add(_graph_ref(_field(op, "graphiri")))
            elif name in ("Add", "Copy"):
                targets.add(_graph_ref(op["graph"][1]))
            elif name == "Move":
                targets.update(_graph_ref(g) for g in op["graph"])
            else:  # LOAD (refused by the endpoint) and anything newer: compare all graphs
                raise _Unknown
    except _Unknown:
        return None
    return targets
