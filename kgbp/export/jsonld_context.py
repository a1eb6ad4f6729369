"""kgbp's JSON-LD context: readable keys (label, lane, supports, department, systems, ...).

Shipped in the package (context.jsonld) and served at a stable IRI; JSON-LD exports name
it by that IRI. Readers never fetch contexts over the network: ours is taken from the
package, and any other remote context is refused (a document must not make the server
fetch URLs of its choosing).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from ..errors import BadInput

CONTEXT_IRI = "https://w3id.org/kgbp/context.jsonld"
CONTEXT_FILE = "context.jsonld"


@cache
def context_text() -> str:
    return files("kgbp").joinpath(CONTEXT_FILE).read_text("utf-8")


def context() -> dict[str, Any]:
    """The context object (the value of "@context"), a fresh copy."""
    return json.loads(context_text())["@context"]  # type: ignore[no-any-return]


def _inline(value: Any, source: str) -> Any:
    if isinstance(value, str):
        if value == CONTEXT_IRI:
            return context()
        raise BadInput(f"remote JSON-LD context {value[:200]!r} is not fetched", where=f"{source}: @context",
                       hint=f"put the context in the document itself, or use kgbp's ({CONTEXT_IRI})")
    if isinstance(value, list):
        return [_inline(v, source) for v in value]
    return value


def _walk(node: Any, source: str) -> Any:
    """Replace every "@context" reference (top level or nested) by its content."""
    if isinstance(node, dict):
        return {k: _inline(v, source) if k == "@context" else _walk(v, source) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(v, source) for v in node]
    return node


def inline_contexts(text: str, source: str) -> str:
    """A JSON-LD document with kgbp's context given inline and no remote context left."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"JSON syntax error: {exc.msg}", where=f"{source}:{exc.lineno}:{exc.colno}",
                       hint="fix the JSON at that place") from None
    return json.dumps(_walk(doc, source), ensure_ascii=False)
