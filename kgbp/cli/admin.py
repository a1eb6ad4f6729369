"""Whole-repository operations: dump, restore, backup, restore-backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import normalise_lang
from .main import LangOpt, StoreOpt, app, err, handle_errors, open_store, out, settings_for
from .output import _write


@app.command()
@handle_errors
def dump(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="trig or nq (default: from the file's suffix, else trig).")] = None,
    store: StoreOpt = None,
) -> None:
    """Write the whole repository (every blueprint, shared entities, history) as TriG or N-Quads."""
    from ..repository.dump import dump as dump_repository
    from ..repository.dump import format_for

    with open_store(store) as s:
        _write(dump_repository(s, format_for(output or "", fmt)), output)


@app.command()
@handle_errors
def restore(
    path: Annotated[Path, typer.Argument(help="A dump written by `kgbp dump` (.trig or .nq).")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="trig or nq (default: from the file's suffix).")] = None,
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Replace the whole repository with a dump (validated; one transaction; graphs not in it are dropped)."""
    from ..errors import BadInput
    from ..repository.dump import format_for
    from ..repository.dump import restore as restore_repository
    from ..validation.engine import Validator

    if path.is_dir():
        raise BadInput(f"{path} is a folder: restore a store backup with `kgbp restore-backup`", where=str(path),
                       hint="`kgbp restore` reads one dump file written by `kgbp dump`")
    if not path.is_file():
        raise BadInput("no such file", where=str(path), hint="check the path")
    with open_store(store) as s:
        done = restore_repository(s, path.read_bytes(), str(path), format_for(path, fmt),
                                  Validator(lang=normalise_lang(lang)))
    for note in done.notes:
        err.print(f"note: {note}")
    out.print(f"restored {done.blueprints} blueprint(s) in {done.graphs} graph(s), {done.triples} triples; "
              f"dropped {len(done.dropped)} graph(s) not in the dump")


# -- operations: backups, tokens (docs/operations.md) ----------------------------------------

@app.command()
@handle_errors
def backup(
    target: Annotated[str, typer.Argument(help="The new folder to write the snapshot to; with --server, the backup's name "
                                               "(the server writes it into its backups folder).")],
    store: StoreOpt = None,
    server: Annotated[str | None, typer.Option("--server", help="Back up through this running server (URL), "
                                                                "e.g. http://127.0.0.1:8000.")] = None,
    token: Annotated[str | None, typer.Option("--token", help="The server's write token (env KGBP_TOKEN).",
                                              envvar="KGBP_TOKEN")] = None,
) -> None:
    """Write a consistent snapshot of the store (also while a server holds it: use --server)."""
    from ..errors import StoreUnavailable
    from ..repository.backup import snapshot

    if server:
        _backup_through(server, token, target)
        return
    try:
        with open_store(store) as s:
            done = snapshot(s, Path(target))
    except StoreUnavailable as exc:
        if "in use" not in exc.message:
            raise
        raise StoreUnavailable(exc.message, where=exc.where,
                               hint="a running server holds the store: back up through it with "
                                    "`kgbp backup NAME --server http://127.0.0.1:8000 --token TOKEN`") from None
    out.print(f"backed up {done.blueprints} blueprint(s), {done.graphs} graph(s) to {done.path}")


def _backup_through(server: str, token: str | None, name: str) -> None:
    import httpx

    from ..errors import BadInput, KgbpError, StoreUnavailable

    if not token:
        raise BadInput("--server needs the server's write token", where="--token", hint="give --token T, or set KGBP_TOKEN")
    url = server.rstrip("/") + "/api/admin/backup"
    try:
        response = httpx.post(url, params={"name": name}, headers={"Authorization": f"Bearer {token}"}, timeout=600)
    except httpx.HTTPError as exc:
        raise StoreUnavailable(f"cannot reach the server: {exc}", where=url, hint="check the URL and that the server runs") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 201:
        error = KgbpError(body.get("message") or f"the server answered {response.status_code}",
                          where=body.get("where") or url, hint=body.get("hint", ""))
        raise error
    out.print(f"the server backed up {body['blueprints']} blueprint(s), {body['graphs']} graph(s) as {body['name']!r} "
              f"in its backups folder")


@app.command("restore-backup")
@handle_errors
def restore_backup(
    source: Annotated[Path, typer.Argument(help="A folder written by `kgbp backup`.")],
    store: StoreOpt = None,
) -> None:
    """Replace the store with a backup (refused while a server holds the store; the old store is kept beside it)."""
    from ..errors import BadInput
    from ..repository.backup import restore_backup as restore_folder

    settings = settings_for(store)
    if settings.is_remote:
        raise BadInput("restore-backup replaces an embedded store folder", where=settings.store,
                       hint="for a remote store: `kgbp restore DUMP` (a dump file) through SPARQL")
    done = restore_folder(source, Path(settings.store))
    out.print(f"restored {done.blueprints} blueprint(s), {done.graphs} graph(s) into {done.store}")
    if done.replaced is not None:
        out.print(f"the previous store is kept in {done.replaced} (delete it when satisfied)")
