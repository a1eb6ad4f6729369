"""Writing command output: files, standard output, imported documents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.text import Text

from ..i18n import say_in
from ..repository import save as repository
from .main import err, open_store


def _write_file(path: Path, data: bytes) -> None:
    from ..errors import BadInput
    from ..i18n import say

    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BadInput(say("cannot_write_file", what=exc.strerror), where=str(path), hint=say("cannot_write_file_hint")) from None


def _write_import(imported: Any, output: Path | None, lang: str = "en") -> None:
    steps = sum(len(v) for v in imported.document["steps"].values()) + len(imported.document.get("evidence", []))
    err.print(say_in(lang, "cli_read_slide", slide=imported.slide, source=imported.source, id=imported.id, steps=steps,
                     guesses=len(imported.guesses)), highlight=False, soft_wrap=True)
    for guess in imported.guesses:
        err.print(Text("  " + say_in(lang, "cli_guessed"), style="yellow") + Text(guess.text(lang)), highlight=False,
                  soft_wrap=True)
    if output:
        _write_file(output, imported.yaml_text.encode("utf-8"))
        err.print(say_in(lang, "cli_wrote", output=output), highlight=False, soft_wrap=True)
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
    from ..errors import BadInput
    from ..export.document import blueprint_document
    from ..i18n import say
    from ..spreadsheet.writer import csv_bytes, workbook_bytes

    if blueprint is None:
        raise BadInput(say("one_blueprint_format", fmt=fmt), where="BLUEPRINT", hint=say("one_blueprint_sheet_hint"))
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise BadInput(say("xlsx_not_to_terminal"), where="--output", hint=say("xlsx_not_to_terminal_hint"))
    with open_store(store) as s:
        doc = blueprint_document(s, repository.resolve_blueprint(s, blueprint))
    _write(workbook_bytes(doc) if fmt == "xlsx" else csv_bytes(doc), output)
