"""Named queries over HTTP, on a real server: pages with their total and next link, the whole
answer streamed in JSON and CSV, and the ask page's pager."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator

import httpx
import pytest

from kgbp.config import Settings
from kgbp.ingest import SharedIndex, read_bytes
from kgbp.repository import save as repository
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

from ..conftest import ROOT
from ..live_server import running_server

sys.path.insert(0, str(ROOT / "bench"))
from generate import documents

QUERY = "marketing_p_coverage"  # every 7Ps cell of every blueprint: 7 rows each, 140 on 20 blueprints


@pytest.fixture(scope="module")
def generated_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server on 20 generated blueprints: answers longer than a page."""
    folder = tmp_path_factory.mktemp("generated") / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    index, blueprints = SharedIndex(), []
    for name, text in documents(20):
        bp = read_bytes(text.encode(), name, index)[0]
        index.merge(SharedIndex.from_graph(bp.shared))
        blueprints.append(bp)
    repository.save(store, blueprints, validator=Validator())
    store.close()
    with running_server(Settings(store=str(folder))) as base:
        yield base, ""


def test_json_answers_a_page_with_its_total_and_the_next_link(generated_server: tuple[str, str]) -> None:
    base, _ = generated_server
    url = f"{base}/api/queries/{QUERY}"
    whole = httpx.get(url, params={"limit": "all"}, timeout=60)
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("application/json")
    everything = whole.json()
    total = everything["total"]
    assert total == len(everything["rows"]) == int(whole.headers["x-total-count"]) > 100
    first = httpx.get(url, timeout=60).json()  # 100 rows unless asked
    assert (first["offset"], first["limit"], first["total"], len(first["rows"])) == (0, 100, total, 100)
    assert first["rows"] == everything["rows"][:100] and first["columns"] == everything["columns"]
    # following `next` (and the Link header, which says the same) walks the whole answer
    rows, page_url, pages, links = [], f"{url}?limit=40&lang=en", 0, []
    while page_url:
        page = httpx.get(page_url, timeout=60)
        body = page.json()
        rows += body["rows"]
        pages += 1
        link = re.fullmatch(r'<(.+)>; rel="next"', page.headers.get("link", ""))
        assert (link.group(1) if link else None) == body["next"]
        page_url = body["next"]
        links.append(page_url)
    assert rows == everything["rows"] and pages == -(-total // 40)
    assert "lang=en" in links[0] and "offset=40" in links[0] and "offset=100" in first["next"]
    last = httpx.get(url, params={"offset": total - 1, "limit": 10}, timeout=60).json()
    assert len(last["rows"]) == 1 and last["next"] is None
    assert httpx.get(url, params={"offset": total + 5}, timeout=60).json()["rows"] == []


def test_csv_is_the_whole_answer_unless_a_limit_is_given(generated_server: tuple[str, str]) -> None:
    base, _ = generated_server
    url = f"{base}/api/queries/{QUERY}"
    everything = httpx.get(url, params={"limit": "all"}, timeout=60).json()
    whole = httpx.get(url, params={"format": "csv"}, timeout=60)
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(whole.text)))
    assert table[0] == everything["columns"] and len(table) == everything["total"] + 1
    part = httpx.get(url, params={"format": "csv", "offset": 10, "limit": 5}, headers={"Accept": "text/csv"}, timeout=60)
    assert list(csv.reader(io.StringIO(part.text))) == table[:1] + table[11:16]
    assert 'rel="next"' in part.headers["link"] and "offset=15" in part.headers["link"]


def test_a_bad_limit_or_offset_is_refused_naming_it(generated_server: tuple[str, str]) -> None:
    base, _ = generated_server
    for params, where in [({"limit": 0}, "limit"), ({"limit": 100_001}, "limit"), ({"limit": "some"}, "limit"),
                          ({"offset": -1}, "offset"), ({"offset": "x"}, "offset")]:
        answer = httpx.get(f"{base}/api/queries/{QUERY}", params=params, timeout=60)
        assert answer.status_code == 400, params
        assert where in answer.text


def test_the_openapi_document_describes_paging(generated_server: tuple[str, str]) -> None:
    base, _ = generated_server
    operation = httpx.get(f"{base}/openapi.json", timeout=60).json()["paths"][f"/api/queries/{QUERY}"]["get"]
    described = {p["name"]: p.get("description", "") for p in operation["parameters"]}
    assert "all" in described["limit"] and "next" in described["offset"]


def test_the_ask_page_shows_one_page_and_a_pager(generated_server: tuple[str, str]) -> None:
    base, _ = generated_server
    total = httpx.get(f"{base}/api/queries/{QUERY}", params={"limit": 1}, timeout=60).json()["total"]
    first = httpx.get(f"{base}/questions/{QUERY}", timeout=60).text
    assert first.count("<tr>") == 101  # the head and 100 rows
    assert f"({total})" in first and 'rel="next"' in first and "page=2" in first
    last_number = -(-total // 100)
    last = httpx.get(f"{base}/questions/{QUERY}", params={"page": last_number}, timeout=60).text
    assert last.count("<tr>") == 1 + total - 100 * (last_number - 1) and 'rel="prev"' in last
    zh = httpx.get(f"{base}/questions/{QUERY}", params={"lang": "zh"}, timeout=60).text
    assert f"共 {total}" in zh or str(total) in zh
