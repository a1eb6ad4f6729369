"""Where a node is shown in the web UI: our IRIs map to pages, other IRIs stay as they are."""

from __future__ import annotations

from urllib.parse import quote

from ..model.iris import blueprint_id
from ..model.namespaces import ID, SB


def link(iri: object) -> str:
    text = str(iri)
    if not text.startswith(str(ID)):
        return text
    bid = blueprint_id(text)
    if bid is not None:
        return "/blueprints/" + "/".join(quote(p) for p in bid.split("/"))
    return "/id/" + text[len(str(ID)):]


def page_link(iri: object) -> str:
    """A page of this server for the node, or '' when it has none (no link to a site that may be offline)."""
    text = str(iri)
    if text.startswith(str(SB)):
        return "/ontology#" + text[len(str(SB)):]  # a term of the ontology: its entry in the documentation
    return link(text) if text.startswith(str(ID)) else ""
