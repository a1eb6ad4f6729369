"""The quality pages and API over HTTP against a real server (uvicorn on loopback), on a
store with the examples and the example evidence."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kgbp.store.embedded import EmbeddedStore

from ..conftest import copy_served
from .conftest import EVIDENCE


@pytest.fixture(scope="module")
def served(evidence_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with copy_served(evidence_store, tmp_path_factory, "quality-web", "quality-manager") as served:
        yield served


def test_the_month_page_ranks_the_problems_and_shows_heat(served: tuple[str, str]) -> None:
    base, _ = served
    page = html.unescape(httpx.get(base + "/quality", params={"period": "2026-06"}, timeout=60).text)
    table = page[page.index('id="hot-spots"'):page.index("</table>")]
    order = [table.index(f'data-step="{s}"') for s in ("send-confirmation-sms", "execute-credit-rules",
                                                        "service-activation-failed", "data-sync-between-systems")]
    assert order == sorted(order)
    heat = page[page.index('id="heat"'):page.index('id="departments"')]
    assert heat.count("<svg") >= 2 and "#d7301f" in heat and "Complaints 2026-06" in heat
    assert "OVERDUE" in page and 'data-action="A2"' in page
    assert "<script src=\"http" not in page  # no CDN


def test_the_page_in_chinese(served: tuple[str, str]) -> None:
    base, _ = served
    page = httpx.get(base + "/quality", params={"period": "2026-06", "lang": "zh"}, timeout=60).text
    assert "服务质量例会" in page and "逾期" in page and "发送待确认短信" in page


def test_hot_spots_through_rest(served: tuple[str, str]) -> None:
    base, _ = served
    answer = httpx.get(base + "/api/queries/hot_spots", params={"from": "2026-01", "to": "2026-06"}, timeout=60).json()
    rows = answer["rows"] if isinstance(answer, dict) and "rows" in answer else answer
    assert [(r["step_id"], int(r["complaints"])) for r in rows][:2] == [("service-activation-failed", 520),
                                                                      ("send-confirmation-sms", 350)]
    bad = httpx.get(base + "/api/queries/hot_spots", params={"from": "2026-13", "to": "2026-06"}, timeout=60)
    assert bad.status_code == 400 and bad.json()["where"] == "from"


def test_hot_spots_through_the_question_form(served: tuple[str, str]) -> None:
    """The questions page answers as soon as the form's parameters are given: the same ranking."""
    base, _ = served
    page = httpx.get(base + "/questions/hot_spots", params={"from": "2026-01", "to": "2026-06", "lang": "en"}, timeout=60)
    assert page.status_code == 200
    text = page.text
    first, second = text.find("service-activation-failed"), text.find("send-confirmation-sms")
    assert 0 <= first < second, "the hottest fail point first, then the second"
    assert ">520<" in text.replace(" ", "") and ">350<" in text.replace(" ", "")


def test_api_evidence_needs_a_token_and_names_the_bad_cell(served: tuple[str, str]) -> None:
    base, token = served
    bad = ("c.csv", b"period,category,count\n2026-07,subscription-failed,-2\n", "text/csv")
    assert httpx.post(base + "/api/evidence", files={"file": bad}, timeout=60).status_code == 401
    refused = httpx.post(base + "/api/evidence", files={"file": bad}, headers={"Authorization": f"Bearer {token}"},
                         timeout=60)
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["where"] == "c.csv:2 (count)"
    good = ("c.csv", b"period,category,count\n2026-07,subscription-failed,30\n", "text/csv")
    stored = httpx.post(base + "/api/evidence", files={"file": good}, headers={"Authorization": f"Bearer {token}"},
                        timeout=60)
    assert stored.status_code == 201 and stored.json()["rows"] == {"complaints": 1}
    page = httpx.get(base + "/quality", params={"period": "2026-07"}, timeout=60).text
    assert 'data-step="service-activation-failed"' in page


def test_an_action_is_moved_on_by_its_owner(served: tuple[str, str]) -> None:
    base, token = served
    form = {"status": "done", "done": "2026-06-28", "period": "2026-06"}
    assert httpx.post(base + "/quality/actions/A4", data=form, timeout=60).status_code == 401
    bad = httpx.post(base + "/quality/actions/A4", data={**form, "done": "", "token": token}, timeout=60)
    assert bad.status_code == 400 and "done date" in html.unescape(bad.text)
    moved = httpx.post(base + "/quality/actions/A4", data={**form, "token": token}, timeout=60)
    assert moved.status_code == 200 and 'data-action="A4"' not in moved.text  # no longer open
    trend = httpx.get(base + "/quality/actions/A1/trend.svg", timeout=60)
    assert trend.headers["content-type"].startswith("image/svg+xml")
    assert trend.text.count('data-phase="before"') == 3 and "<title>2026-04: 60</title>" in trend.text


def test_evidence_upload_form(served: tuple[str, str], tmp_path: Path) -> None:
    base, token = served
    files = [("file", (p.name, p.read_bytes(), "text/csv")) for p in (EVIDENCE / "categories.csv",)]
    files.append(("file", ("june.csv", b"period,category,count\n2026-06,no-confirmation-sms,70\n", "text/csv")))
    page = httpx.post(base + "/quality/upload", files=files, data={"token": token}, timeout=60)
    assert page.status_code == 201 and 'id="quality-ok"' in page.text
    bad = httpx.post(base + "/quality/upload", files=[("file", ("x.csv", "a,b\n1,2\n".encode("utf-16"), "text/csv"))],
                     data={"token": token}, timeout=60)
    assert bad.status_code == 400 and 'id="quality-error"' in bad.text


def test_any_diagram_can_show_the_heat(served: tuple[str, str]) -> None:
    base, _ = served
    # January to May (other tests here replace June): activation failures 120+130+125+60+45 = 480 at
    # the top, so four classes of 120
    params = {"heat": "complaints", "period": "2026-01..2026-05"}
    svg = httpx.get(base + "/blueprints/mobile-tv-subscription/as-is/diagram.svg", params=params, timeout=60).text
    assert "Complaints 361–480" in svg and 'fill="#d7301f"' in svg
    png = httpx.get(base + "/blueprints/mobile-tv-subscription/as-is/diagram.png", params=params, timeout=60)
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    page = httpx.get(base + "/blueprints/mobile-tv-subscription/as-is", params=params, timeout=60).text
    assert 'id="heat-form"' in page and "Complaints 361–480" in page
    bad = httpx.get(base + "/blueprints/mobile-tv-subscription/as-is/diagram.svg",
                    params={"heat": "complaints", "period": "2026-13"}, timeout=60)
    assert bad.status_code == 400 and bad.json()["where"] == "period"
