"""Operator actions over HTTP (bearer token): a backup of the store while it is served."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...repository import backup
from ..deps import SettingsDep, StoreDep, WriterDep

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.post("/backup", status_code=201,
             summary="Write a consistent snapshot of the store into the server's backups folder (bearer token)")
def make_backup(store: StoreDep, settings: SettingsDep, writer: WriterDep,
                name: Annotated[str | None, Query(description="The backup's name (a plain folder name); "
                                                               "default kgbp-<UTC time>.")] = None) -> dict[str, Any]:
    return backup.snapshot_named(store, settings, name).as_dict()
