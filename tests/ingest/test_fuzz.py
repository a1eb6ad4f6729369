"""Fuzzing with Hypothesis: whatever the YAML loader, the spreadsheet reader or the
named-query parameter binding is given, it answers or raises a KgbpError (a message with
a place and a hint) — never another exception, which the web layer would turn into a 500.

Examples are few (the suite runs in seconds); raise them locally with
`--hypothesis-seed` and a larger `max_examples` when changing a reader.
"""

from __future__ import annotations

import io
import string
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kgbp.errors import KgbpError
from kgbp.ingest import SharedIndex, read_bytes
from kgbp.model.derive import derive
from kgbp.query import catalogue as query
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.spreadsheet.writer import workbook_bytes
from kgbp.store.embedded import EmbeddedStore

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(data: bytes, name: str) -> None:
    """Read (and derive, as the write path does); only KgbpError may come out."""
    try:
        blueprints = read_bytes(data, name, SharedIndex())
    except KgbpError as exc:
        assert exc.message and exc.where, exc
        return
    for bp in blueprints:
        derive(bp.graph, repository._channel_kinds())


# -- the YAML loader ----------------------------------------------------------------------------

@FEW
@given(st.text(max_size=400))
def test_yaml_loader_on_arbitrary_text(text: str) -> None:
    read(text.encode("utf-8"), "fuzz.yaml")


@FEW
@given(st.binary(max_size=300))
def test_yaml_loader_on_arbitrary_bytes(data: bytes) -> None:
    read(data, "fuzz.yaml")


IDS = st.sampled_from(["ask", "pay", "check", "prepare", "boss", "marketing", "tp", "x", "", "ask/../x", "问", "a b"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**12), st.floats(allow_nan=True), IDS,
                    st.text(max_size=12), st.dates())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(IDS, st.text(max_size=6)), inner, max_size=4)),
                      max_leaves=12)
LANES = st.sampled_from(["customer", "frontstage", "backstage", "support", "evidence", "客户行为", "fronstage", "x"])
STEP_KEYS = st.sampled_from(["id", "label", "supports", "department", "systems", "fail", "wait", "touchpoint",
                             "position", "performer", "description", "for", "p", "colour"])
STEP = st.dictionaries(STEP_KEYS, st.one_of(IDS, VALUES, st.lists(IDS, max_size=3)), max_size=6)
DOCUMENT = st.fixed_dictionaries(
    {"service": st.one_of(st.fixed_dictionaries({"id": IDS, "label": st.one_of(st.text(max_size=8), VALUES)}), VALUES),
     "steps": st.one_of(st.dictionaries(LANES, st.lists(STEP, max_size=4), max_size=4), VALUES)},
    optional={"format": st.sampled_from(["kgbp/1", "kgbp/2", 1]), "version": IDS, "status": VALUES, "level": VALUES,
              "title": VALUES, "departments": st.lists(STEP, max_size=3), "systems": st.lists(STEP, max_size=3),
              "touchpoints": st.lists(st.dictionaries(st.sampled_from(["id", "label", "channel", "kind", "p"]), IDS), max_size=3),
              "standards": VALUES, "evidence": st.lists(STEP, max_size=2), "refines": VALUES, "revision_of": VALUES,
              "extra": VALUES})


@FEW
@given(DOCUMENT)
def test_yaml_loader_on_structured_documents(doc: dict[str, Any]) -> None:
    read(yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"), "fuzz.yaml")


ARREARS = next(p for p in examples() if p.name == "arrears-reconnect.yaml").read_text("utf-8")


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.text(max_size=20))
def test_yaml_loader_on_damaged_examples(at: int, junk: str) -> None:
    text = ARREARS
    at %= len(text)
    read((text[:at] + junk + text[at + len(junk):]).encode("utf-8"), "arrears-reconnect.yaml")


# -- the spreadsheet reader -----------------------------------------------------------------------

TEMPLATE = workbook_bytes()
CELL_VALUES = st.one_of(st.none(), st.integers(-10, 10**9), st.floats(allow_nan=False, allow_infinity=False),
                        st.booleans(), st.dates(), IDS, LANES, st.sampled_from(["F", "W", "F W", "人", "系统", "boss", "=1+1"]),
                        st.text(max_size=15).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)))
CELLS = st.lists(st.tuples(st.sampled_from(["Service", "Steps", "Departments", "Systems", "Touchpoints", "Standards",
                                            "Evidence", "Nonsense"]),
                           st.integers(1, 8), st.integers(1, 21), CELL_VALUES), max_size=25)


def workbook(cells: list[tuple[str, int, int, Any]]) -> bytes:
    wb = load_workbook(io.BytesIO(TEMPLATE))
    wb["Service"].cell(2, 2, "fuzz")  # a service id, so that most workbooks get past the first check
    for sheet, row, col, value in cells:
        ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
        ws.cell(row, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CELLS)
def test_spreadsheet_reader_on_arbitrary_cells(cells: list[tuple[str, int, int, Any]]) -> None:
    read(workbook(cells), "fuzz.xlsx")


@FEW
@given(st.lists(st.lists(st.one_of(CELL_VALUES.map(lambda v: "" if v is None else str(v)), st.text(max_size=8)),
                         max_size=18), max_size=8))
def test_csv_reader_on_arbitrary_rows(rows: list[list[str]]) -> None:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([["lane / 泳道", "id / 编号", "label (en) / 名称（英文）", "supports / 支撑的步骤"], *rows])
    read(out.getvalue().encode("utf-8"), "fuzz.csv")


# -- named-query parameter binding ---------------------------------------------------------------

CATALOGUE = query.load_catalogue()
PARAM_TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["boss", "BOSS", "https://w3id.org/kgbp/id/system/boss",
                                                                "<x>", "\" } ; DROP ALL ; {", "?x", "zh", "-1", "1e9",
                                                                "arrears-reconnect/as-is", "http://", "a\nb", "\x00"]))


@pytest.fixture(scope="module")
def store(examples_store: EmbeddedStore) -> EmbeddedStore:
    return examples_store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(CATALOGUE)), st.data())
def test_query_parameter_binding_on_arbitrary_values(store: EmbeddedStore, name: str, data: st.DataObject) -> None:
    named = CATALOGUE[name]
    names = [p.name for p in named.params] + ["lang", "colour"]
    params = data.draw(st.dictionaries(st.sampled_from(names), st.one_of(st.none(), PARAM_TEXT), max_size=4))
    lang = data.draw(st.sampled_from(["en", "zh", "fr", ""]))
    try:
        result = query.run(store, named, params, lang)
    except KgbpError as exc:
        assert exc.message and exc.hint is not None
        assert 400 <= exc.http_status < 500, exc  # a bad parameter is never the server's fault
        return
    assert list(result.rows.variables) == list(named.projection) or result.rows.variables


@FEW
@given(st.text(alphabet=string.printable, max_size=60))
def test_unknown_query_names(name: str) -> None:
    try:
        query.get(name, CATALOGUE)
    except KgbpError as exc:
        assert exc.http_status == 404 and exc.hint
