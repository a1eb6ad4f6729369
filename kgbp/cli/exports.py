"""`kgbp export`: a blueprint or the repository in another format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import say, say_in
from ..repository import save as repository
from .main import StoreOpt, app, err, handle_errors, lang_of, open_store
from .output import SPREADSHEET_FORMATS, _export_spreadsheet

ARCHIMATE_FORMATS = ("archimate", "archi-csv")


def _export_archimate(fmt: str, service: str | None, lang: str, output: Path | None, store: str | None) -> None:
    """ArchiMate exchange XML, or Archi CSV (a folder, or a .zip) for the repository or one service."""
    from ..archimate import archi_csv
    from ..archimate import exchange as archimate

    with open_store(store) as s:
        if fmt == "archimate":
            data = archimate.export_archimate(s, service=service, lang=lang)
        else:
            files = archi_csv.export_archi_csv(s, service=service, lang=lang)
    if fmt == "archi-csv" and output is not None:
        written = archi_csv.write_archi_csv(files, output)
        err.print(say_in(lang_of(lang), "cli_wrote", output=", ".join(str(p) for p in written)))
        return
    data = archi_csv.to_zip(files) if fmt == "archi-csv" else data
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@app.command()
@handle_errors
def export(
    blueprint: Annotated[str | None, typer.Argument(help="service/version (RDF formats); archimate and archi-csv take none.")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="ttl, trig, jsonld, nq, nt, rdf, xlsx, csv, archimate or archi-csv "
        "(trig and nq without BLUEPRINT: the whole repository).")] = "ttl",
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="File to write (default: standard output); a folder or .zip for archi-csv.")] = None,
    store: StoreOpt = None,
    service: Annotated[str | None, typer.Option(
        "--service", help="archimate/archi-csv: one service (all its versions) instead of the whole repository.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="archimate/archi-csv: language written first (en or zh).")] = "en",
) -> None:
    """Export one blueprint as RDF, or the repository (or one service) as ArchiMate / Archi CSV."""
    from ..errors import BadInput
    from ..export.rdf import FORMATS, export_blueprint

    if fmt in ARCHIMATE_FORMATS:
        _export_archimate(fmt, service, lang_of(lang), output, store)
        return
    if fmt in SPREADSHEET_FORMATS:
        _export_spreadsheet(fmt, blueprint, output, store)
        return
    if fmt in ("trig", "nq") and blueprint is None:
        from .admin import dump

        dump(output, fmt, store)  # the whole repository
        return
    if fmt not in FORMATS:
        raise BadInput(say("unknown_format", fmt=fmt), where="--format",
                       hint=say("use_one_of", values=", ".join([*FORMATS, *ARCHIMATE_FORMATS])))
    if blueprint is None:
        raise BadInput(say("one_blueprint_format", fmt=fmt), where="BLUEPRINT", hint=say("one_blueprint_export_hint"))
    with open_store(store) as s:
        data = export_blueprint(s, repository.resolve_blueprint(s, blueprint), fmt)
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
