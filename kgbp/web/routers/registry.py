"""JSON API for the registry: list and search departments, systems and channels; one entry
with every step that names it; merge, rename and alias (bearer token). No SPARQL here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from ...errors import BadInput
from ...i18n import say
from ...registry import listing, operations
from ...validation.engine import Validator
from ..deps import LangDep, StoreDep, WriterDep, WritesDep

router = APIRouter(prefix="/api", tags=["registry"])
PLURAL = {"systems": "system", "departments": "department", "channels": "channel"}
COLUMNS = ("id", "label_en", "label_zh", "aliases", "parent", "parts", "status", "blueprints", "steps")


def _kind(plural: str) -> str:
    if plural not in PLURAL:
        raise BadInput(say("no_registry", plural=plural), where=plural, hint=say("no_registry_hint"))
    return PLURAL[plural]


def _csv(entries: list[listing.RegistryEntry]) -> Response:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow([e.id, e.labels.get("en", ""), e.labels.get("zh", ""), "; ".join(e.aliases), e.parent or "",
                         "; ".join(e.parts), e.status, e.blueprints, e.steps])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8")


@router.get("/registry/{plural}", summary="List departments, systems or channels (q: search id, labels, aliases)",
            response_model=None)
def list_registry(plural: str, store: StoreDep, lang: LangDep, q: str = "",
                  format: Annotated[str, Query(description="json or csv")] = "json") -> list[dict[str, Any]] | Response:
    entries = listing.list_entries(store, _kind(plural), q, lang)
    if format == "csv":
        return _csv(entries)
    if format != "json":
        raise BadInput(say("unknown_format", fmt=format), where="format", hint=say("use_one_of", values="json, csv"))
    return [e.as_dict() for e in entries]


@router.get("/registry/{plural}/{ref}", summary="One entry (id, label or alias) and every step that names it")
def get_entry(plural: str, ref: str, store: StoreDep, lang: LangDep) -> dict[str, Any]:
    entry = listing.find_entry(store, _kind(plural), ref, lang)
    return {**entry.as_dict(), "mentions": [m.as_dict() for m in listing.mentions(store, entry, lang)]}


@router.post("/registry/{plural}/merge", summary="Merge one entity into another (bearer token)")
async def merge(plural: str, store: StoreDep, lang: LangDep, writer: WriterDep, writes: WritesDep,
                source: Annotated[str, Body()], target: Annotated[str, Body()]) -> dict[str, object]:
    change = await writes.run(operations.merge, store, _kind(plural), source, target, writer, Validator(lang=lang))
    return change.as_dict(lang)


@router.post("/registry/{plural}/rename", summary="A new id and/or labels for one entity (bearer token)")
async def rename(plural: str, store: StoreDep, lang: LangDep, writer: WriterDep, writes: WritesDep,
                 entity: Annotated[str, Body()],
                 id: Annotated[str | None, Body()] = None,
                 labels: Annotated[dict[str, str] | None, Body()] = None) -> dict[str, object]:
    change = await writes.run(operations.rename, store, _kind(plural), entity, id, labels, writer, Validator(lang=lang))
    return change.as_dict(lang)


@router.post("/registry/{plural}/alias", summary="Add (or remove) an alias (bearer token)")
async def alias(plural: str, store: StoreDep, lang: LangDep, writer: WriterDep, writes: WritesDep,
                entity: Annotated[str, Body()],
                name: Annotated[str, Body()], remove: Annotated[bool, Body()] = False) -> dict[str, object]:
    change = await writes.run(operations.alias, store, _kind(plural), entity, name, remove, writer)
    return change.as_dict(lang)
