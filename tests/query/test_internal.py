"""Every question is a .rq file: the internal ones in queries/internal/ parse and say what
they answer, and no Python file of kgbp/ outside store/ holds SPARQL text (store/ speaks
the protocol itself). The files not moved yet are listed by name: the list may only shrink."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rdflib import URIRef

from kgbp.errors import QueryFileError
from kgbp.query.internal import internal_query
from kgbp.store.embedded import EmbeddedStore

from ..conftest import ROOT

INTERNAL = ROOT / "queries" / "internal"
# a query form, then its pattern: SELECT ... WHERE, ASK {, CONSTRUCT {, INSERT DATA {, DELETE WHERE ...
SPARQL = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE|INSERT|DELETE)\b[^\"']*?(\bWHERE\b|\{)", re.S)
# SPARQL still written in Python, to move into queries/internal/ (issue 17, item 3)
NOT_MOVED_YET: set[str] = set()


def sparql_in(path: Path) -> list[int]:
    """The lines of the string literals (f-string parts included) in `path` that hold SPARQL."""
    tree = ast.parse(path.read_text("utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SPARQL.search(node.value)]


def test_the_pattern_finds_sparql_and_not_prose() -> None:
    assert SPARQL.search("SELECT ?s WHERE { ?s ?p ?o }") and SPARQL.search("ASK { ?s ?p ?o }")
    assert SPARQL.search("PREFIX sb: <x>\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert not SPARQL.search("select a file, then press Upload") and not SPARQL.search("Ask the administrator")


def test_no_sparql_in_python_outside_the_store() -> None:
    found = {}
    for path in sorted((ROOT / "kgbp").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("kgbp/store/"):
            continue
        lines = sparql_in(path)
        if lines:
            found[relative] = lines
    new = {f: lines for f, lines in found.items() if f not in NOT_MOVED_YET}
    assert not new, f"SPARQL in Python (lines {new}): write it as queries/internal/NAME.rq, read it with internal_query(NAME)"
    moved = NOT_MOVED_YET - set(found)
    assert not moved, f"no SPARQL left in {sorted(moved)}: take them off NOT_MOVED_YET"


@pytest.mark.parametrize("path", sorted(INTERNAL.glob("*.rq")), ids=lambda p: p.stem)
def test_every_internal_query_parses_and_says_what_it_answers(path: Path) -> None:
    text = internal_query(path.stem)
    assert text.splitlines()[0].removeprefix("#+ summary:").strip()


def test_an_unknown_internal_query_names_its_file() -> None:
    with pytest.raises(QueryFileError) as err:
        internal_query("no_such_question")
    assert err.value.where.endswith("no_such_question.rq")


def test_internal_queries_run_on_the_store(examples_store: EmbeddedStore) -> None:
    assert examples_store.ask(internal_query("store_answers"))
    step = URIRef("https://w3id.org/kgbp/id/service/mobile-tv-subscription/as-is/step/apply-to-subscribe")
    rows = examples_store.select(internal_query("blueprint_of_node"), {"s": step}).rows
    assert [str(r[0]) for r in rows] == ["https://w3id.org/kgbp/id/service/mobile-tv-subscription/as-is"]
