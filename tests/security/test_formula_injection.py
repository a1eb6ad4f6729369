"""No label becomes a spreadsheet formula: XLSX cells are strings, CSV cells that begin with
= + - @ (or tab, CR) carry the text mark, and a blueprint written to CSV reads back unchanged."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from kgbp.archimate.archi_csv import export_archi_csv
from kgbp.export.document import blueprint_document
from kgbp.ingest import SharedIndex, read_path
from kgbp.ingest.spreadsheet_reader import read_csv, read_xlsx
from kgbp.model.namespaces import ID
from kgbp.query import output as query_output
from kgbp.query.catalogue import run
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.spreadsheet.cell_text import FORMULA_STARTS, guard, unguard
from kgbp.spreadsheet.writer import csv_bytes, workbook_bytes
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

HOSTILE = {"Balance runs low": '=HYPERLINK("http://127.0.0.1:1/","open")', "BOSS": "@SUM(1+1)*cmd|' /C calc'!A0",
           "Marketing department": "+1+2", "Send the low-balance SMS": "-2+3"}
STEP_LABELS = {HOSTILE["Balance runs low"], HOSTILE["Send the low-balance SMS"]}
BP = URIRef(f"{ID}service/arrears-reconnect/as-is")


def hostile_store(tmp_path: Path) -> EmbeddedStore:
    """The arrears example with labels that are formulas (a step, a system, a department)."""
    source = next(p for p in examples() if p.name == "arrears-reconnect.yaml")
    text = source.read_text("utf-8")
    for plain, formula in HOSTILE.items():
        text = text.replace(f"en: {plain},", f"en: '{formula.replace(chr(39), chr(39) * 2)}',")
    path = tmp_path / "arrears-reconnect.yaml"
    path.write_text(text, "utf-8")
    store = EmbeddedStore(tmp_path / "store")
    repository.init(store)
    repository.save(store, read_path(path, SharedIndex()), validator=Validator(), draft=True)  # its parent is not stored
    return store


def labels(store: EmbeddedStore) -> set[str]:
    found = {str(o) for g in store.graph_names() for _, p, o in store.graph(g) if p == RDFS.label}
    assert set(HOSTILE.values()) <= found  # the labels are stored as written
    return found


def cells_of_csv(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def test_the_mark_round_trips() -> None:
    for text in ["=1", "+x", "-", "@a", "\tx", "\rx", "'=x", "''", "plain", "", "中文"]:
        assert unguard(guard(text)) == text
        assert not guard(text).startswith(FORMULA_STARTS)


def test_xlsx_holds_no_formula_and_reads_back(tmp_path: Path) -> None:
    store = hostile_store(tmp_path)
    try:
        stored = labels(store)
        data = workbook_bytes(blueprint_document(store, BP))
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            for name in book.namelist():
                if name.startswith("xl/worksheets/"):
                    assert not re.search(rb"<f[ >]", book.read(name)), name
        back = read_xlsx(data, "back.xlsx", SharedIndex.from_store(store))
        read = {str(o) for _, p, o in back.graph + back.shared if p == RDFS.label}
        assert STEP_LABELS <= read <= stored
    finally:
        store.close()


def test_csv_exports_neutralise_formulas_and_read_back(tmp_path: Path) -> None:
    store = hostile_store(tmp_path)
    try:
        labels(store)
        data = csv_bytes(blueprint_document(store, BP))
        cells = cells_of_csv(data)
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
        assert "'" + HOSTILE["Balance runs low"] in cells
        back = read_csv(data, "back.csv", SharedIndex.from_store(store))
        read = {str(o) for _, p, o in back.graph + back.shared if p == RDFS.label}
        assert read >= STEP_LABELS

        archi = export_archi_csv(store)
        for name, body in archi.items():
            found = cells_of_csv(body)
            assert not [c for c in found if c.startswith(FORMULA_STARTS)], name
            assert any(c == "'" + HOSTILE["Balance runs low"] for c in found) or name != "elements.csv"

        result = run(store, "fail_points_by_system", {"system": "boss"})
        assert result.rows.rows
        found = cells_of_csv(query_output.result_csv(result).encode())
        assert not [c for c in found if c.startswith(FORMULA_STARTS)]
    finally:
        store.close()


def test_numbers_stay_numbers() -> None:
    from kgbp.query.output import _csv_cell

    assert _csv_cell(Literal(-3)) == "-3" and _csv_cell(Literal("-3")) == "'-3"
