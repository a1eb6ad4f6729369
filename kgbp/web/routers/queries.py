"""REST API for the named queries: the catalogue, and one documented operation per query.

The operations are generated from the `.rq` headers when the app is built, so the
OpenAPI document lists every named query with its parameters; there is no hand-kept list.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ...errors import NotAcceptable
from ...i18n import say
from ...query import catalogue as query
from ...query.catalogue import NamedQuery, Param
from ...query.output import catalogue_entry, result_csv, result_json
from ..deps import LangDep, StoreDep
from ..negotiate import best_match

FormatQuery = Annotated[Literal["json", "csv"] | None, Query(description="json or csv (instead of the Accept header)")]


def _respond(result: query.QueryResult, request: Request, fmt: str | None) -> Response:
    if fmt is None:
        chosen = best_match(request.headers.get("accept"), ["application/json", "text/csv"])
        if chosen is None:
            raise NotAcceptable(say("query_accept"), where="Accept", hint=say("query_accept_hint"))
        fmt = "csv" if chosen == "text/csv" else "json"
    if fmt == "csv":
        return Response(result_csv(result), media_type="text/csv",
                        headers={"Content-Disposition": f'inline; filename="{result.query.name}.csv"'})
    return JSONResponse(result_json(result))


def _annotation(p: Param) -> Any:
    doc = f"{p.description['en']} / {p.description['zh']}"
    if p.entity:
        doc += f" (a {p.entity}: id, IRI, or label in en or zh)"
    examples = [p.example] if p.example else None
    base: Any = int if p.kind == "int" else (Literal[p.values] if p.values else str)  # type: ignore[valid-type]
    if not p.required:
        base = base | None
    # the Python name is prefixed so that no query parameter can clash with ours
    return Annotated[base, Query(alias=p.name, description=doc, examples=examples)]


def _operation(q: NamedQuery) -> Callable[..., Any]:
    async def operation(request: Request, store: Any, lang: str,
                        format: str | None = None, **params: Any) -> Response:
        raw = {k[2:]: None if v is None else str(v) for k, v in params.items()}
        # a parameter the query does not have is refused (400 naming it), not silently ignored
        declared = {p.name for p in q.params} | {"format", "lang"}
        raw.update({k: v for k, v in request.query_params.items() if k not in declared})
        result = await run_in_threadpool(query.run, store, q, raw, lang)
        return _respond(result, request, format)

    kw = inspect.Parameter.KEYWORD_ONLY
    operation.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter("store", kw, annotation=StoreDep),
        inspect.Parameter("lang", kw, annotation=LangDep),
        inspect.Parameter("format", kw, annotation=FormatQuery, default=None),
        *(inspect.Parameter(f"p_{p.name}", kw, annotation=_annotation(p),
                            default=inspect.Parameter.empty if p.required else None) for p in q.user_params),
    ])
    operation.__name__ = f"query_{q.name}"
    return operation


def _description(q: NamedQuery) -> str:
    columns = "\n".join(f"- `{c}`: {d['en']} / {d['zh']}" for c, d in q.columns.items())
    return f"{q.description['en']}\n\n{q.description['zh']}\n\n**Columns**\n\n{columns}"


def build_router(catalogue: Mapping[str, NamedQuery]) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["queries"])

    @router.get("/queries", summary="The catalogue of named queries")
    def list_queries(lang: LangDep) -> list[dict[str, Any]]:
        return [catalogue_entry(q, lang) for q in catalogue.values()]

    for q in catalogue.values():
        router.add_api_route(
            f"/queries/{q.name}", _operation(q), methods=["GET"], summary=q.title["en"],
            description=_description(q), operation_id=f"query_{q.name}", tags=["queries", *q.tags],
            response_class=JSONResponse,
            responses={200: {"description": "One row per answer (JSON), or CSV with ?format=csv",
                             "content": {"text/csv": {}}},
                       404: {"description": "A named system, department, service or blueprint does not exist"},
                       400: {"description": "A parameter is missing, malformed, or names several things"}})

    @router.get("/queries/{name}", include_in_schema=False)
    def unknown_query(name: str) -> None:
        query.get(name, catalogue)  # raises NotFound naming the known queries

    return router
