"""Repository-wide exports for enterprise-architecture tools: ArchiMate exchange XML, Archi CSV."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ...archimate import archi_csv
from ...archimate import exchange as archimate
from ..deps import LangDep, StoreDep

router = APIRouter(prefix="/export", tags=["exports"])

ServiceQuery = Annotated[str | None, Query(description="One service's id (all its versions); none = the whole repository.")]


def _attachment(name: str) -> dict[str, str]:
    # service ids may hold Chinese characters: RFC 6266 filename* keeps them, filename stays ASCII
    return {"Content-Disposition": f"attachment; filename=\"{quote(name, safe='.-_')}\"; filename*=UTF-8''{quote(name)}"}


@router.get("/archimate.xml", summary="ArchiMate 3.1 exchange file (one view per blueprint)")
def archimate_xml(store: StoreDep, lang: LangDep, service: ServiceQuery = None) -> Response:
    data = archimate.export_archimate(store, service=service, lang=lang)
    return Response(data, media_type=archimate.MEDIA_TYPE, headers=_attachment(f"{service or 'kgbp'}.archimate.xml"))


@router.get("/archi-csv.zip", summary="Archi CSV import files (elements, relations, properties) in a zip")
def archi_csv_zip(store: StoreDep, lang: LangDep, service: ServiceQuery = None) -> Response:
    data = archi_csv.to_zip(archi_csv.export_archi_csv(store, service=service, lang=lang))
    return Response(data, media_type=archi_csv.MEDIA_TYPE, headers=_attachment(f"{service or 'kgbp'}.archi-csv.zip"))
