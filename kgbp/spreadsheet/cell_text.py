"""Text written to spreadsheet cells and CSV files can never become a formula.

Excel, LibreOffice and Sheets run a cell that begins with `=`, `+`, `-` or `@` (and, after
some import paths, tab or carriage return) as a formula: a label such as
`=HYPERLINK("http://…", "click")` written verbatim would run on the reader's machine.
CSV cells that begin so get a leading apostrophe, the spreadsheet programs' own "this is
text" mark (they do not show it); kgbp's CSV reader takes it off again, so a blueprint
written to CSV reads back unchanged. XLSX cells are typed as strings instead, which keeps
the text exact (see `export/spreadsheet.py`).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def needs_guard(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def guard(text: str) -> str:
    """`text` safe for a CSV cell. Text already starting with the mark gets one more, so
    that `unguard` gives back exactly what was written."""
    if needs_guard(text) or text.startswith(TEXT_MARK):
        return TEXT_MARK + text
    return text


def unguard(text: str) -> str:
    """What `guard` was given (a cell read from CSV)."""
    return text[1:] if text.startswith(TEXT_MARK) else text
