"""`kgbp token`: write tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from .main import StoreOpt, app, err, handle_errors, out, settings_for

token_app = typer.Typer(help="Read and write tokens: create, list, rotate, revoke (stored hashed).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
@handle_errors
def token_create(name: Annotated[str, typer.Argument(help="Who holds it (shown in the history as the author of writes).")],
                 read: Annotated[bool, typer.Option("--read", help="A read token: may read, never write.")] = False,
                 store: StoreOpt = None) -> None:
    """Create a token (a write token, or a read token with --read) and print it once (only its hash is kept)."""
    from ..auth import check_name, create_token, token_names
    from ..errors import Conflict
    from ..i18n import say

    settings = settings_for(store)
    if check_name(name) in token_names(settings):
        raise Conflict(say("token_exists", name=name), where=name, hint=say("token_exists_hint", name=name))
    _print_token(name, create_token(settings, name, "read" if read else "write"))


@token_app.command("list")
@handle_errors
def token_list(store: StoreOpt = None) -> None:
    """List the tokens: name and kind, read or write (the tokens themselves are not kept)."""
    from ..auth import token_kinds, tokens_path

    settings = settings_for(store)
    kinds = token_kinds(settings)
    for name, kind in kinds.items():
        out.print(f"{name}\t{kind}", highlight=False)
    err.print(f"{len(kinds)} token(s) in {tokens_path(settings)}", highlight=False)


@token_app.command("rotate")
@handle_errors
def token_rotate(name: str, store: StoreOpt = None) -> None:
    """Replace a token: the old one stops working at once; the new one is printed once."""
    from ..auth import rotate_token

    _print_token(name, rotate_token(settings_for(store), name))


@token_app.command("revoke")
@handle_errors
def token_revoke(name: str, store: StoreOpt = None) -> None:
    """Revoke a token: writes with it are refused from the next request on."""
    from ..auth import revoke_token
    from ..errors import NotFound
    from ..i18n import say

    if not revoke_token(settings_for(store), name):
        raise NotFound(say("no_token", name=name), where=name, hint=say("no_token_hint"))
    out.print(f"revoked {name}")


def _print_token(name: str, token: str) -> None:
    err.print(f"token for {name!r} (shown once; keep it secret):", highlight=False)
    out.print(token, highlight=False, soft_wrap=True)
