"""The quality manager's tour in a real headless Chromium (Debian's), driven by Playwright:
upload the evidence, see the heat on the blueprint, record an action."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from kgbp.store.embedded import EmbeddedStore

from ..conftest import copy_served
from ..quality.conftest import EVIDENCE

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def served(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server on a copy of the examples, without evidence."""
    with copy_served(examples_store, tmp_path_factory, "quality-browser", "quality-manager") as served:
        yield served


@pytest.fixture(scope="module")
def page(served: tuple[str, str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: run `make system-deps` (Debian packages chromium, chromium-driver)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


def test_upload_see_the_heat_and_record_an_action(page: Any, served: tuple[str, str]) -> None:
    base, token = served
    page.goto(base + "/quality")
    assert "No evidence stored yet" in page.locator("main, body").first.inner_text()

    page.set_input_files("#evidence-form input[type=file]", [str(p) for p in sorted(EVIDENCE.glob("*.csv"))])
    page.fill("#evidence-form input[name=token]", token)
    page.click("#evidence-form button[type=submit]")
    page.wait_for_selector("#quality-ok")
    assert page.locator("h1").inner_text().endswith("2026-06")  # the latest month with evidence

    # the heat: June's hottest step (65 confirmation-SMS complaints) in the hottest colour, with a legend
    hot = page.locator('figure.heat[data-blueprint="mobile-tv-subscription/as-is"] g.step[data-id="send-confirmation-sms"] rect.step-box')
    assert hot.get_attribute("fill") == "#d7301f"
    legend = page.locator('figure.heat[data-blueprint="mobile-tv-subscription/as-is"] .legend').text_content()
    # 65 at the top: four classes of ceil(65 / 4) = 17
    assert "Complaints 2026-06" in legend and "Complaints 52–65" in legend

    # record an action: the overdue A2 is done
    row = page.locator('#open-actions tr[data-action="A2"]')
    assert "OVERDUE" in row.inner_text()
    row.locator("select[name=status]").select_option("done")
    row.locator("input[name=done]").fill("2026-06-29")
    row.locator("input[name=token]").fill(token)
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#action-ok")
    assert page.locator('#open-actions tr[data-action="A2"]').count() == 0
    assert page.errors == []  # type: ignore[attr-defined]
