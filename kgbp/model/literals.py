"""Numbers read from stored literals, without ever raising.

The store holds what writers sent: a draft skips the rules, and a literal typed
xsd:integer may hold "high". Readers (listings, pages, exports, diagrams) take a stored
number through these functions and fall back to a default, so one bad value never breaks
a page about anything else. The shapes refuse such literals in conformant blueprints.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal
from rdflib.term import Node


def as_int(term: Node | None, default: int) -> int:
    """The whole number a literal holds, or `default` (not a literal, ill-typed, not whole)."""
    value = as_number(term)
    if value is None or value != int(value):
        return default
    return int(value)


def as_number(term: Node | None) -> int | float | None:
    """The finite number a literal holds (int when whole), or None."""
    if not isinstance(term, Literal) or term.ill_typed:
        return None
    value = term.value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, Decimal | float) and not _finite(value):
        return None
    if isinstance(value, int):
        return value
    return int(value) if value == int(value) else float(value)


def _finite(value: Decimal | float) -> bool:
    return Decimal(value).is_finite() if isinstance(value, float) else value.is_finite()
