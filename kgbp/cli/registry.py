"""Registry commands: list and search departments, systems and channels; merge, rename, alias.

Registered on the Typer app when `kgbp/cli/__init__.py` imports this group; each calls one function of kgbp.registry.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Annotated

import typer

from ..errors import BadInput
from ..i18n import say, say_in
from .main import LangOpt, StoreOpt, app, handle_errors, lang_of, open_store, out

SearchArg = Annotated[str, typer.Argument(help="Only entries whose id, label (zh or en) or alias holds this text.")]
RegistryFormat = Annotated[str, typer.Option(
    "--format", "-f", help="table (plain TSV when stdout is not a terminal), json or csv.")]
KindArg = Annotated[str, typer.Argument(help="department or system.")]
COLUMNS = ("id", "label_en", "label_zh", "aliases", "parent", "parts", "status", "blueprints", "steps")
COLUMNS = ("id", "label_en", "label_zh", "aliases", "parent", "parts", "status", "blueprints", "steps")


def _rows(kind: str, search: str, store: str | None, lang: str) -> list[dict[str, object]]:
    from ..registry.listing import list_entries

    with open_store(store) as s:
        return [e.as_dict() for e in list_entries(s, kind, search, lang)]


def _cells(entry: dict[str, object]) -> list[str]:
    labels: dict[str, str] = entry["labels"]  # type: ignore[assignment]
    return [str(entry["id"]), labels.get("en", ""), labels.get("zh", ""), "; ".join(entry["aliases"]),  # type: ignore[arg-type]
            str(entry["parent"] or ""), "; ".join(entry["parts"]), str(entry["status"]),  # type: ignore[arg-type]
            str(entry["blueprints"]), str(entry["steps"])]


def _present(kind: str, search: str, fmt: str, store: str | None, lang: str | None) -> None:
    lang = lang_of(lang)
    if fmt not in ("table", "json", "csv"):
        raise BadInput(say("unknown_format", fmt=fmt), where="--format", hint=say("use_one_of", values="table, json, csv"))
    entries = _rows(kind, search, store, lang)
    if fmt == "json":
        sys.stdout.write(json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv" or not sys.stdout.isatty():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n", delimiter="," if fmt == "csv" else "\t")
        writer.writerow(COLUMNS)
        writer.writerows(_cells(e) for e in entries)
        sys.stdout.write(buffer.getvalue())
        return
    from rich.table import Table

    table = Table(*(say_in(lang, f"registry_col_{c}") for c in COLUMNS))
    for e in entries:
        table.add_row(*_cells(e))
    out.print(table)
    out.print(say_in(lang, "registry_count", n=len(entries), kind=say(f"kind_{kind}")))


@app.command()
@handle_errors
def systems(search: SearchArg = "", fmt: RegistryFormat = "table", store: StoreOpt = None, lang: LangOpt = None) -> None:
    """List (and search) the IT systems of the registry: labels, aliases, parent, parts, status, uses."""
    _present("system", search, fmt, store, lang)


@app.command()
@handle_errors
def departments(search: SearchArg = "", fmt: RegistryFormat = "table", store: StoreOpt = None,
                lang: LangOpt = None) -> None:
    """List (and search) the departments of the registry: labels, aliases, parent unit, units, status, uses."""
    _present("department", search, fmt, store, lang)


@app.command()
@handle_errors
def channels(search: SearchArg = "", fmt: RegistryFormat = "table", store: StoreOpt = None, lang: LangOpt = None) -> None:
    """List (and search) the channels (ontology terms; parent = the channel kind)."""
    _present("channel", search, fmt, store, lang)


def _done(change: object, lang: str | None) -> None:
    from ..registry.operations import RegistryChange

    assert isinstance(change, RegistryChange)
    lang = lang_of(lang)
    data = change.as_dict(lang)
    out.print(str(data["message"]), highlight=False, soft_wrap=True)
    if change.blueprints:
        out.print(("改写的蓝图：" if lang == "zh" else "blueprints rewritten: ") + ", ".join(change.blueprints))


@app.command()
@handle_errors
def merge(kind: KindArg, source: Annotated[str, typer.Argument(help="The entity that goes (id, label or alias).")],
          target: Annotated[str, typer.Argument(help="The entity that stays.")],
          store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Merge two departments or systems: every blueprint follows; the source's names become aliases."""
    from ..registry.operations import merge as do_merge
    from ..validation.engine import Validator

    with open_store(store) as s:
        change = do_merge(s, kind, source, target, agent="cli", validator=Validator(lang=lang_of(lang)))
    _done(change, lang)


@app.command()
@handle_errors
def rename(kind: KindArg, entity: Annotated[str, typer.Argument(help="The entity (id, label or alias).")],
           new_id: Annotated[str | None, typer.Option("--id", help="Its new id (the old one stays an alias).")] = None,
           label: Annotated[list[str] | None, typer.Option("--label", help="A new label as lang=text (en or zh); repeat.")] = None,
           store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Rename a department or system for every blueprint at once: a new id and/or new labels."""
    from ..registry.operations import rename as do_rename
    from ..validation.engine import Validator

    labels: dict[str, str] = {}
    for item in label or []:
        key, sep, text = item.partition("=")
        if not sep:
            raise BadInput(say("label_not_pair", item=item), where="--label", hint=say("label_not_pair_hint"))
        labels[key.strip()] = text
    with open_store(store) as s:
        change = do_rename(s, kind, entity, new_id, labels, agent="cli", validator=Validator(lang=lang_of(lang)))
    _done(change, lang)


@app.command()
@handle_errors
def alias(kind: KindArg, entity: Annotated[str, typer.Argument(help="The entity (id, label or alias).")],
          name: Annotated[str, typer.Argument(help="The alias, e.g. IVR.")],
          remove: Annotated[bool, typer.Option("--remove", help="Drop this alias instead.")] = False,
          store: StoreOpt = None, lang: LangOpt = None) -> None:
    """Add (or drop) an alias of a department or system: one more name that finds it everywhere."""
    from ..registry.operations import alias as do_alias

    with open_store(store) as s:
        change = do_alias(s, kind, entity, name, remove=remove, agent="cli")
    _done(change, lang)
