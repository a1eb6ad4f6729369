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
IfVersionOpt = Annotated[str | None, typer.Option(
    "--if-version", help="Write only if the blueprint's stored version is this one (`kgbp show` prints it); "
    "otherwise say who changed it since.")]


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
    from .authoring import SharedIndex, read_many
    from .concurrency import Expected
    from .errors import BadInput
    from .validate import Validator

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
    return repository.save(s, blueprints, validator=Validator(lang=lang), draft=draft, agent="cli", expect=expect)


@app.command("list")
@handle_errors
def list_(store: StoreOpt = None, lang: LangOpt = "en",
          etag: Annotated[bool, typer.Option("--etag", help="Print each blueprint's id and stored version (for --if-version).")] = False,
          ) -> None:
    """List the stored blueprints."""
    from .concurrency import version
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
    from .blueprint_view import load_view
    from .concurrency import version
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
    from .concurrency import Expected

    with open_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        n = repository.remove(s, iri, agent="cli", expect=Expected.parse(if_version) if if_version else None)
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
    from .errors import BadInput
    from .export.rdf import FORMATS, export_blueprint

    if fmt in ARCHIMATE_FORMATS:
        _export_archimate(fmt, service, normalise_lang(lang), output, store)
        return
    if fmt in SPREADSHEET_FORMATS:
        _export_spreadsheet(fmt, blueprint, output, store)
        return
    if fmt in ("trig", "nq") and blueprint is None:
        dump(output, fmt, store)  # the whole repository
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
    workers: Annotated[int | None, typer.Option("--workers", help="Processes for the whole repository (default: one per core).")] = None,
) -> None:
    """Validate files on disk (without storing them), stored blueprints, or the whole repository.

    Exit 0 conformant (warnings allowed), 1 not conformant, 2 bad input."""
    from .errors import BadInput
    from .validation_service import FORMATS, render_report, validate_targets

    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}", where="--format", hint="use one of: " + ", ".join(FORMATS))
    report = validate_targets(settings_for(store), targets or [], normalise_lang(lang), workers)
    render_report(out, report, fmt, normalise_lang(lang))
    if not report.conforms:
        raise typer.Exit(EXIT_NOT_CONFORMANT)


HeatOpt = Annotated[str | None, typer.Option(
    "--heat", help="Colour the steps by evidence: complaints or breaches (with --period).")]
PeriodOpt = Annotated[str | None, typer.Option(
    "--period", help="Month of the evidence, YYYY-MM, or a range FIRST..LAST.")]


def _heat(s: Any, iri: Any, measure: str, period: str | None, lang: str) -> Any:
    from .errors import BadInput
    from .quality.heat import heat, period_range

    if period is None:
        raise BadInput("--heat needs --period", where="--period", hint="e.g. --period 2026-06 or --period 2026-01..2026-06")
    first, last = period_range(period)
    return heat(s, iri, measure, first, last, lang)


@app.command()
@handle_errors
def draw(
    blueprint: Annotated[str, typer.Argument(help="service/version, or service when it has one version.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .svg or .png.")],
    store: StoreOpt = None,
    lang: LangOpt = "en",
    highlight_system: Annotated[str | None, typer.Option(
        "--highlight-system", help="Impact view: highlight what this IT system (IRI, id or label) underlies.")] = None,
    heat: HeatOpt = None,
    period: PeriodOpt = None,
) -> None:
    """Draw a blueprint as a diagram (SVG or PNG, by the output's suffix)."""
    from .diagram import blueprint_svg, draw_svg, svg_to_png
    from .errors import BadInput

    suffix = output.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise BadInput(f"cannot draw to {output.name!r}", where=str(output), hint="name the output file *.svg or *.png")
    with open_store(store) as s:
        iri = repository.resolve_blueprint(s, blueprint)
        if heat is not None:
            from .blueprint_view import load_view

            svg = draw_svg(load_view(s, iri, normalise_lang(lang)), _heat(s, iri, heat, period, normalise_lang(lang)))
        else:
            svg = blueprint_svg(s, iri, normalise_lang(lang), highlight_system)
    output.write_bytes(svg if suffix == ".svg" else svg_to_png(svg))
    out.print(f"drew {blueprint} to {output}")


@app.command()
@handle_errors
def serve(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    examples: Annotated[bool, typer.Option("--examples", help="First store the shipped examples not stored yet.")] = False,
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
    """Store the shipped examples that are not stored yet (used by `make serve`).

    A stored blueprint is never replaced: a user may have edited it, and saving the shipped copy again
    would overwrite the edit and add a history entry on every start.
    """
    from .authoring import SharedIndex, read_many
    from .resources import examples as example_files
    from .store import open_store as _open
    from .validate import Validator

    s = _open(settings)
    repository.ensure_initialised(s)
    try:
        blueprints, problems = read_many(example_files(), SharedIndex.from_store(s))
        if problems:
            raise problems[0]
        stored = {b.iri for b in repository.list_blueprints(s)}
        absent = [b for b in blueprints if b.iri not in stored]
        if absent:
            repository.save(s, absent, validator=Validator(), agent="examples")
        from .quality.write import load_example_evidence

        load_example_evidence(s)  # only when the store has no evidence of its own yet
    finally:
        s.close()


# -- lifecycle: versions, differences, history (docs/lifecycle.md) -------------------------

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]


def _check_format(fmt: str) -> None:
    from .errors import BadInput

    if fmt not in ("table", "json"):
        raise BadInput(f"unknown format {fmt!r}", where="--format", hint="use table or json")


def _print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
@handle_errors
def diff(
    before: Annotated[str, typer.Argument(help="The earlier version (service/version), or a service: its as-is.")],
    after: Annotated[str | None, typer.Argument(help="The later version; default: the to-be revising the as-is.")] = None,
    fmt: FormatOpt = "table",
    show_all: Annotated[bool, typer.Option("--all", help="Also list unchanged steps.")] = False,
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """What changed between two versions: steps, fail and wait points, departments, systems."""
    from . import diff as diffs
    from .terminal_lifecycle import print_diff

    _check_format(fmt)
    with open_store(store) as s:
        if after is None and "/" not in before:
            a, b = diffs.default_pair(s, before)
        else:
            a = repository.resolve_blueprint(s, before)
            b = repository.resolve_blueprint(s, after) if after else diffs.default_pair(s, before)[1]
        result = diffs.compare(s, a, b, normalise_lang(lang))
    if fmt == "json":
        _print_json(result.as_dict())
    else:
        print_diff(out, result, show_unchanged=show_all)


@app.command()
@handle_errors
def history(
    blueprint: Annotated[str | None, typer.Argument(help="service/version; none = every blueprint.")] = None,
    show: Annotated[str | None, typer.Option("--show", help="Show the state this activity left (id or prefix).")] = None,
    fmt: FormatOpt = "table",
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """List recorded changes (oldest first), or show an earlier state of a blueprint."""
    from . import history as hist
    from .blueprint_view import BlueprintView
    from .terminal import print_blueprint
    from .terminal_lifecycle import print_history

    _check_format(fmt)
    language = normalise_lang(lang)
    with open_store(store) as s:
        iri = hist.resolve(s, blueprint) if blueprint else None
        if show is not None:
            view: BlueprintView = hist.state_view(s, hist.find_activity(s, show, iri), language)
        else:
            items = hist.activities(s, iri)
    if show is not None:
        if fmt == "json":
            _print_json({"id": view.id, "title": view.title, "status": view.status,
                         "steps": [vars(st) for st in view.steps]})  # IRIs are str
        else:
            print_blueprint(out, view)
    elif fmt == "json":
        _print_json([a.as_dict() for a in items])
    else:
        print_history(out, items, language)


@app.command("restore-version")
@handle_errors
def restore_version(
    blueprint: Annotated[str, typer.Argument(help="service/version")],
    activity: Annotated[str, typer.Argument(help="The activity whose state to bring back (id or prefix; see `kgbp history`).")],
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Bring back an earlier state of a blueprint: a new write, validated and recorded."""
    from . import history as hist
    from .validate import Validator

    with open_store(store) as s:
        iri = hist.resolve(s, blueprint)
        done = hist.restore(s, iri, activity, agent="cli", validator=Validator(lang=normalise_lang(lang)))
    out.print(f"restored {done.saved.id} to its state after {done.source.id[:8]} ({done.source.when:%Y-%m-%d %H:%M:%S}): "
              f"{done.saved.triples} triples (+{done.saved.added} -{done.saved.removed}), {done.saved.warnings} warning(s)")


@app.command()
@handle_errors
def versions(
    service: Annotated[str, typer.Argument(help="A service id (or any of its blueprint ids).")],
    fmt: FormatOpt = "table",
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """List the versions of a service with status, dates and revision links."""
    from . import history as hist
    from .terminal_lifecycle import print_versions

    _check_format(fmt)
    with open_store(store) as s:
        items = hist.versions(s, service, normalise_lang(lang))
    if fmt == "json":
        _print_json([v.as_dict() for v in items])
    else:
        print_versions(out, items, normalise_lang(lang))


# -- named queries and SPARQL (docs/queries.md) ----------------------------------------------

def _print_table(variables: list[str], rows: list[list[str]]) -> None:
    from rich.table import Table

    table = Table(*variables, show_lines=False)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(f"{len(rows)} row(s)")


@app.command("queries")
@handle_errors
def queries_(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, or markdown (the text of docs/queries.md).")] = "table",
    lang: LangOpt = "en",
) -> None:
    """List the named queries with their parameters."""
    import json

    from .errors import BadInput
    from .query import load_catalogue
    from .query_output import catalogue_entry, catalogue_markdown

    catalogue, lang = load_catalogue(), normalise_lang(lang)
    if fmt == "markdown":
        sys.stdout.write(catalogue_markdown(catalogue))
    elif fmt == "json":
        sys.stdout.write(json.dumps([catalogue_entry(q, lang) for q in catalogue.values()], ensure_ascii=False, indent=2) + "\n")
    elif fmt == "table":
        _print_table(["name", "title", "parameters"], [
            [q.name, q.title[lang], ", ".join(f"{p.name}{'' if p.required else '?'}" for p in q.user_params)]
            for q in catalogue.values()])
    else:
        raise BadInput(f"unknown format {fmt!r}", where="--format", hint="use table, json or markdown")


@app.command("query")
@handle_errors
def query_(
    name: Annotated[str, typer.Argument(help="The named query (see `kgbp queries`).")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A parameter as name=value; repeat for several.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Run a named query, e.g. `kgbp query fail_points_by_system --param system=BOSS`."""
    import json

    from . import query
    from .errors import BadInput
    from .query_output import result_csv, result_json, text_columns

    if fmt not in ("table", "csv", "json"):
        raise BadInput(f"unknown format {fmt!r}", where="--format", hint="use table, csv or json")
    params: dict[str, str | None] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--param {item!r} is not name=value", where="--param", hint="e.g. --param system=BOSS")
        params[key.strip()] = value
    named = query.get(name)
    with open_store(store) as s:
        result = query.run(s, named, params, normalise_lang(lang))
    if fmt == "json":
        sys.stdout.write(json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        sys.stdout.write(result_csv(result))
    else:
        columns = text_columns(result)
        index = [result.rows.variables.index(c) for c in columns]
        _print_table(columns, [["" if row[i] is None else str(row[i]) for i in index] for row in result.rows.rows])


SPARQL_FORMATS = {  # --format -> (media type for SELECT/ASK, for CONSTRUCT/DESCRIBE)
    "table": ("application/sparql-results+json", "text/turtle"),
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", "application/n-triples"),
    "tsv": ("text/tab-separated-values", "application/n-triples"),
    "turtle": ("application/sparql-results+json", "text/turtle"),
    "nt": ("application/sparql-results+json", "application/n-triples"),
}


@app.command()
@handle_errors
def sparql(
    query_or_file: Annotated[str, typer.Argument(help="SPARQL text, a .rq file, or - for standard input.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, xml, csv, tsv, turtle or nt.")] = "table",
    update: Annotated[bool, typer.Option("--update", help="The text is a SPARQL Update: validated and stored like any write.")] = False,
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Run a SPARQL query on the store (default graph: the union of all blueprints)."""
    import json

    from .errors import BadInput

    if fmt not in SPARQL_FORMATS:
        raise BadInput(f"unknown format {fmt!r}", where="--format", hint="use " + ", ".join(SPARQL_FORMATS))
    path = Path(query_or_file)
    if query_or_file == "-":
        text = sys.stdin.read()
    elif len(query_or_file) < 4096 and "{" not in query_or_file and path.is_file():
        text = path.read_text("utf-8")
    else:
        text = query_or_file
    with open_store(store) as s:
        if update:
            from .sparql_endpoint import apply_update
            from .store.sandbox import InProcessRunner
            from .validate import Validator

            outcome = apply_update(s, InProcessRunner(s), text, validator=Validator(lang=normalise_lang(lang)), agent="cli")
            for saved in outcome.saved:
                out.print(f"stored {saved.id}: {saved.triples} triples (+{saved.added} -{saved.removed}), {saved.warnings} warning(s)")
            for removed in outcome.removed:
                out.print(f"removed {removed}")
            if not outcome.saved and not outcome.removed:
                out.print("nothing changed")
            return
        results, graphs = SPARQL_FORMATS[fmt]
        answer = s.query_serialized(text, results, graph_media_type=graphs)
    if fmt != "table" or answer.media_type != "application/sparql-results+json":
        sys.stdout.buffer.write(answer.body)
        return
    data = json.loads(answer.body)
    if "boolean" in data:
        out.print("yes" if data["boolean"] else "no")
        return
    variables = data["head"]["vars"]
    _print_table(variables, [[b.get(v, {}).get("value", "") for v in variables] for b in data["results"]["bindings"]])


# -- slides: PowerPoint out and in (docs/slides.md) ----------------------------------------


@app.command()
@handle_errors
def slides(
    blueprints: Annotated[list[str], typer.Argument(help="service/version, or a service id for all its versions.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The .pptx file to write.")],
    store: StoreOpt = None,
    lang: LangOpt = "en",
    heat: HeatOpt = None,
    period: PeriodOpt = None,
) -> None:
    """Export blueprints as editable PowerPoint slides, one slide per version."""
    from .errors import BadInput
    from .slides import blueprint_deck

    if output.suffix.lower() != ".pptx":
        raise BadInput(f"cannot write slides to {output.name!r}", where=str(output), hint="name the output file *.pptx")
    with open_store(store) as s:
        if heat is not None:
            from .blueprint_view import load_view
            from .slides.export import deck, resolve_refs

            iris_ = resolve_refs(s, blueprints)
            views = [load_view(s, i, normalise_lang(lang)) for i in iris_]
            data = deck(views, [_heat(s, i, heat, period, normalise_lang(lang)) for i in iris_])
        else:
            data = blueprint_deck(s, blueprints, normalise_lang(lang))
    _write_file(output, data)
    out.print(f"wrote {output}")


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
    lang: LangOpt = "en",
) -> None:
    """Read a blueprint drawn on a slide into a draft (YAML); --store/--save also stores it."""
    from .authoring import MAX_FILE_BYTES, SharedIndex
    from .errors import BadInput
    from .slides import import_slide as read_slide
    from .slides import store_draft

    if not deck.is_file():
        raise BadInput("no such file", where=str(deck), hint="check the path")
    if deck.stat().st_size > MAX_FILE_BYTES:
        raise BadInput(f"file larger than {MAX_FILE_BYTES} bytes", where=str(deck), hint="keep only the blueprint's slide")
    data = deck.read_bytes()
    if not (store or save):
        imported = read_slide(data, str(deck), slide, None, service, version)
        _write_import(imported, output)
        return
    with open_store(store) as s:
        imported = read_slide(data, str(deck), slide, SharedIndex.from_store(s), service, version)
        _write_import(imported, output)
        result = store_draft(s, imported, agent="cli", lang=normalise_lang(lang))
    for saved in result.saved:
        err.print(f"stored {saved.id} (draft): {saved.triples} triples, {saved.warnings} warning(s)", highlight=False)


def _write_file(path: Path, data: bytes) -> None:
    from .errors import BadInput

    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BadInput(f"cannot write the file: {exc.strerror}", where=str(path),
                       hint="check that its folder exists and is writable") from None


def _write_import(imported: Any, output: Path | None) -> None:
    steps = sum(len(v) for v in imported.document["steps"].values()) + len(imported.document.get("evidence", []))
    err.print(f"read slide {imported.slide} of {imported.source}: {imported.id}, {steps} step(s); "
              f"{len(imported.guesses)} guess(es)", highlight=False)
    for guess in imported.guesses:
        err.print(Text("  guessed: ", style="yellow") + Text(str(guess)), highlight=False, soft_wrap=True)
    if output:
        _write_file(output, imported.yaml_text.encode("utf-8"))
        err.print(f"wrote {output}", highlight=False)
    else:
        sys.stdout.write(imported.yaml_text)


# -- spreadsheets, whole-repository dumps (docs/spreadsheets.md, docs/exports.md) ---------

SPREADSHEET_FORMATS = ("xlsx", "csv")


def _write(data: bytes, output: Path | None) -> None:
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def _export_spreadsheet(fmt: str, blueprint: str | None, output: Path | None, store: str | None) -> None:
    from .errors import BadInput
    from .export.document import blueprint_document
    from .export.spreadsheet import csv_bytes, workbook_bytes

    if blueprint is None:
        raise BadInput(f"format {fmt!r} exports one blueprint: name it", where="BLUEPRINT",
                       hint="give service/version (see `kgbp list`); `kgbp template` writes an empty template")
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise BadInput("an XLSX workbook is binary: not written to the terminal", where="--output",
                       hint="name a file with -o FILE.xlsx")
    with open_store(store) as s:
        doc = blueprint_document(s, repository.resolve_blueprint(s, blueprint))
    _write(workbook_bytes(doc) if fmt == "xlsx" else csv_bytes(doc), output)


@app.command()
@handle_errors
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .xlsx (the template) or .csv.")],
) -> None:
    """Write the empty spreadsheet template (one row per step) to fill in and `kgbp load`."""
    from .errors import BadInput
    from .export.spreadsheet import csv_bytes, workbook_bytes

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise BadInput(f"cannot write a template to {output.name!r}", where=str(output), hint="name it *.xlsx or *.csv")
    output.write_bytes(workbook_bytes() if suffix == ".xlsx" else csv_bytes())
    out.print(f"wrote the template to {output}")


@app.command()
@handle_errors
def dump(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="trig or nq (default: from the file's suffix, else trig).")] = None,
    store: StoreOpt = None,
) -> None:
    """Write the whole repository (every blueprint, shared entities, history) as TriG or N-Quads."""
    from .dump import dump as dump_repository
    from .dump import format_for

    with open_store(store) as s:
        _write(dump_repository(s, format_for(output or "", fmt)), output)


@app.command()
@handle_errors
def restore(
    path: Annotated[Path, typer.Argument(help="A dump written by `kgbp dump` (.trig or .nq).")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="trig or nq (default: from the file's suffix).")] = None,
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Replace the whole repository with a dump (validated; one transaction; graphs not in it are dropped)."""
    from .dump import format_for
    from .dump import restore as restore_repository
    from .errors import BadInput
    from .validate import Validator

    if path.is_dir():
        raise BadInput(f"{path} is a folder: restore a store backup with `kgbp restore-backup`", where=str(path),
                       hint="`kgbp restore` reads one dump file written by `kgbp dump`")
    if not path.is_file():
        raise BadInput("no such file", where=str(path), hint="check the path")
    with open_store(store) as s:
        done = restore_repository(s, path.read_bytes(), str(path), format_for(path, fmt),
                                  Validator(lang=normalise_lang(lang)))
    for note in done.notes:
        err.print(f"note: {note}")
    out.print(f"restored {done.blueprints} blueprint(s) in {done.graphs} graph(s), {done.triples} triples; "
              f"dropped {len(done.dropped)} graph(s) not in the dump")


# -- operations: backups, tokens (docs/operations.md) ----------------------------------------

@app.command()
@handle_errors
def backup(
    target: Annotated[str, typer.Argument(help="The new folder to write the snapshot to; with --server, the backup's name "
                                               "(the server writes it into its backups folder).")],
    store: StoreOpt = None,
    server: Annotated[str | None, typer.Option("--server", help="Back up through this running server (URL), "
                                                                "e.g. http://127.0.0.1:8000.")] = None,
    token: Annotated[str | None, typer.Option("--token", help="The server's write token (env KGBP_TOKEN).",
                                              envvar="KGBP_TOKEN")] = None,
) -> None:
    """Write a consistent snapshot of the store (also while a server holds it: use --server)."""
    from .backup import snapshot
    from .errors import StoreUnavailable

    if server:
        _backup_through(server, token, target)
        return
    try:
        with open_store(store) as s:
            done = snapshot(s, Path(target))
    except StoreUnavailable as exc:
        if "in use" not in exc.message:
            raise
        raise StoreUnavailable(exc.message, where=exc.where,
                               hint="a running server holds the store: back up through it with "
                                    "`kgbp backup NAME --server http://127.0.0.1:8000 --token TOKEN`") from None
    out.print(f"backed up {done.blueprints} blueprint(s), {done.graphs} graph(s) to {done.path}")


def _backup_through(server: str, token: str | None, name: str) -> None:
    import httpx

    from .errors import BadInput, KgbpError, StoreUnavailable

    if not token:
        raise BadInput("--server needs the server's write token", where="--token", hint="give --token T, or set KGBP_TOKEN")
    url = server.rstrip("/") + "/api/admin/backup"
    try:
        response = httpx.post(url, params={"name": name}, headers={"Authorization": f"Bearer {token}"}, timeout=600)
    except httpx.HTTPError as exc:
        raise StoreUnavailable(f"cannot reach the server: {exc}", where=url, hint="check the URL and that the server runs") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 201:
        error = KgbpError(body.get("message") or f"the server answered {response.status_code}",
                          where=body.get("where") or url, hint=body.get("hint", ""))
        raise error
    out.print(f"the server backed up {body['blueprints']} blueprint(s), {body['graphs']} graph(s) as {body['name']!r} "
              f"in its backups folder")


@app.command("restore-backup")
@handle_errors
def restore_backup(
    source: Annotated[Path, typer.Argument(help="A folder written by `kgbp backup`.")],
    store: StoreOpt = None,
) -> None:
    """Replace the store with a backup (refused while a server holds the store; the old store is kept beside it)."""
    from .backup import restore_backup as restore_folder
    from .errors import BadInput

    settings = settings_for(store)
    if settings.is_remote:
        raise BadInput("restore-backup replaces an embedded store folder", where=settings.store,
                       hint="for a remote store: `kgbp restore DUMP` (a dump file) through SPARQL")
    done = restore_folder(source, Path(settings.store))
    out.print(f"restored {done.blueprints} blueprint(s), {done.graphs} graph(s) into {done.store}")
    if done.replaced is not None:
        out.print(f"the previous store is kept in {done.replaced} (delete it when satisfied)")


token_app = typer.Typer(help="Write tokens: create, list, rotate, revoke (stored hashed).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
@handle_errors
def token_create(name: Annotated[str, typer.Argument(help="Who holds it (shown in the history as the author of writes).")],
                 store: StoreOpt = None) -> None:
    """Create a token and print it once (only its hash is kept)."""
    from .auth import check_name, create_token, token_names
    from .errors import Conflict

    settings = settings_for(store)
    if check_name(name) in token_names(settings):
        raise Conflict(f"a token named {name!r} exists already", where=name,
                       hint=f"`kgbp token rotate {name}` replaces it; or choose another name")
    _print_token(name, create_token(settings, name))


@token_app.command("list")
@handle_errors
def token_list(store: StoreOpt = None) -> None:
    """List the names of the tokens (the tokens themselves are not kept)."""
    from .auth import token_names, tokens_path

    settings = settings_for(store)
    names = token_names(settings)
    for name in names:
        out.print(name, highlight=False)
    err.print(f"{len(names)} token(s) in {tokens_path(settings)}", highlight=False)


@token_app.command("rotate")
@handle_errors
def token_rotate(name: str, store: StoreOpt = None) -> None:
    """Replace a token: the old one stops working at once; the new one is printed once."""
    from .auth import rotate_token

    _print_token(name, rotate_token(settings_for(store), name))


@token_app.command("revoke")
@handle_errors
def token_revoke(name: str, store: StoreOpt = None) -> None:
    """Revoke a token: writes with it are refused from the next request on."""
    from .auth import revoke_token
    from .errors import NotFound

    if not revoke_token(settings_for(store), name):
        raise NotFound(f"no token named {name!r}", where=name, hint="`kgbp token list` shows the names")
    out.print(f"revoked {name}")


def _print_token(name: str, token: str) -> None:
    err.print(f"token for {name!r} (shown once; keep it secret):", highlight=False)
    out.print(token, highlight=False, soft_wrap=True)


# -- the service-quality loop (docs/quality-loop.md) -----------------------------------------

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
    lang: LangOpt = "en",
) -> None:
    """Read, check and store evidence; each period it holds replaces that period (nothing is stored unless all is good)."""
    from .errors import BadInput
    from .quality import load_evidence

    named = []
    for path in files:
        if not path.is_file():
            raise BadInput(f"no file {path}", where=str(path), hint="give .csv or .xlsx files")
        named.append((path.name, path.read_bytes()))
    with open_store(store) as s:
        saved = load_evidence(s, named, source=source, agent="cli", lang=normalise_lang(lang))
    for kind, count in sorted(saved.counts.items()):
        out.print(f"{kind}: {count} row(s)")
    out.print(f"stored {len(saved.graphs)} graph(s), {saved.triples} triples.")


@app.command("meeting-pack")
@handle_errors
def meeting_pack(
    period: Annotated[str, typer.Option("--period", help="The month under review, YYYY-MM.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the HTML, PPTX and XLSX files to.")],
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Write the service-quality meeting pack for a month: top problems, hot spots on the blueprints,
    responsible departments, breached standards, open and overdue actions, effect of completed ones."""
    from .quality.pack import write_pack

    with open_store(store) as s:
        written = write_pack(s, period, normalise_lang(lang), output)
    for path in written:
        out.print(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    app()
