"""The registry over HTTP, on a real server with its own copy of the examples: pages per
entity and list, the JSON API, and merge/alias behind the write token."""

from __future__ import annotations

import html
from collections.abc import Iterator

import httpx
import pytest

from kgbp.store.embedded import EmbeddedStore

from ..conftest import copy_served

ERROR_KEYS = {"error", "message", "where", "hint", "problems"}


@pytest.fixture(scope="module")
def served(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with copy_served(examples_store, tmp_path_factory, "registry-web", "registrar") as served:
        yield served


def test_list_pages_search_in_either_language(served: tuple[str, str]) -> None:
    base, _ = served
    page = httpx.get(base + "/registry/systems", params={"q": "归属地"})
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "home-boss" in text and "home-cs-system" in text and ">boss</a>" not in text
    zh = html.unescape(httpx.get(base + "/registry/departments", params={"lang": "zh"}).text)
    assert "登记簿" in zh and "客户服务中心" in zh and "使用中" in zh
    channels = html.unescape(httpx.get(base + "/registry/channels").text)
    assert "/registry/channels/hotline" in channels and "interactive voice response" in channels


def test_entity_page_lists_every_step_that_names_it(served: tuple[str, str]) -> None:
    base, _ = served
    page = httpx.get(base + "/id/system/boss", headers={"Accept": "text/html"})
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Steps that name it" in text and "home-boss" in text  # its part
    assert '/blueprints/arrears-reconnect/as-is#step-execute-credit-rules' in text
    department = html.unescape(httpx.get(base + "/id/department/marketing", params={"lang": "zh"},
                                          headers={"Accept": "text/html"}).text)
    assert "提到它的步骤" in department and "沿支撑链负责的全部内容" in department and "make-credit-rules" in department
    channel = html.unescape(httpx.get(base + "/registry/channels/热线").text)
    assert "complaint-hotline" in channel and "phone" in channel


def test_api_lists_finds_by_alias_and_answers_csv(served: tuple[str, str]) -> None:
    base, _ = served
    systems = httpx.get(base + "/api/registry/systems").json()
    assert {"boss", "home-boss", "knowledge-base"} <= {s["id"] for s in systems}
    boss = httpx.get(base + "/api/registry/systems/BOSS").json()
    # the mobile-TV blueprints name its part home-boss, not boss itself
    assert boss["parts"] == ["home-boss"] and {m["blueprint_id"] for m in boss["mentions"]} == {
        "arrears-reconnect/as-is", "customer-lifecycle/as-is"}
    assert any(m["fail_point"] for m in boss["mentions"])
    csv = httpx.get(base + "/api/registry/departments", params={"format": "csv", "q": "market"})
    assert csv.text.splitlines()[1].startswith("marketing,Marketing department,市场部")
    missing = httpx.get(base + "/api/registry/systems/SAP")
    assert missing.status_code == 404 and set(missing.json()) >= ERROR_KEYS


def test_merge_and_alias_need_a_token_and_refuse_bad_input(served: tuple[str, str]) -> None:
    base, token = served
    auth = {"Authorization": f"Bearer {token}"}
    denied = httpx.post(base + "/api/registry/systems/alias", json={"entity": "boss", "name": "IVR platform"})
    assert denied.status_code == 401
    itself = httpx.post(base + "/api/registry/systems/merge", json={"source": "知识库", "target": "knowledge-base"},
                        headers=auth)
    assert itself.status_code == 400 and "into itself" in itself.json()["message"]
    taken = httpx.post(base + "/api/registry/systems/rename", json={"entity": "ticketing-system", "id": "boss"},
                       headers=auth)
    assert taken.status_code == 400 and "taken by boss (BOSS)" in taken.json()["message"]
    added = httpx.post(base + "/api/registry/systems/alias", json={"entity": "mbbms-platform", "name": "手机电视平台"},
                       headers={**auth, "Accept-Language": "zh"})
    assert added.status_code == 200 and added.json()["message"].startswith("已添加")
    by_alias = httpx.get(base + "/api/queries/fail_points_by_system", params={"system": "手机电视平台"}).json()
    by_id = httpx.get(base + "/api/queries/fail_points_by_system", params={"system": "mbbms-platform"}).json()
    assert by_alias == by_id


def test_upload_reports_each_linked_name(served: tuple[str, str]) -> None:
    base, token = served
    data = """service: {id: kb-desk, label: {en: KB desk, zh: 知识台}}
departments:
  - {id: customer-service-centre}
systems:
  - {id: knowledge-sharing-system, label: Knowledge base}
steps:
  customer:
    - {id: ask, label: {en: Ask, zh: 提问}}
  frontstage:
    - {id: answer, label: {en: Answer, zh: 答复}, department: customer-service-centre, supports: ask,
       systems: [knowledge-sharing-system]}
""".encode()
    done = httpx.post(base + "/api/blueprints", files={"file": ("kb-desk.yaml", data)},
                      headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh"})
    assert done.status_code == 201, done.text
    [link] = done.json()["links"]
    assert link["code"] == "linked" and link["where"].startswith("kb-desk.yaml:5")
    assert link["message"].startswith("已将“Knowledge base”关联到 knowledge-base")
