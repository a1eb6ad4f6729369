"""JSON API for blueprints: list, read, upload (validated, token required), delete.

Reads answer with an ETag (the blueprint's stored version, see kgbp/concurrency.py);
uploads and deletes honour If-Match / If-None-Match, so a writer who read version V
cannot overwrite someone else's later change unknowingly (412, saying what changed).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...config import Limits
from ...errors import BadInput, PayloadTooLarge
from ...export.rdf import FORMATS, export_blueprint
from ...i18n import say
from ...ingest import SharedIndex, read_bytes
from ...model import iris
from ...repository import concurrency
from ...repository import save as repository
from ...repository.blueprint_view import load_view
from ...store import Store
from ...validation.engine import Validator
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
                 settings: SettingsDep, response: Response, draft: bool = False,
                 if_match: IfMatch = None, if_none_match: IfNoneMatch = None) -> dict[str, Any]:
    name = safe_name(file.filename)
    expected = concurrency.Expected.parse(if_match, if_none_match)
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"upload larger than {settings.max_upload_bytes} bytes", where=name, hint="split it, or raise max_upload_bytes")
    # reading, validating and storing take a while: off the event loop, so reads go on meanwhile
    result = await run_in_threadpool(_read_and_save, store, data, name, lang, draft, writer, expected, settings.limits)
    if len(result.saved) == 1 and result.saved[0].version:
        response.headers["ETag"] = concurrency.etag(result.saved[0].version) or ""
    return {"stored": [{"id": s.id, "iri": str(s.iri), "triples": s.triples, "draft": s.draft,
                        "warnings": s.warnings, "etag": concurrency.etag(s.version)} for s in result.saved],
            "links": [note.as_dict(lang) for note in result.links], "report": result.report.as_dict()}


def _read_and_save(store: Store, data: bytes, name: str, lang: str, draft: bool, writer: str,
                   expected: concurrency.Expected | None, limits: Limits | None = None) -> repository.SaveResult:
    blueprints = read_bytes(data, name, SharedIndex.from_store(store), limits)
    if expected is not None and len(blueprints) != 1:
        raise BadInput(say("guard_one", name=name, n=len(blueprints)), where=name, hint=say("guard_one_hint"))
    expect = {blueprints[0].iri: expected} if expected is not None else None
    return repository.save(store, blueprints, validator=Validator(lang=lang), draft=draft, agent=writer, expect=expect,
                           limits=limits)


@router.delete("/blueprints/{service}/{version}", summary="Remove a blueprint (bearer token; If-Match honoured)")
def delete(service: str, version: str, store: StoreDep, writer: WriterDep, if_match: IfMatch = None) -> dict[str, Any]:
    iri = iris.blueprint_iri(service, version)
    n = repository.remove(store, iri, agent=writer, expect=concurrency.Expected.parse(if_match))
    return {"removed": f"{service}/{version}", "triples": n}
