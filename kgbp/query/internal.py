"""The internal questions kgbp asks itself (listing, look-ups, checks): `.rq` files in
queries/internal/, beside the named questions but not in their catalogue (no form, no
route). Each file starts with a `#+ summary:` line; it is parsed when first loaded, so a
broken file fails loudly at its first use, naming the file. Parameters are bound as RDF
terms by the store (`store.select(text, {"s": node})`), never pasted into the text.
"""

from __future__ import annotations

from functools import cache

from rdflib.plugins.sparql import prepareQuery

from ..errors import QueryFileError
from ..resources import data_dir


@cache
def internal_query(name: str) -> str:
    """The text of queries/internal/<name>.rq, checked once."""
    path = data_dir("queries") / "internal" / f"{name}.rq"
    if not path.is_file():
        raise QueryFileError(f"no internal query {name!r}", where=str(path), hint="add the .rq file beside the others")
    text = path.read_text("utf-8")
    if not text.startswith("#+ summary:"):
        raise QueryFileError("an internal query starts with a `#+ summary:` line", where=f"{path}:1",
                             hint="say in one line what the query answers")
    try:
        prepareQuery(text)
    except Exception as exc:  # pyparsing's ParseException and rdflib's errors alike
        raise QueryFileError(f"the query does not parse: {exc}", where=str(path), hint="fix the SPARQL syntax") from None
    return text
