"""Blueprint diagrams over HTTP: SVG and PNG, in a language, optionally as a system's impact view."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ...diagram import blueprint_svg, svg_to_png
from ...repository import save as repository
from ..deps import LangDep, StoreDep

router = APIRouter(tags=["diagrams"])

HighlightQuery = Annotated[str | None, Query(
    description="Impact view: an IT system (IRI, id or label); the steps it underlies and their supports are highlighted.")]


def _headers(service: str, version: str, suffix: str) -> dict[str, str]:
    return {"Content-Disposition": f"inline; filename*=UTF-8''{quote(f'{service}-{version}.{suffix}')}",
            "Cache-Control": "no-cache"}


@router.get("/blueprints/{service}/{version}/diagram.svg", summary="The blueprint drawn as SVG",
            response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def diagram_svg(service: str, version: str, store: StoreDep, lang: LangDep,
                highlight_system: HighlightQuery = None) -> Response:
    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    return Response(blueprint_svg(store, iri, lang, highlight_system), media_type="image/svg+xml",
                    headers=_headers(service, version, "svg"))


@router.get("/blueprints/{service}/{version}/diagram.png", summary="The blueprint drawn as PNG",
            response_class=Response, responses={200: {"content": {"image/png": {}}}})
def diagram_png(service: str, version: str, store: StoreDep, lang: LangDep,
                highlight_system: HighlightQuery = None) -> Response:
    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    png = svg_to_png(blueprint_svg(store, iri, lang, highlight_system))
    return Response(png, media_type="image/png", headers=_headers(service, version, "png"))
