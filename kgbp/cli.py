"""Command line: each command calls one library function and presents its result.

Exit codes: 0 ok, 1 not conformant, 2 bad input (documented in docs/cli.md).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.text import Text

from . import repository
from .config import Settings
from .errors import EXIT_BAD_INPUT, EXIT_NOT_CONFORMANT, KgbpError, NotConformant
from .i18n import normalise_lang

app = typer.Typer(help="kgbp: a knowledge-graph repository of service blueprints.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

StoreOpt = Annotated[str | None, typer.Option("--store", help="Store folder or SPARQL endpoint URL (env KGBP_STORE; default ./kgbp-data).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of labels and messages: en or zh.")]


def handle_errors(func: F) -> F:
    """KgbpError -> message on stderr and its exit code; never a traceback for bad input."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NotConformant as exc:
            from .terminal import print_report

            err.print(f"[red]rejected:[/red] {exc.message}")
            if exc.report is not None:
                print_report(err, exc.report, kwargs.get("lang", "en"))
            raise typer.Exit(EXIT_NOT_CONFORMANT) from None
        except KgbpError as exc:
            print_error(exc)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def print_error(exc: KgbpError) -> None:
    err.print(Text("error: ", style="bold red") + Text(str(exc)), highlight=False, soft_wrap=True)


def settings_for(store: str | None) -> Settings:
    return Settings.from_env(store=store)


@contextmanager
def open_store(store: str | None) -> Iterator[Any]:
    """The store for one command, always closed (the embedded store holds a lock while open)."""
    from .store import open_store as _open

    s = _open(settings_for(store))
    try:
        repository.ensure_initialised(s)
        yield s
    finally:
        s.close()


@app.command()
@handle_errors
def init(store: StoreOpt = None) -> None:
    """Create the store (if new) and load the ontology."""
    with open_store(store) as s:
        repository.init(s)
    out.print(f"store ready: {settings_for(store).store}")


def _expand(paths: list[Path]) -> list[Path]:
    from .authoring import supported_suffixes

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
    files: Annotated[list[Path], typer.Argument(help="Blueprint files (YAML, Turtle, TriG, JSON-LD, N-Quads) or folders.")],
    store: StoreOpt = None,
    draft: Annotated[bool, typer.Option("--draft", help="Store as drafts even if they break the rules.")] = False,
    lang: LangOpt = "en",
) -> None:
    """Read, validate and store blueprints. Nothing is stored unless every file is good."""
    from .authoring import SharedIndex, read_many
    from .validate import Validator

    paths = _expand(files)
    with open_store(store) as s:
        with Progress(console=err, transient=True, disable=len(paths) < 5) as progress:
            task = progress.add_task("reading", total=len(paths))
            blueprints, problems = read_many(paths, SharedIndex.from_store(s), lambda _: progress.advance(task))
        if problems:
            for exc in problems:
                print_error(exc)
            err.print(f"{len(problems)} file(s) could not be read; nothing was stored.")
            raise typer.Exit(EXIT_BAD_INPUT)
        result = repository.save(s, blueprints, validator=Validator(lang=normalise_lang(lang)), draft=draft, agent="cli")
    for saved in result.saved:
        flag = " (draft)" if saved.draft else ""
        out.print(f"stored {saved.id}{flag}: {saved.triples} triples (+{saved.added} -{saved.removed}), "
                  f"{saved.warnings} warning(s)")
    out.print(f"{len(result.saved)} blueprint(s) stored.")


@app.command("list")
@handle_errors
def list_(store: StoreOpt = None, lang: LangOpt = "en") -> None:
    """List the stored blueprints."""
    from .terminal import print_blueprints

    with open_store(store) as s:
        print_blueprints(out, repository.list_blueprints(s, normalise_lang(lang)), normalise_lang(lang))


@app.command()
@handle_errors
def show(blueprint: Annotated[str, typer.Argument(help="service/version, or service when it has one version.")],
         store: StoreOpt = None, lang: LangOpt = "en") -> None:
    """Show a blueprint lane by lane."""
    from .blueprint_view import load_view
    from .terminal import print_blueprint

    with open_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        print_blueprint(out, load_view(s, iri, normalise_lang(lang)))


@app.command()
@handle_errors
def remove(blueprint: str, store: StoreOpt = None) -> None:
    """Remove a blueprint version from the store."""
    with open_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        n = repository.remove(s, iri, agent="cli")
    out.print(f"removed {blueprint} ({n} triples)")


ARCHIMATE_FORMATS = ("archimate", "archi-csv")


def _export_archimate(fmt: str, service: str | None, lang: str, output: Path | None, store: str | None) -> None:
    """ArchiMate exchange XML, or Archi CSV (a folder, or a .zip) for the repository or one service."""
    from .export import archi_csv, archimate

    with open_store(store) as s:
        if fmt == "archimate":
            data = archimate.export_archimate(s, service=service, lang=lang)
        else:
            files = archi_csv.export_archi_csv(s, service=service, lang=lang)
    if fmt == "archi-csv" and output is not None:
        written = archi_csv.write_archi_csv(files, output)
        err.print(f"wrote {', '.join(str(p) for p in written)}")
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
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, trig, jsonld, nq, nt, rdf, archimate or archi-csv.")] = "ttl",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: standard output); a folder or .zip for archi-csv.")] = None,
    store: StoreOpt = None,
    service: Annotated[str | None, typer.Option("--service", help="archimate/archi-csv: one service (all its versions) instead of the whole repository.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="archimate/archi-csv: language written first (en or zh).")] = "en",
) -> None:
    """Export one blueprint as RDF, or the repository (or one service) as ArchiMate / Archi CSV."""
    from .errors import BadInput
    from .export.rdf import FORMATS, export_blueprint

    if fmt in ARCHIMATE_FORMATS:
        _export_archimate(fmt, service, normalise_lang(lang), output, store)
        return
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}", where="--format", hint=f"use one of: {', '.join([*FORMATS, *ARCHIMATE_FORMATS])}")
    if blueprint is None:
        raise BadInput(f"format {fmt!r} exports one blueprint: name it", where="BLUEPRINT",
                       hint="give service/version (see `kgbp list`), or use --format archimate / archi-csv for the repository")
    with open_store(store) as s:
        data = export_blueprint(s, repository.resolve_blueprint(s, blueprint), fmt)
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@app.command()
@handle_errors
def validate(
    targets: Annotated[list[str] | None, typer.Argument(help="Blueprint ids or files; none = the whole repository.")] = None,
    store: StoreOpt = None,
    lang: LangOpt = "en",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or ttl (sh:ValidationReport).")] = "text",
) -> None:
    """Validate files on disk (without storing them), stored blueprints, or the whole repository."""
    from .validation_service import validate_targets

    report = validate_targets(settings_for(store), targets or [], normalise_lang(lang))
    from .validation_service import render_report

    render_report(out, report, fmt, normalise_lang(lang))
    if not report.conforms:
        raise typer.Exit(EXIT_NOT_CONFORMANT)


@app.command()
@handle_errors
def serve(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    examples: Annotated[bool, typer.Option("--examples", help="Load the shipped examples first.")] = False,
) -> None:
    """Run the web server (UI, JSON API, SPARQL endpoint)."""
    import uvicorn

    from .web.app import create_app

    settings = Settings.from_env(store=store, host=host, port=port)
    if examples:
        load_examples(settings)
    out.print(f"kgbp serving {settings.store} on http://{settings.host}:{settings.port}/")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


def load_examples(settings: Settings) -> None:
    """Store the shipped examples (used by `make serve`)."""
    from .authoring import SharedIndex, read_many
    from .resources import examples as example_files
    from .store import open_store as _open
    from .validate import Validator

    s = _open(settings)
    repository.ensure_initialised(s)
    blueprints, problems = read_many(example_files(), SharedIndex.from_store(s))
    if problems:
        raise problems[0]
    repository.save(s, blueprints, validator=Validator(), agent="examples")
    s.close()


if __name__ == "__main__":  # pragma: no cover
    app()
