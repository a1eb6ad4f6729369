"""Questions: the named queries and SPARQL."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import say, say_in
from .formats import FormatOpt, chosen, write_rows
from .main import LangOpt, StoreOpt, app, handle_errors, lang_of, open_store, out, read_store, settings_for


def _print_table(variables: list[str], rows: list[list[str]], lang: str = "en") -> None:
    from rich.table import Table

    table = Table(*variables, show_lines=False)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(say_in(lang, "cli_rows", n=len(rows)))


@app.command("queries")
@handle_errors
def queries_(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, or markdown (the text of docs/queries.md).")] = "table",
    lang: LangOpt = None,
) -> None:
    """List the named queries with their parameters."""
    import json

    from ..errors import BadInput
    from ..query.catalogue import load_catalogue
    from ..query.output import catalogue_entry, catalogue_markdown

    catalogue, lang = load_catalogue(), lang_of(lang)
    if fmt == "markdown":
        sys.stdout.write(catalogue_markdown(catalogue))
    elif fmt == "json":
        sys.stdout.write(json.dumps([catalogue_entry(q, lang) for q in catalogue.values()], ensure_ascii=False, indent=2) + "\n")
    elif fmt == "table":
        _print_table([say_in(lang, f"cli_col_{c}") for c in ("name", "title", "parameters")], [
            [q.name, q.title[lang], ", ".join(f"{p.name}{'' if p.required else '?'}" for p in q.user_params)]
            for q in catalogue.values()])
    else:
        raise BadInput(say("unknown_format", fmt=fmt), where="--format", hint=say("use_one_of", values="table, json, markdown"))


@app.command("query")
@handle_errors
def query_(
    name: Annotated[str, typer.Argument(help="The named query (see `kgbp queries`).")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A parameter as name=value; repeat for several.")] = None,
    fmt: FormatOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Run a named query, e.g. `kgbp query fail_points_by_system --param system=BOSS` (works beside a running server)."""
    import json

    from ..errors import BadInput
    from ..query import catalogue as query
    from ..query.output import result_csv, result_json, text_columns

    fmt = chosen(fmt)
    params: dict[str, str | None] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(say("param_not_pair", item=item), where="--param", hint=say("param_not_pair_hint"))
        params[key.strip()] = value
    named = query.get(name)
    with read_store(store) as s:
        result = query.run(s, named, params, lang_of(lang))
    if fmt == "json":
        sys.stdout.write(json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        sys.stdout.write(result_csv(result))
    elif fmt == "tsv":
        columns = text_columns(result)
        index = [result.rows.variables.index(c) for c in columns]
        write_rows("tsv", columns, [[row[i] for i in index] for row in result.rows.rows])
    else:
        columns = text_columns(result)
        index = [result.rows.variables.index(c) for c in columns]
        _print_table(columns, [["" if row[i] is None else str(row[i]) for i in index] for row in result.rows.rows],
                     lang_of(lang))


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
    lang: LangOpt = None,
) -> None:
    """Run a SPARQL query on the store (default graph: the union of all blueprints)."""
    import json

    from ..errors import BadInput

    language = lang_of(lang)
    if fmt not in SPARQL_FORMATS:
        raise BadInput(say("unknown_format", fmt=fmt), where="--format", hint=say("use_one_of", values=", ".join(SPARQL_FORMATS)))
    path = Path(query_or_file)
    if query_or_file == "-":
        text = sys.stdin.read()
    elif len(query_or_file) < 4096 and "{" not in query_or_file and path.is_file():
        text = path.read_text("utf-8")
    else:
        text = query_or_file
    with open_store(store) as s:
        if update:
            from ..sparql.endpoint import apply_update
            from ..store.sandbox import InProcessRunner
            from ..store.sparql_guard import refuse_remote_update
            from ..validation.engine import Validator

            refuse_remote_update(text)  # the grammar's reading too: the CLI runs the update in this process
            outcome = apply_update(s, InProcessRunner(s), text, validator=Validator(lang=lang_of(lang)), agent="cli",
                                   user_graphs=settings_for(store).user_graphs, limits=settings_for(store).limits)
            for saved in outcome.saved:
                out.print(say_in(language, "cli_stored_update", id=saved.id, triples=saved.triples, added=saved.added,
                                 removed=saved.removed, warnings=saved.warnings))
            for removed in outcome.removed:
                out.print(say_in(language, "cli_removed", id=removed))
            for written in outcome.graphs:
                out.print(say_in(language, "cli_stored_graph", iri=written.iri, triples=written.triples, added=written.added,
                                 removed=written.removed))
            if not outcome.saved and not outcome.removed and not outcome.graphs:
                out.print(say_in(language, "cli_nothing_changed"))
            return
        from ..sparql.endpoint import check_query

        check_query(text, settings_for(store).is_remote, parse=True)  # the CLI never fetches URLs either
        results, graphs = SPARQL_FORMATS[fmt]
        answer = s.query_serialized(text, results, graph_media_type=graphs)
    if fmt != "table" or answer.media_type != "application/sparql-results+json":
        sys.stdout.buffer.write(answer.body)
        return
    data = json.loads(answer.body)
    if "boolean" in data:
        out.print(say_in(language, "cli_yes" if data["boolean"] else "cli_no"))
        return
    variables = data["head"]["vars"]
    _print_table(variables, [[b.get(v, {}).get("value", "") for v in variables] for b in data["results"]["bindings"]], language)


