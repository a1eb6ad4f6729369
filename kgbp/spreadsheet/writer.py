"""The spreadsheet template, empty or filled with a stored blueprint (XLSX, or CSV).

Written from the authoring document (export/document.py) in the layout of
authoring/sheet_layout.py, so that what is written reads back to the same graph.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from ..i18n import catalogue, guess_lang
from ..model.namespaces import SKOS
from ..model.vocabulary import vocabulary
from . import layout as layout
from .cell_text import guard

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
VALIDATED_ROWS = 500  # drop-down lists cover this many rows



def _both(key: str) -> tuple[str, str]:
    """A catalogue text in English and in Chinese: the template is one workbook for both."""
    return catalogue("en")[key], catalogue("zh")[key]


def instructions() -> list[tuple[str, str]]:
    """The Instructions sheet's rows (English, Chinese): the xlsx_intro_* texts, title first."""
    keys = sorted(k for k in catalogue("en") if k.startswith("xlsx_intro_"))
    return [_both(keys[0]), ("", ""), *(_both(k) for k in keys[1:])]


def _help(column: layout.Column) -> str:
    key = f"xlsx_help_{column.key}"
    return "\n".join(_both(key)) if key in catalogue("en") else ""


def _choices(scheme: str) -> list[str]:
    """Names for a drop-down list: the notations, then the Chinese labels."""
    if scheme == "marker":
        return ["F", "W", "FW"]
    vocab = vocabulary()
    s = vocab.scheme(scheme)
    names = [n for n in s.names() if not (scheme == "lane" and n == "evidence")]
    zh = [str(lab) for c in s.notation if s.notation[c] in names
          for lab in vocab.graph.objects(c, SKOS.prefLabel) if getattr(lab, "language", "") == "zh"]
    return names + sorted(zh)


def _text(value: Any, lang: str) -> str | None:
    if isinstance(value, dict):
        return value.get(lang)
    if isinstance(value, str):
        return value if guess_lang(value) == lang else None
    return None


def _join(value: Any) -> str | None:
    if value is None:
        return None
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _labelled(entry: dict[str, Any], prefix: str, key: str) -> dict[str, Any]:
    return {f"{prefix}_{lang}": _text(entry.get(key), lang) for lang in ("zh", "en")}


# -- document -> rows by sheet ----------------------------------------------------------

def service_row(doc: dict[str, Any]) -> dict[str, Any]:
    service = doc.get("service", {})
    refines = doc.get("refines", {})
    return {
        "service_id": service.get("id"), **_labelled(service, "service_label", "label"),
        **_labelled(service, "service_description", "description"),
        "version": doc.get("version", "as-is"), "status": doc.get("status", "as-is"),
        **_labelled(doc, "title", "title"), **_labelled(doc, "description", "description"),
        "level": doc.get("level", 1), "revision_of": doc.get("revision_of"),
        "refines_blueprint": refines.get("blueprint"), "refines_step": refines.get("step"),
        "created": doc.get("created"), "modified": doc.get("modified"),
    }


def step_rows(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    channels = {t["id"]: t.get("channel") for t in doc.get("touchpoints", [])}
    evidence_for: dict[str, list[str]] = {}
    for item in doc.get("evidence", []):
        targets = item.get("for", [])
        for target in targets if isinstance(targets, list) else [targets]:
            evidence_for.setdefault(str(target), []).append(item["id"])
    for lane, steps in doc.get("steps", {}).items():
        for step in steps:
            fail, wait = step.get("fail"), step.get("wait")
            fail_info = fail if isinstance(fail, dict) else {}
            yield {
                "lane": lane, "id": step["id"], **_labelled(step, "label", "label"),
                "position": step.get("position"),
                "marker": ("F" if fail else "") + ("W" if wait else "") or None,
                **_labelled(fail_info, "failure_mode", "mode"), **_labelled(fail_info, "consequence", "consequence"),
                "performer": step.get("performer"), "department": step.get("department"),
                "systems": _join(step.get("systems")), "supports": _join(step.get("supports")),
                "touchpoint": step.get("touchpoint"), "channel": channels.get(step.get("touchpoint")),
                "evidence": _join(evidence_for.get(step["id"])),
                "standard": wait.get("standard") if isinstance(wait, dict) else None,
                **_labelled(step, "description", "description"),
            }


def table_rows(doc: dict[str, Any], sheet: layout.Sheet) -> Iterator[dict[str, Any]]:
    key = sheet.name.lower()
    for entry in doc.get(key, []):
        yield {**entry, **_labelled(entry, "label", "label"), "applies_to": _join(entry.get("applies_to")),
               "aliases": _join(entry.get("aliases"))}


def sheet_rows(doc: dict[str, Any] | None, sheet: layout.Sheet) -> list[dict[str, Any]]:
    if doc is None:
        return []
    if sheet is layout.STEPS:
        return list(step_rows(doc))
    return list(table_rows(doc, sheet))


# -- XLSX --------------------------------------------------------------------------------

def workbook_bytes(doc: dict[str, Any] | None = None) -> bytes:
    """The template; filled with `doc` (an authoring document) when given."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    intro = wb.active
    assert intro is not None
    intro.title = layout.INSTRUCTIONS
    intro.column_dimensions["A"].width = 100
    intro.column_dimensions["B"].width = 80
    for en, zh in instructions():
        intro.append([en, zh])
    intro["A1"].font = intro["B1"].font = Font(bold=True, size=14)

    def choose(ws: Any, column: layout.Column, cells: str) -> None:
        if not column.choices:
            return
        validation = DataValidation(type="list", formula1='"' + ",".join(_choices(column.choices)) + '"',
                                    allow_blank=True, showErrorMessage=True, errorStyle="warning",
                                    error=" ".join(_both("sheet_dropdown_error")), errorTitle=column.title)
        ws.add_data_validation(validation)
        validation.add(cells)

    service = wb.create_sheet(layout.SERVICE.name)
    service.append(list(layout.SERVICE_HEADER))
    values = service_row(doc) if doc is not None else {"version": "as-is", "status": "as-is", "level": 1}
    for row, column in enumerate(layout.SERVICE.columns, start=2):
        service.append([column.title, values.get(column.key), _help(column)])
        choose(service, column, f"B{row}")
    _text_cells(service)
    service.column_dimensions["A"].width = 34
    service.column_dimensions["B"].width = 40
    service.column_dimensions["C"].width = 70
    for (help_cell,) in service.iter_rows(min_row=2, min_col=3, max_col=3):
        help_cell.alignment = wrap  # English above Chinese
    for cell in service[1]:
        cell.font, cell.fill = header_font, header_fill
    service.freeze_panes = "B2"

    for sheet in layout.SHEETS[1:]:
        ws = wb.create_sheet(sheet.name)
        ws.append([c.title for c in sheet.columns])
        for values in sheet_rows(doc, sheet):
            ws.append([values.get(c.key) for c in sheet.columns])
        _text_cells(ws)
        for i, column in enumerate(sheet.columns):
            letter = layout.column_letter(i)
            ws.column_dimensions[letter].width = column.width
            header = ws[f"{letter}1"]
            header.font, header.fill, header.alignment = header_font, header_fill, wrap
            choose(ws, column, f"{letter}2:{letter}{VALIDATED_ROWS}")
        ws.freeze_panes = "C2" if sheet is layout.STEPS else "B2"
        ws.row_dimensions[1].height = 32
    wb.active = wb.sheetnames.index(layout.STEPS.name if doc is not None else layout.INSTRUCTIONS)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- CSV ---------------------------------------------------------------------------------

def csv_bytes(doc: dict[str, Any] | None = None) -> bytes:
    """One CSV: '#Sheet' rows for the service and the other sheets, then the Steps table.

    UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["# " + " / ".join(_both("xlsx_csv_comment"))])
    values = service_row(doc) if doc is not None else {"version": "as-is", "status": "as-is", "level": 1}
    for column in layout.SERVICE.columns:
        if values.get(column.key) is not None or doc is None:
            writer.writerow([f"#{layout.SERVICE.name}", column.en, _cell(values.get(column.key))])
    for sheet in layout.SHEETS[2:]:
        for row in sheet_rows(doc, sheet):
            writer.writerow([f"#{sheet.name}", *(_cell(row.get(c.key)) for c in sheet.columns)])
    writer.writerow([c.title for c in layout.STEPS.columns])
    for row in sheet_rows(doc, layout.STEPS):
        writer.writerow([_cell(row.get(c.key)) for c in layout.STEPS.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int | float) else guard(str(value))  # numbers stay numbers


def _text_cells(ws: Any) -> None:
    """Every text cell stored as a string, never as a formula (openpyxl makes any text
    starting with "=" a formula)."""
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
