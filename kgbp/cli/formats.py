"""Output for people and for scripts: a table on a terminal, tab-separated lines in a pipe.

`--format table|json|csv|tsv` picks one; without it, stdout decides (a terminal gets the table,
a pipe gets tsv, so `kgbp list | cut -f1` gives the ids). tsv has no header line and no tabs
or line breaks inside a value; csv has a header; json is a list of objects.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from ..errors import BadInput
from ..i18n import say

FORMATS = ("table", "json", "csv", "tsv")
FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", help="table, json, csv or tsv (default: table on a terminal, tsv when piped).")]


def chosen(fmt: str | None, allowed: Sequence[str] = FORMATS) -> str:
    """The format asked for, or the one stdout calls for."""
    if fmt is None:
        return "table" if sys.stdout.isatty() else "tsv"
    if fmt not in allowed:
        raise BadInput(say("unknown_format", fmt=fmt), where="--format", hint=say("use_one_of", values=", ".join(allowed)))
    return fmt


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def write_rows(fmt: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Rows as json, csv or tsv on stdout (the table is each command's own)."""
    if fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, row, strict=False)) for row in rows], ensure_ascii=False,
                                    indent=2, default=str) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    else:
        for row in rows:
            sys.stdout.write("\t".join(" ".join(_cell(v).split()) for v in row) + "\n")


def write_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
