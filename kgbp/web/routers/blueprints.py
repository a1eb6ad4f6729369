"""JSON API for blueprints: list, read, upload (validated, token required), ArchiMate import, delete.

Reads answer with an ETag (the blueprint's stored version, see kgbp/concurrency.py);
uploads and deletes honour If-Match / If-None-Match, so a writer who read version V
cannot overwrite someone else's later change unknowingly (412, saying what changed).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, UploadFile
from fastapi.responses import Response

from ...archimate.importer import ArchimateChanges, changes_in
from ...archimate.reader import read_archimate_bytes
from ...config import Limits
from ...errors import BadInput, PayloadTooLarge
from ...export.rdf import FORMATS, export_blueprint
from ...i18n import say
from ...ingest.pipeline import Ingested, Upload, ingest
from ...model import iris
from ...repository import concurrency
from ...repository import save as repository
from ...repository.blueprint_view import load_view
from ...store import Store
from ..deps import LangDep, SettingsDep, StoreDep, WriterDep, WritesDep

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


IfMatch = Annotated[str | None, Header(description="Write only if the stored version (ETag) is one of these; * = it exists.")]
IfNoneMatch = Annotated[str | None, Header(description="On writes, * = only if it does not exist yet; on reads, 304 if unchanged.")]


def _stored_version(store: Store, service: str, version: str) -> tuple[Any, str | None]:
    # the version is taken BEFORE the content is read: if a write slips in between, the
    # client holds an older version than its content and its next write gets a 412 (safe);
    # the other order would let it overwrite that write unknowingly
    iri = repository.resolve_blueprint(store, f"{service}/{version}")
    return iri, concurrency.version(store, iri)


def _not_modified(if_none_match: str | None, current: str | None) -> Response | None:
    if if_none_match and current and (if_none_match.strip() == "*" or
                                      current in {v.strip().removeprefix("W/").strip('"') for v in if_none_match.split(",")}):
        return Response(status_code=304, headers={"ETag": concurrency.etag(current) or ""})
    return None


@router.get("/blueprints/{service}/{version}", summary="One blueprint, step by step (ETag: its stored version)")
def get_blueprint(service: str, version: str, store: StoreDep, lang: LangDep, response: Response,
                  if_none_match: IfNoneMatch = None) -> Any:
    iri, current = _stored_version(store, service, version)
    unchanged = _not_modified(if_none_match, current)
    if unchanged is not None:
        return unchanged
    view = load_view(store, iri, lang)
    response.headers["ETag"] = concurrency.etag(current) or ""
    return {**view.as_dict(), "etag": concurrency.etag(current)}


@router.get("/blueprints/{service}/{version}/export", summary="Export one blueprint as RDF (ETag: its stored version)")
def export(service: str, version: str, store: StoreDep, format: str = "ttl", if_none_match: IfNoneMatch = None) -> Response:
    if format not in FORMATS:
        raise BadInput(say("unknown_format", fmt=format), where="format", hint=say("use_one_of", values=", ".join(FORMATS)))
    iri, current = _stored_version(store, service, version)
    unchanged = _not_modified(if_none_match, current)
    if unchanged is not None:
        return unchanged
    return Response(export_blueprint(store, iri, format), media_type=FORMATS[format][1],
                    headers={"ETag": concurrency.etag(current) or ""})


@router.post("/blueprints", summary="Upload a blueprint file (validated; bearer token; If-Match for one blueprint)",
             status_code=201)
async def upload(request: Request, file: UploadFile, store: StoreDep, lang: LangDep, writer: WriterDep,
                 settings: SettingsDep, writes: WritesDep, response: Response, draft: bool = False,
                 if_match: IfMatch = None, if_none_match: IfNoneMatch = None) -> dict[str, Any]:
    name = safe_name(file.filename)
    expected = concurrency.Expected.parse(if_match, if_none_match)
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"upload larger than {settings.max_upload_bytes} bytes", where=name, hint="split it, or raise max_upload_bytes")
    # reading, validating and storing take a while: on the write thread, so reads go on meanwhile
    done = await writes.run(ingest, store, [Upload(name, data)], agent=writer, lang=lang, draft=draft,
                            expect=expected, guard_name="If-Match/If-None-Match", limits=settings.limits)
    result = done.accepted()  # unreadable: 400 with the place; rejected: 422 with the report
    if len(result.saved) == 1 and result.saved[0].version:
        response.headers["ETag"] = concurrency.etag(result.saved[0].version) or ""
    return {"stored": [{"id": s.id, "iri": str(s.iri), "triples": s.triples, "draft": s.draft,
                        "warnings": s.warnings, "etag": concurrency.etag(s.version)} for s in result.saved],
            "links": [note.as_dict(lang) for note in result.links], "report": result.report.as_dict()}


@router.post("/archimate", summary="Import an ArchiMate file edited in Archi: names changed there rename the stored "
             "blueprints (validated; bearer token)", status_code=201)
async def upload_archimate(file: UploadFile, store: StoreDep, lang: LangDep, writer: WriterDep, settings: SettingsDep,
                           writes: WritesDep, response: Response, draft: bool = False) -> dict[str, Any]:
    name = safe_name(file.filename or "model.xml")
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(say("file_too_large", limit=settings.max_upload_bytes), where=name,
                              hint=say("file_too_large_hint"))
    # parsing the XML and validating the renamed versions block: on the write thread
    changes, done = await writes.run(_import_archimate, store, data, name, writer, lang, draft, settings.limits)
    result = done.accepted()  # a renamed version that breaks a rule: 422 with the report, nothing stored
    if not result.saved:
        response.status_code = 200  # nothing was renamed: nothing stored
    return {"status": done.status if result.saved else "unchanged",
            "renamed": [r.as_dict() for r in changes.renames],
            "notes": [n.localised(lang).as_dict() for n in changes.notes],
            "stored": [{"id": s.id, "iri": str(s.iri), "triples": s.triples, "draft": s.draft,
                        "warnings": s.warnings, "etag": concurrency.etag(s.version)} for s in result.saved],
            "report": result.report.as_dict()}


def _import_archimate(store: Store, data: bytes, name: str, writer: str, lang: str, draft: bool,
                      limits: Limits) -> tuple[ArchimateChanges, Ingested]:
    changes = changes_in(store, read_archimate_bytes(data, name))
    if not changes.blueprints:
        return changes, Ingested("stored")
    return changes, ingest(store, changes.blueprints, agent=writer, lang=lang, draft=draft, limits=limits)


@router.delete("/blueprints/{service}/{version}", summary="Remove a blueprint (bearer token; If-Match honoured)")
async def delete(service: str, version: str, store: StoreDep, writer: WriterDep, writes: WritesDep,
                 if_match: IfMatch = None) -> dict[str, Any]:
    iri = iris.blueprint_iri(service, version)
    n = await writes.run(repository.remove, store, iri, agent=writer, expect=concurrency.Expected.parse(if_match))
    return {"removed": f"{service}/{version}", "triples": n}
