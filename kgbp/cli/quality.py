"""The service-quality loop: `kgbp evidence load`, `kgbp meeting-pack` (docs/quality-loop.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import say, say_in
from .main import LangOpt, StoreOpt, app, handle_errors, lang_of, open_store, out

evidence_app = typer.Typer(help="Evidence of the service-quality loop: complaints, measurements, surveys, "
                           "the category mapping and the action register.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("load")
@handle_errors
def evidence_load(
    files: Annotated[list[Path], typer.Argument(help="Evidence files (.csv or .xlsx).")],
    store: StoreOpt = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="Name of the source (a complaint system, a survey): its periods replace only its own.")] = None,
    lang: LangOpt = None,
) -> None:
    """Read, check and store evidence; each period it holds replaces that period (nothing is stored unless all is good)."""
    from ..errors import BadInput
    from ..quality import load_evidence

    named = []
    for path in files:
        if not path.is_file():
            raise BadInput(say("no_file_named", path=str(path)), where=str(path), hint=say("evidence_files_hint"))
        named.append((path.name, path.read_bytes()))
    with open_store(store) as s:
        saved = load_evidence(s, named, source=source, agent="cli", lang=lang_of(lang))
    for kind, count in sorted(saved.counts.items()):
        out.print(say_in(lang_of(lang), "cli_evidence_rows", kind=kind, n=count), highlight=False)
    out.print(say_in(lang_of(lang), "cli_stored_graphs", graphs=len(saved.graphs), triples=saved.triples), highlight=False)


@app.command("meeting-pack")
@handle_errors
def meeting_pack(
    period: Annotated[str, typer.Option("--period", help="The month under review, YYYY-MM.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the HTML, PPTX and XLSX files to.")],
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write the service-quality meeting pack for a month: top problems, hot spots on the blueprints,
    responsible departments, breached standards, open and overdue actions, effect of completed ones."""
    from ..quality.pack import write_pack

    with open_store(store) as s:
        written = write_pack(s, period, lang_of(lang), output)
    for path in written:
        out.print(say_in(lang_of(lang), "cli_wrote", output=path), highlight=False, soft_wrap=True)
