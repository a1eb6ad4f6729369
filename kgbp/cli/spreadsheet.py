"""`kgbp template`: the spreadsheet template."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .main import LangOpt, app, handle_errors, lang_of, out


@app.command()
@handle_errors
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .xlsx (the template) or .csv.")],
    lang: LangOpt = None,
) -> None:
    """Write the empty spreadsheet template (one row per step) to fill in and `kgbp load`."""
    from ..errors import BadInput
    from ..i18n import say, say_in
    from ..spreadsheet.writer import csv_bytes, workbook_bytes

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise BadInput(say("cannot_write_template", name=output.name), where=str(output), hint=say("cannot_write_template_hint"))
    output.write_bytes(workbook_bytes() if suffix == ".xlsx" else csv_bytes())
    out.print(say_in(lang_of(lang), "cli_wrote_template", output=output), highlight=False, soft_wrap=True)
