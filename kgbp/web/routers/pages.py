"""HTML pages (server-rendered, Jinja2)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ... import repository
from ..deps import LangDep, StoreDep
from ..messages import messages

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, lang: str, **context: object) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, {"lang": lang, "t": messages(lang), **context})
    if request.query_params.get("lang"):
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep, lang: LangDep, q: str = "") -> HTMLResponse:
    rows = repository.list_blueprints(store, lang)
    if q:
        needle = q.casefold()
        rows = [b for b in rows if needle in f"{b.service_label} {b.title} {b.id}".casefold()]
    return render(request, "home.html", lang, rows=rows, q=q)
