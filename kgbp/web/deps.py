"""FastAPI dependencies: the store, settings, language, and the read and write tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from ..auth import Holder, check_holder, load_holders
from ..config import Settings
from ..errors import Forbidden, Unauthorized
from ..i18n import from_accept_language, normalise_lang, say
from ..store import Store
from .writer import WriteThread


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def get_write_thread(request: Request) -> WriteThread:
    return request.app.state.write_thread  # type: ignore[no-any-return]


def get_lang(request: Request, lang: Annotated[str | None, Query(description="en or zh")] = None) -> str:
    return lang_of(request, lang)


def lang_of(request: Request, lang: str | None = None) -> str:
    """The reader's language: ?lang=, else the cookie, else Accept-Language, else the setting."""
    lang = lang or request.query_params.get("lang")
    if lang:
        return normalise_lang(lang)
    cookie = request.cookies.get("lang")
    if cookie:
        return normalise_lang(cookie)
    return from_accept_language(request.headers.get("accept-language")) or get_settings(request).lang


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def writer_of(request: Request, holder: Holder | None) -> str:
    """The name of a write token's holder: 401 without a valid token, 403 for a read token."""
    if holder is None:
        raise Unauthorized(say("token_to_write"), where=str(request.url.path), hint=say("token_to_write_hint"))
    if not holder.can_write:
        raise Forbidden(say("read_token", name=holder.name), where=str(request.url.path), hint=say("read_token_hint"))
    return holder.name


def require_writer(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    """The write token's name; 401 without a valid bearer token, 403 with a read token."""
    return writer_of(request, check_holder(load_holders(get_settings(request)), _bearer(authorization)))


def require_token_to_read(request: Request, authorization: Annotated[str | None, Header()] = None) -> str | None:
    """Every route's guard when the read_token_required setting is on: 401 without a valid token.

    Writes check their token themselves (require_writer); write tokens are read tokens too.
    """
    settings = get_settings(request)
    if not settings.read_token_required:
        return None
    holder = check_holder(load_holders(settings), _bearer(authorization))
    if holder is None:
        raise Unauthorized(say("token_to_read"), where=str(request.url.path), hint=say("token_to_read_hint"))
    return holder.name


def client_key(request: Request) -> str:
    """Who is asking, for fair shares of the query workers: a valid token's name, else the address.

    An invalid token counts as no token: a client cannot make up identities to get more shares.
    Behind a proxy every client has the proxy's address; give clients tokens there."""
    holder = check_holder(load_holders(get_settings(request)), _bearer(request.headers.get("authorization")))
    if holder is not None:
        return f"token:{holder.name}"
    return f"address:{request.client.host if request.client else ''}"


# What every read depends on runs on the event loop: none of it waits for anything, and a sync
# dependency costs each request a hop to the thread pool and back (under load, a wait for a thread).
async def app_store(request: Request) -> Store:
    """The store, as routes depend on it (the one to override in tests)."""
    return get_store(request)


async def _lang(request: Request, lang: Annotated[str | None, Query(description="en or zh")] = None) -> str:
    return lang_of(request, lang)


async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def _write_thread(request: Request) -> WriteThread:
    return get_write_thread(request)


async def read_guard(request: Request, authorization: Annotated[str | None, Header()] = None) -> str | None:
    """require_token_to_read, on the event loop (a hash and a small file read, only when read tokens are required)."""
    return require_token_to_read(request, authorization)


StoreDep = Annotated[Store, Depends(app_store)]
LangDep = Annotated[str, Depends(_lang)]
WriterDep = Annotated[str, Depends(require_writer)]
SettingsDep = Annotated[Settings, Depends(_settings)]
WritesDep = Annotated[WriteThread, Depends(_write_thread)]  # where writes run (web/writer.py)
