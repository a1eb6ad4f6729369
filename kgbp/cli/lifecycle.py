"""Lifecycle commands: diff, history, restore-version, versions."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..i18n import say, say_in
from ..repository import save as repository
from .formats import FormatOpt as RowsFormatOpt
from .formats import chosen, write_rows
from .main import LangOpt, StoreOpt, app, handle_errors, lang_of, open_store, out, read_store

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]


def _check_format(fmt: str) -> None:
    from ..errors import BadInput

    if fmt not in ("table", "json"):
        raise BadInput(say("unknown_format", fmt=fmt), where="--format", hint=say("use_one_of", values="table, json"))


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
    lang: LangOpt = None,
) -> None:
    """What changed between two versions: steps, fail and wait points, departments, systems."""
    from ..lifecycle import diff as diffs
    from .terminal_lifecycle import print_diff

    _check_format(fmt)
    with open_store(store) as s:
        if after is None and "/" not in before:
            a, b = diffs.default_pair(s, before)
        else:
            a = repository.resolve_blueprint(s, before)
            b = repository.resolve_blueprint(s, after) if after else diffs.default_pair(s, before)[1]
        result = diffs.compare(s, a, b, lang_of(lang))
    if fmt == "json":
        _print_json(result.as_dict())
    else:
        print_diff(out, result, show_unchanged=show_all)


@app.command()
@handle_errors
def history(
    blueprint: Annotated[str | None, typer.Argument(help="service/version; none = every blueprint.")] = None,
    show: Annotated[str | None, typer.Option("--show", help="Show the state this activity left (id or prefix).")] = None,
    fmt: RowsFormatOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """List recorded changes (oldest first), or show an earlier state of a blueprint."""
    from ..repository import history as hist
    from ..repository.blueprint_view import BlueprintView
    from .terminal import print_blueprint
    from .terminal_lifecycle import print_history

    fmt = chosen(fmt)
    language = lang_of(lang)
    with read_store(store) as s:
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
    elif fmt in ("csv", "tsv"):
        columns = ["id", "when", "action", "blueprint", "agent", "added", "removed", "state_kept", "restored"]
        write_rows(fmt, columns, [[a.as_dict()[c] for c in columns] for a in items])
    else:
        print_history(out, items, language)


@app.command("restore-version")
@handle_errors
def restore_version(
    blueprint: Annotated[str, typer.Argument(help="service/version")],
    activity: Annotated[str, typer.Argument(help="The activity whose state to bring back (id or prefix; see `kgbp history`).")],
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """Bring back an earlier state of a blueprint: a new write, validated and recorded."""
    from ..repository import history as hist
    from ..validation.engine import Validator

    with open_store(store) as s:
        iri = hist.resolve(s, blueprint)
        done = hist.restore(s, iri, activity, agent="cli", validator=Validator(lang=lang_of(lang)))
    out.print(say_in(lang_of(lang), "cli_restored", id=done.saved.id, activity=done.source.id[:8],
                     when=f"{done.source.when:%Y-%m-%d %H:%M:%S}", triples=done.saved.triples, added=done.saved.added,
                     removed=done.saved.removed, warnings=done.saved.warnings))


@app.command()
@handle_errors
def versions(
    service: Annotated[str, typer.Argument(help="A service id (or any of its blueprint ids).")],
    fmt: FormatOpt = "table",
    store: StoreOpt = None,
    lang: LangOpt = None,
) -> None:
    """List the versions of a service with status, dates and revision links."""
    from ..repository import history as hist
    from .terminal_lifecycle import print_versions

    _check_format(fmt)
    with open_store(store) as s:
        items = hist.versions(s, service, lang_of(lang))
    if fmt == "json":
        _print_json([v.as_dict() for v in items])
    else:
        print_versions(out, items, lang_of(lang))


