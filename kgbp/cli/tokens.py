"""`kgbp token`: write tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..i18n import say_in
from .main import LangOpt, StoreOpt, app, err, handle_errors, lang_of, out, settings_for

token_app = typer.Typer(help="Read and write tokens: create, list, rotate, revoke (stored hashed).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
@handle_errors
def token_create(name: Annotated[str, typer.Argument(help="Who holds it (shown in the history as the author of writes).")],
                 read: Annotated[bool, typer.Option("--read", help="A read token: may read, never write.")] = False,
                 store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Create a token (a write token, or a read token with --read) and print it once (only its hash is kept)."""
    from ..auth import check_name, create_token, token_names
    from ..errors import Conflict
    from ..i18n import say

    settings = settings_for(store)
    if check_name(name) in token_names(settings):
        raise Conflict(say("token_exists", name=name), where=name, hint=say("token_exists_hint", name=name))
    _print_token(name, create_token(settings, name, "read" if read else "write"), lang_of(lang))


@token_app.command("list")
@handle_errors
def token_list(store: StoreOpt = None, lang: LangOpt = None) -> None:
    """List the tokens: name and kind, read or write (the tokens themselves are not kept)."""
    from ..auth import token_kinds, tokens_path

    settings = settings_for(store)
    kinds = token_kinds(settings)
    for name, kind in kinds.items():
        sys.stdout.write(f"{name}\t{kind}\n")  # a tab-separated row for scripts (rich would expand the tab)
    err.print(say_in(lang_of(lang), "cli_token_count", n=len(kinds), path=str(tokens_path(settings))), highlight=False,
              soft_wrap=True)


@token_app.command("rotate")
@handle_errors
def token_rotate(name: str, store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Replace a token: the old one stops working at once; the new one is printed once."""
    from ..auth import rotate_token

    _print_token(name, rotate_token(settings_for(store), name), lang_of(lang))


@token_app.command("revoke")
@handle_errors
def token_revoke(name: str, store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Revoke a token: writes with it are refused from the next request on."""
    from ..auth import revoke_token
    from ..errors import NotFound
    from ..i18n import say

    if not revoke_token(settings_for(store), name):
        raise NotFound(say("no_token", name=name), where=name, hint=say("no_token_hint"))
    out.print(say_in(lang_of(lang), "cli_revoked", name=name), highlight=False)


def _print_token(name: str, token: str, lang: str) -> None:
    err.print(say_in(lang, "cli_token_once", name=repr(name)), highlight=False, soft_wrap=True)
    out.print(token, highlight=False, soft_wrap=True)
