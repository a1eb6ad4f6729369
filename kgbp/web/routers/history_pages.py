"""History as pages: the list of changes, one kept state drawn as its blueprint, and restoring it.

Restoring is a write: it asks for the write token on a confirmation page that says what will
happen, then goes through history.restore (validated, recorded like any save).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ...auth import check_holder, load_holders
from ...config import Settings
from ...errors import KgbpError, NotConformant
from ...repository import history
from ...store import Store
from ...validation.engine import Validator
from ..deps import LangDep, SettingsDep, StoreDep, WritesDep, _bearer, writer_of
from ..writer import WriteThread
from .pages import inline_svg, paged, render

router = APIRouter(include_in_schema=False)


@router.get("/history", response_class=HTMLResponse)
def history_page(request: Request, store: StoreDep, lang: LangDep, blueprint: str = "",
                 page: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
    iri = history.resolve(store, blueprint) if blueprint else None
    newest_first = list(reversed(history.activities(store, iri)))
    return render(request, "history.html", lang, activities=paged(newest_first, page), blueprint=blueprint)


def _state_page(request: Request, store: StoreDep, lang: str, activity: str, confirm: bool,
                status_code: int = 200, **context: object) -> HTMLResponse:
    from ...diagram import draw_svg

    found = history.find_activity(store, activity)
    view = history.state_view(store, found, lang)
    return render(request, "history_state.html", lang, status_code=status_code, a=found, view=view,
                  svg=inline_svg(draw_svg(view)), confirm=confirm, **context)


@router.get("/history/{activity}", response_class=HTMLResponse)
def state_page(request: Request, store: StoreDep, lang: LangDep, activity: str) -> HTMLResponse:
    """The state an activity left, drawn as its blueprint, with a Restore button."""
    return _state_page(request, store, lang, activity, confirm=False)


@router.get("/history/{activity}/restore", response_class=HTMLResponse)
def confirm_restore(request: Request, store: StoreDep, lang: LangDep, activity: str) -> HTMLResponse:
    """The confirmation step: what restoring does, the token field, Yes / Cancel."""
    return _state_page(request, store, lang, activity, confirm=True)


@router.post("/history/{activity}/restore", response_class=HTMLResponse)
async def restore(request: Request, store: StoreDep, lang: LangDep, settings: SettingsDep, writes: WritesDep,
                  activity: str, token: Annotated[str, Form()] = "") -> HTMLResponse:
    # the token and the pages on a pool thread, as every page; only the restore itself on the write thread
    return await run_in_threadpool(_restore, request, store, lang, settings, writes, activity, token)


def _restore(request: Request, store: Store, lang: str, settings: Settings, writes: WriteThread, activity: str,
             token: str) -> HTMLResponse:
    try:  # refused before anything is looked up: no token, or a read token
        presented = token or _bearer(request.headers.get("authorization"))  # the form's field, or a client's header
        writer = writer_of(request, check_holder(load_holders(settings), presented))
    except KgbpError as refused:
        try:
            return _state_page(request, store, lang, activity, confirm=True, status_code=refused.http_status,
                               error=refused.localised(lang))
        except KgbpError:
            raise refused from None
    try:
        found = history.find_activity(store, activity)
        done = writes.submit(history.restore, store, found.blueprint, found.id, agent=writer,
                             validator=Validator(lang=lang)).result()
    except NotConformant as exc:
        return _state_page(request, store, lang, activity, confirm=True, status_code=422,
                           error=exc.localised(lang), report=exc.report)
    except KgbpError as exc:
        return _state_page(request, store, lang, activity, confirm=True, status_code=exc.http_status,
                           error=exc.localised(lang))
    return _state_page(request, store, lang, activity, confirm=False, status_code=201, restored=done)
