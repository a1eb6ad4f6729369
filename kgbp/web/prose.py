"""Prose that names codes (a column, a parameter value, a query, an ontology term): codes shown as code.

A question's description says "covered = false" or "see slice_fail_points_rollup"; those words
are the same in every language and are marked so, not read as untranslated text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

# identifiers: snake_case, camelCase, paths, blueprint ids, and the words a caller names
_IDENTIFIER = re.compile(r"\b(?:[A-Za-z]+_[A-Za-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]*)\b"
                         r"|(?<![\w/])(?:/[\w.-]+)+"  # a path: /api/diff
                         r"|\b[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*\b")  # a blueprint id: service/version


def mark_codes(text: str, codes: Iterable[str] = ()) -> Markup:
    """`text` escaped, with `quoted` spans, identifiers and the given codes as <code>."""
    parts = text.split("`")
    if len(parts) % 2 == 1 and len(parts) > 1:  # balanced back-quotes: every other part is code
        return Markup("").join(Markup("<code>%s</code>") % p if i % 2 else _mark(p, codes) for i, p in enumerate(parts))
    return _mark(text, codes)


def _mark(text: str, codes: Iterable[str]) -> Markup:
    names = sorted({c for c in codes if c}, key=len, reverse=True)
    pattern = _IDENTIFIER.pattern
    if names:
        pattern = r"\b(?:" + "|".join(map(re.escape, names)) + r")\b|" + pattern
    out, last = [], 0
    for match in re.finditer(pattern, text):
        out += [escape(text[last:match.start()]), Markup("<code>%s</code>") % match.group(0)]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
