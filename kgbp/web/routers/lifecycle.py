"""JSON API for the blueprint lifecycle: differences, versions, history, restore."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...errors import BadInput
from ...i18n import say
from ...lifecycle import diff
from ...repository import history
from ...repository import save as repository
from ...store import Store
from ...validation.engine import Validator
from ..deps import LangDep, StoreDep, WriterDep, WritesDep

router = APIRouter(prefix="/api", tags=["lifecycle"])


@router.get("/diff", summary="What changed between two blueprint versions")
def get_diff(store: StoreDep, lang: LangDep,
             before: Annotated[str, Query(alias="from", description="The earlier version: service/version.")],
             after: Annotated[str, Query(alias="to", description="The later version: service/version.")],
             ) -> dict[str, Any]:
    a = repository.resolve_blueprint(store, before)
    b = repository.resolve_blueprint(store, after)
    return diff.compare(store, a, b, lang).as_dict()


@router.get("/services/{service}/versions", summary="The versions of a service, with status and dates")
def get_versions(service: str, store: StoreDep, lang: LangDep) -> list[dict[str, Any]]:
    return [v.as_dict() for v in history.versions(store, service, lang)]


@router.get("/history", summary="Recorded changes, oldest first (of one blueprint, or all)")
def get_history(store: StoreDep,
                blueprint: Annotated[str | None, Query(description="service/version; none = every blueprint.")] = None,
                limit: Annotated[int | None, Query(ge=1, le=10_000, description="Only the latest N changes.")] = None,
                ) -> list[dict[str, Any]]:
    iri = history.resolve(store, blueprint) if blueprint else None
    items = history.activities(store, iri)
    if limit is not None:
        items = items[-limit:]
    return [a.as_dict() for a in items]


@router.get("/history/{activity}", summary="One recorded change, with the blueprint state it left")
def get_activity(activity: str, store: StoreDep, lang: LangDep,
                 blueprint: Annotated[str | None, Query(description="Narrow the look-up to one blueprint.")] = None,
                 ) -> dict[str, Any]:
    iri = history.resolve(store, blueprint) if blueprint else None
    found = history.find_activity(store, activity, iri)
    state = history.state_view(store, found, lang).as_dict() if found.state is not None else None
    return {"activity": found.as_dict(), "state": state}


@router.post("/blueprints/{service}/{version}/restore",
             summary="Bring back the state an activity left (validated, recorded; bearer token)")
async def restore(service: str, version: str, store: StoreDep, lang: LangDep, writer: WriterDep, writes: WritesDep,
                  activity: Annotated[str, Query(description="The activity whose state to restore (id or prefix).")] = "",
            ) -> dict[str, Any]:
    if not activity:
        raise BadInput(say("restore_which"), where="activity", hint=say("restore_which_hint"))
    return await writes.run(_restore, store, f"{service}/{version}", activity, writer, lang)


def _restore(store: Store, blueprint: str, activity: str, writer: str, lang: str) -> dict[str, Any]:
    iri = history.resolve(store, blueprint)
    return history.restore(store, iri, activity, agent=writer, validator=Validator(lang=lang)).as_dict()
