"""`kgbp template`: the spreadsheet template."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .main import app, handle_errors, out


@app.command()
@handle_errors
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .xlsx (the template) or .csv.")],
) -> None:
    """Write the empty spreadsheet template (one row per step) to fill in and `kgbp load`."""
    from ..errors import BadInput
    from ..i18n import say
    from ..spreadsheet.writer import csv_bytes, workbook_bytes

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise BadInput(say("cannot_write_template", name=output.name), where=str(output), hint=say("cannot_write_template_hint"))
    output.write_bytes(workbook_bytes() if suffix == ".xlsx" else csv_bytes())
    out.print(f"wrote the template to {output}")
