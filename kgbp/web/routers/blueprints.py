"""JSON API for blueprints: list, read, upload (validated, token required), delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import Response

from ... import iris, repository
from ...authoring import SharedIndex, read_bytes
from ...blueprint_view import load_view
from ...errors import BadInput, PayloadTooLarge
from ...export.rdf import FORMATS, export_blueprint
from ...validate import Validator
from ..deps import LangDep, SettingsDep, StoreDep, WriterDep

router = APIRouter(prefix="/api", tags=["blueprints"])


def safe_name(filename: str | None) -> str:
    """The bare file name of an upload: never a path (no '..', no folders), never empty."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*')
    return name if name and name not in (".", "..") else "upload.yaml"


@router.get("/blueprints", summary="List blueprints")
def list_blueprints(store: StoreDep, lang: LangDep) -> list[dict[str, Any]]:
    return [{"id": b.id, "iri": str(b.iri), "service": str(b.service), "service_label": b.service_label,
             "title": b.title, "version": b.version, "status": b.status, "level": b.level, "steps": b.steps,
             "fail_points": b.fail_points, "wait_points": b.wait_points, "draft": b.draft}
            for b in repository.list_blueprints(store, lang)]


@router.get("/blueprints/{service}/{version}", summary="One blueprint, step by step")
def get_blueprint(service: str, version: str, store: StoreDep, lang: LangDep) -> dict[str, Any]:
    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    view = load_view(store, iri, lang)
    return {"id": view.id, "iri": str(view.iri), "title": view.title, "service": view.service,
            "version": view.version, "status": view.status, "level": view.level,
            "steps": [{**{k: v for k, v in vars(s).items() if k not in ("iri", "department_iri", "system_iris")},
                       "iri": str(s.iri), "markers": s.markers} for s in view.steps]}


@router.get("/blueprints/{service}/{version}/export", summary="Export one blueprint as RDF")
def export(service: str, version: str, store: StoreDep, format: str = "ttl") -> Response:
    if format not in FORMATS:
        raise BadInput(f"unknown format {format!r}", where="format", hint=f"use one of: {', '.join(FORMATS)}")
    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    return Response(export_blueprint(store, iri, format), media_type=FORMATS[format][1])


@router.post("/blueprints", summary="Upload a blueprint file (validated; bearer token)", status_code=201)
async def upload(request: Request, file: UploadFile, store: StoreDep, lang: LangDep, writer: WriterDep,
                 settings: SettingsDep, draft: bool = False) -> dict[str, Any]:
    name = safe_name(file.filename)
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"upload larger than {settings.max_upload_bytes} bytes", where=name, hint="split it, or raise max_upload_bytes")
    blueprints = read_bytes(data, name, SharedIndex.from_store(store))
    result = repository.save(store, blueprints, validator=Validator(lang=lang), draft=draft, agent=writer)
    return {"stored": [{"id": s.id, "iri": str(s.iri), "triples": s.triples, "draft": s.draft,
                        "warnings": s.warnings} for s in result.saved],
            "report": result.report.as_dict()}


@router.delete("/blueprints/{service}/{version}", summary="Remove a blueprint (bearer token)")
def delete(service: str, version: str, store: StoreDep, writer: WriterDep) -> dict[str, Any]:
    iri = iris.blueprint_iri(service, version)
    n = repository.remove(store, iri, agent=writer)
    return {"removed": f"{service}/{version}", "triples": n}
