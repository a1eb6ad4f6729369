"""Write rdflib graphs and terms as SPARQL Update text, for stores that take only text."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from itertools import product

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..i18n import joined, say


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
    replace: Mapping[URIRef, Graph | None], add: Mapping[URIRef, Graph] | None = None,
    exists: Callable[[URIRef], bool] | None = None,
) -> str:
    """One SPARQL Update request: DROP and INSERT DATA per graph. `exists` (when the store
    can tell cheaply) spares the DROP of graphs not there: a bulk load writes new graphs,
    and each DROP costs a few milliseconds even when there is nothing to drop."""
    ops: list[str] = []
    for name, graph in replace.items():
        if exists is None or exists(name):
            ops.append(f"DROP SILENT GRAPH {term(name)}")
        if graph is not None and len(graph):
            ops.append(f"INSERT DATA {{ GRAPH {term(name)} {{\n{triples_block(graph)}\n}} }}")
    for name, graph in (add or {}).items():
        if len(graph):
            ops.append(f"INSERT DATA {{ GRAPH {term(name)} {{\n{triples_block(graph)}\n}} }}")
    return " ;\n".join(ops)


def patch_graphs_update(remove: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]],
                        add: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]]) -> str:
    """One SPARQL Update request: DELETE DATA then INSERT DATA per graph (no blank node in
    `remove`: DELETE DATA cannot name one)."""
    ops = [f"DELETE DATA {{ GRAPH {term(name)} {{\n{block}\n}} }}"
           for name, triples in remove.items() if (block := triples_block(triples))]
    ops += [f"INSERT DATA {{ GRAPH {term(name)} {{\n{block}\n}} }}"
            for name, triples in add.items() if (block := triples_block(triples))]
    return " ;\n".join(ops)


def values_clause(bindings: Mapping[str, Node | Collection[Node]], term_of: Callable[[Node], str] = term) -> str:
    """A trailing VALUES clause binding variables to terms (serialised, never pasted): one
    row, or a row per combination when a variable is given several terms."""
    if not bindings:
        return ""
    names = " ".join(f"?{k}" for k in bindings)
    choices = [[v] if isinstance(v, Node) else list(v) for v in bindings.values()]
    rows = " ".join("(" + " ".join(term_of(v) for v in row) + ")" for row in product(*choices))
    return f"\nVALUES ({names}) {{ {rows} }}"


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


# A prefixed name, outside strings, IRIs and comments (those are matched to be skipped).
_NAMES = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r'|<[^<>"{}|^`\\\s]*>' r"|#[^\n]*"
                    r"|(?<![\w?$:.-])(?P<prefix>[A-Za-z][\w-]*(?:\.[\w-]+)*|):", re.DOTALL)
# the first word after the prologue (PREFIX and BASE declarations, comments)
_FIRST_WORD = re.compile(r"(?:\s|#[^\n]*)*(?:(?:PREFIX\s+[\w.-]*:\s*<[^<>\s]*>|BASE\s*<[^<>\s]*>)(?:\s|#[^\n]*)*)*"
                         r"(?P<word>[A-Za-z_][\w-]*)", re.IGNORECASE)
_DECLARED = re.compile(r"(?<![\w:])PREFIX\s+([A-Za-z][\w.-]*|)\s*:", re.IGNORECASE)


def _undeclared_prefix(text: str, line: int, column: int) -> tuple[tuple[int, int], str] | None:
    """The place and prefix of the first prefixed name up to (line, column) whose prefix the
    text does not declare: the parser reports such a name late, at a token after it."""
    offset = sum(len(x) + 1 for x in text.split("\n")[:line - 1]) + column - 1
    declared = {m.group(1) for m in _DECLARED.finditer(syntax_only(text))}
    for m in _NAMES.finditer(text, 0, min(len(text), offset + 1)):
        prefix = m.group("prefix")
        if prefix is None or prefix in declared or re.search(r"PREFIX\s*$", text[:m.start()], re.IGNORECASE):
            continue
        before = text[:m.start()]
        return (before.count("\n") + 1, m.start() - (before.rfind("\n") + 1) + 1), prefix
    return None


_EXPECTED_ITEM = re.compile(r'"((?:[^"\\]|\\.)*)"|\[[^\]]*\]|([A-Za-z]\w*)')


_WHAT = {"SPARQL query": "sparql_query", "SPARQL Update": "sparql_update"}  # message keys


def syntax_error(what: str, text: str, message: str) -> tuple[str, str]:
    """One line for a parser message: (message, where). Says what was found at the place
    and the tokens expected there, not the parser's character classes."""
    what = say(_WHAT[what]) if what in _WHAT else what
    position = error_position(message)
    if position is None:
        return say("sparql_malformed", what=what,
                   detail=message.splitlines()[0][:200] if message else say("sparql_syntax_error")), ""
    line, column = position
    lines = text.splitlines() or [""]
    rest = lines[line - 1][column - 1:] if line <= len(lines) else ""
    found: str = rest.split()[0][:20] if rest.split() else \
        say("sparql_end_of_text") if not "".join(lines[line:]).strip() else say("sparql_end_of_line", line=line)
    expected: list[str] = []
    if not text.strip():
        return say("sparql_empty", what=what), "line 1, column 1"
    for m in _EXPECTED_ITEM.finditer(message.partition("expected")[2]):
        item = m.group(1) if m.group(1) is not None else (m.group(2) or "").strip()
        if m.group(0).startswith("["):  # a character class: say what it stands for
            item = say("sparql_a_number") if "'0'" in m.group(0) else say("sparql_a_name") if "'A'" in m.group(0) else ""
        if item and item not in expected and item not in ("one", "of", "parsing", "failed", "IRI", "_"):
            expected.append(f"'{item}'" if m.group(1) is not None else item)
    more = " …" if len(expected) > 6 else ""
    hint = say("sparql_expected", items=joined(expected[:6], ", "), more=more) if expected else say("sparql_not_expected")
    where = f"line {line}, column {column}"
    if "IRI parsing failed" in message:  # the parser stops after the IRI, so say so, not what follows
        return say("sparql_bad_iri_at", what=what, where=where), where
    form = _FIRST_WORD.match(text)
    if what.endswith("query") and form and form.group("word").upper() not in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
        before = text[:form.start("word")]
        where = f"line {before.count(chr(10)) + 1}, column {form.start('word') - (before.rfind(chr(10)) + 1) + 1}"
        return say("sparql_not_query_form", what=what, where=where, word=form.group("word")[:20]), where
    undeclared = _undeclared_prefix(text, line, column)
    if undeclared is not None:  # the parser stops after the name, or further on: point at the name
        (line, column), prefix = undeclared
        where = f"line {line}, column {column}"
        return say("sparql_undeclared_prefix", what=what, where=where, prefix=prefix,
                   kind=say("sparql_kind_" + what.split()[-1].lower())), where
    found_text = f"'{found}'" if rest.split() else found
    return say("sparql_found_at", what=what, where=where, found=found_text, expected=hint), where


def error_position(message: str) -> tuple[int, int] | None:
    """(line, column) of a parser message such as 'error at 1:25: expected ...'."""
    m = _POSITION.search(message)
    return (int(m.group(1)), int(m.group(2))) if m else None


# -- parameters ----------------------------------------------------------------------------

_VARIABLE = r"[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+"
# What can hold a brace or a variable that is not one (comments, strings, IRIs), then the
# tokens that matter for placing bindings.
_TOKENS = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>' r"|#[^\n]*)"
    r"|(?P<open>\{)|(?P<close>\})|(?P<paren>[()])"
    r"|(?P<var>" + _VARIABLE + ")"
    r"|(?P<word>(?<![\w:?$])(?:SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|AS|VALUES)(?![\w:-]))",
    re.DOTALL | re.IGNORECASE)


def bind(query: str, bindings: Mapping[str, Node | Collection[Node]] | None, substitute: bool = False,
         term_of: Callable[[Node], str] = term) -> str:
    """`query` with its parameters bound: a VALUES at the start of the WHERE group, and,
    when `substitute`, each variable of that group bound to one term replaced by it. A
    variable given several terms (a collection) gets a VALUES of its own, never substituted.

    A VALUES at the start of the group, not at the end: pyoxigraph then plans the group
    with the variable bound (a trailing VALUES, or pyoxigraph's own substitutions, are
    joined after the group is evaluated in full: 10 to 500 times slower on a large store).
    Substitution is what some servers need (Virtuoso: see store/remote.py); pyoxigraph
    plans a path `?a p* <iri>` worse than `VALUES ?b { <iri> } ?a p* ?b`.
    A sub-SELECT is evaluated on its own and joined on what it projects, so it does not see
    that VALUES: it gets one of its own for the parameters it projects as they are, when
    that cannot change its rows (see `_sub_selects`): a count per department then counts
    the one department asked about, not all of them. Sub-SELECTs are never substituted.
    Terms are serialised by `term_of`, never pasted.
    """
    if not bindings:
        return query
    group = _where_group(query)
    if group is None:  # no group (DESCRIBE <x>), or CONSTRUCT WHERE {…} whose group is also the template
        return query + values_clause(bindings, term_of)
    terms = {name: term_of(value) for name, value in bindings.items() if isinstance(value, Node)}

    def values(names: Collection[str]) -> str:
        one = [n for n in bindings if n in names and n in terms]
        text = [f"VALUES ({' '.join('?' + n for n in one)}) {{ ({' '.join(terms[n] for n in one)}) }}"] if one else []
        text += [f"VALUES ?{name} {{ {' '.join(term_of(v) for v in many)} }}"
                 for name, many in bindings.items() if name in names and not isinstance(many, Node)]
        return " ".join(text)

    start, end = group
    edits = [(start + 1, start + 1, " " + values(bindings) + "\n")]
    edits += [(at, at, " " + values(names) + "\n") for at, names in _sub_selects(query, start, end, set(bindings))]
    edits += [(m.start(), m.end(), terms[m.group()[1:]])
              for m in _substitutable(query, start, end, set(terms) if substitute else set())]
    parts, at = [], 0
    for begin, stop, text in sorted(edits):
        parts += [query[at:begin], text]
        at = stop
    parts.append(query[at:])
    return "".join(parts)


def _sub_selects(query: str, start: int, end: int, names: set[str]) -> list[tuple[int, set[str]]]:
    """Where a VALUES of the bound `names` can open the WHERE group of each sub-SELECT
    between the braces at `start` and `end`, and which names it binds there.

    The enclosing group's VALUES already keeps only the sub-SELECT's rows that agree with it
    on the variables it projects, so binding them inside as well changes no answer, provided
    each is projected as it is (not `(… AS ?x)`, not `*`), is a key of its GROUP BY if it has
    one (rows are kept or dropped whole per group), and nothing limits its rows (LIMIT or
    OFFSET would pick other rows once fewer come in). A sub-SELECT within one binds only
    what the outer one binds."""
    found: list[tuple[int, set[str]]] = []
    tokens = list(_TOKENS.finditer(query, start + 1, end))
    i = 0
    while i < len(tokens):
        match = tokens[i]
        if match.lastgroup != "word" or match.group().upper() != "SELECT":
            i += 1
            continue
        projected: set[str] = set()
        parens, j = 0, i + 1
        while j < len(tokens) and not (tokens[j].lastgroup == "open" and parens == 0):
            kind, text = tokens[j].lastgroup, tokens[j].group()
            if kind == "paren":
                parens += 1 if text == "(" else -1
            elif kind == "var" and parens == 0:
                projected.add(text[1:])
            j += 1
        if j == len(tokens):
            break
        group_open = j
        group_close = _closing(tokens, group_open, 0)  # the sub-SELECT's own WHERE group
        if group_close >= len(tokens):
            break
        m = _closing(tokens, group_close + 1, -1)  # its modifiers, up to the brace that closes the sub-SELECT
        modifiers = _LEXICAL_NOISE.sub(" ", query[tokens[group_close].end():tokens[m].start() if m < len(tokens) else end])
        bound = names & projected
        if re.search(r"(?<![\w:?$])(?:LIMIT|OFFSET)(?![\w:-])", modifiers, re.IGNORECASE):
            bound = set()
        grouped = re.search(r"(?<![\w:?$])GROUP\s+BY(?![\w:-])(.*?)(?:(?<![\w:?$])(?:HAVING|ORDER|VALUES)(?![\w:-])|$)",
                            modifiers, re.IGNORECASE | re.DOTALL)
        if grouped:
            keys = re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", " ", grouped.group(1))  # (expr AS ?x) is not a key
            bound &= {v[1:] for v in re.findall(_VARIABLE, keys)}
        if bound:
            found.append((tokens[group_open].start() + 1, bound))
            found += _sub_selects(query, tokens[group_open].start(), tokens[group_close].start(), bound)
        i = m
    return found


def _closing(tokens: list[re.Match[str]], start: int, depth: int) -> int:
    """The index of the first token from `start` where the brace depth (0 before it) reaches
    `depth`: 0 from an opening brace finds its closing one, -1 the brace that closes the
    enclosing group. len(tokens) when there is none."""
    level = 0
    for i in range(start, len(tokens)):
        level += {"open": 1, "close": -1}.get(tokens[i].lastgroup or "", 0)
        if level == depth:
            return i
    return len(tokens)


def query_form(query: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first of them outside strings, IRIs and comments."""
    for match in _TOKENS.finditer(query):
        if match.lastgroup == "word" and match.group().upper() in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            return match.group().upper()
    return "SELECT"


def _where_group(query: str) -> tuple[int, int] | None:
    """Offsets of the braces that open and close the query's WHERE group."""
    depth = parens = 0
    template = False  # after CONSTRUCT, the first group is the template
    start = None
    for match in _TOKENS.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind == "paren":
            parens += 1 if text == "(" else -1
        elif kind == "open":
            if depth == 0 and parens == 0:
                if template:
                    template = False
                elif start is None:
                    start = match.start()
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0 and start is not None and parens == 0:
                return start, match.start()
        elif kind == "word" and depth == 0 and parens == 0:
            word = text.upper()
            if word == "CONSTRUCT":
                template = True
            elif word == "WHERE" and template:
                return None  # CONSTRUCT WHERE { … }
    return None


def _substitutable(query: str, start: int, end: int, names: set[str]) -> Iterable[re.Match[str]]:
    """The variables named `names` between `start` and `end` that a term can replace: not
    in a sub-SELECT, not the target of AS, not in the variable list of a VALUES."""
    depth = 0
    subselect_at: int | None = None  # depth of the group holding a sub-SELECT being skipped
    values = False  # in a VALUES block, until its data closes
    values_depth = 0
    after_as = False
    for match in _TOKENS.finditer(query, start + 1, end):
        kind, text = match.lastgroup, match.group()
        if kind == "open":
            depth += 1
        elif kind == "close":
            if values and depth == values_depth + 1:
                values = False
            if subselect_at is not None and depth == subselect_at:
                subselect_at = None
            depth -= 1
        elif kind == "word":
            word = text.upper()
            if word == "SELECT" and subselect_at is None:
                subselect_at = depth
            elif word == "VALUES" and not values:
                values, values_depth = True, depth
            after_as = word == "AS"
            continue
        elif kind == "var" and text[1:] in names and subselect_at is None and not values and not after_as:
            yield match
        after_as = False
