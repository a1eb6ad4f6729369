"""SPARQL's ORDER BY on pyoxigraph terms, as a Python sort key, so that rows asked for again
(a kept answer patched after a write, query/answer.py) go where the store's own ORDER BY
would have put them.

The order is the one SPARQL 1.1 (15.1) fixes and pyoxigraph follows: unbound first, then blank
nodes, IRIs, literals; numbers by value, strings by code point (Python's `str` order is the
same as Rust's byte order of UTF-8), dates and times by their lexical form (one time zone in
kgbp's data). Rows with equal keys may come in any order, as from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {_XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                                "unsignedByte")}
_STRINGS = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


class _Descending:
    """A key element sorted the other way (DESC)."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and bool(self.key == other.key)

    def __hash__(self) -> int:
        return hash(self.key)


def term_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> tuple[Any, ...]:
    if term is None:
        return (0,)
    if type(term) is ox.BlankNode:
        return (1, term.value)
    if type(term) is ox.NamedNode:
        return (2, term.value)
    assert isinstance(term, ox.Literal)
    datatype = term.datatype.value
    if datatype in _STRINGS:
        return (3, 2, term.value, term.language or "")
    if datatype in _NUMBERS:
        try:
            return (3, 0, Decimal(term.value))
        except InvalidOperation:  # NaN, INF: compared as text
            return (3, 4, datatype, term.value)
    if datatype == _XSD + "boolean":
        return (3, 1, term.value in ("true", "1"))
    return (3, 3, datatype, term.value)


def row_key(columns: Sequence[tuple[int, bool]]) -> Callable[[Any], tuple[Any, ...]]:
    """The sort key of a row (a pyoxigraph solution) for ORDER BY over `columns`: (its index in
    the row, descending)."""

    def key(row: Any) -> tuple[Any, ...]:
        return tuple(_Descending(term_key(row[i])) if descending else term_key(row[i]) for i, descending in columns)

    return key
