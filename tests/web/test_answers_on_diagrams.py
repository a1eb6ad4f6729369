"""Answers joined to pictures, over HTTP against a real server: an answer row opens its diagram with
the answer marked; boxes link to their step; every system is offered for the impact view; the
home search finds steps, systems and departments; departments keep their colour and stripe."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import lxml.etree
import lxml.html
import pytest

from kgbp.web.routers.pages import paged

from ..conftest import DATA, examples_served


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with examples_served(tmp_path_factory, "answers") as found:
        yield found


def test_each_answer_row_opens_its_diagram_with_the_answer_marked(served: tuple[str, str]) -> None:
    base, _ = served
    page = httpx.get(base + "/questions/fail_points_by_system", params={"system": "boss"}).text
    links = [html.unescape(h) for h in re.findall(r'class="show-on-diagram" href="([^"]+)"', page)]
    rows = re.findall(r"<tr>", page[page.index('id="results"'):])
    assert links and len(links) == len(rows) - 1  # every answer row (not the header) has one
    target = httpx.get(base + links[0])
    step = re.search(r"highlight=([^&#]+)", links[0]).group(1)  # type: ignore[union-attr]
    step_iri = httpx.URL("?highlight=" + step).params["highlight"]
    svg = target.text[target.text.index("<svg"):target.text.index("</svg>") + 6]
    marked = lxml.etree.fromstring(svg.encode()).xpath("//*[local-name()='g'][contains(@class, 'highlighted')]/@data-step")
    assert marked == [step_iri]
    assert re.search(rf'<tr id="step-{re.escape(step_iri.rsplit("/", 1)[-1])}" class="marked">', target.text)


def test_diagram_boxes_link_to_their_step_and_the_region_is_keyboard_reachable(served: tuple[str, str]) -> None:
    base, _ = served
    page = httpx.get(base + "/blueprints/mobile-tv-subscription/as-is").text
    targets = set(re.findall(r'<a href="#step-([^"]+)" class="step-link">', page))
    rows = set(re.findall(r'<tr id="step-([^"]+)"', page))
    assert targets and targets <= rows
    assert re.search(r'id="diagram" tabindex="0"', page) and 'data-zoom="fit"' in page
    assert httpx.get(base + "/static/diagram.js").status_code == 200


def test_impact_view_offers_every_system_parents_included(served: tuple[str, str]) -> None:
    base, _ = served
    page = httpx.get(base + "/blueprints/mobile-tv-subscription/as-is").text
    offered = set(re.findall(r'<option value="(https://w3id.org/kgbp/id/system/[^"]+)"', page))
    assert "https://w3id.org/kgbp/id/system/boss" in offered
    every = {e["iri"] for e in httpx.get(base + "/api/systems").json()} if httpx.get(base + "/api/systems").status_code == 200 \
        else offered
    assert every <= offered
    parent = httpx.get(base + "/blueprints/mobile-tv-subscription/as-is",
                       params={"highlight_system": "https://w3id.org/kgbp/id/system/boss"}).text
    assert parent.count("step highlighted") >= 1


def test_home_search_finds_steps_systems_departments_and_says_no_match(served: tuple[str, str]) -> None:
    base, _ = served
    boss = httpx.get(base + "/", params={"q": "BOSS"}, follow_redirects=False)
    assert boss.status_code == 303 and boss.headers["location"].endswith("/id/system/boss")
    none = httpx.get(base + "/", params={"q": "no-such-thing-xyz"}).text
    assert "No match for “no-such-thing-xyz”" in html.unescape(none) and "No blueprints stored yet" not in none
    zh_none = httpx.get(base + "/", params={"q": "no-such-thing-xyz", "lang": "zh"}).text
    assert "没有与“no-such-thing-xyz”匹配的结果" in html.unescape(zh_none)
    api = httpx.get(base + "/api/blueprints/restaurant-checkout/as-is").json()
    label = api["steps"][0]["label"]
    found = httpx.get(base + "/", params={"q": label}).text
    assert 'id="found-steps"' in found and html.escape(label, quote=False) in found
    department = httpx.get(base + "/", params={"q": "department"}).text
    assert "/id/department/" in department


def test_a_department_keeps_its_colour_and_stripe_in_every_blueprint(served: tuple[str, str]) -> None:
    base, _ = served
    seen: dict[str, set[tuple[str, str]]] = {}
    where: dict[str, int] = {}
    for bid in ("arrears-reconnect/as-is", "mobile-tv-subscription/as-is", "restaurant-checkout/as-is",
                "customer-lifecycle/as-is"):
        svg = httpx.get(base + f"/blueprints/{bid}/diagram.svg").content
        tree = lxml.etree.fromstring(svg)
        for g in tree.xpath("//*[local-name()='g'][contains(concat(' ', @class, ' '), ' legend-department ')]"):
            rect = g.xpath("*[local-name()='rect']")[0]
            stripe = g.xpath("*[local-name()='line'][@class='department-stripe']")
            assert stripe, "a department is told by a stripe pattern too, not by colour alone"
            seen.setdefault(g.get("data-department"), set()).add(
                (rect.get("fill"), stripe[0].get("stroke-dasharray", "")))
            where[g.get("data-department")] = where.get(g.get("data-department"), 0) + 1
    assert sum(1 for n in where.values() if n > 1) >= 2, "departments met in several blueprints"
    assert all(len(looks) == 1 for looks in seen.values()), seen


def test_a_drafts_broken_step_is_marked_on_its_diagram(served: tuple[str, str]) -> None:
    base, token = served
    data = (DATA / "shapes" / "FailPointDepartment.fail.yaml").read_bytes()
    stored = httpx.post(base + "/api/blueprints", params={"draft": "true"}, files={"file": ("fp.yaml", data)},
                        headers={"Authorization": f"Bearer {token}"})
    assert stored.status_code == 201, stored.text
    page = httpx.get(base + "/blueprints/shape-test/as-is").text
    assert re.search(r'class="step[^"]* mark-broken" data-step="[^"]*/step/look-up"', page)


def test_long_listings_are_paged_with_totals() -> None:
    page = paged(list(range(120)), 3, size=50)
    assert (page.items, page.start, page.end, page.total, page.pages) == (list(range(100, 120)), 101, 120, 120, 3)
    assert paged([], 1).start == 0 and paged(list(range(5)), 9).number == 1


def test_upload_and_ask_show_they_are_busy(served: tuple[str, str]) -> None:
    base, _ = served
    for path in ("/upload", "/questions/fail_points_by_system"):
        doc = lxml.html.fromstring(httpx.get(base + path).text)
        scripts = doc.xpath("//script[starts-with(@src, '/static/busy.js?v=')]/@src")
        assert doc.xpath("//form[@data-busy]") and scripts
        assert httpx.get(base + scripts[0]).status_code == 200
