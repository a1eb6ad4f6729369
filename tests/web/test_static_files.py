"""The app's styles and scripts, kept in memory after the first read, are served exactly as from disk."""

from __future__ import annotations

from pathlib import Path

import httpx

from kgbp.config import Settings

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
