"""The operations of a SPARQL Update request, found in its text, and the two rewrites the
endpoint makes before running one (both protocol-level; the user's text is kept, terms are
written by `sparql_text.term`):

- the protocol's `using-graph-uri` / `using-named-graph-uri` parameters become USING and
  USING NAMED clauses of every DELETE/INSERT … WHERE operation (SPARQL 1.1 Protocol §2.2.3);
- ALL and NAMED in CLEAR and DROP name the graphs the caller may write, one by one
  (kgbp's update profile: `CLEAR ALL` never reaches the blueprints, see docs/sparql.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from ..errors import BadInput
from ..i18n import say
from .sparql_text import term

_TOKENS = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>' r"|#[^\n]*)"
    r"|(?P<open>\{)|(?P<close>\})|(?P<semi>;)"
    r"|(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)"
    r"|(?P<pname>[^\W\d][\w.-]*:[^\s{}();,]*|:[^\s{}();,]*)"
    r"|(?P<word>[^\W\d]\w*)",
    re.DOTALL)


@dataclass
class Operation:
    """One operation: its span (from its first keyword, after any prologue, to before the
    `;` or the end) and its keywords outside braces, upper-cased, with their offsets (and
    "{" where a group opens)."""

    start: int
    end: int = -1
    words: list[tuple[str, int]] = field(default_factory=list)

    @property
    def keyword(self) -> str:
        return self.words[0][0]

    def has(self, word: str) -> int | None:
        return next((at for w, at in self.words if w == word), None)

    @property
    def is_modify(self) -> bool:
        """DELETE/INSERT … WHERE (not DELETE WHERE, not INSERT/DELETE DATA)."""
        second = self.words[1][0] if len(self.words) > 1 else ""
        return self.keyword in ("WITH", "INSERT", "DELETE") and second not in ("DATA", "WHERE") \
            and self.has("WHERE") is not None


def operations(update: str) -> list[Operation]:
    """The operations of an update request, in order."""
    ops: list[Operation] = []
    current: Operation | None = None
    depth = 0
    prologue_word = False
    for match in _TOKENS.finditer(update):
        kind = match.lastgroup
        if kind == "open":
            if depth == 0 and current is not None:
                current.words.append(("{", match.start()))  # a group: tells INSERT {…} WHERE from DELETE WHERE
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "semi" and depth == 0:
            if current is not None:
                current.end = len(update[:match.start()].rstrip())
                ops.append(current)
            current = None
        elif kind == "word" and depth == 0:
            word = match.group().upper()
            if current is None:
                if word in ("BASE", "PREFIX"):
                    prologue_word = True
                    continue
                current = Operation(match.start())
            current.words.append((word, match.start()))
        if prologue_word and kind in ("skip", "pname"):
            prologue_word = kind == "pname"  # PREFIX p: <iri> has two parts, BASE <iri> one
    if current is not None:
        current.end = len(update.rstrip())
        ops.append(current)
    return ops


def line_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def with_using(update: str, default_graphs: Sequence[URIRef], named_graphs: Sequence[URIRef]) -> str:
    """`update` with the protocol's dataset as USING / USING NAMED in each DELETE/INSERT … WHERE."""
    if not default_graphs and not named_graphs:
        return update
    clause = " ".join([*(f"USING {term(g)}" for g in default_graphs),
                       *(f"USING NAMED {term(g)}" for g in named_graphs)]) + " "
    inserts: list[int] = []
    for op in operations(update):
        for word in ("WITH", "USING"):
            at = op.has(word)
            if at is not None:
                raise BadInput(say("update_dataset_twice", word=word, at=line_column(update, at)), where=line_column(update, at),
                               hint=say("update_dataset_twice_hint", word=word))
        if op.is_modify:
            where = op.has("WHERE")
            assert where is not None
            inserts.append(where)
    for at in reversed(inserts):
        update = update[:at] + clause + update[at:]
    return update


def confine_all(update: str, writable: Sequence[URIRef]) -> str:
    """`update` with CLEAR/DROP ALL and NAMED replaced by one CLEAR/DROP per writable graph.

    ALL also names the default graph, which in kgbp is empty and read-only, so clearing it
    is a no-op that keeps the request well-formed when no graph is writable.
    """
    pieces: list[tuple[int, int, str]] = []
    for op in operations(update):
        if op.keyword not in ("CLEAR", "DROP"):
            continue
        names = [w for w, _ in op.words[1:] if w not in ("SILENT", "{")]
        if not names or names[0] not in ("ALL", "NAMED"):
            continue
        verb = op.keyword
        parts = [f"{verb} SILENT DEFAULT"] if names[0] == "ALL" or not writable else []
        parts += [f"{verb} SILENT GRAPH {term(g)}" for g in writable]
        pieces.append((op.start, op.end, " ;\n".join(parts)))
    for start, end, text in reversed(pieces):
        update = update[:start] + text + update[end:]
    return update
