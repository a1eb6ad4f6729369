"""The pages a non-technical reader uses, against a real server: Chinese messages, readable diff and
history, restore with a confirmation, API documentation without a CDN."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import DATA, examples_served

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server of its own (the restore test writes), with the examples; (base URL, write token)."""
    with examples_served(tmp_path_factory, "readable") as found:
        yield found


def zh(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, cookies={"lang": "zh"}, timeout=60)


def test_upload_rejection_speaks_chinese_and_says_what_to_do_on_the_page(served: tuple[str, str]) -> None:
    base, token = served
    data = (DATA / "shapes" / "FailPointDepartment.fail.yaml").read_bytes()
    with zh(base) as client:
        page = client.post("/upload", files={"file": ("fp.yaml", data)}, data={"token": token})
    assert page.status_code == 422
    text = html.unescape(page.text)
    assert "处违反规则：未保存任何内容" in text and "保存为草稿" in text
    assert "--draft" not in text and "Violation" not in text and "违规" in text


def test_token_and_yaml_errors_speak_chinese(served: tuple[str, str]) -> None:
    base, token = served
    with zh(base) as client:
        no_token = client.post("/upload", files={"file": ("x.yaml", b"a: 1\n")}, data={"token": "wrong"})
        bad_yaml = client.post("/upload", files={"file": ("y.yaml", (DATA / "bad" / "yaml-syntax.yaml").read_bytes())},
                               data={"token": token})
        api = client.post("/api/blueprints", files={"file": ("x.yaml", b"a: 1\n")})
    assert no_token.status_code == 401 and "写入需要有效的令牌" in html.unescape(no_token.text)
    assert bad_yaml.status_code == 400 and "YAML 语法错误" in html.unescape(bad_yaml.text)
    assert api.status_code == 401 and api.json()["message"] == "写入需要有效的令牌（bearer token）"
    # the same error in English for an English reader
    assert httpx.post(base + "/api/blueprints", files={"file": ("x.yaml", b"a: 1\n")}).json()["message"] == \
        "a valid bearer token is required to write"


def test_diff_page_shows_labelled_changes_not_raw_data(served: tuple[str, str]) -> None:
    base, _ = served
    with zh(base) as client:
        page = client.get("/diff", params={"from": "mobile-tv-subscription/as-is", "to": "mobile-tv-subscription/to-be"})
    assert page.status_code == 200
    text = html.unescape(page.text)
    body = text[text.index("<h2>"):]
    assert "\\u" not in body and "{'" not in body and "{&#34;" not in page.text and "['" not in body
    departments = body[body.index('id="diff-departments"'):body.index('id="diff-systems"')]
    assert re.search(r"[\u4e00-\u9fff]", departments), "department labels and trends in Chinese"
    steps = body[body.index('id="diff-steps"'):body.index('id="diff-departments"')]
    assert "新增" in steps or "修改" in steps
    assert "→ </div>" not in steps.replace("\n", "")  # a change always says what it became


def test_history_is_readable_and_a_state_is_drawn_and_restored_with_confirmation(served: tuple[str, str]) -> None:
    base, token = served
    auth = {"Authorization": f"Bearer {token}"}
    first = httpx.get(base + "/api/history", params={"blueprint": "arrears-reconnect/as-is"}).json()[0]
    original = httpx.get(base + "/api/blueprints/arrears-reconnect/as-is").json()["title"]
    edited = (ROOT / "examples" / "arrears-reconnect.yaml").read_text("utf-8").replace(
        "Suspended for arrears, pay, reconnect", "Edited title")
    assert httpx.post(base + "/api/blueprints", files={"file": ("a.yaml", edited.encode())}, headers=auth).status_code == 201
    with zh(base) as client:
        listing = client.get("/history", params={"blueprint": "arrears-reconnect/as-is"}).text
        assert "<th>+</th>" not in listing and f'href="/history/{first["id"]}"' in listing
        state = client.get(f"/history/{first['id']}")
        assert state.status_code == 200 and "<svg" in state.text and '"steps": [' not in state.text
        assert f'href="/history/{first["id"]}/restore"' in state.text
        confirm = client.get(f"/history/{first['id']}/restore").text
        assert 'id="restore-form"' in confirm and "恢复" in confirm
        refused = client.post(f"/history/{first['id']}/restore", data={"token": "wrong"})
        assert refused.status_code == 401 and "写入需要有效的令牌" in html.unescape(refused.text)
        assert httpx.get(base + "/api/blueprints/arrears-reconnect/as-is").json()["title"] == "Edited title"
        done = client.post(f"/history/{first['id']}/restore", data={"token": token})
    assert done.status_code == 201 and 'id="restore-ok"' in done.text
    assert httpx.get(base + "/api/blueprints/arrears-reconnect/as-is").json()["title"] == original
    actions = [a["action"] for a in httpx.get(base + "/api/history", params={"blueprint": "arrears-reconnect/as-is"}).json()]
    assert actions[-1] == "restore"


def test_steps_table_names_what_a_step_supports(served: tuple[str, str]) -> None:
    base, _ = served
    api = httpx.get(base + "/api/blueprints/restaurant-checkout/as-is").json()
    page = html.unescape(httpx.get(base + "/blueprints/restaurant-checkout/as-is").text)
    labels = {s["id"]: s["label"] for s in api["steps"]}
    step = next(s for s in api["steps"] if s.get("supports"))
    row = page[page.index(f'id="step-{step["id"]}"'):]
    row = row[:row.index("</tr>")]
    for target in step["supports"]:
        assert f'<a href="#step-{target}">{labels[target]}</a>' in row


def test_api_documentation_is_served_from_vendored_assets(served: tuple[str, str]) -> None:
    base, _ = served
    for path in ("/docs", "/redoc"):
        page = httpx.get(base + path).text
        scripts = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert scripts and all(not s.startswith(("http:", "https:", "//")) for s in scripts), scripts
        for asset in (s for s in scripts if s.startswith("/static/")):
            assert httpx.get(base + asset).status_code == 200, asset
