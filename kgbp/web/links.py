"""Where a node is shown in the web UI: our IRIs map to pages, other IRIs stay as they are."""

from __future__ import annotations

from urllib.parse import quote

from ..model.iris import blueprint_id
from ..model.namespaces import ID


def link(iri: object) -> str:
    text = str(iri)
    if not text.startswith(str(ID)):
        return text
    bid = blueprint_id(text)
    if bid is not None:
        return "/blueprints/" + "/".join(quote(p) for p in bid.split("/"))
    return "/id/" + text[len(str(ID)):]
