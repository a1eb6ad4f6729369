"""The internal questions kgbp asks itself (listing, look-ups, checks): `.rq` files in
queries/internal/, beside the named questions but not in their catalogue (no form, no
route). Each file starts with a `#+ summary:` line; it is parsed when first loaded, so a
broken file fails loudly at its first use, naming the file. Parameters are bound as RDF
terms by the store (`store.select(text, {"s": node})`), never pasted into the text.
"""

from __future__ import annotations

from ..resources import internal_query

__all__ = ["internal_query"]
