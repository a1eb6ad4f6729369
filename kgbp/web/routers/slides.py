"""Slides over HTTP: a blueprint as an editable .pptx, and a drawn slide uploaded as a draft."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response

from ...errors import PayloadTooLarge
from ...i18n import say
from ...model.shared_index import SharedIndex
from ...slides import MEDIA_TYPE, blueprint_deck, import_slide, store_draft
from ..deps import LangDep, SettingsDep, StoreDep, WriterDep, WritesDep
from .blueprints import safe_name

router = APIRouter(tags=["slides"])


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{quote(name, safe='.-_')}\"; filename*=UTF-8''{quote(name)}"}


@router.get("/blueprints/{service}/{version}/slide.pptx", summary="The blueprint as an editable PowerPoint slide",
            response_class=Response, responses={200: {"content": {MEDIA_TYPE: {}}}})
def slide_pptx(service: str, version: str, store: StoreDep, lang: LangDep,
               all_versions: Annotated[bool, Query(description="One slide per version of the service.")] = False) -> Response:
    refs = [service] if all_versions else [f"{service}/{version}"]
    name = f"{service}.pptx" if all_versions else f"{service}-{version}.pptx"
    return Response(blueprint_deck(store, refs, lang), media_type=MEDIA_TYPE, headers=_attachment(name))


@router.post("/api/slides", summary="Upload a slide drawn in PowerPoint: stored as a draft (bearer token)",
             status_code=201)
async def upload_slide(
    file: UploadFile, store: StoreDep, lang: LangDep, writer: WriterDep, settings: SettingsDep, writes: WritesDep,
    slide: Annotated[int, Query(ge=1, description="The slide to read (1 = the first).")] = 1,
    service: Annotated[str | None, Query(description="Service id (default: from the slide).")] = None,
    version: Annotated[str | None, Query(description="Version id (default: from the slide, or as-is).")] = None,
    save: Annotated[bool, Query(description="false: only read the slide and return the draft.")] = True,
) -> dict[str, Any]:
    name = safe_name(file.filename or "upload.pptx")
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(say("upload_too_large", limit=settings.max_upload_bytes), where=name,
                              hint=say("upload_slides_hint"))
    # reading a slide of thousands of shapes takes seconds: on the write thread, so other requests go on
    imported = await writes.run(lambda: import_slide(data, name, slide, SharedIndex.from_store(store), service, version))
    body: dict[str, Any] = {"id": imported.id, "slide": imported.slide, "yaml": imported.yaml_text,
                            "guesses": [g.as_dict(lang) for g in imported.guesses], "stored": None}
    if save:
        result = await writes.run(store_draft, store, imported, agent=writer, lang=lang)
        saved = result.saved[0]
        body["stored"] = {"id": saved.id, "iri": str(saved.iri), "triples": saved.triples, "draft": saved.draft,
                          "warnings": saved.warnings}
        body["report"] = result.report.as_dict()
    return body
