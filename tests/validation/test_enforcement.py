"""Every write path rejects a non-conformant blueprint with the report and changes nothing:
a blueprint with a dead backstage step and a fail point without a department, loaded
through the CLI and through HTTP (a real server), in English and in Chinese."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kgbp.auth import create_token
from kgbp.cli import app
from kgbp.config import Settings
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore

from ..conftest import DATA, load_files
from ..live_server import running_server

REJECTED = DATA / "shapes" / "two-violations.yaml"
BP = "https://w3id.org/kgbp/id/service/shape-test/as-is"
EXPECTED = {
    "en": {
        (f"{BP}/step/audit", "BackstageReachesFrontstage", "Violation", "Audit the calls",
         "Backstage work reaches the frontstage",
         "This backstage step supports no frontstage step, directly or through other backstage steps: it is dead work."),
        (f"{BP}/step/look-up", "FailPointDepartment", "Violation", "Look up the account",
         "Fail points have a responsible department", "This fail point names no responsible department."),
    },
    "zh": {
        (f"{BP}/step/audit", "BackstageReachesFrontstage", "Violation", "通话审计",
         "后台工作须支撑到前台", "该后台步骤没有直接或经由其他后台步骤支撑任何前台步骤：属于无效工作。"),
        (f"{BP}/step/look-up", "FailPointDepartment", "Violation", "查询账户",
         "失败点须有第一责任部门", "该失败点没有指明第一责任部门。"),
    },
}


def dump(folder: Path) -> set[str]:
    store = EmbeddedStore(folder)
    try:
        return set(store.dump().decode("utf-8").splitlines())
    finally:
        store.close()


@pytest.fixture()
def store_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, examples())
    store.close()
    return folder


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_load_rejects_with_exactly_two_results(store_folder: Path, lang: str) -> None:
    before = dump(store_folder)
    result = CliRunner().invoke(app, ["load", str(REJECTED), "--store", str(store_folder), "--lang", lang])
    assert result.exit_code == 1, result.output
    # the report, as the terminal shows it: both findings, in the chosen language, nothing else
    text = result.output
    for focus, rule, _, label, title, message in EXPECTED[lang]:
        assert focus in text and rule in text and label in text and title in text and message in text
    assert text.count("<https://") == 2
    assert dump(store_folder) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_validate_reports_the_same_two_results(store_folder: Path, lang: str) -> None:
    import json

    result = CliRunner().invoke(app, ["validate", str(REJECTED), "--store", str(store_folder), "--lang", lang, "-f", "json"])
    assert result.exit_code == 1, result.output
    body = json.loads(result.stdout)
    found = {(r["focus"], r["rule"], r["severity"], r["focus_label"], r["rule_title"], r["message"]) for r in body["results"]}
    assert found == EXPECTED[lang]
    assert (body["conforms"], body["lang"], body["violations"], body["warnings"]) == (False, lang, 2, 0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_http_upload_rejects_with_exactly_two_results(store_folder: Path, lang: str) -> None:
    settings = Settings(store=str(store_folder))
    token = create_token(settings, "test")
    before = dump(store_folder)
    with running_server(settings) as base:
        response = httpx.post(f"{base}/api/blueprints", files={"file": (REJECTED.name, REJECTED.read_bytes())},
                              headers={"Authorization": f"Bearer {token}", "Accept-Language": f"{lang},en;q=0.5"
                                       if lang == "zh" else "en"}, timeout=60)
        listed = httpx.get(f"{base}/api/blueprints", timeout=30).json()
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "not-conformant"
    assert body["where"] == f"{BP}/step/audit"
    report = body["report"]
    found = {(r["focus"], r["rule"], r["severity"], r["focus_label"], r["rule_title"], r["message"]) for r in report["results"]}
    assert found == EXPECTED[lang]
    assert (report["conforms"], report["lang"], report["violations"], report["warnings"]) == (False, lang, 2, 0)
    assert all(r["hint"] for r in report["results"])
    assert "shape-test/as-is" not in {b["id"] for b in listed}
    after = dump(store_folder)
    assert after == before, (after - before, before - after)


def test_the_same_file_stored_as_a_draft_keeps_its_violations(store_folder: Path) -> None:
    result = CliRunner().invoke(app, ["load", str(REJECTED), "--store", str(store_folder), "--draft"])
    assert result.exit_code == 0, result.output
    assert "stored shape-test/as-is (draft)" in result.stdout
    listed = CliRunner().invoke(app, ["validate", "--store", str(store_folder), "-f", "json", "--workers", "1"])
    assert listed.exit_code == 0, listed.output  # drafts are kept out of conformance
    import json

    body = json.loads(listed.stdout)
    assert body["conforms"] is True
    assert {(b["id"], b["draft"], b["conforms"]) for b in body["blueprints"] if b["draft"]} == {("shape-test/as-is", True, False)}
    assert {(r["rule"], r["draft"]) for r in body["results"]} == {("BackstageReachesFrontstage", True),
                                                                   ("FailPointDepartment", True)}
