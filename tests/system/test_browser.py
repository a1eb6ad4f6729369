"""The tour a user takes, in a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: run `make system-deps` (Debian packages chromium, chromium-driver)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any, examples_server: tuple[str, str]) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.console_errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))  # type: ignore[attr-defined]
    pg.base = examples_server[0]  # type: ignore[attr-defined]
    yield pg
    context.close()


def test_home_lists_the_examples(page: Any) -> None:
    page.goto(page.base + "/")
    links = page.locator("table.blueprints a").all_inner_texts()
    assert len(links) == 5
    for name in ("Restaurant", "Mobile TV", "Arrears", "Mobile customer lifecycle"):
        assert any(name.lower() in link.lower() for link in links), links
    assert page.console_errors == []


def test_mobile_tv_page_shows_every_step_and_badge(page: Any, examples_server: tuple[str, str]) -> None:
    import httpx

    api = httpx.get(examples_server[0] + "/api/blueprints/mobile-tv-subscription/as-is").json()
    page.goto(page.base + "/blueprints/mobile-tv-subscription/as-is")
    svg_text = page.locator("#diagram svg").text_content()
    flat = "".join(svg_text.split())
    for step in api["steps"]:
        assert "".join(step["label"].split()) in flat, step["label"]
    f_count = sum(1 for s in api["steps"] if "F" in s["markers"])
    w_count = sum(1 for s in api["steps"] if "W" in s["markers"])
    assert page.locator("#diagram svg .badge-F").count() == f_count == 6
    assert page.locator("#diagram svg .badge-W").count() == w_count == 2
    assert page.console_errors == []


def test_switching_to_zh_changes_lane_names(page: Any) -> None:
    page.goto(page.base + "/blueprints/restaurant-checkout/as-is")
    assert "Frontstage" in page.locator("#diagram svg").text_content()
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert "前台服务" in page.locator("#diagram svg").text_content()
    page.goto(page.base + "/")  # the choice persists
    assert "服务蓝图" in page.locator("h1").inner_text()
    assert page.console_errors == []


@pytest.mark.parametrize("path", ["/", "/blueprints/customer-lifecycle/as-is", "/upload", "/sparql-editor",
                                  "/validation", "/questions", "/id/system/boss", "/id/department/marketing"])
def test_no_console_errors(page: Any, path: str) -> None:
    response = page.goto(page.base + path)
    page.wait_for_load_state("networkidle")
    assert response.status == 200
    assert page.console_errors == []


def test_sparql_editor_runs_a_query(page: Any) -> None:
    page.goto(page.base + "/sparql-editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate("window.kgbpYasgui.getTab().setQuery('SELECT (COUNT(*) AS ?n) WHERE { ?s a "
                  "<https://w3id.org/kgbp/ontology#FailPoint> }'); null")
    page.evaluate("() => { window.kgbpYasgui.getTab().query(); }")
    page.wait_for_selector(".yasr table td", timeout=15000)
    assert "17" in page.locator(".yasr").inner_text()
    assert page.console_errors == []


def test_questions_page_answers_fail_points_under_boss(page: Any) -> None:
    page.goto(page.base + "/questions")
    page.click("text=Fail points a system underlies")
    page.select_option("select[name=system]", label="BOSS")
    page.click("#run")
    page.wait_for_selector("#results")
    text = page.locator("#results").inner_text()
    for label in ("Configure and execute the credit rules in the system", "Send the low-balance SMS", "Service activation failed",
                  "Send the order-failure notice", "Data sync between service systems"):
        assert label.lower() in text.lower(), (label, text)
    assert "make the customer-account credit rules" not in text.lower()
    assert page.locator("#csv-link").get_attribute("href").endswith("format=csv")
    assert page.console_errors == []


# -- every page, in both languages: no English in zh, no raw IRI or JSON as text, no serious axe finding --

AXE = Path(__file__).resolve().parents[2] / "kgbp" / "web" / "static" / "vendor" / "axe-core" / "axe.min.js"
RAW = re.compile(r"https?://\S+|\{\s*\"\w+\"\s*:|\\u[0-9a-f]{4}")


@pytest.fixture(scope="module")
def tour(examples_server: tuple[str, str]) -> dict[str, list[str]]:
    from ..web.crawl import crawl

    return {lang: sorted(crawl(examples_server[0], lang)) for lang in ("en", "zh")}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_reads_in_its_language_and_passes_axe(browser: Any, tour: dict[str, list[str]], lang: str) -> None:
    from ..web.test_zh_pages import english_words

    if not AXE.exists():
        pytest.fail("axe-core is not vendored: run `make install` (scripts/vendor-docs.sh)")
    context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US", viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "lang", "value": lang, "url": tour[lang][0]}])
    page = context.new_page()
    problems: list[str] = []
    try:
        for url in tour[lang]:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            if lang == "zh" and (words := english_words(page.content())):
                problems.append(f"{url}: English {sorted(set(words))[:10]}")
            shown = page.evaluate("""() => { const c = document.body.cloneNode(true);
                c.querySelectorAll('code, pre, kbd, script, style, svg title, [translate=no]').forEach(e => e.remove());
                return c.innerText; }""")
            if raw := RAW.findall(shown):
                problems.append(f"{url}: raw data as text {raw[:3]}")
            # served by the app itself: the pages' Content-Security-Policy allows scripts from 'self' only
            page.add_script_tag(url=urljoin(url, "/static/vendor/axe-core/axe.min.js"))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            for v in result["violations"]:
                if v["impact"] in ("serious", "critical"):
                    problems.append(f"{url}: axe {v['id']} ({v['impact']}) on {len(v['nodes'])} node(s): "
                                    f"{v['nodes'][0]['target']}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
