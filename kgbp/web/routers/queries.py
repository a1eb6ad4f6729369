"""REST API for the named queries: the catalogue, and one documented operation per query.

The operations are generated from the `.rq` headers when the app is built, so the
OpenAPI document lists every named query with its parameters; there is no hand-kept list.

Answers come in pages, as Datasette's tables do: JSON gives `limit` rows (100 unless asked)
from `offset`, with the `total` and the address of the `next` page (also in a `Link`
header); `limit=all`, and CSV unless a `limit` is given, stream the whole answer. Every
page and the whole come from one evaluation, kept until the next write (query/answer.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from ...errors import BadInput, NotAcceptable
from ...query import catalogue as query
from ...query.answer import Answer, answer
from ...query.catalogue import NamedQuery, Param
from ...query.output import catalogue_entry, page_json, stream_csv, stream_json
from ..deps import LangDep, StoreDep
from ..negotiate import best_match

PAGE = 100  # rows of a JSON page unless `limit` says otherwise
MAX_PAGE = 10_000

FormatQuery = Annotated[Literal["json", "csv"] | None, Query(description="json or csv (instead of the Accept header)")]
LimitQuery = Annotated[int | Literal["all"] | None, Query(
    description=f"Rows per page, 1 to {MAX_PAGE:,}, or `all` for the whole answer, streamed. "
                f"Unless given: {PAGE} rows in JSON, the whole answer in CSV. / 每页行数（1 至 {MAX_PAGE:,}），"
                f"或 `all` 取全部结果（流式）。未给出时：JSON 每页 {PAGE} 行，CSV 为全部结果。")]
OffsetQuery = Annotated[int, Query(ge=0, description="Rows to skip before the page (see the `next` link). "
                                                      "/ 跳过的行数（见 `next` 链接）。")]
RESERVED = {"format", "lang", "limit", "offset"}  # the API's own parameters (no query may declare them)


def _format(request: Request, fmt: str | None) -> str:
    if fmt is None:
        chosen = best_match(request.headers.get("accept"), ["application/json", "text/csv"])
        if chosen is None:
            raise NotAcceptable("a query answers in application/json or text/csv", where="Accept",
                                hint="accept one of them, or add ?format=csv")
        fmt = "csv" if chosen == "text/csv" else "json"
    return fmt


def _respond(result: Answer, request: Request, fmt: str, limit: int | None, offset: int) -> Response:
    headers: dict[str, str] = {"X-Total-Count": str(result.total)}
    if limit is not None and offset + limit < result.total:
        headers["Link"] = f'<{request.url.include_query_params(offset=offset + limit, limit=limit)}>; rel="next"'
    if fmt == "csv":
        headers["Content-Disposition"] = f'inline; filename="{result.query.name}.csv"'
        return StreamingResponse(stream_csv(result, offset, limit), media_type="text/csv; charset=utf-8", headers=headers)
    if limit is None:
        return StreamingResponse(stream_json(result, offset), media_type="application/json", headers=headers)
    following = str(request.url.include_query_params(offset=offset + limit, limit=limit)) if "Link" in headers else None
    return JSONResponse(page_json(result, offset, limit, following), headers=headers)


def _limit(limit: int | str | None, fmt: str) -> int | None:
    if limit == "all" or (limit is None and fmt == "csv"):
        return None
    if limit is None:
        return PAGE
    assert isinstance(limit, int)
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput(f"limit must be 1 to {MAX_PAGE:,} rows, or all, not {limit}", where="limit",
                       hint="follow the `next` link for the following page, or ask limit=all")
    return limit


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
    async def operation(request: Request, store: Any, lang: str, format: str | None = None,
                        limit: int | str | None = None, offset: int = 0, **params: Any) -> Response:
        raw = {k[2:]: None if v is None else str(v) for k, v in params.items()}
        # a parameter the query does not have is refused (400 naming it), not silently ignored
        declared = {p.name for p in q.params} | RESERVED
        raw.update({k: v for k, v in request.query_params.items() if k not in declared})
        fmt = _format(request, format)
        rows = _limit(limit, fmt)
        result = await run_in_threadpool(answer, store, q, raw, lang)
        return _respond(result, request, fmt, rows, offset)

    kw = inspect.Parameter.KEYWORD_ONLY
    operation.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter("store", kw, annotation=StoreDep),
        inspect.Parameter("lang", kw, annotation=LangDep),
        inspect.Parameter("format", kw, annotation=FormatQuery, default=None),
        inspect.Parameter("limit", kw, annotation=LimitQuery, default=None),
        inspect.Parameter("offset", kw, annotation=OffsetQuery, default=0),
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
            responses={200: {"description": "A page of rows with `total`, `offset`, `limit` and the `next` page's "
                                            "address (JSON; also in the Link header), or the whole answer streamed "
                                            "(`limit=all`, or CSV with ?format=csv); X-Total-Count gives the total",
                             "content": {"text/csv": {}}},
                       404: {"description": "A named system, department, service or blueprint does not exist"},
                       400: {"description": "A parameter is missing, malformed, or names several things"}})

    @router.get("/queries/{name}", include_in_schema=False)
    def unknown_query(name: str) -> None:
        query.get(name, catalogue)  # raises NotFound naming the known queries

    return router
