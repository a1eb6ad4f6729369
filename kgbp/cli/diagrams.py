"""`kgbp draw`: a blueprint's diagram."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import say, say_in
from ..repository import save as repository
from .main import LangOpt, StoreOpt, app, handle_errors, lang_of, open_store, out

HeatOpt = Annotated[str | None, typer.Option(
    "--heat", help="Colour the steps by evidence: complaints or breaches (with --period).")]
PeriodOpt = Annotated[str | None, typer.Option(
    "--period", help="Month of the evidence, YYYY-MM, or a range FIRST..LAST.")]


def heat_of(s: Any, iri: Any, measure: str, period: str | None, lang: str) -> Any:
    """The evidence heat view of a blueprint (docs/quality-loop.md)."""
    from ..errors import BadInput
    from ..quality.heat import heat_for

    if period is None:
        raise BadInput(say("cli_heat_needs_period"), where="--period", hint=say("cli_heat_needs_period_hint"))
    return heat_for(s, iri, measure, period, lang)


@app.command()
@handle_errors
def draw(
    blueprint: Annotated[str, typer.Argument(help="service/version, or service when it has one version.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .svg or .png.")],
    store: StoreOpt = None,
    lang: LangOpt = None,
    highlight_system: Annotated[str | None, typer.Option(
        "--highlight-system", help="Impact view: highlight what this IT system (IRI, id or label) underlies.")] = None,
    heat: HeatOpt = None,
    period: PeriodOpt = None,
) -> None:
    """Draw a blueprint as a diagram (SVG or PNG, by the output's suffix)."""
    from ..diagram import blueprint_svg, draw_svg, svg_to_png
    from ..errors import BadInput

    suffix = output.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise BadInput(say("cannot_draw_to", name=output.name), where=str(output), hint=say("cannot_draw_to_hint"))
    with open_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        if heat is not None:
            from ..repository.blueprint_view import load_view

            svg = draw_svg(load_view(s, iri, lang_of(lang)), heat_of(s, iri, heat, period, lang_of(lang)))
        else:
            svg = blueprint_svg(s, iri, lang_of(lang), highlight_system)
    output.write_bytes(svg if suffix == ".svg" else svg_to_png(svg))
    out.print(say_in(lang_of(lang), "cli_drew", blueprint=blueprint, output=output))
