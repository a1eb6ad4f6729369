"""Backups of the embedded store: consistent snapshots, and putting one back.

A snapshot is a RocksDB checkpoint of the store folder (`Store.backup`): consistent even
while a server writes, because the process that holds the store takes it. When a server
holds the store, snapshots are taken through it (POST /api/admin/backup) into its backups
folder, under a name (never a path from the request).

Restoring replaces the store folder as a whole, by renaming: the backup is copied beside
the store, opened to check it is a kgbp store, then swapped in with two renames while the
store's lock file is held, so no server can open the store halfway. The replaced folder
is kept beside it (`<store>.replaced-<time>`) until the operator deletes it. The tokens
file, when it lives in the store folder, is carried over (a backup does not contain it).
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..config import Settings
from ..errors import BadInput, Conflict, StoreUnavailable
from ..i18n import say
from ..store import Store

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
TOKENS_FILE = "tokens"


@dataclass
class Snapshot:
    path: Path
    blueprints: int
    graphs: int

    def as_dict(self) -> dict[str, object]:
        return {"name": self.path.name, "blueprints": self.blueprints, "graphs": self.graphs}


@dataclass
class RestoredBackup:
    store: Path
    replaced: Path | None  # the previous store folder, kept beside it
    blueprints: int
    graphs: int


def default_name() -> str:
    return datetime.now(UTC).strftime("kgbp-%Y%m%dT%H%M%SZ")


def check_name(name: str) -> str:
    """A backup name a request may give: one plain folder name, never a path."""
    if not NAME.fullmatch(name) or ".." in name:
        raise BadInput(say("backup_bad_name", name=name), where="name", hint=say("backup_bad_name_hint"))
    return name


def backups_folder(settings: Settings) -> Path:
    if settings.backup_dir:
        return Path(settings.backup_dir)
    store = Path(settings.store)
    return store.parent / f"{store.name}-backups"


def _describe(path: Path) -> tuple[int, int]:
    """(blueprints, graphs) of a store folder; BadInput when it is not a kgbp store."""
    from ..model.namespaces import ONTOLOGY_GRAPH
    from ..store.embedded import EmbeddedStore
    from . import save as repository

    try:
        store = EmbeddedStore(path, read_only=True)
    except StoreUnavailable as exc:
        raise BadInput(say("backup_cannot_open", what=exc.message), where=str(path), hint=say("backup_folder_hint")) from None
    try:
        if ONTOLOGY_GRAPH not in store.graph_names():
            raise BadInput(say("backup_no_repository"), where=str(path), hint=say("backup_folder_hint"))
        return len(repository.list_blueprints(store)), len(store.graph_names())
    finally:
        store.close()


def snapshot(store: Store, target: Path) -> Snapshot:
    """Write a consistent snapshot of `store` to the new folder `target`, and check it opens."""
    if target.exists():
        raise Conflict(say("backup_exists", name=target.name), where=str(target), hint=say("backup_exists_hint"))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        store.backup(str(target))
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise StoreUnavailable(say("backup_failed", what=str(exc)), where=str(target), hint=say("backup_failed_hint")) from None
    blueprints, graphs = _describe(target)
    return Snapshot(target, blueprints, graphs)


def snapshot_named(store: Store, settings: Settings, name: str | None) -> Snapshot:
    """What the server does for POST /api/admin/backup: a snapshot into its backups folder."""
    if settings.is_remote:
        raise BadInput(say("backup_remote"), where=settings.store, hint=say("backup_remote_hint"))
    return snapshot(store, backups_folder(settings) / check_name(name or default_name()))


@contextmanager
def _held(store: Path) -> Iterator[None]:
    """Hold the store folder's lock file (as a server would), or say who holds it."""
    from ..store.embedded import EmbeddedStore

    try:
        EmbeddedStore(store).close()
    except StoreUnavailable as exc:
        raise StoreUnavailable(exc.message, where=exc.where, hint=say("restore_stop_first")) from None
    try:
        import fcntl
    except ImportError:  # no fcntl (Windows): the check above is all there is
        yield
        return
    with (store / "LOCK").open("a+b") as fh:
        try:
            fcntl.lockf(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreUnavailable(say("store_in_use"), where=str(store), hint=say("restore_stop_first")) from None
        try:
            yield
        finally:
            fcntl.lockf(fh.fileno(), fcntl.LOCK_UN)


def restore_backup(backup: Path, store: Path) -> RestoredBackup:
    """Replace the store folder with a copy of `backup` (see the module docstring)."""
    if not backup.is_dir():
        raise BadInput(say("no_such_folder"), where=str(backup), hint=say("backup_folder_hint"))
    if not (backup / "CURRENT").is_file():
        raise BadInput(say("backup_not_store"), where=str(backup), hint=say("backup_not_store_hint"))
    if store.resolve() == backup.resolve():
        raise BadInput(say("backup_is_store"), where=str(backup), hint=say("backup_is_store_hint"))
    store.parent.mkdir(parents=True, exist_ok=True)
    staging = store.parent / f".{store.name}.restoring-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(backup, staging)
        blueprints, graphs = _describe(staging)
        replaced = None
        if store.exists():
            with _held(store):
                tokens = store / TOKENS_FILE
                if tokens.is_file() and not (staging / TOKENS_FILE).exists():
                    shutil.copy2(tokens, staging / TOKENS_FILE)
                replaced = store.parent / f"{store.name}.replaced-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
                store.rename(replaced)
                try:
                    staging.rename(store)
                except OSError:
                    replaced.rename(store)  # put the old store back: never leave no store
                    raise
        else:
            staging.rename(store)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return RestoredBackup(store, replaced, blueprints, graphs)
