"""`kgbp serve`: the web server, optionally with the examples loaded."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..config import Settings
from ..i18n import say_in
from ..repository import save as repository
from .main import LangOpt, StoreOpt, app, handle_errors, out

READ_HANDOVER_S = 0.001


@app.command()
@handle_errors
def serve(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    examples: Annotated[bool, typer.Option("--examples", help="First store the shipped examples not stored yet.")] = False,
    lang: LangOpt = None,
    access_log: Annotated[bool, typer.Option("--access-log", help="Log every request (off by default: it costs the "
                                             "server time on each one).")] = False,
) -> None:
    """Run the web server (UI, JSON API, SPARQL endpoint)."""
    import uvicorn

    from ..web.app import create_app
    from ..web.http_protocol import HttpProtocol

    settings = Settings.from_env(store=store, host=host, port=port, lang=lang)  # also the pages' default language
    if examples:
        load_examples(settings)
    out.print(say_in(settings.lang, "cli_serving", store=settings.store, url=f"http://{settings.host}:{settings.port}/"),
              highlight=False, soft_wrap=True)
    # An upload validates in Python for a while on a worker thread; a read waiting for the
    # interpreter lock gets it after this long (Python's default: 5 ms, paid at every hand-over).
    sys.setswitchinterval(READ_HANDOVER_S)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                access_log=access_log, http=HttpProtocol)


def load_examples(settings: Settings) -> None:
    """Store the shipped examples that are not stored yet (used by `make serve`).

    A stored blueprint is never replaced: a user may have edited it, and saving the shipped copy again
    would overwrite the edit and add a history entry on every start.
    """
    from ..ingest.pipeline import ingest
    from ..resources import examples as example_files
    from ..store import open_store as _open

    s = _open(settings)
    repository.ensure_initialised(s)
    try:
        ingest(s, example_files(), agent="examples", only_absent=True).accepted()
        from ..quality.write import load_example_evidence

        load_example_evidence(s)  # only when the store has no evidence of its own yet
    finally:
        s.close()


