"""`kgbp validate`: files, stored blueprints or the whole repository."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import EXIT_NOT_CONFORMANT
from ..i18n import normalise_lang
from .main import LangOpt, StoreOpt, app, handle_errors, out, settings_for


@app.command()
@handle_errors
def validate(
    targets: Annotated[list[str] | None, typer.Argument(help="Blueprint ids or files; none = the whole repository.")] = None,
    store: StoreOpt = None,
    lang: LangOpt = "en",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or ttl (sh:ValidationReport).")] = "text",
    workers: Annotated[int | None, typer.Option("--workers", help="Processes for the whole repository (default: one per core).")] = None,
) -> None:
    """Validate files on disk (without storing them), stored blueprints, or the whole repository.

    Exit 0 conformant (warnings allowed), 1 not conformant, 2 bad input."""
    from ..errors import BadInput
    from ..validation.service import FORMATS, validate_targets
    from .terminal import render_report

    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}", where="--format", hint="use one of: " + ", ".join(FORMATS))
    report = validate_targets(settings_for(store), targets or [], normalise_lang(lang), workers)
    render_report(out, report, fmt, normalise_lang(lang))
    if not report.conforms:
        raise typer.Exit(EXIT_NOT_CONFORMANT)
