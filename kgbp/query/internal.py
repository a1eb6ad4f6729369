"""The internal questions kgbp asks itself: `.rq` files in queries/internal/, read by
`kgbp.resources.internal_query` (in the base layer, so capabilities that the query package
itself imports, such as the registry's name resolver, can ask them without a cycle)."""

from __future__ import annotations

from ..resources import internal_query

__all__ = ["internal_query"]
