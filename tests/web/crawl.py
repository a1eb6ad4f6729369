"""Every page of a live server, reached by following links from the home page (a few of each kind)."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import lxml.html

PER_SHAPE = 3  # pages of one kind visited (e.g. three step pages, not all of them)
SKIPPED = ("/api", "/static", "/sparql?", "/ontology", "/docs", "/redoc", "/openapi")
DOWNLOADS = (".svg", ".png", ".pptx", ".xlsx", ".csv", ".xml", ".ttl", ".jsonld", ".nq", ".trig")


def shape(path: str) -> str:
    """/id/step/x/y/z -> /id/step/*: pages of one kind share a shape."""
    parts = path.strip("/").split("/")
    return "/".join(parts[:2]) + ("/*" if len(parts) > 2 else "")


def links(html: str, base: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [urldefrag(urljoin(base, href))[0] for href in doc.xpath("//a/@href")]


def crawl(base: str, lang: str) -> dict[str, str]:
    """URL -> HTML of every page reached in `lang` (the ontology reference and the API pages aside)."""
    seen: set[str] = set()
    per_shape: dict[str, int] = {}
    pages: dict[str, str] = {}
    queue = deque([base + "/"])
    with httpx.Client(cookies={"lang": lang}, timeout=60) as client:
        while queue:
            url = queue.popleft()
            parts = urlsplit(url)
            if url in seen or parts.netloc != urlsplit(base).netloc or parts.path.startswith(SKIPPED):
                continue
            seen.add(url)
            if "format=" in parts.query or "lang=" in parts.query or parts.path.endswith(DOWNLOADS):
                continue
            key = shape(parts.path)
            if per_shape.get(key, 0) >= PER_SHAPE and parts.path != "/":
                continue
            response = client.get(url)
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            per_shape[key] = per_shape.get(key, 0) + 1
            pages[url] = response.text
            queue.extend(links(response.text, url))
    return pages
