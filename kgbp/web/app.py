"""The web app: built by create_app(settings); routers hold no SPARQL and no rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..boundary import as_kgbp_error
from ..config import Settings
from ..errors import KgbpError, Problem, error_body
from ..i18n import say_in
from ..query import catalogue as named_queries
from ..repository import save as repository
from ..store import open_store
from . import api_docs
from .deps import lang_of, read_guard
from .guards import CrossSiteWrites, SecurityHeaders
from .limits import BodyLimit
from .routers import (
    admin,
    blueprints,
    diagrams,
    downloads,
    entities,
    exports,
    health,
    history_pages,
    lifecycle,
    ontology,
    pages,
    quality,
    queries,
    registry,
    slides,
    sparql,
    validation,
)
from .static_files import KeptStaticFiles
from .writer import WriteThread

HERE = Path(__file__).parent
# Pages run only the scripts and styles served from /static: no inline script, no inline
# style, no framing, nothing fetched from elsewhere. Stored text cannot become code even if
# a template forgot to escape it.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'")
# FastAPI's API documentation pages (/docs, /redoc) load Swagger UI and ReDoc from their CDN
# with an inline starter script; they show no stored data.
API_DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
                   "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
                   "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com; "
                   "worker-src blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
API_DOCS_PATHS = ("/docs", "/redoc")
# YASGUI's result views set inline styles as they draw: the SPARQL editor's page allows
# inline styles (never inline scripts); a style cannot run code.
EDITOR_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
EDITOR_PATHS = ("/sparql-editor",)
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
                    "Content-Security-Policy": CONTENT_SECURITY_POLICY}


def page_policy(path: str) -> str | None:
    """The Content-Security-Policy of the pages that need their own (None: the default)."""
    if path in API_DOCS_PATHS:
        return API_DOCS_POLICY
    if path in EDITOR_PATHS:
        return EDITOR_POLICY
    return None


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route answers on `path` (HEAD wherever GET is)."""
    try:  # FastAPI 0.16x resolves included routers lazily; this walks them
        from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined]

        routes: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:
        routes = list(app.routes)
    methods: set[str] = set()
    for route in routes:
        regex, route_methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and route_methods and regex.match(path):
            methods |= set(route_methods)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from ..store.sandbox import clean_orphans

        clean_orphans()  # query workers and checkpoints of a server that was killed
        store = open_store(settings)
        repository.ensure_initialised(store)
        app.state.store = store
        try:
            yield
        finally:
            app.state.write_thread.close()  # the writes asked so far end first
            sparql.close_runner(app)
            store.close()

    app = FastAPI(title="kgbp", version=__version__, lifespan=lifespan,
                  description="A knowledge-graph repository of service blueprints: named queries, SPARQL 1.1, validation.",
                  dependencies=[Depends(read_guard)],  # a no-op unless read_token_required
                  docs_url=None, redoc_url=None)  # served below from vendored assets, not a CDN
    app.state.settings = settings
    app.state.write_thread = WriteThread()  # every write runs there, never on the readers' pool

    @app.exception_handler(KgbpError)
    async def kgbp_error(request: Request, exc: KgbpError) -> JSONResponse:
        body = exc.localised(lang_of(request))
        report = getattr(exc, "report", None)
        if report is not None:
            body["report"] = report.as_dict()
        return JSONResponse(body, status_code=exc.http_status, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [Problem(e.get("msg", ""), ".".join(map(str, e.get("loc", ())))) for e in exc.errors()]
        lang = lang_of(request)
        return JSONResponse(error_body("bad-input", say_in(lang, "request_invalid"), problems[0].where if problems else "",
                                       say_in(lang, "request_invalid_hint"), problems), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        hint = ""
        if exc.status_code == 405:  # Starlette's Allow names the first route on the path only
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path))
            hint = say_in(lang_of(request), "use_methods", methods=headers["Allow"])
        return JSONResponse(error_body("http", str(exc.detail), str(request.url.path), hint),
                            status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        mapped = as_kgbp_error(exc, str(request.url.path))  # a library's exception on a client's input
        if mapped is not None:
            return JSONResponse(mapped.localised(lang_of(request)), status_code=mapped.http_status, headers=SECURITY_HEADERS)
        # never a traceback in a response; the server log has it
        import logging

        logging.getLogger("kgbp").exception("unexpected error on %s", request.url.path)
        lang = lang_of(request)
        return JSONResponse(error_body("internal", say_in(lang, "unexpected"), str(request.url.path),
                                       say_in(lang, "unexpected_hint")), status_code=500,
                            headers=SECURITY_HEADERS)  # answered outside the middleware that adds them

    # every request body, on every route, is capped (inside the security headers: a 413 gets them too)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)

    # outside the body limit, inside the security headers: a refusal gets them too
    app.add_middleware(CrossSiteWrites, origins=settings.cors_origins)
    app.add_middleware(SecurityHeaders, headers=SECURITY_HEADERS, policy=page_policy)

    app.mount("/static", KeptStaticFiles(HERE / "static"), name="static")
    api_docs.add_routes(app)
    app.include_router(blueprints.router)
    app.include_router(registry.router)
    app.include_router(diagrams.router)
    app.include_router(pages.router)
    app.include_router(history_pages.router)
    app.include_router(entities.router)
    app.include_router(exports.router)
    app.include_router(lifecycle.router)
    # one documented operation per named query; a bad .rq header fails here, at start
    app.include_router(queries.build_router(named_queries.load_catalogue()))
    app.include_router(sparql.router)
    app.include_router(slides.router)
    app.include_router(ontology.router)
    app.include_router(downloads.router)
    app.include_router(validation.router)
    app.include_router(admin.router)
    app.include_router(health.router)
    app.include_router(quality.router)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "HEAD", "POST"],
                           allow_headers=["Authorization", "Content-Type", "Accept", "Accept-Language"])
    return app
