"""The service-quality loop on the web: the month's agenda (hot spots, heat, departments,
actions, effects), evidence upload, and actions moved on by their owners (token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ...auth import check_holder, load_holders
from ...config import Settings
from ...errors import BadInput, KgbpError, PayloadTooLarge
from ...i18n import say
from ...quality import load_evidence
from ...quality.actions import update_action
from ...quality.heat import check_period
from ...quality.pack import action_trend, bars, gather, latest_period, sparkline, trend_chart
from ...store import Store
from ..deps import LangDep, SettingsDep, StoreDep, WriterDep, WritesDep, _bearer, writer_of
from ..writer import WriteThread
from .blueprints import safe_name
from .pages import render

router = APIRouter()


def _page(request: Request, store: Store, lang: str, period: str | None, status_code: int = 200,
          **context: object) -> HTMLResponse:
    period = check_period("period", period) if period else latest_period(store)
    pack = gather(store, period, lang) if period else None
    svgs = [x.svg.decode("utf-8").split("?>", 1)[-1] for x in pack.excerpts] if pack else []
    ranked = bars([(p["step_label"] or "", float(p["complaints"] or 0)) for p in pack.problems]) if pack else ""
    return render(request, "quality.html", lang, status_code=status_code, pack=pack, period=period, svgs=svgs,
                  ranked=ranked, sparkline=sparkline, **context)


@router.get("/quality", response_class=HTMLResponse, include_in_schema=False)
def quality_page(request: Request, store: StoreDep, lang: LangDep, period: str = "") -> HTMLResponse:
    return _page(request, store, lang, period or None)


def _writer(request: Request, settings: Settings, token: str) -> str:
    """The write token's holder, from the form (or a bearer header): 401 without one, 403 for a read token."""
    presented = token or _bearer(request.headers.get("authorization"))
    return writer_of(request, check_holder(load_holders(settings), presented))


async def _files(files: list[UploadFile], settings: Settings) -> list[tuple[str, bytes]]:
    out = []
    for file in files:
        name = safe_name(file.filename)
        data = await file.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise PayloadTooLarge(say("file_too_large", limit=settings.max_upload_bytes), where=name,
                                  hint=say("evidence_too_large_hint"))
        out.append((name, data))
    return out


@router.post("/quality/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload_evidence(request: Request, store: StoreDep, lang: LangDep, settings: SettingsDep, writes: WritesDep,
                          file: list[UploadFile] | None = None, token: Annotated[str, Form()] = "",
                          source: Annotated[str, Form()] = "") -> HTMLResponse:
    try:
        writer = _writer(request, settings, token)
        if not file:
            raise BadInput(say("no_file"), where="file", hint=say("no_file_hint"))
        files = await _files(file, settings)
        saved = await writes.run(load_evidence, store, files, source=source or None, agent=writer, lang=lang)
    except KgbpError as exc:
        return _page(request, store, lang, None, status_code=exc.http_status, error=exc)
    return _page(request, store, lang, None, status_code=201, saved=saved)


@router.post("/quality/actions/{action_id}", response_class=HTMLResponse, include_in_schema=False)
async def edit_action(request: Request, action_id: str, store: StoreDep, lang: LangDep, settings: SettingsDep,
                      writes: WritesDep, status: Annotated[str, Form()] = "", done: Annotated[str, Form()] = "",
                      token: Annotated[str, Form()] = "", period: Annotated[str, Form()] = "") -> HTMLResponse:
    # the token and the page on a pool thread, as every page; only the edit itself on the write thread
    return await run_in_threadpool(_edit_action, request, action_id, store, lang, settings, writes, status, done,
                                   token, period)


def _edit_action(request: Request, action_id: str, store: Store, lang: str, settings: Settings, writes: WriteThread,
                 status: str, done: str, token: str, period: str) -> HTMLResponse:
    try:
        writer = _writer(request, settings, token)
        writes.submit(update_action, store, action_id, status, done or None, agent=writer, lang=lang).result()
    except KgbpError as exc:
        return _page(request, store, lang, period or None, status_code=exc.http_status, error=exc)
    return _page(request, store, lang, period or None, updated=action_id)


@router.get("/quality/actions/{action_id}/trend.svg", include_in_schema=False)
def action_trend_svg(action_id: str, store: StoreDep, lang: LangDep) -> Response:
    return Response(trend_chart(action_trend(store, action_id, lang)), media_type="image/svg+xml")


@router.post("/api/evidence", status_code=201, tags=["quality"])
async def post_evidence(store: StoreDep, settings: SettingsDep, writer: WriterDep, lang: LangDep, writes: WritesDep,
                        file: list[UploadFile], source: Annotated[str, Form()] = "") -> JSONResponse:
    """Store evidence files (CSV or XLSX); 400 naming every bad cell, and nothing stored, when one is bad."""
    files = await _files(file, settings)
    saved = await writes.run(load_evidence, store, files, source=source or None, agent=writer, lang=lang)
    return JSONResponse({"graphs": [str(g) for g in saved.graphs], "rows": saved.counts, "triples": saved.triples},
                        status_code=201)
