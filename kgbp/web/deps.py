"""FastAPI dependencies: the store, settings, language, and the write token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from ..auth import check, load_tokens
from ..config import Settings
from ..errors import Unauthorized
from ..i18n import from_accept_language, normalise_lang, say
from ..store import Store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


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


def require_writer(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    """The token's name; 401 without a valid bearer token."""
    name = check(load_tokens(get_settings(request)), _bearer(authorization))
    if name is None:
        raise Unauthorized(say("token_to_write"), where=str(request.url.path), hint=say("token_to_write_hint"))
    return name


def require_token_to_read(request: Request, authorization: Annotated[str | None, Header()] = None) -> str | None:
    """Every route's guard when the read_token_required setting is on: 401 without a valid token.

    Writes check their token themselves (require_writer); write tokens are read tokens too.
    """
    settings = get_settings(request)
    if not settings.read_token_required:
        return None
    name = check(load_tokens(settings), _bearer(authorization))
    if name is None:
        raise Unauthorized(say("token_to_read"), where=str(request.url.path), hint=say("token_to_read_hint"))
    return name


StoreDep = Annotated[Store, Depends(get_store)]
LangDep = Annotated[str, Depends(get_lang)]
WriterDep = Annotated[str, Depends(require_writer)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
