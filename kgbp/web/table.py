"""Query results as an HTML table: labels shown, linked to the page of the IRI beside them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from rdflib import URIRef

from ..model.iris import blueprint_id
from ..model.vocabulary import vocabulary
from ..query.catalogue import QueryResult
from ..query.output import json_value
from .links import link, page_link
from .messages import messages


@dataclass
class Cell:
    text: str
    href: str = ""
    code: bool = False  # an id: the same in every language, shown as code


@dataclass
class Table:
    columns: list[str]
    titles: list[str]
    rows: list[list[Cell]]
    diagrams: list[str] = field(default_factory=list)  # per row: its blueprint's diagram with the answer marked, or ''


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
    rows, diagrams = [], []
    system = next((v for k, v in result.bindings.items() if k == "system" and isinstance(v, URIRef)), None)
    for row in result.rows.dicts():
        diagrams.append(diagram_link(row, system))
        cells = []
        for name in shown:
            base = name.removesuffix("_label").removesuffix("_id")
            target = row.get(base) if base != name else row.get(name)
            value = row.get(name)
            href = page_link(target) if isinstance(target, URIRef) else ""
            cells.append(Cell(shown_text(json_value(value), lang), href, code=name.endswith("_id")))
        rows.append(cells)
    columns = result.query.columns
    titles = [columns.get(n, {}).get(lang) or columns.get(n, {}).get("en") or n for n in shown]
    return Table(shown, titles, rows, diagrams)


def diagram_link(row: Mapping[str, object], system: URIRef | None = None) -> str:
    """The diagram of the blueprint a row speaks of, its steps (and the asked-about system's impact) marked."""
    steps: list[str] = []
    blueprint = ""
    for value in row.values():
        if not isinstance(value, URIRef):
            continue
        text = str(value)
        if blueprint_id(text):
            blueprint = blueprint or text
            continue
        head, sep, _ = text.rpartition("/")  # .../service/s/v/step/x: the blueprint is two segments up
        owner = head.rpartition("/")[0] if sep else ""
        if blueprint_id(owner):
            blueprint = blueprint or owner
            if owner == blueprint:
                steps.append(text)
    if not blueprint:
        return ""
    params: list[tuple[str, str]] = [("highlight", s) for s in dict.fromkeys(steps)]
    if system is not None and not params:  # a row naming no step: the system's impact on its blueprint
        params.append(("highlight_system", str(system)))
    if not params:
        return ""
    return link(blueprint) + "?" + urlencode(params) + "#diagram"



def shown_text(value: object, lang: str) -> str:
    """A value as a reader of `lang` reads it: yes/no for booleans, a code of the ontology by its label."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return messages(lang)["yes" if value else "no"]
    return notation_label(str(value), lang)


def notation_label(text: str, lang: str) -> str:
    """'remote' -> '远程' when it is a concept's notation in one of the ontology's schemes; a question's
    own literal value ('before', 'chain') by its entry `value_<text>` in the message catalogue."""
    vocab = vocabulary()
    for scheme in vocab.schemes.values():
        if text in scheme.pref_labels:
            return scheme.label(text, lang)
    return messages(lang).get(f"value_{text}", text)


def literal_values(lang: str) -> list[str]:
    """The literal values questions return or take ('before', 'chain'): codes when prose names them."""
    return [key.removeprefix("value_") for key in messages(lang) if key.startswith("value_")]
