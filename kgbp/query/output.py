"""Named query results and the catalogue as plain data: JSON, CSV, Markdown."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ..i18n import normalise_lang
from ..model.literals import as_number
from ..spreadsheet.cell_text import guard
from ..store.protocol import Term
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
        lines += ["", f"Tags: {', '.join(q.tags) or '-'}", ""]
    return "\n".join(lines)
