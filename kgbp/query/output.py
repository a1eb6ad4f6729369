"""Named query results and the catalogue as plain data: JSON, CSV, Markdown."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ..i18n import normalise_lang
from ..model.literals import as_number
from ..spreadsheet.cell_text import guard
from ..store.protocol import BLANK, IRI, Plain, Term
from .answer import Answer
from .catalogue import NamedQuery, Param, QueryResult

_INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger}
_NUMBERS = {XSD.decimal, XSD.double, XSD.float}


def json_value(term: Term | None) -> Any:
    """A term as JSON: IRIs and texts as strings, numbers and booleans as themselves."""
    if term is None:
        return None
    if isinstance(term, Literal):
        # a stored literal may be ill-typed ("high"^^xsd:integer) or NaN: then its text, never an error
        number = as_number(term) if term.datatype in _INTEGERS | _NUMBERS else None
        if term.datatype in _INTEGERS:
            return int(number) if isinstance(number, int) else str(term)
        if term.datatype in _NUMBERS:
            return float(number) if number is not None else str(term)
        if term.datatype == XSD.boolean:
            return term.toPython() if isinstance(term.toPython(), bool) else str(term)
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


# the same answers from plain data (kgbp.store.protocol.Plain), without an rdflib term per cell;
# tests/query/test_output.py holds them equal to json_value and _csv_cell on every named query
_INTEGER_IRIS = frozenset(str(t) for t in _INTEGERS)
_NUMBER_IRIS = frozenset(str(t) for t in _NUMBERS)
_NUMERIC_IRIS = _INTEGER_IRIS | _NUMBER_IRIS | frozenset(
    str(XSD[n]) for n in ("byte", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                          "unsignedShort", "unsignedByte", "boolean"))  # as rdflib: a boolean is a number
_INTEGER_TEXT = re.compile(r"^[+-]?[0-9]+$")
_NUMBER_TEXT = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def plain_json(cell: Plain | None) -> Any:
    """json_value of a plain cell."""
    if cell is None:
        return None
    kind, text, extra = cell
    if kind == IRI:
        return text
    if kind == BLANK:
        return f"_:{text}"
    if extra in _INTEGER_IRIS:
        return int(text) if _INTEGER_TEXT.match(text.strip()) else text
    if extra in _NUMBER_IRIS:
        if _NUMBER_TEXT.match(text.strip()):
            number = float(text)
            return number if math.isfinite(number) else text
        return text
    if extra == _BOOLEAN_IRI:
        return _BOOLEANS.get(text, text)
    return text


_BOOLEAN_IRI = str(XSD.boolean)


def plain_csv(cell: Plain | None) -> str:
    """_csv_cell of a plain cell: numbers as they are, other text guarded against formulas."""
    if cell is None:
        return ""
    kind, text, extra = cell
    if kind != BLANK and extra in _NUMERIC_IRIS and _numeric(text, extra):
        return text
    return guard(text)


def _numeric(text: str, datatype: str) -> bool:
    if datatype == _BOOLEAN_IRI:
        return text in _BOOLEANS
    return bool((_INTEGER_TEXT if datatype not in _NUMBER_IRIS else _NUMBER_TEXT).match(text.strip()))


def page_json(answer: Answer, offset: int, limit: int | None, next_url: str | None) -> dict[str, Any]:
    """One page of an answer, with its total and the address of the next page (None: the last)."""
    stop = None if limit is None else offset + limit
    columns = list(answer.solutions.variables)
    return {"query": answer.query.name, "params": {k: str(v) for k, v in answer.bindings.items()},
            "columns": columns, "total": answer.total, "offset": offset, "limit": limit, "next": next_url,
            "rows": [{c: plain_json(v) for c, v in zip(columns, row, strict=True)}
                     for row in answer.solutions.plain(offset, stop)]}


CHUNK = 1000  # rows per piece of a streamed answer


def stream_json(answer: Answer, offset: int = 0, limit: int | None = None) -> Iterator[bytes]:
    """page_json of the whole answer (next: None), written out piece by piece."""
    head = page_json(answer, offset, 0, None)
    head["limit"] = limit
    del head["rows"]
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "rows": ['
    columns = head["columns"]
    stop = answer.total if limit is None else min(answer.total, offset + limit)
    first = True
    for start in range(offset, stop, CHUNK):
        rows = [json.dumps({c: plain_json(v) for c, v in zip(columns, row, strict=True)}, ensure_ascii=False)
                for row in answer.solutions.plain(start, min(stop, start + CHUNK))]
        yield (("" if first else ",") + ",".join(rows)).encode()
        first = False
    yield b"]}"


def stream_csv(answer: Answer, offset: int = 0, limit: int | None = None) -> Iterator[bytes]:
    """result_csv of the answer's rows offset .. offset+limit, written out piece by piece."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(answer.solutions.variables)
    stop = answer.total if limit is None else min(answer.total, offset + limit)
    for start in range(offset, stop, CHUNK):
        writer.writerows([plain_csv(t) for t in row] for row in answer.solutions.plain(start, min(stop, start + CHUNK)))
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode()


def result_json(result: QueryResult) -> dict[str, Any]:
    return {
        "query": result.query.name,
        "params": {k: str(v) for k, v in result.bindings.items()},
        "columns": result.rows.variables,
        "rows": [{k: json_value(v) for k, v in row.items()} for row in result.rows.dicts()],
    }


def result_csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.rows.variables)
    for row in result.rows.rows:
        writer.writerow([_csv_cell(t) for t in row])
    return out.getvalue()


def _csv_cell(term: object) -> str:
    """A CSV cell that no spreadsheet runs as a formula; numbers stay numbers."""
    if term is None:
        return ""
    if isinstance(term, Literal) and isinstance(term.toPython(), int | float | Decimal):
        return str(term)
    return guard(str(term))


def text_columns(result: QueryResult) -> list[str]:
    """Columns worth showing in a table: not the parameters, not those holding IRIs only."""
    keep = []
    for i, name in enumerate(result.rows.variables):
        if name in result.bindings:
            continue
        values = [row[i] for row in result.rows.rows if row[i] is not None]
        if not values or not all(isinstance(v, URIRef) for v in values):
            keep.append(name)
    return keep


def _param_entry(p: Param, lang: str) -> dict[str, Any]:
    return {"name": p.name, "kind": p.kind, "entity": p.entity, "required": p.required,
            "values": list(p.values), "default": p.default, "example": p.example,
            "description": p.description.get(lang, "")}


def catalogue_entry(q: NamedQuery, lang: str = "en") -> dict[str, Any]:
    lang = normalise_lang(lang)
    params = list(q.user_params) + ([q.lang_param] if q.lang_param else [])
    return {"name": q.name, "title": q.title[lang], "summary": q.summary, "description": q.description[lang],
            "tags": list(q.tags), "path": f"/api/queries/{q.name}",
            "params": [_param_entry(p, lang) for p in params],
            "columns": [{"name": c, "description": d[lang]} for c, d in q.columns.items()]}


def catalogue_markdown(catalogue: Mapping[str, NamedQuery]) -> str:
    """docs/queries.md, generated from the headers (tests/query/test_catalogue.py keeps it current)."""
    lines = [
        "# Named queries",
        "",
        "<!-- Generated from the headers of queries/*.rq by `kgbp queries --format markdown`; do not edit. -->",
        "",
        "Each question users ask of the repository is a SPARQL file in `queries/` with a `#+` YAML header.",
        "Run one with `kgbp query NAME --param k=v`, over REST with `GET /api/queries/NAME?k=v`",
        "(JSON, or CSV with `?format=csv`), or send its text to `/sparql` with the parameters bound by a",
        "trailing `VALUES` clause. Every query takes `lang` (en or zh) for its labels.",
        "",
        "## Pages and whole answers",
        "",
        "Over REST, JSON answers in pages, as Datasette's tables do: `limit` rows (100 unless asked; 1 to",
        "10,000) from `offset` (0 unless asked), with `total` (rows in the whole answer), `offset`, `limit`",
        "and `next`, the address of the following page (`null` on the last). The same address is in the",
        "`Link` header (`rel=\"next\"`), and the total in `X-Total-Count`. `limit=all` answers the whole in one",
        "response, streamed; CSV answers the whole, streamed, unless a `limit` is given. The question pages",
        "show 100 rows a page with the total and links to the previous and next pages.",
        "",
        "```",
        "GET /api/queries/fail_points_by_system?system=boss",
        "{\"query\": \"fail_points_by_system\", \"params\": {...}, \"columns\": [...], \"total\": 315,",
        " \"offset\": 0, \"limit\": 100, \"next\": \"http://host/api/queries/fail_points_by_system?system=boss&offset=100&limit=100\",",
        " \"rows\": [{...}, ...]}",
        "```",
        "",
        "Every page, the total and the whole come from one evaluation: the server keeps an answer, keyed",
        "by the query and its bound parameters, with the store's write generation it is current at",
        "(500,000 rows at most over all kept answers; the least recently used go first). The first",
        "request is *cold* (the store evaluates the query: its time grows with the repository, see",
        "docs/benchmarks.md), and the following pages and downloads are *warm* (a slice of the kept",
        "answer). After a write, a question marked *kept by blueprint* below (its file's `partition`",
        "header: each row comes from one blueprint graph) is *patched*: when the write changed only",
        "blueprint graphs, as saving or removing blueprints does, the store is asked for the rows of",
        "those blueprints alone, and they replace their old rows in the kept answer, in the question's",
        "order. Any other write (a shared entity renamed, a new service, system or department, evidence,",
        "a SPARQL Update) makes the next request evaluate the whole question again. On a remote store,",
        "which others may write, nothing is kept: every request evaluates the query.",
        "",
        "A `label` parameter names a system, department, service or blueprint by its id, IRI or label in",
        "English or Chinese; an unknown name is answered 404, a name of several things 400 with the candidates.",
        "",
    ]
    for q in catalogue.values():
        lines += [f"## {q.name}", "", f"**{q.title['en']}** / {q.title['zh']}", "", q.description["en"], "",
                  q.description["zh"], ""]
        if q.user_params:
            lines += ["| parameter | kind | required | description |", "|---|---|---|---|"]
            for p in q.user_params:
                kind = f"{p.kind} ({p.entity})" if p.entity else p.kind
                if p.values:
                    kind += ": " + ", ".join(p.values)
                lines.append(f"| `{p.name}` | {kind} | {'yes' if p.required else 'no'} | {p.description['en']} |")
            lines.append("")
        lines += ["| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {d['en']} / {d['zh']} |" for c, d in q.columns.items()]
        lines += ["", f"Tags: {', '.join(q.tags) or '-'}"
                  + (f". Kept by blueprint (`partition: {q.partition}`)." if q.partition else ""), ""]
    return "\n".join(lines)
