"""Blueprint diagrams over HTTP: SVG and PNG, in a language, optionally as a system's impact view."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...diagram import blueprint_svg, svg_to_png
from ...errors import BadInput
from ...i18n import say
from ...repository import save as repository
from ...store import Store
from ..deps import LangDep, StoreDep

router = APIRouter(tags=["diagrams"])

HighlightQuery = Annotated[str | None, Query(
    description="Impact view: an IT system (IRI, id or label); the steps it underlies and their supports are highlighted.")]
HeatQuery = Annotated[str | None, Query(description="Heat view: colour the steps by complaints or breaches (with period).")]
PeriodQuery = Annotated[str | None, Query(description="Month of the evidence for the heat view: YYYY-MM or FIRST..LAST.")]


def _svg(request: Request, store: Store, service: str, version: str, lang: str, highlight_system: str | None,
         heat: str | None, period: str | None) -> bytes:
    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    if not heat and not highlight_system:  # the plain diagram, as the blueprint page keeps it
        from ..blueprint_page import page_cache

        return page_cache(request.app).parts(store, iri, lang).svg
    if heat:
        from ...diagram import draw_svg
        from ...quality.heat import heat_for
        from ...repository.blueprint_view import load_view

        if not period:
            raise BadInput(say("heat_needs_period"), where="period", hint=say("heat_needs_period_hint"))
        return draw_svg(load_view(store, iri, lang), heat_for(store, iri, heat, period, lang))
    return blueprint_svg(store, iri, lang, highlight_system)


def _headers(service: str, version: str, suffix: str) -> dict[str, str]:
    return {"Content-Disposition": f"inline; filename*=UTF-8''{quote(f'{service}-{version}.{suffix}')}",
            "Cache-Control": "no-cache"}


@router.get("/blueprints/{service}/{version}/diagram.svg", summary="The blueprint drawn as SVG",
            response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def diagram_svg(request: Request, service: str, version: str, store: StoreDep, lang: LangDep,
                highlight_system: HighlightQuery = None, heat: HeatQuery = None, period: PeriodQuery = None) -> Response:
    return Response(_svg(request, store, service, version, lang, highlight_system, heat, period), media_type="image/svg+xml",
                    headers=_headers(service, version, "svg"))


@router.get("/blueprints/{service}/{version}/diagram.png", summary="The blueprint drawn as PNG",
            response_class=Response, responses={200: {"content": {"image/png": {}}}})
def diagram_png(request: Request, service: str, version: str, store: StoreDep, lang: LangDep,
                highlight_system: HighlightQuery = None, heat: HeatQuery = None, period: PeriodQuery = None) -> Response:
    png = svg_to_png(_svg(request, store, service, version, lang, highlight_system, heat, period))
    return Response(png, media_type="image/png", headers=_headers(service, version, "png"))
