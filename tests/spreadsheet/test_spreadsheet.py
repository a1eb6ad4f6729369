"""Spreadsheet authoring: the XLSX template and CSV, read through the same path as YAML."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kgbp.cli import app
from kgbp.errors import BadInput, KgbpError
from kgbp.export.document import blueprint_document
from kgbp.ingest import SharedIndex, read_bytes, spreadsheet_reader
from kgbp.model import iris
from kgbp.model.namespaces import REPOSITORY_GRAPH, SB
from kgbp.repository import save as repository
from kgbp.spreadsheet.writer import XLSX_MEDIA_TYPE, csv_bytes, workbook_bytes
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

runner = CliRunner()
STEP_HEADERS = ["lane / 泳道", "id / 编号", "label (zh) / 名称（中文）", "label (en) / 名称（英文）", "position / 时间线位置",
                "marker / 标记"]


# -- the four examples (five files) round-trip through the template ------------------------

@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_examples_round_trip_through_the_template(examples_store: EmbeddedStore, empty_store: EmbeddedStore,
                                                  kind: str) -> None:
    stored = repository.list_blueprints(examples_store)
    assert len(stored) == 5
    read = []
    for summary in stored:
        doc = blueprint_document(examples_store, summary.iri)
        data = workbook_bytes(doc) if kind == "xlsx" else csv_bytes(doc)
        read += read_bytes(data, f"{summary.id.replace('/', '.')}.{kind}", SharedIndex())
    repository.save(empty_store, read, validator=Validator())
    for summary in stored:
        before, after = examples_store.graph(summary.iri), empty_store.graph(summary.iri)
        assert len(before) > 100
        assert isomorphic(before, after), summary.id
    assert isomorphic(examples_store.graph(REPOSITORY_GRAPH), empty_store.graph(REPOSITORY_GRAPH))


# -- the template ---------------------------------------------------------------------------

def test_template_has_bilingual_headers_lists_and_frozen_panes() -> None:
    wb = load_workbook(io.BytesIO(workbook_bytes()))
    assert wb.sheetnames == ["Instructions", "Service", "Steps", "Departments", "Systems", "Touchpoints",
                             "Standards", "Evidence"]
    steps = wb["Steps"]
    assert [c.value for c in steps[1]][:6] == STEP_HEADERS
    assert steps.max_row == 1  # no sample rows to forget
    assert steps.freeze_panes == "C2"
    lists = {str(dv.sqref): dv.formula1 for dv in steps.data_validations.dataValidation}
    assert lists["A2:A500"] == '"backstage,customer,frontstage,support,前台服务,后台支撑,客户行为,支撑系统"'
    assert lists["F2:F500"] == '"F,W,FW"'
    assert lists["K2:K500"] == '"human,system,人,系统"'
    assert lists["P2:P500"].startswith('"app-hall,hotline,ivr,kiosk,on-site,sms,social-media,store,web-hall,')
    service = wb["Service"]
    assert [service.cell(r, 1).value for r in (1, 2, 7, 8)] == ["field / 字段", "service id / 服务编号",
                                                                  "version / 版本", "status / 状态"]
    assert [service.cell(r, 2).value for r in (7, 8, 13)] == ["as-is", "as-is", 1]
    assert not any(ws.merged_cells.ranges for ws in wb.worksheets)


def test_the_empty_template_asks_for_a_service_id() -> None:
    with pytest.raises(BadInput) as caught:
        read_bytes(workbook_bytes(), "template.xlsx")
    assert [(p.where, p.message) for p in caught.value.problems] == [
        ("template.xlsx!Service!B2", "the service id is missing")]


# -- a designer fills in the template ---------------------------------------------------------

def filled(*steps: list[Any], service: dict[int, Any] | None = None,
           edit: Callable[[Workbook], None] | None = None) -> bytes:
    """The template with a service and `steps` rows (cells from column A on)."""
    wb = load_workbook(io.BytesIO(workbook_bytes()))
    for row, value in {2: "top-up", 3: "充值", 4: "Top up", **(service or {})}.items():
        wb["Service"].cell(row, 2, value)
    for i, cells in enumerate(steps, start=2):
        for j, value in enumerate(cells, start=1):
            wb["Steps"].cell(i, j, value)
    wb["Departments"].append(["marketing", "市场部", "Marketing department"])
    wb["Systems"].append(["boss", "BOSS", "BOSS"])
    if edit:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD_STEPS = [
    ["客户行为", "pay", "缴费", "Pay", 1],
    ["frontstage", "take-payment", "收费", "Take the payment", 1, "F", "扣费失败", "Charge fails", "未到账",
     "Not credited", "系统", "marketing", "boss", "pay", "营业厅", "store", "收据"],
]


def test_a_filled_template_becomes_a_blueprint() -> None:
    [bp] = read_bytes(filled(*GOOD_STEPS), "top-up.xlsx", SharedIndex())
    step = iris.local_iri("top-up", "as-is", "step", "take-payment")
    g = bp.graph
    assert bp.id == "top-up/as-is"
    assert (step, SB.inLane, SB.FrontstageLane) in g
    assert (step, SB.hasMarker, SB.FailMarker) in g
    assert (step, SB.failureMode, Literal("扣费失败", lang="zh")) in g
    assert (step, SB.customerConsequence, Literal("Not credited", lang="en")) in g
    assert (step, SB.performerKind, SB.SystemPerformer) in g
    assert (step, SB.responsibleDepartment, iris.department_iri("marketing")) in g
    assert (step, SB.usesSystem, iris.system_iri("boss")) in g
    assert (step, SB.supports, iris.local_iri("top-up", "as-is", "step", "pay")) in g
    # a new touchpoint and a new evidence named on the step are declared by it
    touchpoint = iris.local_iri("top-up", "as-is", "touchpoint", "营业厅")
    assert (step, SB.atTouchpoint, touchpoint) in g
    assert (touchpoint, SB.channel, SB.StoreStaff) in g
    receipt = iris.local_iri("top-up", "as-is", "evidence", "收据")
    assert (receipt, SB.evidenceOf, step) in g
    assert (receipt, SB.position, Literal(1)) in g


def set_cell(sheet: str, address: str, value: Any) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        wb[sheet][address].value = value
    return edit


BAD_SHEETS: list[tuple[str, Callable[[Workbook], None], str, str]] = [
    ("wrong column", set_cell("Steps", "D1", "lable (en)"), "x.xlsx!Steps!D1",
     "unknown column 'lable (en)' on the Steps sheet"),
    ("missing column", set_cell("Steps", "A1", None), "x.xlsx!Steps!A1", "this column has values but no title"),
    ("merged cell", lambda wb: wb["Steps"].merge_cells("L2:L3"), "x.xlsx!Steps!L2:L3", "merged cells L2:L3"),
    ("unknown lane", set_cell("Steps", "A3", "front"), "x.xlsx!Steps!A3", "unknown lane 'front'"),
    ("evidence as a step", set_cell("Steps", "A2", "有形展示"), "x.xlsx!Steps!A2", "physical evidence is not a step"),
    ("bad id", set_cell("Steps", "B3", "take payment"), "x.xlsx!Steps!B3", "bad id 'take payment'"),
    ("unknown supports id", set_cell("Steps", "N3", "pya"), "x.xlsx!Steps!N3", "unknown step id 'pya'"),
    ("unknown department", set_cell("Steps", "L3", "finance"), "x.xlsx!Steps!L3", "unknown department 'finance'"),
    ("unknown marker", set_cell("Steps", "F3", "X"), "x.xlsx!Steps!F3", "unknown marker 'X'"),
    ("mode without F", set_cell("Steps", "F3", None), "x.xlsx!Steps!G3",
     "a failure mode or consequence without the F marker"),
    ("level not a number", set_cell("Service", "B13", "one"), "x.xlsx!Service!B13", "level: 'one' is not of type 'integer'"),
    ("unknown service field", set_cell("Service", "A5", "colour"), "x.xlsx!Service!A5", "unknown service field 'colour'"),
    ("no Steps sheet", lambda wb: wb.remove(wb["Steps"]), "x.xlsx!Steps!A1", "the workbook has no Steps sheet"),
]


@pytest.mark.parametrize(("edit", "where", "message"), [c[1:] for c in BAD_SHEETS], ids=[c[0] for c in BAD_SHEETS])
def test_a_bad_sheet_is_reported_with_its_cell(edit: Callable[[Workbook], None], where: str, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        read_bytes(filled(*GOOD_STEPS, edit=edit), "x.xlsx", SharedIndex())
    assert (caught.value.problems[0].where, caught.value.problems[0].message) == (where, message)
    assert caught.value.problems[0].hint


def test_a_bad_workbook_stores_nothing(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(filled(*GOOD_STEPS))
    bad.write_bytes(filled(*GOOD_STEPS, service={2: "other"}, edit=lambda wb: wb["Steps"].merge_cells("C2:C3")))
    store = tmp_path / "store"
    result = runner.invoke(app, ["load", str(good), str(bad), "--store", str(store)])
    assert result.exit_code == 2
    assert "bad.xlsx!Steps!C2:C3: merged cells C2:C3" in result.output
    s = EmbeddedStore(store)
    try:
        assert repository.list_blueprints(s) == []
    finally:
        s.close()


# -- hostile files ------------------------------------------------------------------------------

def _rewrite(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, change(info.filename, zin.read(info.filename)))
    return out.getvalue()


def test_entity_expansion_in_a_sheet_is_refused_not_expanded() -> None:
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def bomb(name: str, data: bytes) -> bytes:
        return laughs + data.replace(b"<v>", b"<v>&b;", 1) if name == "xl/worksheets/sheet3.xml" else data

    with pytest.raises(BadInput) as caught:
        read_bytes(_rewrite(filled(*GOOD_STEPS), bomb), "bomb.xlsx")
    assert caught.value.message == "the workbook's XML declares entities or a DTD: refused, nothing was expanded"
    assert caught.value.where == "bomb.xlsx"


def test_not_a_workbook_and_a_zip_bomb_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BadInput, match="not an XLSX workbook"):
        read_bytes(b"name,lane\n", "renamed.xlsx")
    data = filled(*GOOD_STEPS)
    monkeypatch.setattr(spreadsheet_reader, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(BadInput, match=r"the workbook unpacks to \d+ bytes \(more than 1000\)"):
        read_bytes(data, "big.xlsx")


# -- CSV ------------------------------------------------------------------------------------------

DESIGNER_CSV = """\
# top-up blueprint, drafted in a spreadsheet
#Service,service id,top-up
#Service,服务名称（中文）,充值
#Departments,marketing,市场部,Marketing department
#Systems,boss,BOSS,BOSS
lane / 泳道,id / 编号,名称（中文）,label (en),marker,failure mode (zh),performer,department,systems,supports,touchpoint,渠道
客户行为,pay,缴费,Pay,,,,,,,,
前台服务,take-payment,收费,Take the payment,F,扣费失败,人,市场部,BOSS,pay,热线,hotline
"""


def test_a_csv_in_gb18030_with_chinese_headers_and_lanes() -> None:
    [bp] = read_bytes(DESIGNER_CSV.encode("gb18030"), "top-up.csv", SharedIndex())
    step = iris.local_iri("top-up", "as-is", "step", "take-payment")
    assert bp.id == "top-up/as-is"
    assert (step, SB.inLane, SB.FrontstageLane) in bp.graph
    assert (step, SB.performerKind, SB.HumanPerformer) in bp.graph
    assert (step, SB.responsibleDepartment, iris.department_iri("marketing")) in bp.graph
    assert (iris.local_iri("top-up", "as-is", "touchpoint", "热线"), SB.channel, SB.Hotline) in bp.graph


def test_csv_errors_name_the_cell() -> None:
    text = DESIGNER_CSV.replace("客户行为,pay", "顾客,pay").replace(",pay,热线", ",pya,热线")
    with pytest.raises(BadInput) as caught:
        read_bytes(text.encode(), "top-up.csv", SharedIndex())
    assert [(p.where, p.message) for p in caught.value.problems] == [("top-up.csv!A7", "unknown lane '顾客'")]
    with pytest.raises(BadInput) as caught:
        read_bytes(DESIGNER_CSV.replace(",pay,热线", ",pya,热线").encode(), "top-up.csv", SharedIndex())
    assert [(p.where, p.message) for p in caught.value.problems] == [("top-up.csv!J8", "unknown step id 'pya'")]


# -- CLI and web --------------------------------------------------------------------------------

def test_cli_template_and_export(examples_store: EmbeddedStore, tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "-o", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    assert load_workbook(tmp_path / "t.xlsx")["Steps"]["B1"].value == "id / 编号"
    result = runner.invoke(app, ["template", "-o", str(tmp_path / "t.txt")])
    assert result.exit_code == 2
    assert "name it *.xlsx or *.csv" in result.output


def test_cli_export_xlsx_reads_back(tmp_path: Path) -> None:
    from kgbp.resources import examples

    store = tmp_path / "store"
    assert runner.invoke(app, ["load", *map(str, examples()), "--store", str(store)]).exit_code == 0
    out = tmp_path / "mtv.xlsx"
    result = runner.invoke(app, ["export", "mobile-tv-subscription/to-be", "-f", "xlsx", "-o", str(out), "--store", str(store)])
    assert result.exit_code == 0, result.output
    [bp] = read_bytes(out.read_bytes(), out.name, SharedIndex())
    assert bp.id == "mobile-tv-subscription/to-be"
    s = EmbeddedStore(store)
    try:
        repository.save(s, [bp], validator=Validator())
        assert isomorphic(s.graph(bp.iri), bp.graph)
    finally:
        s.close()


def test_template_and_blueprint_workbooks_over_http(examples_server: tuple[str, str]) -> None:
    base, _ = examples_server
    template = httpx.get(f"{base}/template.xlsx")
    assert template.status_code == 200
    assert template.headers["content-type"] == XLSX_MEDIA_TYPE
    assert "kgbp-blueprint-template.xlsx" in template.headers["content-disposition"]
    assert load_workbook(io.BytesIO(template.content)).sheetnames[2] == "Steps"
    filled_one = httpx.get(f"{base}/api/blueprints/arrears-reconnect/as-is/export.xlsx")
    assert filled_one.status_code == 200
    [bp] = read_bytes(filled_one.content, "arrears.xlsx", SharedIndex())
    assert bp.iri == URIRef(iris.blueprint_iri("arrears-reconnect", "as-is"))
    missing = httpx.get(f"{base}/api/blueprints/nothing/here/export.xlsx")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not-found"


def test_upload_of_a_workbook_with_a_merged_cell_is_a_400(examples_server: tuple[str, str]) -> None:
    base, token = examples_server
    data = filled(*GOOD_STEPS, edit=lambda wb: wb["Steps"].merge_cells("C2:C3"))
    response = httpx.post(f"{base}/api/blueprints", files={"file": ("top-up.xlsx", data)},
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.json()["where"] == "top-up.xlsx!Steps!C2:C3"
    assert httpx.get(f"{base}/api/blueprints/top-up/as-is").status_code == 404


def test_errors_are_kgbp_errors_never_crashes() -> None:
    for data in (b"", b"PK\x03\x04garbage", filled(*GOOD_STEPS)[:500]):
        with pytest.raises(KgbpError):
            read_bytes(data, "x.xlsx")


def test_aliases_round_trip_through_the_sheets(examples_store: EmbeddedStore, tmp_path: Path) -> None:
    """The Systems sheet's aliases column: written from the registry, read back as aliases."""
    from kgbp.registry import operations
    from kgbp.registry.names import resolve

    folder = tmp_path / "store"
    examples_store.backup(str(folder))
    store = EmbeddedStore(folder)
    try:
        operations.alias(store, "system", "boss", "业务运营支撑系统")
        bp = iris.blueprint_iri("arrears-reconnect", "as-is")
        doc = blueprint_document(store, bp)
        assert next(s for s in doc["systems"] if s["id"] == "boss")["aliases"] == ["业务运营支撑系统"]
        book = load_workbook(io.BytesIO(workbook_bytes(doc)))
        rows = list(book["Systems"].iter_rows(values_only=True))
        assert any("业务运营支撑系统" in row for row in rows)  # the aliases column
        ws = book["Systems"]
        ws.append(["ivr", "自动语音应答系统", "IVR system", None, "telephone voice system, 电话语音系统"])
        data = io.BytesIO()
        book.save(data)
        [read] = read_bytes(data.getvalue(), "arrears.xlsx", SharedIndex.from_store(store))
        repository.save(store, [read])
        assert resolve(store, "system", "电话语音系统") == iris.system_iri("ivr")
    finally:
        store.close()
