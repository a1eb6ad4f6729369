"""Where the project's data files are: ontology/, shapes/, queries/, examples/.

They live at the top of the source tree (the layout keeps the architecture visible);
a wheel carries them under kgbp/_data (see pyproject's force-include).

The internal questions kgbp asks itself (listing, look-ups, checks) are `.rq` files in
queries/internal/, beside the named questions but not in their catalogue (no form, no
route). Each file starts with a `#+ summary:` line; it is parsed when first loaded, so a
broken file fails loudly at its first use, naming the file. Parameters are bound as RDF
terms by the store (`store.select(text, {"s": node})`, or several terms as a VALUES:
`{"n": nodes}`), never pasted into the text. The loader sits here, in the base layer, so
that every capability can ask its questions without importing the query package (which
itself resolves names through the registry).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import QueryFileError
from .store.sparql_parser import prepare_query

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for base in (_PACKAGE / "_data", _PACKAGE.parent):
        if (base / name).is_dir():
            return base / name
    raise FileNotFoundError(f"kgbp data folder {name!r} not found beside the package")


def ontology_file() -> Path:
    return data_dir("ontology") / "kgbp.ttl"


def examples() -> list[Path]:
    return sorted(data_dir("examples").glob("*.yaml"))


def example_evidence() -> list[Path]:
    """The shipped evidence for the examples (complaints, measurements, surveys, categories, actions)."""
    return sorted((data_dir("examples") / "evidence").glob("*.csv"))


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
        prepare_query(text)
    except Exception as exc:  # pyparsing's ParseException and rdflib's errors alike
        raise QueryFileError(f"the query does not parse: {exc}", where=str(path), hint="fix the SPARQL syntax") from None
    return text
