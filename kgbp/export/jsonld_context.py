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
from typing import Any, NoReturn

from ..errors import BadInput
from ..i18n import say

CONTEXT_IRI = "https://w3id.org/kgbp/context.jsonld"
CONTEXT_FILE = "context.jsonld"


@cache
def context_text() -> str:
    return files("kgbp").joinpath(CONTEXT_FILE).read_text("utf-8")


def context() -> dict[str, Any]:
    """The context object (the value of "@context"), a fresh copy."""
    return json.loads(context_text())["@context"]  # type: ignore[no-any-return]


def _refuse(what: str, source: str, path: str) -> NoReturn:
    raise BadInput(say("jsonld_not_fetched", what=what), where=f"{source}: {path}", hint=say("jsonld_not_fetched_hint", iri=CONTEXT_IRI))


def _context(value: Any, source: str, path: str) -> Any:
    """A "@context" value with every reference resolved: kgbp's IRI to the shipped context,
    anything else (another URL, a relative or file: reference, an @import) refused."""
    if isinstance(value, str):
        if value == CONTEXT_IRI:
            return context()
        _refuse(f"the JSON-LD context {value[:200]!r}", source, path)
    if isinstance(value, list):
        return [_context(v, source, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        # term definitions can carry their own (scoped) context, at any depth: walk them too
        return _walk(value, source, path)
    return value


def _walk(node: Any, source: str, path: str = "$") -> Any:
    """The document with every "@context" (top level, nested, scoped, in arrays) resolved
    and any "@import" refused (it only ever appears in a context, and names a URL)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "@context":
                out[key] = _context(value, source, f"{path}.@context")
            elif key == "@import":
                _refuse(f"the JSON-LD @import {str(value)[:200]!r}", source, f"{path}.@import")
            else:
                out[key] = _walk(value, source, f"{path}.{key}")
        return out
    if isinstance(node, list):
        return [_walk(v, source, f"{path}[{i}]") for i, v in enumerate(node)]
    return node


def inline_contexts(text: str, source: str) -> str:
    """A JSON-LD document with kgbp's context given inline and no remote context left."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(say("json_syntax", what=exc.msg), where=f"{source}:{exc.lineno}:{exc.colno}", hint=say("json_syntax_hint")) from None
    except RecursionError:
        doc = None
    try:
        if doc is not None:
            return json.dumps(_walk(doc, source), ensure_ascii=False)
    except RecursionError:
        pass
    raise BadInput(say("json_too_deep"), where=source, hint=say("json_too_deep_hint"))
