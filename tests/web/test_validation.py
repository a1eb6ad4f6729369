"""Validation on the web (a real server): repository-wide page and JSON with counts per rule
and per department, one blueprint's page and JSON, Turtle, languages."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from kgbp.config import Settings
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import rules

from ..conftest import DATA, load_files
from ..live_server import running_server

SHAPES = DATA / "shapes"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("validation-web") / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, [*examples(), SHAPES / "FailPointConsequence.fail.yaml"])
    draft = tmp_path_factory.mktemp("draft") / "draft.yaml"
    draft.write_text((SHAPES / "two-violations.yaml").read_text("utf-8").replace("shape-test", "shape-draft"), "utf-8")
    load_files(store, [draft], draft=True)
    store.close()
    with running_server(Settings(store=str(folder))) as base:
        yield base


def test_repository_json_counts_per_rule_and_department(server: str) -> None:
    body = httpx.get(f"{server}/api/validation", params={"lang": "en"}, timeout=60).json()
    assert body["conforms"] is True  # the draft's violations do not count
    assert (body["violations"], body["warnings"]) == (2, 1)
    verdicts = {b["id"]: (b["draft"], b["conforms"], b["violations"], b["warnings"]) for b in body["blueprints"]}
    assert len(verdicts) == 7
    assert verdicts["shape-draft/as-is"] == (True, False, 2, 0)
    assert verdicts["shape-test/as-is"] == (False, True, 0, 1)
    by_rule = {r["rule"]: (r["findings"], r["blueprints"]) for r in body["by_rule"]}
    assert set(by_rule) == {r.id for r in rules()}
    assert by_rule["FailPointConsequence"] == (1, 1)
    assert by_rule["BackstageReachesFrontstage"] == (0, 0)  # only in the draft
    assert body["by_rule"][0]["rule"] == "FailPointConsequence"
    assert body["by_department"] == [{"department": "https://w3id.org/kgbp/id/department/front-office",
                                      "label": "Front office", "violations": 0, "warnings": 1}]


def test_repository_page_in_both_languages(server: str) -> None:
    en = httpx.get(f"{server}/validation", params={"lang": "en"}, timeout=60)
    assert en.status_code == 200
    assert 'id="by-rule"' in en.text and 'id="by-department"' in en.text
    assert "Fail points state the consequence for the customer" in en.text
    assert "Front office" in en.text and "shape-draft/as-is" in en.text
    assert "Drafts are listed with their violations" in en.text
    zh = httpx.get(f"{server}/validation", headers={"Accept-Language": "zh-CN,zh;q=0.9"}, timeout=60)
    assert "按规则统计" in zh.text and "失败点宜说明对客户的影响" in zh.text and "前台部" in zh.text


def test_one_blueprint_page_and_json(server: str) -> None:
    page = httpx.get(f"{server}/blueprints/shape-draft/as-is/validation", params={"lang": "zh"}, timeout=60)
    assert page.status_code == 200
    assert "后台工作须支撑到前台" in page.text and "通话审计" in page.text and "草稿" in page.text
    body = httpx.get(f"{server}/api/blueprints/shape-draft/as-is/validation", params={"lang": "en"}, timeout=60).json()
    assert [(r["rule"], r["focus"].rsplit("/", 1)[1], r["draft"]) for r in body["results"]] == [
        ("BackstageReachesFrontstage", "audit", True), ("FailPointDepartment", "look-up", True)]
    assert body["conforms"] is True and body["blueprints"][0]["conforms"] is False
    ok = httpx.get(f"{server}/blueprints/restaurant-checkout/as-is/validation", params={"lang": "en"}, timeout=60)
    assert "Conforms to every rule." in ok.text


def test_turtle_and_errors(server: str) -> None:
    ttl = httpx.get(f"{server}/api/blueprints/shape-draft/as-is/validation", params={"format": "ttl"}, timeout=60)
    assert ttl.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=ttl.text, format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 2
    bad = httpx.get(f"{server}/api/validation", params={"format": "xml"}, timeout=60)
    assert (bad.status_code, bad.json()["error"]) == (400, "bad-input")
    missing = httpx.get(f"{server}/api/blueprints/no-such/as-is/validation", timeout=60)
    assert (missing.status_code, missing.json()["error"]) == (404, "not-found")
