"""Command line: each command calls one library function and presents its result.

Exit codes: 0 ok, 1 not conformant, 2 bad input (documented in docs/cli.md).
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from ..boundary import as_kgbp_error
from ..config import Settings
from ..errors import EXIT_NOT_CONFORMANT, KgbpError, NotConformant
from ..i18n import localise, normalise_lang, say
from ..repository import save as repository

app = typer.Typer(help="kgbp: a knowledge-graph repository of service blueprints.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

StoreOpt = Annotated[str | None, typer.Option("--store", help="Store folder or SPARQL endpoint URL (env KGBP_STORE; default ./kgbp-data).")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of labels and messages: en or zh "
                                                           "(default: KGBP_LANG, else en).")]
IfVersionOpt = Annotated[str | None, typer.Option(
    "--if-version", help="Write only if the blueprint's stored version is this one (`kgbp show` prints it); "
    "otherwise say who changed it since.")]


def handle_errors(func: F) -> F:
    """KgbpError -> message on stderr and its exit code; never a traceback for bad input."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NotConformant as exc:
            from .terminal import print_report

            lang = lang_of(kwargs.get("lang"))
            err.print(Text(say("cli_rejected").in_lang(lang) + say("cli_label_sep").in_lang(lang), style="red") +
                      Text(localise(exc.message, lang) + " — " + localise(exc.hint, lang)), highlight=False, soft_wrap=True)
            if exc.report is not None:
                print_report(err, exc.report, lang)
            raise typer.Exit(EXIT_NOT_CONFORMANT) from None
        except KgbpError as exc:
            print_error(exc, lang_of(kwargs.get("lang")))
            raise typer.Exit(exc.exit_code) from None
        except (RecursionError, decimal.InvalidOperation, MemoryError) as exc:  # input a library could not take
            mapped = as_kgbp_error(exc)
            assert mapped is not None
            print_error(mapped, lang_of(kwargs.get("lang")))
            raise typer.Exit(mapped.exit_code) from None

    return wrapper  # type: ignore[return-value]


def print_error(exc: KgbpError, lang: str = "en") -> None:
    """The error on stderr in `lang` (catalogue messages re-rendered; names and places as they are)."""
    problems = [p.localised(lang) for p in exc.problems]
    text = str(problems[0]) if len(problems) == 1 else \
        localise(exc.message, lang) + "\n" + "\n".join(f"  {p}" for p in problems)
    err.print(Text(say("cli_error_label").in_lang(lang), style="bold red") + Text(text), highlight=False, soft_wrap=True)


def lang_of(lang: str | None) -> str:
    """The language a command speaks: its --lang, else the settings' lang (KGBP_LANG), else en."""
    return normalise_lang(lang or Settings.from_env().lang)


def settings_for(store: str | None) -> Settings:
    return Settings.from_env(store=store)


@contextmanager
def read_store(store: str | None) -> Iterator[Any]:
    """The store for a command that only reads: opened read-only when a running server holds it,
    so `kgbp list`, `show`, `query` and `history` work beside `kgbp serve`."""
    from ..errors import StoreUnavailable
    from ..store import open_store as _open

    settings = settings_for(store)
    try:
        s = _open(settings)
    except StoreUnavailable as exc:
        if getattr(exc.message, "key", "") != "store_in_use":
            raise
        s = _open(settings, read_only=True)  # a consistent view of what the server had written
    else:
        repository.ensure_initialised(s)
    try:
        yield s
    finally:
        s.close()


@contextmanager
def open_store(store: str | None) -> Iterator[Any]:
    """The store for one command, always closed (the embedded store holds a lock while open)."""
    from ..store import open_store as _open

    s = _open(settings_for(store))
    try:
        repository.ensure_initialised(s)
        yield s
    finally:
        s.close()
