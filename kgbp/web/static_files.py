"""The app's own static files (styles, scripts), kept in memory once read.

Every page view asks for the same few files. Starlette's StaticFiles looks each up on a
pool thread and streams it from disk: a thread hop per file, which waits behind uploads
validating on the pool. The files ship with the package and do not change while it serves.
"""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

KEEP_UP_TO = 1 << 20  # bytes: larger files (vendored bundles) are streamed as before


class KeptStaticFiles(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self._kept: dict[str, tuple[bytes, Headers]] = {}

    async def get_response(self, path: str, scope: Scope) -> Response:
        request = Headers(scope=scope)
        kept = self._kept.get(path)
        if kept is None or scope["method"] != "GET" or "range" in request:
            response = await super().get_response(path, scope)
            if isinstance(response, FileResponse) and response.status_code == 200 and response.stat_result is not None \
                    and response.stat_result.st_size <= KEEP_UP_TO and "range" not in request:
                self._kept[path] = (Path(response.path).read_bytes(), response.headers)
            return response
        body, headers = kept
        if self.is_not_modified(headers, request):
            return NotModifiedResponse(headers)
        return Response(body, headers={k: v for k, v in headers.items() if k != "content-length"})
