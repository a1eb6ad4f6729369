"""Write rdflib graphs and terms as SPARQL Update text, for stores that take only text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node


def term(node: Node) -> str:
    if isinstance(node, URIRef):
        # rdflib refuses IRIs with '<>" {}|\^`' at creation; n3() is then safe
        return node.n3()
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return f"_:b{node}"
    raise TypeError(f"cannot write {node!r} in SPARQL")


def triples_block(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    return "\n".join(f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples)


def replace_graphs_update(
    replace: Mapping[URIRef, Graph | None], add: Mapping[URIRef, Graph] | None = None
) -> str:
    """One SPARQL Update request: DROP and INSERT DATA per graph."""
    ops: list[str] = []
    for name, graph in replace.items():
        ops.append(f"DROP SILENT GRAPH {term(name)}")
        if graph is not None and len(graph):
            ops.append(f"INSERT DATA {{ GRAPH {term(name)} {{\n{triples_block(graph)}\n}} }}")
    for name, graph in (add or {}).items():
        if len(graph):
            ops.append(f"INSERT DATA {{ GRAPH {term(name)} {{\n{triples_block(graph)}\n}} }}")
    return " ;\n".join(ops)


def values_clause(bindings: Mapping[str, Node]) -> str:
    """A trailing VALUES clause binding variables to terms (serialised, never pasted)."""
    if not bindings:
        return ""
    names = " ".join(f"?{k}" for k in bindings)
    vals = " ".join(term(v) for v in bindings.values())
    return f"\nVALUES ({names}) {{ ({vals}) }}"


# Strings, IRIs and comments, so that keywords are looked for in the query's syntax only.
_LEXICAL_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>' r"|#[^\n]*",
    re.DOTALL,
)
_DATASET_CLAUSE = re.compile(r"(?<![\w:?$])FROM\s+(?:NAMED\s+)?(?:<>|[A-Za-z_][\w.-]*:|:)", re.IGNORECASE)
_POSITION = re.compile(r"(?:error at|line)\s*(\d+):(\d+)")


def syntax_only(text: str) -> str:
    """The query with strings emptied, IRIs as <> and comments removed."""

    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        return "<>" if s.startswith("<") else ("" if s.startswith("#") else '""')

    return _LEXICAL_NOISE.sub(blank, text)


def has_dataset_clause(query: str) -> bool:
    """Whether a query names its own dataset (FROM / FROM NAMED)."""
    return bool(_DATASET_CLAUSE.search(syntax_only(query)))


def error_position(message: str) -> tuple[int, int] | None:
    """(line, column) of a parser message such as 'error at 1:25: expected ...'."""
    m = _POSITION.search(message)
    return (int(m.group(1)), int(m.group(2))) if m else None
