"""`kgbp validate`: files, stored blueprints or the whole repository."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import EXIT_NOT_CONFORMANT
from ..i18n import say
from .main import LangOpt, StoreOpt, app, handle_errors, lang_of, out, settings_for


@app.command()
@handle_errors
def validate(
    targets: Annotated[list[str] | None, typer.Argument(help="Blueprint ids or files; none = the whole repository.")] = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=(
        "table (or text), json, csv, tsv (one finding a line) or ttl (sh:ValidationReport)."))] = "text",
    workers: Annotated[int | None, typer.Option("--workers", help="Processes for the whole repository (default: one per core).")] = None,
) -> None:
    """Validate files on disk (without storing them), stored blueprints, or the whole repository.

    Exit 0 conformant (warnings allowed), 1 not conformant, 2 bad input."""
    from ..errors import BadInput
    from ..ingest.check import validate_targets
    from ..validation.service import FORMATS
    from .terminal import render_report

    fmt = "text" if fmt == "table" else fmt
    if fmt not in (*FORMATS, "csv", "tsv"):
        raise BadInput(say("unknown_format", fmt=fmt), where="--format",
                       hint=say("use_one_of", values=", ".join(("table", *FORMATS, "csv", "tsv"))))
    report = validate_targets(settings_for(store), targets or [], lang_of(lang), workers)
    if fmt in ("csv", "tsv"):
        from .formats import write_rows

        columns = ["severity", "blueprint", "rule", "focus", "focus_label", "message", "hint"]
        write_rows(fmt, columns, [[r.severity, r.blueprint_id, r.rule_title, str(r.focus), r.focus_label, r.message, r.hint]
                                  for r in report.results])
    else:
        render_report(out, report, fmt, lang_of(lang))
    if not report.conforms:
        raise typer.Exit(EXIT_NOT_CONFORMANT)
