"""ArchiMate import back: names changed in Archi rename the stored blueprints, through the one ingest path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import etree
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS
from typer.testing import CliRunner

from kgbp.archimate.archi_csv import export_archi_csv, to_zip
from kgbp.archimate.exchange import export_archimate
from kgbp.archimate.importer import changes_in
from kgbp.archimate.reader import read_archimate, read_archimate_bytes
from kgbp.auth import create_token
from kgbp.cli import app as cli_app
from kgbp.config import Settings
from kgbp.errors import BadInput
from kgbp.ingest.pipeline import ingest
from kgbp.model import iris
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore

from ..conftest import load_files
from ..live_server import running_server

A = "{http://www.opengroup.org/xsd/archimate/3.0/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ARREARS = iris.blueprint_iri("arrears-reconnect", "as-is")
PAY = URIRef(f"{ARREARS}/step/pay")


def _arrears(store: EmbeddedStore) -> None:
    load_files(store, [p for p in examples() if p.name.startswith(("arrears", "customer-lifecycle"))])


def _rename(data: bytes, old: str, new: str, lang: str = "en") -> bytes:
    """What an architect does in Archi: rename one element (in one language)."""
    root = etree.fromstring(data)
    names = [n for n in root.iter(A + "name") if n.text == old and n.get(XML_LANG) == lang]
    assert names, f"no name {old!r} in the file"
    for name in names:
        name.text = new
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _stored(store: EmbeddedStore) -> set[URIRef]:
    return {b.iri for b in repository.list_blueprints(store)}


def test_a_step_renamed_in_archi_is_renamed_in_the_store(empty_store: EmbeddedStore) -> None:
    _arrears(empty_store)
    edited = _rename(export_archimate(empty_store, "arrears-reconnect"), "Pay", "Pay the arrears")
    changes = changes_in(empty_store, read_archimate(edited, "edited.xml"), _stored(empty_store))
    assert [(r.iri, r.lang, r.old, r.new) for r in changes.renames] == [(PAY, "en", "Pay", "Pay the arrears")]
    assert changes.renames[0].where.startswith("edited.xml:")
    assert [bp.iri for bp in changes.blueprints] == [ARREARS]
    done = ingest(empty_store, changes.blueprints, agent="architect")
    assert done.status == "stored" and [s.iri for s in done.saved.saved] == [ARREARS]
    labels = set(empty_store.graph(ARREARS).objects(PAY, RDFS.label))
    assert labels == {Literal("Pay the arrears", lang="en"), Literal("缴费", lang="zh")}


def test_an_unchanged_file_changes_nothing_and_a_title_keeps_its_version_out(empty_store: EmbeddedStore) -> None:
    _arrears(empty_store)
    data = export_archimate(empty_store, "arrears-reconnect")
    assert changes_in(empty_store, read_archimate(data, "kgbp.xml"), _stored(empty_store)).blueprints == []
    title = str(empty_store.graph(ARREARS).value(ARREARS, DCTERMS.title))
    edited = _rename(data, f"{title} [as-is]", "Reconnect after arrears [as-is]")
    [rename] = changes_in(empty_store, read_archimate(edited, "t.xml"), _stored(empty_store)).renames
    assert (rename.iri, rename.new) == (ARREARS, "Reconnect after arrears")


def test_shared_names_and_unstored_versions_are_reported_not_applied(empty_store: EmbeddedStore) -> None:
    _arrears(empty_store)
    data = export_archimate(empty_store, "arrears-reconnect")
    root = etree.fromstring(data)
    system = next(e for e in root.iter(A + "element") if e.get("{http://www.w3.org/2001/XMLSchema-instance}type")
                  == "ApplicationComponent")
    old = system.findtext(A + "name")
    edited = _rename(data, old or "", f"{old} (renamed)", system.find(A + "name").get(XML_LANG) or "en")
    changes = changes_in(empty_store, read_archimate(edited, "s.xml"), _stored(empty_store) - {ARREARS})
    assert changes.blueprints == [] and changes.renames == []
    messages = [n.message for n in changes.notes]
    assert any("shared by every blueprint" in m for m in messages)
    assert any("not stored" in m for m in messages)
    assert any(n.hint.in_lang("zh").startswith("用 `kgbp registry rename`") for n in changes.notes
               if "shared" in n.message)  # type: ignore[attr-defined]


def test_archi_csv_comes_back_too(empty_store: EmbeddedStore) -> None:
    _arrears(empty_store)
    files = export_archi_csv(empty_store, service="arrears-reconnect", lang="en")
    files["elements.csv"] = files["elements.csv"].replace(b'"Pay"', b'"Pay now"')
    changes = changes_in(empty_store, read_archimate_bytes(to_zip(files), "archi.zip"), _stored(empty_store))
    assert [(r.iri, r.lang, r.new) for r in changes.renames] == [(PAY, "en", "Pay now")]
    assert changes.renames[0].where.startswith("archi.zip!elements.csv:")


def test_a_file_of_another_kind_is_refused_with_its_name() -> None:
    with pytest.raises(BadInput) as err:
        read_archimate_bytes(b"x", "model.docx")
    assert err.value.where == "model.docx" and ".xml" in err.value.hint


def test_cli_import_archimate(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    try:
        _arrears(store)
        edited = _rename(export_archimate(store, "arrears-reconnect"), "Pay", "Pay the arrears")
    finally:
        store.close()
    path = tmp_path / "edited.xml"
    path.write_bytes(edited)
    runner = CliRunner()
    result = runner.invoke(cli_app, ["import-archimate", str(path), "--store", str(folder)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert f"renamed {PAY} (en): 'Pay' -> 'Pay the arrears'" in result.stdout
    assert "stored arrears-reconnect/as-is" in result.stdout
    again = runner.invoke(cli_app, ["import-archimate", str(path), "--store", str(folder), "--lang", "zh"])
    assert again.exit_code == 0 and "Archi 中没有改名" in again.stdout
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'>\n<elements>\n")
    bad = runner.invoke(cli_app, ["import-archimate", str(broken), "--store", str(folder), "--lang", "zh"],
                        env={"COLUMNS": "300"})
    assert bad.exit_code == 2 and f"{broken}:3:" in bad.output and "XML 格式不正确" in bad.output


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, str, bytes]]:
    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    try:
        _arrears(store)
        data = export_archimate(store, "arrears-reconnect")
    finally:
        store.close()
    settings = Settings(store=str(folder))
    token = create_token(settings, "architect")
    with running_server(settings) as base:
        yield base, token, data


def test_http_import_archimate(served: tuple[str, str, bytes]) -> None:
    base, token, data = served
    auth = {"Authorization": f"Bearer {token}"}
    edited = _rename(data, "Pay", "Pay the arrears")
    assert httpx.post(f"{base}/api/archimate", files={"file": ("e.xml", edited)}, timeout=60).status_code == 401
    answer = httpx.post(f"{base}/api/archimate", files={"file": ("e.xml", edited)}, headers=auth, timeout=60)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "stored" and [s["id"] for s in body["stored"]] == ["arrears-reconnect/as-is"]
    assert [(r["iri"], r["new"]) for r in body["renamed"]] == [(str(PAY), "Pay the arrears")]
    shown = httpx.get(f"{base}/api/blueprints/arrears-reconnect/as-is", timeout=30).json()
    assert "Pay the arrears" in {s["label"] for s in shown["steps"]}
    same = httpx.post(f"{base}/api/archimate", files={"file": ("e.xml", edited)}, headers=auth, timeout=60)
    assert same.status_code == 200 and same.json()["status"] == "unchanged"
    bad = httpx.post(f"{base}/api/archimate", files={"file": ("bad.xml", b"<model xmlns='x'><a></model>")},
                     headers={**auth, "Accept-Language": "zh"}, timeout=60)
    assert bad.status_code == 400
    assert bad.json()["where"].startswith("bad.xml:1:") and bad.json()["message"].startswith("XML 格式不正确")
