"""Commands on stored blueprints: init, load, list, show, remove."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from ..errors import EXIT_BAD_INPUT, KgbpError
from ..i18n import normalise_lang
from ..repository import save as repository
from .main import IfVersionOpt, LangOpt, StoreOpt, app, err, handle_errors, open_store, out, print_error, settings_for


@app.command()
@handle_errors
def init(store: StoreOpt = None) -> None:
    """Create the store (if new) and load the ontology."""
    with open_store(store) as s:
        repository.init(s)
    out.print(f"store ready: {settings_for(store).store}")


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
    lang: LangOpt = "en",
    if_version: IfVersionOpt = None,
    batch: Annotated[int, typer.Option("--batch", min=0, help=(
        "Store every N files as one write (0: all files as one). For loads too big to hold in memory at once: "
        "each batch is all or nothing, and a rejected batch stops the load after the batches before it."))] = 0,
) -> None:
    """Read, validate and store blueprints. Nothing is stored unless every file is good (with --batch: every file of a batch)."""
    paths, lang = _expand(files), normalise_lang(lang)
    groups = [paths[i:i + batch] for i in range(0, len(paths), batch)] if batch else [paths]
    stored = 0
    with open_store(store) as s:
        for group in groups:
            try:
                result = _load_files(s, group, draft, lang, if_version)
            except (KgbpError, typer.Exit):
                if stored:
                    err.print(f"{stored} blueprint(s) of earlier batches were stored; from {group[0]} on, none.")
                raise
            stored += len(result.saved)
            for note in result.links:  # never a silent merge: say which names were linked
                out.print(f"{note.where}: {note.text(lang)}", soft_wrap=True, highlight=False)
            for saved in result.saved:
                flag = " (draft)" if saved.draft else ""
                out.print(f"stored {saved.id}{flag}: {saved.triples} triples (+{saved.added} -{saved.removed}), "
                          f"{saved.warnings} warning(s); version {saved.version}", soft_wrap=True)
            if result.report.results:  # warnings (and a draft's violations) are stored and shown
                from .terminal import print_report

                print_report(err, result.report, lang)
    out.print(f"{stored} blueprint(s) stored.")


def _load_files(s: Any, paths: list[Path], draft: bool, lang: str, if_version: str | None) -> repository.SaveResult:
    """Read, validate and store one group of files as one write."""
    from ..errors import BadInput
    from ..ingest import SharedIndex, read_many
    from ..repository.concurrency import Expected
    from ..validation.engine import Validator

    with Progress(console=err, transient=True, disable=len(paths) < 5) as progress:
        task = progress.add_task("reading", total=len(paths))
        blueprints, problems = read_many(paths, SharedIndex.from_store(s), lambda _: progress.advance(task))
    if problems:
        for exc in problems:
            print_error(exc)
        err.print(f"{len(problems)} file(s) could not be read; nothing was stored.")
        raise typer.Exit(EXIT_BAD_INPUT)
    expect = None
    if if_version is not None:
        if len(blueprints) != 1:
            raise BadInput(f"--if-version guards one blueprint; the files hold {len(blueprints)}", where="--if-version",
                           hint="load the blueprints one by one, each with the version `kgbp show` printed")
        expect = {blueprints[0].iri: Expected.parse(if_version) or Expected()}
    return repository.save(s, blueprints, validator=Validator(lang=lang), draft=draft, agent="cli", expect=expect,
                           limits=settings_for(None).limits)


@app.command("list")
@handle_errors
def list_(store: StoreOpt = None, lang: LangOpt = "en",
          etag: Annotated[bool, typer.Option("--etag", help="Print each blueprint's id and stored version (for --if-version).")] = False,
          ) -> None:
    """List the stored blueprints."""
    from ..repository.concurrency import version
    from .terminal import print_blueprints

    with open_store(store) as s:
        items = repository.list_blueprints(s, normalise_lang(lang))
        if etag:
            for b in items:
                sys.stdout.write(f"{b.id}\t{version(s, b.iri)}\n")
            return
        print_blueprints(out, items, normalise_lang(lang))


@app.command()
@handle_errors
def show(blueprint: Annotated[str, typer.Argument(help="service/version, or service when it has one version.")],
         store: StoreOpt = None, lang: LangOpt = "en") -> None:
    """Show a blueprint lane by lane."""
    from ..repository.blueprint_view import load_view
    from ..repository.concurrency import version
    from .terminal import print_blueprint

    with open_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        current = version(s, iri)  # before the content: see web/routers/blueprints.py
        print_blueprint(out, load_view(s, iri, normalise_lang(lang)))
    out.print(f"version {current}  (give it to `kgbp load --if-version` to write only over this state)", highlight=False,
              soft_wrap=True)


@app.command()
@handle_errors
def remove(blueprint: str, store: StoreOpt = None, if_version: IfVersionOpt = None) -> None:
    """Remove a blueprint version from the store."""
    from ..repository.concurrency import Expected

    with open_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        n = repository.remove(s, iri, agent="cli", expect=Expected.parse(if_version) if if_version else None)
    out.print(f"removed {blueprint} ({n} triples)")
