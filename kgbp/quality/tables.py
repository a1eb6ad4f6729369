"""Evidence files (CSV or XLSX) -> typed tables of located cells.

Quality teams keep their evidence in sheets: complaint counts, standard measurements,
survey results, the complaint-category mapping and the action register. Each sheet (or
CSV file) is one table with a header row; which table it is comes from the sheet name
or, in a CSV, from its columns. Every cell keeps its place (`file.xlsx!Complaints!C3`,
or `file.csv:3 (count)` in a CSV) so that every error can name it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..errors import BadInput, Problem
from ..i18n import Text, say
from ..ingest.spreadsheet_reader import MAX_ROWS, _open_workbook

MAX_COLUMNS = 50


@dataclass(frozen=True)
class Column:
    key: str
    titles: tuple[str, ...]  # accepted header titles (en and zh), matched case-insensitively
    required: bool = False


@dataclass(frozen=True)
class Kind:
    """One kind of evidence table: its name, sheet names and columns."""

    name: str
    sheets: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def shown(self) -> Text:
        """The kind's name in the reader's language ("complaints", "投诉量")."""
        return say("ev_kind_" + self.name)

    def column(self, title: str) -> Column | None:
        key = title.strip().casefold().replace(" ", "_")
        return next((c for c in self.columns if key in (t.casefold().replace(" ", "_") for t in (c.key, *c.titles))), None)


def _c(key: str, *titles: str, required: bool = False) -> Column:
    return Column(key, titles, required)


PERIOD = _c("period", "month", "统计期", "月份", required=True)
SERVICE = _c("service", "blueprint", "服务", "蓝图", required=True)
SAMPLE = _c("sample_size", "sample", "样本量")

COMPLAINTS = Kind("complaints", ("Complaints", "投诉量"), (
    PERIOD, _c("category", "投诉类别", "类别", required=True), _c("count", "complaints", "投诉量", "数量", required=True)))
MEASUREMENTS = Kind("measurements", ("Measurements", "标准测量"), (
    PERIOD, SERVICE, _c("standard", "服务标准", "标准", required=True), _c("tier", "客户等级", "等级", required=True),
    _c("value", "measured", "测量值", required=True), SAMPLE))
SURVEYS = Kind("surveys", ("Surveys", "满意度调查"), (
    PERIOD, SERVICE, _c("step", "步骤"), _c("touchpoint", "接触点"), _c("score", "满意度", "得分", required=True),
    _c("scale", "满分", "量表满分", required=True), _c("sample_size", "sample", "样本量", required=True)))
CATEGORIES = Kind("categories", ("Categories", "投诉类别"), (
    _c("category", "id", "类别标识", required=True), _c("label_en", "name (en)", "名称(英文)", required=True),
    _c("label_zh", "name (zh)", "名称(中文)", "名称"), SERVICE, _c("step", "步骤", required=True), _c("touchpoint", "接触点")))
ACTIONS = Kind("actions", ("Actions", "改进措施"), (
    _c("id", "措施编号", required=True), _c("title_en", "title", "标题(英文)", required=True), _c("title_zh", "标题", "标题(中文)"),
    _c("description_en", "what", "内容(英文)"), _c("description_zh", "内容", "内容(中文)"), _c("service", "blueprint", "服务", "蓝图"),
    _c("fail_points", "失败点"), _c("evidence", "依据"), _c("owner", "owner department", "责任部门", required=True),
    _c("due", "due date", "完成期限", required=True), _c("status", "状态", required=True),
    _c("measure", "expected to move", "预期改善指标"), _c("done", "done date", "完成日期")))

KINDS = (COMPLAINTS, MEASUREMENTS, SURVEYS, CATEGORIES, ACTIONS)


@dataclass
class Cell:
    value: Any
    at: str


@dataclass
class Row:
    at: str  # where the row is (its line, or its first cell)
    cells: dict[str, Cell]
    blank_at: dict[str, str] = field(default_factory=dict)  # where an empty cell of each column is

    def text(self, key: str) -> str | None:
        cell = self.cells.get(key)
        return cell_text(cell.value) if cell is not None else None

    def place(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.at if cell is not None else self.blank_at.get(key, self.at)


@dataclass
class Table:
    kind: Kind
    source: str  # the file (and sheet) it came from
    rows: list[Row]


def cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel on a Chinese Windows saves); else refuse."""
    if b"\x00" in data:
        raise BadInput(say("ev_nul_bytes"), where=source, hint=say("ev_save_as_csv_utf8_hint"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInput(say("ev_not_utf8_nor_gb18030"), where=source, hint=say("ev_save_as_csv_utf8_hint"))


def _table(kind: Kind | None, source: str, grid: list[list[Cell]], problems: list[Problem], csv_file: bool) -> Table | None:
    """Header row first (blank lines above it skipped); a Row per non-empty line."""
    while grid and not any(cell_text(c.value) for c in grid[0]):
        grid = grid[1:]
    if not grid:
        problems.append(Problem(say("ev_table_empty"), source, say("ev_header_then_rows_hint")))
        return None
    header = grid[0]
    titles = [cell_text(c.value) or "" for c in header]
    if kind is None:  # a CSV: the kind with most of its columns in the header
        def fit(k: Kind) -> tuple[int, int]:
            return sum(1 for t in titles if k.column(t)), -len(k.columns)
        kind = max(KINDS, key=fit)
        if fit(kind)[0] == 0:
            problems.append(Problem(say("ev_unknown_kind"), header[0].at, say("ev_unknown_kind_hint")))
            return None
    columns: dict[int, str] = {}
    for i, (cell, title) in enumerate(zip(header, titles, strict=True)):
        if not title:
            continue
        column = kind.column(title)
        if column is None:
            problems.append(Problem(say("ev_unknown_column", title=title, kind=kind.shown), cell.at,
                                    say("sheet_columns_are", known=", ".join(c.key for c in kind.columns))))
        elif column.key in columns.values():
            problems.append(Problem(say("sheet_column_twice", title=title), cell.at, say("sheet_column_twice_hint")))
        else:
            columns[i] = column.key
    for column in kind.columns:
        if column.required and column.key not in columns.values():
            problems.append(Problem(say("ev_missing_column", kind=kind.shown, column=column.key), header[0].at,
                                    say("ev_missing_column_hint", column=column.key)))
    rows = []
    for line in grid[1:]:
        cells = {columns[i]: c for i, c in enumerate(line) if i in columns}
        if not any(cell_text(c.value) for c in cells.values()):
            continue
        first = line[0].at
        blank = {columns[i]: c.at for i, c in enumerate(line) if i in columns}
        if csv_file:  # the row is its line; a short line has no cells for its last columns
            first = f"{source}:{first[len(source) + 1:].split(' ')[0]}"
            blank = {key: blank.get(key, f"{first} ({key})") for key in columns.values()}
        rows.append(Row(first, {k: c for k, c in cells.items() if cell_text(c.value) is not None}, blank))
    return Table(kind, source, rows)


def read_csv(data: bytes, source: str) -> list[Table]:
    if not data.strip():
        raise BadInput(say("ev_file_empty"), where=source, hint=say("ev_header_then_rows_hint"))
    text = _decode(data, source)
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise BadInput(say("ev_csv_syntax", error=str(exc)), where=source, hint=say("ev_csv_syntax_hint")) from None
    if len(lines) > MAX_ROWS:
        raise BadInput(say("ev_too_many_lines", n=len(lines), most=MAX_ROWS), where=source, hint=say("ev_split_hint"))
    grid = []
    header: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not header and any(v.strip() for v in line):
            header = [v.strip() or f"column {i + 1}" for i, v in enumerate(line)]
        names = header or [f"column {i + 1}" for i in range(len(line))]
        grid.append([Cell(v, f"{source}:{number} ({names[i] if i < len(names) else f'column {i + 1}'})")
                     for i, v in enumerate(line[:MAX_COLUMNS])])
    problems: list[Problem] = []
    table = _table(None, source, grid, problems, csv_file=True)
    if problems:
        raise BadInput(say("ev_problems_in", n=len(problems), source=source), where=problems[0].where,
                       hint=problems[0].hint, problems=problems)
    assert table is not None
    return [table]


def read_xlsx(data: bytes, source: str) -> list[Table]:
    workbook = _open_workbook(data, source)
    problems: list[Problem] = []
    tables = []
    for ws in workbook.worksheets:
        kind = next((k for k in KINDS if ws.title.strip().casefold() in (s.casefold() for s in k.sheets)), None)
        if kind is None:
            continue
        if ws.max_row > MAX_ROWS:
            raise BadInput(say("ev_too_many_rows", sheet=ws.title, n=ws.max_row, most=MAX_ROWS),
                           where=f"{source}!{ws.title}", hint=say("ev_split_workbook_hint"))
        for merged in sorted(ws.merged_cells.ranges, key=str):
            problems.append(Problem(say("ev_merged_cells", cells=merged.coord), f"{source}!{ws.title}!{merged.coord}",
                                    say("ev_merged_cells_hint")))
        grid = [[Cell(c.value, f"{source}!{ws.title}!{c.coordinate}") for c in row]
                for row in ws.iter_rows(max_col=min(ws.max_column, MAX_COLUMNS))]
        table = _table(kind, f"{source}!{ws.title}", grid, problems, csv_file=False)
        if table is not None:
            tables.append(table)
    if not tables and not problems:
        names = ", ".join(f"{k.sheets[0]} ({k.sheets[1]})" for k in KINDS)
        problems.append(Problem(say("ev_no_sheet"), source, say("ev_no_sheet_hint", names=names)))
    if problems:
        raise BadInput(say("ev_problems_in", n=len(problems), source=source), where=problems[0].where,
                       hint=problems[0].hint, problems=problems)
    return tables


def read_tables(data: bytes, source: str) -> list[Table]:
    """The tables of one evidence file, by its name: .xlsx or .csv."""
    lower = source.lower()
    if lower.endswith(".xlsx"):
        return read_xlsx(data, source)
    if lower.endswith((".csv", ".txt")):
        return read_csv(data, source)
    raise BadInput(say("ev_wrong_suffix"), where=source, hint=say("ev_wrong_suffix_hint"))
