"""The web UI and JSON API over HTTP against a real server (uvicorn on loopback)."""

from __future__ import annotations

import html

import httpx
import pytest
from rdflib import Graph, URIRef

from kgbp.model.namespaces import SB

from ..conftest import DATA

EXPECTED = {"arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
            "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"}
ERROR_KEYS = {"error", "message", "where", "hint", "problems"}


@pytest.fixture(scope="module")
def server(examples_server: tuple[str, str]) -> str:
    return examples_server[0]


def test_home_lists_every_example(server: str) -> None:
    page = httpx.get(server + "/").text
    for bid in EXPECTED:
        assert f'href="/blueprints/{bid}"' in page


def test_home_search_finds_by_either_language(server: str) -> None:
    assert "mobile-tv-subscription/as-is" in httpx.get(server + "/", params={"q": "手机电视"}).text
    zh_page = httpx.get(server + "/", params={"q": "restaurant", "lang": "zh"}).text
    assert "restaurant-checkout/as-is" in zh_page and "mobile-tv" not in zh_page


def test_blueprint_page_has_inline_diagram_steps_and_report(server: str) -> None:
    api = httpx.get(server + "/api/blueprints/mobile-tv-subscription/as-is").json()
    page = html.unescape(httpx.get(server + "/blueprints/mobile-tv-subscription/as-is").text)
    svg = page[page.index("<svg"):page.index("</svg>")]
    for step in api["steps"]:
        assert step["label"].split()[0] in svg
        assert f'id="step-{step["id"]}"' in page
    assert 'id="validation"' in page


def test_language_switch_changes_lane_names_and_persists(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        en = client.get("/blueprints/restaurant-checkout/as-is").text
        assert "Frontstage" in en
        zh = client.get("/blueprints/restaurant-checkout/as-is", params={"lang": "zh"}).text
        assert "前台服务" in zh and "后台支撑" in zh
        again = client.get("/blueprints/restaurant-checkout/as-is").text  # cookie keeps zh
        assert "前台服务" in again
    assert "前台服务" in httpx.get(server + "/blueprints/restaurant-checkout/as-is",
                                   headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).text


def test_entity_iris_dereference_by_content_negotiation(server: str) -> None:
    ttl = httpx.get(server + "/id/system/boss", headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=ttl.text, format="turtle")
    assert (URIRef("https://w3id.org/kgbp/id/system/boss"), None, SB.System) in g
    step = httpx.get(server + "/id/service/arrears-reconnect/as-is/step/make-credit-rules",
                     headers={"Accept": "text/html"})
    assert step.status_code == 303
    assert step.headers["location"].endswith("/blueprints/arrears-reconnect/as-is#step-make-credit-rules")
    jsonld = httpx.get(server + "/id/service/arrears-reconnect/as-is/step/make-credit-rules",
                       headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and "failureMode" in jsonld.text
    missing = httpx.get(server + "/id/system/no-such-system", headers={"Accept": "text/turtle"})
    assert missing.status_code == 404 and set(missing.json()) >= ERROR_KEYS


def test_upload_needs_a_token_and_changes_nothing_without_it(server: str) -> None:
    before = httpx.get(server + "/api/blueprints").json()
    files = {"file": ("dead.yaml", (DATA / "bad" / "unknown-support.yaml").read_bytes())}
    api = httpx.post(server + "/api/blueprints", files=files)
    assert api.status_code == 401 and set(api.json()) >= ERROR_KEYS
    page = httpx.post(server + "/upload", files=files, data={"token": "wrong"})
    assert page.status_code == 401 and "upload-error" in page.text
    assert httpx.get(server + "/api/blueprints").json() == before


def test_upload_page_reports_bad_input_with_its_place(examples_server: tuple[str, str]) -> None:
    server, token = examples_server
    files = {"file": ("../../etc/cycle.yaml", (DATA / "bad" / "cycle.yaml").read_bytes())}
    page = httpx.post(server + "/upload", files=files, data={"token": token})
    assert page.status_code == 400
    text = html.unescape(page.text)
    assert "cycle.yaml:10:" in text and "supports form a cycle" in text
    assert "etc/" not in text  # the path in the file name is never used


def test_api_upload_stores_a_good_file_and_delete_removes_it(examples_server: tuple[str, str]) -> None:
    server, token = examples_server
    body = ("service: {id: web-upload, label: {en: Web upload, zh: 网页上传}}\n"
            "departments: [{id: customer-service-centre}]\n"
            "steps:\n  customer:\n    - {id: ask, label: {en: Ask, zh: 询问}}\n"
            "  frontstage:\n    - {id: answer, label: {en: Answer, zh: 回答}, department: customer-service-centre,"
            " supports: [ask]}\n")
    auth = {"Authorization": f"Bearer {token}"}
    stored = httpx.post(server + "/api/blueprints", files={"file": ("w.yaml", body.encode())}, headers=auth)
    assert stored.status_code == 201, stored.text
    assert stored.json()["stored"][0]["id"] == "web-upload/as-is"
    assert httpx.delete(server + "/api/blueprints/web-upload/as-is").status_code == 401
    assert httpx.delete(server + "/api/blueprints/web-upload/as-is", headers=auth).status_code == 200
    assert httpx.get(server + "/api/blueprints/web-upload/as-is").status_code == 404


def test_errors_have_one_json_shape(server: str) -> None:
    for response in (httpx.get(server + "/api/blueprints/nope/as-is"),
                     httpx.get(server + "/api/blueprints/arrears-reconnect/as-is/export", params={"format": "xyz"}),
                     httpx.get(server + "/api/nothing-here")):
        assert response.status_code in (400, 404)
        assert set(response.json()) == ERROR_KEYS, response.text
        assert "Traceback" not in response.text


def test_security_headers(server: str) -> None:
    response = httpx.get(server + "/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_diff_page_marks_added_changed_and_removed_steps(server: str) -> None:
    page = httpx.get(server + "/blueprints/mobile-tv-subscription/to-be").text
    assert 'id="compare-link"' in page
    diff = httpx.get(server + "/diff", params={"from": "mobile-tv-subscription/as-is",
                                               "to": "mobile-tv-subscription/to-be"})
    assert diff.status_code == 200
    api = httpx.get(server + "/api/diff", params={"from": "mobile-tv-subscription/as-is",
                                                   "to": "mobile-tv-subscription/to-be"}).json()
    svg = diff.text[diff.text.index("<svg"):diff.text.index("</svg>")]
    for status in ("added", "changed", "removed"):
        assert svg.count(f'data-status="{status}"') == api["summary"][status] + sum(
            1 for e in api["evidence"] if e["status"] == status)


def test_history_page_lists_the_loads(server: str) -> None:
    page = httpx.get(server + "/history", params={"blueprint": "arrears-reconnect/as-is"}).text
    assert page.count("<tr>") >= 2 and "save" in page
