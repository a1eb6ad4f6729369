"""Where a node is shown in the web UI: our IRIs map to pages, other http(s) IRIs stay as
they are, and anything else (javascript:, data:, file:, a relative reference) is no link
at all: an IRI is data anyone with a write token chose, and an href runs in the reader's
browser."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from ..model.iris import blueprint_id
from ..model.namespaces import ID, SB

SAFE_SCHEMES = ("http", "https")


def link(iri: object) -> str:
    """The page for `iri`, or "" when it must not become a link."""
    text = str(iri)
    if text.startswith(str(ID)):
        bid = blueprint_id(text)
        if bid is not None:
            return "/blueprints/" + "/".join(quote(p) for p in bid.split("/"))
        return "/id/" + quote(text[len(str(ID)):], safe="/#-._~")
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc and text.isprintable():
        return text
    return ""


def page_of_blueprint(iri: object) -> str | None:
    """The page of a blueprint kgbp minted, or None for any other IRI (never a redirect off-site)."""
    text = str(iri)
    bid = blueprint_id(text) if text.startswith(str(ID)) else None
    return link(text) if bid is not None else None


def page_link(iri: object) -> str:
    """A page of this server for the node, or '' when it has none (no link to a site that may be offline)."""
    text = str(iri)
    if text.startswith(str(SB)):
        return "/ontology#" + text[len(str(SB)):]  # a term of the ontology: its entry in the documentation
    return link(text) if text.startswith(str(ID)) else ""
