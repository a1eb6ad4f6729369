"""Downloads: the spreadsheet template, one blueprint as a filled template, the whole repository as RDF."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from ...export.document import blueprint_document
from ...export.rdf import FORMATS
from ...repository import save as repository
from ...repository.dump import dump
from ...spreadsheet.writer import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, csv_bytes, workbook_bytes
from ..deps import StoreDep

router = APIRouter(tags=["downloads"])


def attachment(name: str) -> dict[str, str]:
    # ids may hold Chinese characters: RFC 6266 filename* keeps them, filename stays ASCII
    return {"Content-Disposition": f"attachment; filename=\"{quote(name, safe='.-_')}\"; filename*=UTF-8''{quote(name)}"}


@router.get("/template.xlsx", summary="The spreadsheet template (one row per step), empty")
def template_xlsx() -> Response:
    return Response(workbook_bytes(), media_type=XLSX_MEDIA_TYPE, headers=attachment("kgbp-blueprint-template.xlsx"))


@router.get("/template.csv", summary="The CSV form of the template, empty")
def template_csv() -> Response:
    return Response(csv_bytes(), media_type=CSV_MEDIA_TYPE, headers=attachment("kgbp-blueprint-template.csv"))


@router.get("/api/blueprints/{service}/{version}/export.xlsx", summary="One blueprint as a filled spreadsheet template")
def blueprint_xlsx(service: str, version: str, store: StoreDep) -> Response:
    doc = blueprint_document(store, repository.resolve_blueprint(store, f"{service}/{version}"))
    return Response(workbook_bytes(doc), media_type=XLSX_MEDIA_TYPE, headers=attachment(f"{service}.{version}.xlsx"))


@router.get("/api/blueprints/{service}/{version}/export.csv", summary="One blueprint as CSV (the template's form)")
def blueprint_csv(service: str, version: str, store: StoreDep) -> Response:
    doc = blueprint_document(store, repository.resolve_blueprint(store, f"{service}/{version}"))
    return Response(csv_bytes(doc), media_type=CSV_MEDIA_TYPE, headers=attachment(f"{service}.{version}.csv"))


@router.get("/export/repository.trig", summary="The whole repository as TriG (a named graph per blueprint)")
def repository_trig(store: StoreDep) -> Response:
    return Response(dump(store, "trig"), media_type=FORMATS["trig"][1], headers=attachment("kgbp-repository.trig"))


@router.get("/export/repository.nq", summary="The whole repository as N-Quads")
def repository_nq(store: StoreDep) -> Response:
    return Response(dump(store, "nq"), media_type=FORMATS["nq"][1], headers=attachment("kgbp-repository.nq"))
