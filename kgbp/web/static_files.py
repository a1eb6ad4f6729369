"""The app's own static files (styles, scripts), kept in memory once read, with versioned URLs.

Every page view asks for the same few files. Starlette's StaticFiles looks each up on a
pool thread and streams it from disk: a thread hop per file, which waits behind uploads
validating on the pool. The files ship with the package and do not change while it serves.

Pages name them by a versioned URL, `/static/kgbp.css?v=<hash of the file>` (static_url, a
template global): the answer to that URL never changes, so it says so
(`Cache-Control: public, max-age=31536000, immutable`) and a browser does not ask again. A
new release changes the hash, so the URL. A URL without a version, or with another version
than the file's, is answered as before (ETag and Last-Modified, to revalidate).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"
KEEP_UP_TO = 1 << 20  # bytes: larger files (vendored bundles) are streamed as before
IMMUTABLE = "public, max-age=31536000, immutable"  # a year: the longest a cache is asked to keep anything


@cache
def version_of(file: Path) -> str:
    """The version of a static file in its URL: the start of the SHA-256 of its bytes."""
    return hashlib.sha256(file.read_bytes()).hexdigest()[:16]


def static_url(name: str) -> str:
    """The versioned URL of a file of kgbp/web/static, e.g. static_url("kgbp.css")."""
    return f"/static/{name}?v={version_of((STATIC / name).resolve())}"


class KeptStaticFiles(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self._kept: dict[str, tuple[bytes, Headers, str]] = {}

    async def get_response(self, path: str, scope: Scope) -> Response:
        request = Headers(scope=scope)
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[-1]
        kept = self._kept.get(path)
        if kept is None or scope["method"] != "GET" or "range" in request:
            response = await super().get_response(path, scope)
            if isinstance(response, FileResponse) and response.status_code == 200 and response.stat_result is not None:
                version = version_of(Path(response.path).resolve())
                if response.stat_result.st_size <= KEEP_UP_TO and "range" not in request:
                    self._kept[path] = (Path(response.path).read_bytes(), Headers(raw=list(response.headers.raw)), version)  # a copy
                if asked == version:
                    response.headers["cache-control"] = IMMUTABLE
            return response
        body, headers, version = kept
        extra = {"cache-control": IMMUTABLE} if asked == version else {}
        if self.is_not_modified(headers, request):
            return NotModifiedResponse(Headers({**headers, **extra}))
        return Response(body, headers={**{k: v for k, v in headers.items() if k != "content-length"}, **extra})
