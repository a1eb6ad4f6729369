"""PowerPoint: slides of a blueprint, and a slide read back as a blueprint."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import say, say_in
from .diagrams import HeatOpt, PeriodOpt, heat_of
from .main import LangOpt, StoreOpt, app, err, handle_errors, lang_of, open_store, out
from .output import _write_file, _write_import


@app.command()
@handle_errors
def slides(
    blueprints: Annotated[list[str], typer.Argument(help="service/version, or a service id for all its versions.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The .pptx file to write.")],
    store: StoreOpt = None,
    lang: LangOpt = None,
    heat: HeatOpt = None,
    period: PeriodOpt = None,
) -> None:
    """Export blueprints as editable PowerPoint slides, one slide per version."""
    from ..errors import BadInput
    from ..slides import blueprint_deck

    if output.suffix.lower() != ".pptx":
        raise BadInput(say("cannot_write_slides", name=output.name), where=str(output), hint=say("cannot_write_slides_hint"))
    with open_store(store) as s:
        if heat is not None:
            from ..repository.blueprint_view import load_view
            from ..slides.export import deck, resolve_refs

            found = resolve_refs(s, blueprints)
            views = [load_view(s, i, lang_of(lang)) for i in found]
            data = deck(views, [heat_of(s, i, heat, period, lang_of(lang)) for i in found])
        else:
            data = blueprint_deck(s, blueprints, lang_of(lang))
    _write_file(output, data)
    out.print(say_in(lang_of(lang), "cli_wrote", output=output))


@app.command("import-slide")
@handle_errors
def import_slide(
    deck: Annotated[Path, typer.Argument(help="A PowerPoint file (.pptx).")],
    slide: Annotated[int, typer.Option("--slide", help="The slide to read (1 = the first).")] = 1,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the draft's YAML here (default: standard output).")] = None,
    store: Annotated[str | None, typer.Option(
        "--store", help="Store the draft in this store (folder or SPARQL endpoint URL).")] = None,
    save: Annotated[bool, typer.Option("--save", help="Store the draft in the default store (env KGBP_STORE).")] = False,
    service: Annotated[str | None, typer.Option("--service", help="Service id (default: from the slide).")] = None,
    version: Annotated[str | None, typer.Option("--version", help="Version id (default: from the slide, or as-is).")] = None,
    lang: LangOpt = None,
) -> None:
    """Read a blueprint drawn on a slide into a draft (YAML); --store/--save also stores it."""
    from ..errors import BadInput
    from ..ingest import MAX_FILE_BYTES, SharedIndex
    from ..slides import import_slide as read_slide
    from ..slides import store_draft

    if not deck.is_file():
        raise BadInput(say("no_such_file"), where=str(deck), hint=say("no_such_file_hint"))
    if deck.stat().st_size > MAX_FILE_BYTES:
        raise BadInput(say("file_too_large", limit=MAX_FILE_BYTES), where=str(deck), hint=say("deck_too_large_hint"))
    data = deck.read_bytes()
    if not (store or save):
        imported = read_slide(data, str(deck), slide, None, service, version)
        _write_import(imported, output, lang_of(lang))
        return
    with open_store(store) as s:
        imported = read_slide(data, str(deck), slide, SharedIndex.from_store(s), service, version)
        _write_import(imported, output, lang_of(lang))
        result = store_draft(s, imported, agent="cli", lang=lang_of(lang))
    for saved in result.saved:
        err.print(say_in(lang_of(lang), "cli_stored_draft", id=saved.id, triples=saved.triples,
                         warnings=saved.warnings), highlight=False, soft_wrap=True)
