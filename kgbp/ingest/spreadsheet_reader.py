"""Spreadsheets (the XLSX template, or CSV) -> the located document the YAML reader takes.

The sheets are turned into the same document a YAML file gives, with every value's cell
as its place ("Steps!D7"), and read by `yaml_reader.read_document`: same schema, same
reference checks, same errors, naming `file.xlsx!Steps!D7` instead of a line.
What only a sheet can get wrong (headers, merged cells, lanes, markers, ids) is checked
here first. The layout is in sheet_layout.py; docs/spreadsheets.md describes it.

A CSV file is the Steps sheet (header row, then a row per step); rows whose first cell
is `#Service`, `#Departments`, `#Systems`, `#Touchpoints`, `#Standards` or `#Evidence`
carry a row of that sheet (cells in the template's column order, no header); other
rows starting with `#` are comments.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from defusedxml import DefusedXmlException

from ..config import Limits
from ..errors import BadInput, Problem
from ..i18n import say
from ..model import iris
from ..model.authored import AuthoredBlueprint
from ..model.shared_index import SharedIndex
from ..model.vocabulary import vocabulary
from ..spreadsheet import layout as layout
from ..spreadsheet.cell_text import unguard
from .located_yaml import LocatedDict, LocatedList
from .yaml_reader import read_document

MAX_UNPACKED_BYTES = 200_000_000  # an XLSX is a zip: refuse zip bombs before unpacking
MAX_ROWS, MAX_COLUMNS = 20_000, 200  # far beyond one blueprint; bounds the cells read


@dataclass
class Cell:
    value: Any
    at: str  # "Steps!D7" ("D7" in a CSV)


@dataclass
class Record:
    """One data row of a sheet: its cells by column key."""

    at: str  # where the row starts (its first cell)
    cells: dict[str, Cell]

    def text(self, key: str) -> str | None:
        cell = self.cells.get(key)
        return _text(cell.value) if cell is not None else None

    def place(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.at if cell is not None else self.at


@dataclass
class _Workbook:
    """The sheets' records, and every problem found while reading them."""

    source: str
    is_csv: bool
    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def cell(self, sheet: layout.Sheet, address: str) -> str:
        """'Steps!A1' in a workbook; in a CSV, which is one sheet, 'A1'."""
        return address if self.is_csv else f"{sheet.name}!{address}"

    def problem(self, at: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(message, f"{self.source}!{at}", hint))


# -- cell values -----------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _number(value: Any, integer: bool) -> Any:
    """A number for the schema to check; text that is no number stays text (the schema says so)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return int(value) if integer and float(value).is_integer() else value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if integer and number.is_integer() else number


# -- sheets -> records -----------------------------------------------------------------

def _records(book: _Workbook, sheet: layout.Sheet, rows: list[list[Cell]]) -> None:
    """A table sheet: header row first; columns found by title; a record per non-empty row."""
    while rows and not any(_text(c.value) is not None for c in rows[0]):
        rows = rows[1:]  # blank lines above the header
    if not rows:
        rows = [[]]
    header: list[Cell] = rows[0]
    columns: dict[int, str] = {}
    for i, cell in enumerate(header):
        title = _text(cell.value)
        if title is None:
            if any(i < len(r) and _text(r[i].value) is not None for r in rows[1:]):
                book.problem(cell.at, say("sheet_column_no_title"), say("sheet_column_no_title_hint", sheet=sheet.shown))
            continue
        column = layout.find_column(sheet, title)
        if column is None:
            known = ", ".join(c.title for c in sheet.columns)
            book.problem(cell.at, say("sheet_unknown_column", title=title, sheet=sheet.shown),
                         say("sheet_columns_are", known=known))
        elif column.key in columns.values():
            book.problem(cell.at, say("sheet_column_twice", title=column.title), say("sheet_column_twice_hint"))
        else:
            columns[i] = column.key
    for column in sheet.columns:
        if column.required and column.key not in columns.values():
            row_at = re.sub(r"[A-Z]+(\d+)$", r"\1:\1", header[0].at) if header else book.cell(sheet, "1:1")
            book.problem(row_at, say("sheet_missing_column", sheet=sheet.shown, title=column.title),
                         say("sheet_missing_column_hint"))
    records = book.records.setdefault(sheet.name, [])
    for row in rows[1:]:
        record = Record(row[0].at if row else "", {columns[i]: c for i, c in enumerate(row) if i in columns})
        if any(_text(c.value) is not None for c in record.cells.values()):
            records.append(record)


def _fixed_record(sheet: layout.Sheet, cells: list[Cell]) -> Record:
    """A CSV '#Sheet' row: its cells follow the template's column order."""
    return Record(cells[0].at if cells else "", dict(zip((c.key for c in sheet.columns), cells, strict=False)))


def _next_cell(at: str) -> str:
    """The address right of `at` ('Service!A3' -> 'Service!B3')."""
    m = re.match(r"^(.*?)([A-Z]+)(\d+)$", at)
    if m is None:
        return at
    letters = m.group(2)
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return f"{m.group(1)}{layout.column_letter(index)}{m.group(3)}"


def _service_records(book: _Workbook, rows: Iterable[list[Cell]]) -> dict[str, Cell]:
    """The Service sheet: a field a row, its name in the first cell and its value in the second."""
    fields: dict[str, Cell] = {}
    for row in rows:
        name = _text(row[0].value) if row else None
        if name is None or layout.is_service_header(name):
            continue
        column = layout.find_column(layout.SERVICE, name)
        if column is None:
            known = ", ".join(c.en for c in layout.SERVICE.columns)
            book.problem(row[0].at, say("sheet_unknown_field", name=name), say("sheet_fields_are", known=known))
            continue
        value = row[1] if len(row) > 1 else Cell(None, _next_cell(row[0].at))
        earlier = fields.get(column.key)
        if earlier is not None and _text(earlier.value) is not None and _text(value.value) is not None:
            book.problem(row[0].at, say("sheet_field_twice", name=column.en), say("sheet_field_twice_hint"))
        elif earlier is None or _text(value.value) is not None:
            fields[column.key] = value
    return fields


# -- records -> document ---------------------------------------------------------------

def _located(at: str, values: dict[str, tuple[Any, str]]) -> LocatedDict:
    doc = LocatedDict()
    doc.at = at
    for key, (value, place) in values.items():
        doc[key] = value
        doc.key_at[key] = place
        doc.key_pos[key] = place
    return doc


def _list(items: list[str], at: str) -> LocatedList:
    result = LocatedList()
    result.at = at
    result.extend(items)
    result.item_at.extend([at] * len(items))
    return result


class _Builder:
    """Turns records into the YAML-shaped document, checking what only sheets get wrong."""

    def __init__(self, book: _Workbook) -> None:
        self.book = book
        self.vocab = vocabulary()

    def problem(self, at: str, message: str, hint: str = "") -> None:
        self.book.problem(at, message, hint)

    def text_pair(self, record: Record, prefix: str) -> tuple[LocatedDict, str] | None:
        """'label_zh' and 'label_en' cells -> {zh: .., en: ..}."""
        values = {lang: (record.text(f"{prefix}_{lang}"), record.place(f"{prefix}_{lang}")) for lang in ("zh", "en")}
        present = {lang: v for lang, v in values.items() if v[0] is not None}
        if not present:
            return None
        first = next(iter(present.values()))[1]
        return _located(first, present), first

    def ident(self, record: Record, key: str = "id", what: str = "id") -> str | None:
        """The id in the `key` cell, checked; `what` names it in messages (a sheet_what_* key)."""
        text = record.text(key)
        if text is None:
            if key in record.cells:  # (a missing column is reported once, with the header)
                self.problem(record.place(key), say("sheet_missing_id", what=say("sheet_what_" + what)),
                             say("sheet_missing_id_hint"))
            return None
        if not iris.is_valid_id(text):
            self.problem(record.place(key), say("sheet_bad_id", what=say("sheet_what_" + what), text=text),
                         say("id_pattern_hint"))
            return None
        return text

    def entry(self, record: Record, ident: str, keys: Iterable[str]) -> LocatedDict:
        """A document entry with the id, bilingual label and the plain `keys` of a record."""
        values: dict[str, tuple[Any, str]] = {"id": (ident, record.place("id"))}
        label = self.text_pair(record, "label")
        if label is not None:
            values["label"] = label
        for key in keys:
            text = record.text(key)
            if text is None:
                continue
            if key in layout.LIST_KEYS:
                values[key] = (_list(layout.split_list(text), record.place(key)), record.place(key))
            elif key in layout.INTEGER_KEYS or key in layout.NUMBER_KEYS:
                values[key] = (_number(record.cells[key].value, key in layout.INTEGER_KEYS), record.place(key))
            else:
                values[key] = (self.concept_name(key, text), record.place(key))
        return _located(record.place("id"), values)

    def concept_name(self, key: str, text: str) -> str:
        """Concepts named by a label ('前台服务', '系统') become their notation; others stay as written."""
        scheme = {"performer": "performer", "status": "status"}.get(key)
        if scheme is None:
            return text
        found = self.vocab.scheme(scheme).lookup(text)
        return self.vocab.scheme(scheme).name_of(found) if found is not None else text

    # -- sheets ------------------------------------------------------------------------
    def service(self, fields: dict[str, Cell], doc: LocatedDict) -> None:
        record = Record(self.book.cell(layout.SERVICE, "B2"), fields)
        if record.text("service_id") is None:
            self.problem(record.place("service_id"), say("sheet_no_service_id"), say("sheet_no_service_id_hint"))
            return
        sid = self.ident(record, "service_id", "service_id")
        if sid is None:
            return
        service: dict[str, tuple[Any, str]] = {"id": (sid, record.place("service_id"))}
        for key in ("label", "description"):
            pair = self.text_pair(record, f"service_{key}")
            if pair is not None:
                service[key] = pair
        doc["service"] = _located(record.place("service_id"), service)
        doc.key_at["service"] = record.place("service_id")
        for key in ("version", "revision_of"):
            value = record.text(key)
            if value is not None and not iris.is_valid_id(value):
                self.problem(record.place(key), say("sheet_bad_id", what=say("sheet_what_" + key), text=value),
                             say("sheet_bad_version_hint"))
        for key in ("version", "status", "revision_of", "created", "modified", "level"):
            value = record.text(key)
            if value is not None:
                doc[key] = _number(fields[key].value, True) if key == "level" else self.concept_name(key, value)
                doc.key_at[key] = record.place(key)
        for key in ("title", "description"):
            pair = self.text_pair(record, key)
            if pair is not None:
                doc[key], doc.key_at[key] = pair
        blueprint, step = record.text("refines_blueprint"), record.text("refines_step")
        if blueprint is not None or step is not None:
            refines = {k: (v, record.place(f"refines_{k}")) for k, v in (("blueprint", blueprint), ("step", step))
                       if v is not None}
            doc["refines"] = _located(record.place("refines_blueprint"), refines)
            doc.key_at["refines"] = record.place("refines_blueprint")

    def table(self, sheet: layout.Sheet, keys: tuple[str, ...]) -> LocatedList:
        entries = LocatedList()
        for record in self.book.records.get(sheet.name, []):
            ident = self.ident(record)
            if ident is not None:
                entries.append(self.entry(record, ident, keys))
                entries.item_at.append(record.place("id"))
        return entries

    def steps(self, doc: LocatedDict) -> None:
        lanes = self.vocab.scheme("lane")
        touchpoints: LocatedList = doc.setdefault("touchpoints", LocatedList())
        evidence: LocatedList = doc.setdefault("evidence", LocatedList())
        by_lane = LocatedDict()
        by_lane.at = self.book.cell(layout.STEPS, "A1")
        for record in self.book.records.get(layout.STEPS.name, []):
            lane_text = record.text("lane")
            ident = self.ident(record)
            concept = lanes.lookup(lane_text) if lane_text is not None else None
            lane = lanes.name_of(concept)
            if lane_text is None:
                if "lane" in record.cells:
                    self.problem(record.place("lane"), say("sheet_missing_lane"), say("sheet_lane_hint"))
            elif lane == "evidence":
                self.problem(record.place("lane"), say("sheet_evidence_not_step"), say("sheet_evidence_not_step_hint"))
            elif concept is None:
                self.problem(record.place("lane"), say("sheet_unknown_lane", lane=lane_text), say("sheet_lane_hint"))
            if ident is None or concept is None or lane == "evidence":
                continue
            step = self.entry(record, ident, ("position", "performer", "department", "systems", "supports"))
            description = self.text_pair(record, "description")
            if description is not None:
                step["description"], step.key_at["description"] = description
            self.markers(record, step)
            self.touchpoint(record, step, touchpoints)
            self.evidence(record, ident, evidence)
            if lane not in by_lane:
                by_lane[lane] = LocatedList()
                by_lane[lane].at = record.place("lane")
                by_lane.key_at[lane] = by_lane.key_pos[lane] = record.place("lane")
            by_lane[lane].append(step)
            by_lane[lane].item_at.append(record.place("id"))
        doc["steps"], doc.key_at["steps"] = by_lane, by_lane.at

    def markers(self, record: Record, step: LocatedDict) -> None:
        text = record.text("marker") or ""
        letters = set(re.sub(r"[\s,，;；/+&、]", "", text).upper())
        if not letters <= {"F", "W"}:
            letters = set()
            for part in layout.split_list(text):
                found = self.vocab.scheme("marker").lookup(part)
                if found is None:
                    self.problem(record.place("marker"), say("sheet_unknown_marker", text=text),
                                 say("sheet_unknown_marker_hint"))
                    return
                letters.add(self.vocab.scheme("marker").name_of(found))
        fail = {k: v for k, v in (("mode", self.text_pair(record, "failure_mode")),
                                  ("consequence", self.text_pair(record, "consequence"))) if v is not None}
        if "F" in letters:
            step["fail"] = _located(record.place("marker"), fail) if fail else True
            step.key_at["fail"] = record.place("marker")
        elif fail:
            self.problem(next(iter(fail.values()))[1], say("sheet_fail_without_f"), say("sheet_fail_without_f_hint"))
        standard = record.text("standard")
        if "W" in letters:
            step["wait"] = _located(record.place("marker"), {"standard": (standard, record.place("standard"))}) \
                if standard is not None else True
            step.key_at["wait"] = record.place("marker")
        elif standard is not None:
            self.problem(record.place("standard"), say("sheet_standard_without_w"), say("sheet_standard_without_w_hint"))

    def touchpoint(self, record: Record, step: LocatedDict, touchpoints: LocatedList) -> None:
        """A touchpoint is named by id or label; a new name declares it, with the channel cell."""
        name, channel = record.text("touchpoint"), record.text("channel")
        if name is None:
            if channel is not None:
                self.problem(record.place("channel"), say("sheet_channel_without_touchpoint"),
                             say("sheet_channel_without_touchpoint_hint"))
            return
        found = _find_entry(touchpoints, name)
        if found is None:
            ident = name if iris.is_valid_id(name) else iris.slug(name)
            found = _located(record.place("touchpoint"), {"id": (ident, record.place("touchpoint")),
                                                          "label": (name, record.place("touchpoint"))})
            touchpoints.append(found)
            touchpoints.item_at.append(record.place("touchpoint"))
        if channel is not None:
            if found.get("channel") is None:
                found["channel"], found.key_at["channel"] = channel, record.place("channel")
            elif _concept("channel", str(found["channel"])) != _concept("channel", channel):
                self.problem(record.place("channel"),
                             say("sheet_channel_conflict", id=found["id"], channel=found["channel"], other=channel),
                             say("sheet_channel_conflict_hint"))
        step["touchpoint"], step.key_at["touchpoint"] = found["id"], record.place("touchpoint")

    def evidence(self, record: Record, step_id: str, evidence: LocatedList) -> None:
        """Evidence named on a step belongs to it (the document's `for`); a new name declares it."""
        text = record.text("evidence")
        if text is None:
            return
        at = record.place("evidence")
        for name in layout.split_list(text):
            found = _find_entry(evidence, name)
            if found is None:
                ident = name if iris.is_valid_id(name) else iris.slug(name)
                values: dict[str, tuple[Any, str]] = {"id": (ident, at), "label": (name, at)}
                position = record.cells.get("position")
                if position is not None and isinstance(_number(position.value, True), int):
                    values["position"] = (_number(position.value, True), position.at)
                found = _located(at, values)
                evidence.append(found)
                evidence.item_at.append(at)
            targets = found.get("for")
            if not isinstance(targets, LocatedList):
                targets = found["for"] = _list([], at)
                found.key_at["for"] = at
            targets.append(step_id)
            targets.item_at.append(at)


def _concept(scheme: str, text: str) -> object:
    return vocabulary().scheme(scheme).lookup(text) or text


def _find_entry(entries: LocatedList, name: str) -> LocatedDict | None:
    """The entry with this id, else the one with this label (either language)."""
    for entry in entries:
        if entry["id"] == name:
            return entry  # type: ignore[no-any-return]
    key = name.casefold()
    for entry in entries:
        label = entry.get("label")
        labels = label.values() if isinstance(label, dict) else [label]
        if any(str(lab).casefold() == key for lab in labels if lab is not None):
            return entry  # type: ignore[no-any-return]
    return None


def _document(book: _Workbook, service: dict[str, Cell]) -> LocatedDict:
    builder = _Builder(book)
    doc = LocatedDict()
    doc.at = book.cell(layout.SERVICE, "A1")
    builder.service(service, doc)
    for key, sheet, keys in (
        ("departments", layout.DEPARTMENTS, ("part_of", "aliases")),
        ("systems", layout.SYSTEMS, ("part_of", "aliases")),
        ("touchpoints", layout.TOUCHPOINTS, ("channel", "kind", "p")),
        ("standards", layout.STANDARDS, ("applies_to", "metric", "max", "unit", "share", "tier")),
        ("evidence", layout.EVIDENCE, ("p", "position")),
    ):
        doc[key] = builder.table(sheet, keys)
        doc.key_at[key] = book.cell(sheet, "A1")
    builder.steps(doc)
    for key in ("departments", "systems", "touchpoints", "standards", "evidence"):
        if not doc[key]:
            del doc[key]
    if not doc.get("steps") and not book.problems:
        book.problem(book.cell(layout.STEPS, "A2"), say("sheet_no_steps"), say("sheet_no_steps_hint"))
    return doc


def _finish(book: _Workbook, service: dict[str, Cell], source: str, index: SharedIndex | None) -> AuthoredBlueprint:
    doc = _document(book, service)
    if book.problems:
        raise BadInput(say("file_problems", n=len(book.problems), source=source), where=book.problems[0].where,
                       hint=book.problems[0].hint, problems=book.problems)
    return read_document(doc, source, index)


# -- XLSX ------------------------------------------------------------------------------

def _chain(exc: BaseException) -> Iterable[BaseException]:
    """The exception and those it was raised from (openpyxl wraps defusedxml's)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _count_cells(archive: zipfile.ZipFile, source: str, cap: int) -> None:
    """Refuse a workbook of more than `cap` cells, counted while streaming each sheet's XML
    (SAX, constant memory): openpyxl would load every cell before the row cap is checked."""
    import xml.sax.handler

    from defusedxml.sax import parse

    cells = 0
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue

        class Counter(xml.sax.handler.ContentHandler):
            part = info.filename

            def startElement(self, name: str, attrs: Any) -> None:
                nonlocal cells
                if name.rsplit(":", 1)[-1] == "c":  # a cell, whatever the namespace prefix
                    cells += 1
                    if cells > cap:
                        raise BadInput(say("sheet_too_many_cells", cap=cap), where=f"{source}: {self.part}",
                                       hint=say("sheet_too_many_cells_hint"))

        with archive.open(info) as stream:
            parse(stream, Counter(), forbid_dtd=True)


def _open_workbook(data: bytes, source: str, max_cells: int = Limits().max_sheet_cells) -> Any:
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise BadInput(say("sheet_no_defusedxml"), where=source, hint=say("sheet_no_defusedxml_hint"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise BadInput(say("sheet_not_zip"), where=source, hint=say("sheet_save_as_xlsx_hint")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise BadInput(say("sheet_unpacks_too_large", unpacked=unpacked, limit=MAX_UNPACKED_BYTES), where=source,
                       hint=say("sheet_unpacks_too_large_hint"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _count_cells(archive, source, max_cells)
    except BadInput:
        raise
    except Exception as exc:
        if any(isinstance(e, DefusedXmlException) for e in _chain(exc)):
            raise BadInput(say("sheet_xml_entities"), where=source, hint=say("sheet_save_again_hint")) from None
        raise BadInput(say("sheet_cannot_read", what=f"{type(exc).__name__}: {str(exc)[:200]}"), where=source,
                       hint=say("sheet_save_xlsx_hint")) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl and defusedxml raise many types for bad files
        if any(isinstance(e, DefusedXmlException) for e in _chain(exc)):
            raise BadInput(say("sheet_xml_entities"), where=source, hint=say("sheet_save_again_hint")) from None
        raise BadInput(say("sheet_cannot_read", what=f"{type(exc).__name__}: {str(exc)[:200]}"), where=source,
                       hint=say("sheet_save_xlsx_hint")) from None


def read_xlsx(data: bytes, source: str, index: SharedIndex | None = None,
              max_cells: int = Limits().max_sheet_cells) -> AuthoredBlueprint:
    workbook = _open_workbook(data, source, max_cells)
    book = _Workbook(source, is_csv=False)
    sheets = {}
    for ws in workbook.worksheets:
        sheet = layout.sheet_named(ws.title)
        if sheet is not None:
            sheets[sheet.name] = ws
            for merged in sorted(ws.merged_cells.ranges, key=str):
                book.problem(f"{ws.title}!{merged.coord}", say("sheet_merged", coord=merged.coord), say("sheet_merged_hint"))
    for required in (layout.SERVICE, layout.STEPS):
        if required.name not in sheets:
            book.problem(f"{required.name}!A1", say("sheet_missing_sheet", sheet=required.shown),
                         say("sheet_missing_sheet_hint"))
    service: dict[str, Cell] = {}
    for name, ws in sheets.items():
        if ws.max_row > MAX_ROWS:
            raise BadInput(say("sheet_too_many_rows", sheet=ws.title, rows=ws.max_row, limit=MAX_ROWS),
                           where=f"{source}!{ws.title}", hint=say("sheet_too_many_rows_hint"))
        rows = [[Cell(c.value, f"{ws.title}!{c.coordinate}") for c in row]
                for row in ws.iter_rows(max_col=min(ws.max_column, MAX_COLUMNS))]
        if name == layout.SERVICE.name:
            service = _service_records(book, rows)
        else:
            _records(book, layout.sheet_named(name), rows)  # type: ignore[arg-type]
    return _finish(book, service, source, index)


# -- CSV -------------------------------------------------------------------------------

def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM); else GB18030, what Excel on a Chinese Windows saves."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def read_csv(data: bytes, source: str, index: SharedIndex | None = None) -> AuthoredBlueprint:
    if not data.strip():
        raise BadInput(say("file_empty"), where=source, hint=say("sheet_file_empty_hint"))
    try:
        table = list(csv.reader(io.StringIO(_decode_csv(data), newline="")))
    except csv.Error as exc:
        raise BadInput(say("sheet_csv_syntax", what=str(exc)), where=source, hint=say("sheet_csv_syntax_hint")) from None
    book = _Workbook(source, is_csv=True)
    service_rows: list[list[Cell]] = []
    steps: list[list[Cell]] = []
    for r, row in enumerate(table, start=1):
        # a cell kgbp wrote with the text mark (cell_text.guard) reads back without it
        cells = [Cell(unguard(value), f"{layout.column_letter(c)}{r}") for c, value in enumerate(row)]
        first = (row[0].strip() if row else "")
        if first.startswith("#"):
            sheet = layout.sheet_named(first[1:])
            if sheet is layout.SERVICE:
                service_rows.append(cells[1:])
            elif sheet is not None and sheet is not layout.STEPS:
                record = _fixed_record(sheet, cells[1:])
                if any(_text(c.value) is not None for c in record.cells.values()):
                    book.records.setdefault(sheet.name, []).append(record)
            continue
        steps.append(cells)
    _records(book, layout.STEPS, steps)
    return _finish(book, _service_records(book, service_rows), source, index)
