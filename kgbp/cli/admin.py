"""Whole-repository operations: dump, restore, backup, restore-backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import say, say_in
from .main import LangOpt, StoreOpt, app, err, handle_errors, lang_of, open_store, out, settings_for
from .output import _write


@app.command()
@handle_errors
def dump(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="trig or nq (default: from the file's suffix, else trig).")] = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
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
    lang: LangOpt = None,
) -> None:
    """Replace the whole repository with a dump (validated; one transaction; graphs not in it are dropped)."""
    from ..errors import BadInput
    from ..repository.dump import format_for
    from ..repository.dump import restore as restore_repository
    from ..validation.engine import Validator

    language = lang_of(lang)
    if path.is_dir():
        raise BadInput(say("restore_is_folder", path=str(path)), where=str(path), hint=say("restore_is_folder_hint"))
    if not path.is_file():
        raise BadInput(say("no_such_file"), where=str(path), hint=say("no_such_file_hint"))
    with open_store(store) as s:
        done = restore_repository(s, path.read_bytes(), str(path), format_for(path, fmt), Validator(lang=language))
    for note in done.notes:
        err.print(say_in(language, "cli_note", note=note), highlight=False, soft_wrap=True)
    out.print(say_in(language, "cli_restored_dump", blueprints=done.blueprints, graphs=done.graphs, triples=done.triples,
                     dropped=len(done.dropped)), highlight=False, soft_wrap=True)


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
    lang: LangOpt = None,
) -> None:
    """Write a consistent snapshot of the store (also while a server holds it: use --server)."""
    from ..errors import StoreUnavailable
    from ..repository.backup import snapshot

    language = lang_of(lang)
    if server:
        _backup_through(server, token, target, language)
        return
    try:
        with open_store(store) as s:
            done = snapshot(s, Path(target))
    except StoreUnavailable as exc:
        if getattr(exc.message, "key", "") != "store_in_use":
            raise
        raise StoreUnavailable(exc.message, where=exc.where, hint=say("backup_through_server_hint")) from None
    out.print(say_in(language, "cli_backed_up", blueprints=done.blueprints, graphs=done.graphs, path=str(done.path)),
              highlight=False, soft_wrap=True)


def _backup_through(server: str, token: str | None, name: str, lang: str) -> None:
    import httpx

    from ..errors import BadInput, KgbpError, StoreUnavailable

    if not token:
        raise BadInput(say("backup_needs_token"), where="--token", hint=say("backup_needs_token_hint"))
    url = server.rstrip("/") + "/api/admin/backup"
    try:
        response = httpx.post(url, params={"name": name}, headers={"Authorization": f"Bearer {token}"}, timeout=600)
    except httpx.HTTPError as exc:
        raise StoreUnavailable(say("server_unreachable", error=str(exc)), where=url, hint=say("server_unreachable_hint")) from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 201:
        raise KgbpError(body.get("message") or say("server_answered", status=response.status_code),
                        where=body.get("where") or url, hint=body.get("hint", ""))
    out.print(say_in(lang, "cli_server_backed_up", blueprints=body["blueprints"], graphs=body["graphs"],
                     name=repr(body["name"])), highlight=False, soft_wrap=True)


@app.command("restore-backup")
@handle_errors
def restore_backup(
    source: Annotated[Path, typer.Argument(help="A folder written by `kgbp backup`.")],
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Replace the store with a backup (refused while a server holds the store; the old store is kept beside it)."""
    from ..errors import BadInput
    from ..repository.backup import restore_backup as restore_folder

    settings = settings_for(store)
    if settings.is_remote:
        raise BadInput(say("restore_backup_remote"), where=settings.store, hint=say("restore_backup_remote_hint"))
    done = restore_folder(source, Path(settings.store))
    language = lang_of(lang)
    out.print(say_in(language, "cli_restored_backup", blueprints=done.blueprints, graphs=done.graphs,
                     store=str(done.store)), highlight=False, soft_wrap=True)
    if done.replaced is not None:
        out.print(say_in(language, "cli_previous_store_kept", path=str(done.replaced)), highlight=False, soft_wrap=True)
