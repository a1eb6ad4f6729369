"""A reader of Chinese gets every error in Chinese: uploads of broken files, registry conflicts
and spreadsheet errors, through the real server on a loopback port and the real CLI.
The place (file:line:col, sheet!cell, IRI) stays as written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from kgbp.cli import app as cli
from kgbp.errors import KgbpError
from kgbp.ingest import read_many
from kgbp.store.embedded import EmbeddedStore

from ..conftest import DATA, copy_served
from ..spreadsheet.test_spreadsheet import GOOD_STEPS, filled

BAD = DATA / "bad"
HAN = re.compile(r"[\u3400-\u9fff]")
MISSING_ID = b"service: {id: x, label: X}\nsteps:\n  customer:\n    - {label: Ask}\n"


def chinese(text: str) -> bool:
    return bool(HAN.search(text))


def all_chinese(body: dict[str, Any]) -> None:
    """The error and each of its problems say what and what to do in Chinese."""
    assert chinese(body["message"]), body
    for problem in body["problems"]:
        assert chinese(problem["message"]), problem
        assert not problem["hint"] or chinese(problem["hint"]), problem


@pytest.fixture(scope="module")
def served(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with copy_served(examples_store, tmp_path_factory, "zh-errors") as served:
        yield served


def upload(served: tuple[str, str], name: str, data: bytes, lang: str) -> httpx.Response:
    base, token = served
    return httpx.post(f"{base}/api/blueprints", params={"lang": lang}, files={"file": (name, data)},
                      headers={"Authorization": f"Bearer {token}"}, timeout=60)


@pytest.mark.parametrize(("name", "data", "where"), [
    ("duplicate-id.yaml", (BAD / "duplicate-id.yaml").read_bytes(), "duplicate-id.yaml:8:7"),
    ("unknown-department.yaml", (BAD / "unknown-department.yaml").read_bytes(), "unknown-department.yaml:8:47"),
    ("missing-id.yaml", MISSING_ID, "missing-id.yaml:4:"),  # a JSON Schema error
    ("bad-turtle.ttl", (BAD / "bad-turtle.ttl").read_bytes(), "bad-turtle.ttl:4"),
])
def test_a_broken_upload_is_refused_in_chinese(served: tuple[str, str], name: str, data: bytes, where: str) -> None:
    zh = upload(served, name, data, "zh")
    assert zh.status_code == 400, zh.text
    all_chinese(zh.json())
    assert any(where in p["where"] for p in zh.json()["problems"])
    en = upload(served, name, data, "en")
    assert not chinese(en.json()["message"]) and en.json()["where"] == zh.json()["where"]


def test_a_spreadsheet_error_is_in_chinese_on_the_server(served: tuple[str, str]) -> None:
    bad_lane = filled(*GOOD_STEPS, edit=lambda wb: wb["Steps"].cell(3, 1, "front"))
    body = upload(served, "plan.xlsx", bad_lane, "zh").json()
    all_chinese(body)
    assert [p["where"] for p in body["problems"]] == ["plan.xlsx!Steps!A3"]
    assert "未知的泳道" in body["problems"][0]["message"] and "front" in body["problems"][0]["message"]


def test_a_registry_conflict_is_in_chinese(served: tuple[str, str]) -> None:
    base, token = served
    answer = httpx.post(f"{base}/api/registry/systems/rename", params={"lang": "zh"},
                        json={"entity": "home-boss", "id": "boss"}, headers={"Authorization": f"Bearer {token}"},
                        timeout=60)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    all_chinese(body)
    assert body["where"] == "boss" and "kgbp merge system home-boss boss" in body["hint"]


# -- the CLI ------------------------------------------------------------------------------------

@pytest.fixture()
def folder(examples_store: EmbeddedStore, tmp_path: Path) -> str:
    path = tmp_path / "store"
    examples_store.backup(str(path))
    return str(path)


def test_cli_spreadsheet_and_registry_errors_in_chinese(folder: str, tmp_path: Path) -> None:
    runner = CliRunner()
    sheet = tmp_path / "plan.xlsx"
    sheet.write_bytes(filled(*GOOD_STEPS, edit=lambda wb: wb["Steps"].cell(3, 6, "X")))
    done = runner.invoke(cli, ["load", str(sheet), "--store", folder, "--lang", "zh"])
    assert done.exit_code == 2 and f"{sheet}!Steps!F3" in done.stderr
    assert "未知的标记" in done.stderr and "请填写 F、W、FW，或留空" in done.stderr, done.stderr
    conflict = runner.invoke(cli, ["rename", "system", "home-boss", "--id", "boss", "--store", folder, "--lang", "zh"])
    assert conflict.exit_code == 2 and "编号 “boss” 已被" in conflict.stderr, conflict.stderr
    itself = runner.invoke(cli, ["merge", "system", "boss", "BOSS", "--store", folder, "--lang", "zh"])
    assert itself.exit_code == 2 and "合并到它自己" in itself.stderr, itself.stderr


# -- every bad file of the test data -----------------------------------------------------------

@pytest.mark.parametrize("path", sorted(BAD.iterdir()), ids=lambda p: p.name)
def test_every_bad_file_reads_as_chinese(path: Path) -> None:
    _, problems = read_many([path])
    assert problems, f"{path.name} was read without an error"
    for error in problems:
        assert isinstance(error, KgbpError)
        all_chinese(error.localised("zh"))


def test_a_sparql_syntax_error_is_in_chinese_with_its_line_and_column(served: tuple[str, str]) -> None:
    base, _ = served
    query = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) .\n  ?s ?p\n}"
    zh = httpx.get(f"{base}/sparql", params={"query": query, "lang": "zh"}, timeout=60)
    en = httpx.get(f"{base}/sparql", params={"query": query, "lang": "en"}, timeout=60)
    assert zh.status_code == en.status_code == 400, zh.text
    assert zh.json()["where"] == en.json()["where"] and re.fullmatch(r"line \d+, column \d+", zh.json()["where"])
    assert chinese(zh.json()["message"]) and chinese(zh.json()["hint"]), zh.json()
    assert "SPARQL 查询格式有误" in zh.json()["message"] and not chinese(en.json()["message"])
