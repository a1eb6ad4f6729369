"""The security headers on every answer and the refusal of cross-site writes, as plain ASGI
middleware: Starlette's function middleware (@app.middleware) runs each request through a
task group and memory streams, about a millisecond a request, which a kept page notices."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import error_body
from ..i18n import say_in
from .cross_site import cross_site_refusal
from .deps import lang_of


class SecurityHeaders:
    """Adds `headers` to every HTTP answer that does not set them itself; `policy(path)` picks
    a page's own Content-Security-Policy (None: the default in `headers`)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str], policy: Callable[[str], str | None]) -> None:
        self.app, self.headers, self.policy = app, headers, policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        own = self.policy(scope.get("path", ""))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if own is not None:
                    headers.setdefault("Content-Security-Policy", own)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


class CrossSiteWrites:
    """Refuses (403) a write a browser sends from another site (see cross_site.py)."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...] | list[str]) -> None:
        self.app, self.origins = app, origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            why = cross_site_refusal(scope["method"], Headers(scope=scope), self.origins)
            if why is not None:
                lang = lang_of(Request(scope))
                refusal = JSONResponse(error_body("forbidden", say_in(lang, "cross_site", why=why), scope.get("path", ""),
                                                  say_in(lang, "cross_site_hint")), status_code=403)
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
