"""The app's styles and scripts, kept in memory after the first read, are served exactly as from disk;
pages name them by versioned URLs, answered as immutable."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx

from kgbp.config import Settings
from kgbp.web.app import CONTENT_SECURITY_POLICY

from ..live_server import running_server

STATIC = Path(__file__).resolve().parents[2] / "kgbp" / "web" / "static"


def test_kept_files_are_the_files_and_answer_conditional_requests(tmp_path: Path) -> None:
    with running_server(Settings(store=str(tmp_path / "store"))) as base, httpx.Client(base_url=base) as client:
        for name, media in (("kgbp.css", "text/css"), ("kgbp.js", "javascript"), ("diagram.js", "javascript")):
            first, again = client.get(f"/static/{name}"), client.get(f"/static/{name}")  # read, then kept
            for answer in (first, again):
                assert answer.status_code == 200 and answer.content == (STATIC / name).read_bytes()
                assert media in answer.headers["content-type"]
                assert answer.headers["x-content-type-options"] == "nosniff"  # the security headers still apply
            assert again.headers["etag"] == first.headers["etag"]
            assert again.headers["content-length"] == str(len(again.content))
            unchanged = client.get(f"/static/{name}", headers={"If-None-Match": first.headers["etag"]})
            assert unchanged.status_code == 304 and not unchanged.content
            assert client.head(f"/static/{name}").status_code == 200
        assert client.get("/static/no-such-file.css").status_code == 404


def test_pages_name_versioned_files_which_are_answered_as_immutable(tmp_path: Path) -> None:
    with running_server(Settings(store=str(tmp_path / "store"))) as base, httpx.Client(base_url=base) as client:
        home = client.get("/")
        assert home.headers["content-security-policy"] == CONTENT_SECURITY_POLICY  # unchanged by the versions
        named = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', home.text))
        named |= set(re.findall(r'(?:href|src)="(/static/[^"]+)"', client.get("/upload").text))
        names = {url.split("?")[0].removeprefix("/static/"): url for url in named}
        assert {"kgbp.css", "kgbp.js", "busy.js"} <= set(names)
        for name, url in names.items():
            version = url.split("?v=")[1]
            assert version == hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:16]  # the file's own bytes
            for _ in range(2):  # read, then kept
                answer = client.get(url)
                assert answer.status_code == 200 and answer.content == (STATIC / name).read_bytes()
                assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
                assert answer.headers["x-content-type-options"] == "nosniff"
            again = client.get(url, headers={"If-None-Match": answer.headers["etag"]})
            assert again.status_code == 304 and "immutable" in again.headers["cache-control"]
            # without the version, or with another one (a page of an older release): revalidated, never immutable
            for other in (f"/static/{name}", f"/static/{name}?v=0000000000000000"):
                answer = client.get(other)
                assert answer.status_code == 200 and answer.content == (STATIC / name).read_bytes()
                assert "cache-control" not in answer.headers and answer.headers["etag"]
        assert client.get("/static/no-such-file.css?v=0000000000000000").status_code == 404
