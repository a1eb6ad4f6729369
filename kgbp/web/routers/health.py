"""The health check: 200 when the store answers and can be written, 503 saying why not."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from ...errors import StoreUnavailable
from ...i18n import say
from ...query.internal import internal_query
from ...store import Store
from ..deps import StoreDep

router = APIRouter(prefix="/api", tags=["health"])


def _check(store: Store) -> dict[str, Any]:
    store.ask(internal_query("store_answers"))  # reads work (a 503 StoreUnavailable when not)
    health = getattr(store, "health", None)
    reason = health() if health is not None else None
    if reason is not None:
        raise StoreUnavailable(say("writes_fail", reason=reason), where="store", hint=say("writes_fail_hint"))
    return {"status": "ok", "reads": "ok", "writes": "ok"}


@router.get("/health", summary="Health: 200 when the store can be read and written, 503 saying why not")
async def health(store: StoreDep) -> dict[str, Any]:
    return await run_in_threadpool(_check, store)
