"""Query results as an HTML table: labels shown, linked to the page of the IRI beside them."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from ..query.catalogue import QueryResult
from ..query.output import json_value
from .links import link


@dataclass
class Cell:
    text: str
    href: str = ""


@dataclass
class Table:
    columns: list[str]
    titles: list[str]
    rows: list[list[Cell]]


def result_table(result: QueryResult, lang: str) -> Table:
    """Shows `x_label` (or `x_id`) linked to the IRI in `x`; hides bare IRI columns that have a label."""
    names = result.rows.variables
    shown = []
    for name in names:
        if name in result.bindings or name == "lang":
            continue
        base = name.removesuffix("_label").removesuffix("_id")
        if name == base and (f"{name}_label" in names or f"{name}_id" in names):
            continue  # the IRI column: shown as the link of its label
        if name.endswith("_id") and f"{base}_label" in names:
            continue
        shown.append(name)
    rows = []
    for row in result.rows.dicts():
        cells = []
        for name in shown:
            base = name.removesuffix("_label").removesuffix("_id")
            target = row.get(base) if base != name else row.get(name)
            value = row.get(name)
            href = link(target) if isinstance(target, URIRef) else ""
            cells.append(Cell("" if value is None else str(json_value(value)), href))
        rows.append(cells)
    columns = result.query.columns
    titles = [columns.get(n, {}).get(lang) or columns.get(n, {}).get("en") or n for n in shown]
    return Table(shown, titles, rows)
