"""`kgbp systems|departments|channels`: every entry with aliases, parents and uses; one resolver."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from kgbp.cli import app as cli
from kgbp.diagram import resolve_system
from kgbp.query import catalogue as query
from kgbp.registry import operations
from kgbp.store.embedded import EmbeddedStore

SYSTEMS = {"boss", "home-boss", "mbbms-platform", "partner-service-system", "second-line-cs-system", "home-cs-system",
           "ticketing-system", "knowledge-base", "capacity-reservations", "customer-records", "orders-checkout",
           "inventory-purchasing"}  # every system the examples declare


def test_systems_json_lists_every_system_with_aliases_and_parents(store_folder: Path) -> None:
    store = EmbeddedStore(store_folder)
    operations.alias(store, "system", "boss", "业务运营支撑系统")
    store.close()
    done = CliRunner().invoke(cli, ["systems", "--format", "json", "--store", str(store_folder)])
    assert done.exit_code == 0, done.output
    entries = {e["id"]: e for e in json.loads(done.stdout)}
    assert set(entries) == SYSTEMS
    assert entries["boss"]["aliases"] == ["业务运营支撑系统"] and entries["boss"]["parts"] == ["home-boss"]
    assert entries["home-boss"]["parent"] == "boss" and entries["home-boss"]["labels"] == {
        "en": "Home-location BOSS", "zh": "归属地BOSS"}
    assert entries["boss"]["status"] == "active" and entries["boss"]["blueprints"] == 2
    assert all(set(e) == {"kind", "id", "iri", "labels", "aliases", "parent", "parts", "status", "blueprints", "steps"}
               for e in entries.values())


def test_search_csv_and_plain_tsv_when_piped(store_folder: Path) -> None:
    runner = CliRunner()
    found = runner.invoke(cli, ["departments", "客户", "--format", "csv", "--store", str(store_folder)])
    assert found.exit_code == 0, found.output
    assert list(csv.reader(io.StringIO(found.stdout))) == [
        ["id", "label_en", "label_zh", "aliases", "parent", "parts", "status", "blueprints", "steps"],
        ["customer-service-centre", "Customer service centre", "客户服务中心", "", "", "", "active", "3", "14"]]
    piped = runner.invoke(cli, ["channels", "voice", "--store", str(store_folder)])  # CliRunner's stdout is no terminal
    assert piped.stdout.splitlines()[1].split("\t")[:7] == ["ivr", "IVR", "自动语音应答", "IVR; interactive voice response",
                                                            "phone", "", "active"]
    bad = runner.invoke(cli, ["systems", "--format", "xml", "--store", str(store_folder)])
    assert bad.exit_code == 2 and "use one of: table, json, csv" in bad.stderr


def test_fail_points_by_system_by_alias_gives_the_rows_by_id(store: EmbeddedStore) -> None:
    operations.alias(store, "system", "mbbms-platform", "mobile TV platform")
    by_id = query.run(store, "fail_points_by_system", {"system": "mbbms-platform"}).rows.rows
    by_alias = query.run(store, "fail_points_by_system", {"system": "mobile TV platform"}).rows.rows
    assert by_alias == by_id and len(by_id) > 0
    # the diagrams, the queries and the registry commands resolve the same way
    assert resolve_system(store, "mobile tv platform") == query.resolve_entity(store, "system", "mobile TV platform")
