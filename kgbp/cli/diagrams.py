"""`kgbp draw`: a blueprint's diagram."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import normalise_lang
from ..repository import save as repository
from .main import LangOpt, StoreOpt, app, handle_errors, open_store, out


@app.command()
@handle_errors
def draw(
    blueprint: Annotated[str, typer.Argument(help="service/version, or service when it has one version.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .svg or .png.")],
    store: StoreOpt = None,
    lang: LangOpt = "en",
    highlight_system: Annotated[str | None, typer.Option(
        "--highlight-system", help="Impact view: highlight what this IT system (IRI, id or label) underlies.")] = None,
) -> None:
    """Draw a blueprint as a diagram (SVG or PNG, by the output's suffix)."""
    from ..diagram import blueprint_svg, svg_to_png
    from ..errors import BadInput

    suffix = output.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise BadInput(f"cannot draw to {output.name!r}", where=str(output), hint="name the output file *.svg or *.png")
    with open_store(store) as s:
        svg = blueprint_svg(s, repository.resolve_blueprint(s, blueprint), normalise_lang(lang), highlight_system)
    output.write_bytes(svg if suffix == ".svg" else svg_to_png(svg))
    out.print(f"drew {blueprint} to {output}")
