"""Commands on stored blueprints: init, load, list, show, remove."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import EXIT_BAD_INPUT, KgbpError
from ..i18n import say
from ..repository import save as repository
from .formats import FormatOpt, chosen, write_json, write_rows
from .main import (
    IfVersionOpt,
    LangOpt,
    StoreOpt,
    app,
    err,
    handle_errors,
    lang_of,
    open_store,
    out,
    print_error,
    read_store,
    settings_for,
)


@app.command()
@handle_errors
def init(store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Create the store (if new) and load the ontology."""
    with open_store(store) as s:
        repository.init(s)
    out.print(say("cli_store_ready", store=settings_for(store).store).in_lang(lang_of(lang)), highlight=False,
              soft_wrap=True)


def _expand(paths: list[Path]) -> list[Path]:
    from ..ingest import supported_suffixes

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in supported_suffixes()))
        else:
            files.append(p)
    return files


@app.command()
@handle_errors
def load(
    files: Annotated[list[Path], typer.Argument(help="Blueprint files (YAML, XLSX, CSV, Turtle, TriG, JSON-LD, N-Quads) or folders.")],
    store: StoreOpt = None,
    draft: Annotated[bool, typer.Option("--draft", help="Store as drafts even if they break the rules.")] = False,
    lang: LangOpt = None,
    if_version: IfVersionOpt = None,
    batch: Annotated[int, typer.Option("--batch", min=0, help=(
        "Store every N files as one write (0: all files as one). For loads too big to hold in memory at once: "
        "each batch is all or nothing, and a rejected batch stops the load after the batches before it."))] = 0,
) -> None:
    """Read, validate and store blueprints. Nothing is stored unless every file is good (with --batch: every file of a batch)."""
    paths, lang = _expand(files), lang_of(lang)
    groups = [paths[i:i + batch] for i in range(0, len(paths), batch)] if batch else [paths]
    stored = 0
    with open_store(store) as s:
        for group in groups:
            try:
                result = _load_files(s, group, draft, lang, if_version)
            except (KgbpError, typer.Exit):
                if stored:
                    err.print(say("cli_earlier_batches", n=stored, first=str(group[0])).in_lang(lang), soft_wrap=True)
                raise
            stored += len(result.saved)
            _print_saved(result, lang)
    out.print(say("cli_stored_total", n=stored).in_lang(lang), highlight=False)


def _print_saved(result: repository.SaveResult, lang: str) -> None:
    """What a write stored, the names it linked, and the warnings (and a draft's violations) it kept."""
    for note in result.links:  # never a silent merge: say which names were linked
        out.print(f"{note.where}: {note.text(lang)}", soft_wrap=True, highlight=False)
    for saved in result.saved:
        flag = say("cli_draft_flag").in_lang(lang) if saved.draft else ""
        out.print(say("cli_stored", id=saved.id, draft=flag, triples=saved.triples, added=saved.added,
                      removed=saved.removed, warnings=saved.warnings, version=saved.version).in_lang(lang),
                  soft_wrap=True, highlight=False)
    if result.report.results:
        from .terminal import print_report

        print_report(err, result.report, lang)


def _load_files(s: Any, paths: list[Path], draft: bool, lang: str, if_version: str | None) -> repository.SaveResult:
    """Read, validate and store one group of files as one write, saying how far it has got."""
    from ..ingest.pipeline import ingest
    from ..repository.concurrency import Expected
    from .progress import Phases

    phases = Phases(err, lang)
    expect = (Expected.parse(if_version) or Expected()) if if_version is not None else None
    phases.reading(len(paths))
    try:
        done = ingest(s, paths, agent="cli", lang=lang, draft=draft, expect=expect, guard_name="--if-version",
                      limits=settings_for(None).limits, on_file=phases.advance, phase=phases.phase)
    finally:
        phases.done()
    if done.status == "unreadable":
        for exc in done.problems:
            print_error(exc, lang)
        err.print(say("cli_unreadable", n=len(done.problems)).in_lang(lang))
        raise typer.Exit(EXIT_BAD_INPUT)
    return done.accepted()


@app.command("import-archimate")
@handle_errors
def import_archimate(
    file: Annotated[Path, typer.Argument(help="An ArchiMate exchange file (.xml), Archi CSV (.zip, or a folder of the CSV files).")],
    store: StoreOpt = None,
    draft: Annotated[bool, typer.Option("--draft", help="Store the renamed versions as drafts even if they break the rules.")] = False,
    lang: LangOpt = None,
) -> None:
    """Bring back names changed in Archi: each renamed step, touchpoint, evidence, standard or title is renamed
    in the stored blueprint version it came from (validated, recorded in history). What Archi added is listed, not imported."""
    from ..archimate.importer import changes_in
    from ..archimate.reader import read_archimate_path
    from ..ingest.pipeline import ingest

    lang = lang_of(lang)
    imported = read_archimate_path(file)
    with open_store(store) as s:
        changes = changes_in(s, imported)
        for note in changes.notes:
            err.print(str(note.localised(lang)), soft_wrap=True, highlight=False)
        for rename in changes.renames:
            out.print(f"{rename.where}: " + say("cli_archimate_renamed", iri=str(rename.iri), lang=rename.lang,
                                                  old=repr(rename.old), new=repr(rename.new)).in_lang(lang),
                      soft_wrap=True, highlight=False)
        if not changes.blueprints:
            out.print(say("cli_archimate_unchanged").in_lang(lang), highlight=False)
            return
        result = ingest(s, changes.blueprints, agent="cli", lang=lang, draft=draft,
                        limits=settings_for(store).limits).accepted()
    _print_saved(result, lang)
    out.print(say("cli_stored_total", n=len(result.saved)).in_lang(lang), highlight=False)


@app.command("list")
@handle_errors
def list_(store: StoreOpt = None, lang: LangOpt = None,
          etag: Annotated[bool, typer.Option("--etag", help="Print each blueprint's id and stored version (for --if-version).")] = False,
          fmt: FormatOpt = None,
          ) -> None:
    """List the stored blueprints (a table on a terminal; one tab-separated line each in a pipe: id first)."""
    from ..repository.concurrency import version
    from .terminal import print_blueprints

    language, shape = lang_of(lang), chosen(fmt)
    with read_store(store) as s:
        items = repository.list_blueprints(s, language)
        if etag:
            for b in items:
                sys.stdout.write(f"{b.id}\t{version(s, b.iri)}\n")
            return
    if shape == "table":
        print_blueprints(out, items, language)
        return
    write_rows(shape, ["id", "service", "title", "version", "status", "level", "steps", "fail_points", "wait_points"],
               [[b.id, b.service_label, b.title, b.version, b.status, b.level, b.steps, b.fail_points, b.wait_points]
                for b in items])


@app.command()
@handle_errors
def show(blueprint: Annotated[str, typer.Argument(help="service/version, or service when it has one version.")],
         store: StoreOpt = None, lang: LangOpt = None, fmt: FormatOpt = None) -> None:
    """Show a blueprint lane by lane (json: the whole blueprint; csv/tsv: one step a line)."""
    from ..repository.blueprint_view import load_view
    from ..repository.concurrency import version
    from .terminal import print_blueprint

    shape = chosen(fmt)
    with read_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        current = version(s, iri)  # before the content: see web/routers/blueprints.py
        view = load_view(s, iri, lang_of(lang))
    if shape == "json":
        write_json({**view.as_dict(), "etag": current})
    elif shape in ("csv", "tsv"):
        write_rows(shape, ["lane", "position", "id", "label", "markers", "performer", "department", "systems", "supports",
                           "touchpoint"],
                   [[st.lane, st.position, st.id, st.label, st.markers, st.performer, st.department, st.systems,
                     st.evidence_of if st.lane == "evidence" else st.supports, st.touchpoint] for st in view.steps])
    else:
        print_blueprint(out, view)
        out.print(say("cli_version_line", version=current).in_lang(lang_of(lang)), highlight=False, soft_wrap=True)


@app.command()
@handle_errors
def remove(blueprint: str, store: StoreOpt = None, if_version: IfVersionOpt = None, lang: LangOpt = None) -> None:
    """Remove a blueprint version from the store."""
    from ..repository.concurrency import Expected

    with open_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        n = repository.remove(s, iri, agent="cli", expect=Expected.parse(if_version) if if_version else None)
    out.print(say("cli_removed_triples", id=blueprint, triples=n).in_lang(lang_of(lang)), highlight=False, soft_wrap=True)
