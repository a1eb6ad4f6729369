"""Every entity IRI dereferences: HTML to browsers, RDF to RDF clients (content negotiation).

Our IRIs are https://w3id.org/kgbp/id/...; the permanent-identifier service redirects them
to this server's /id/... paths, which answer here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import URIRef

from ...errors import NotFound
from ...export.rdf import FORMATS, describe
from ...i18n import say
from ...model import iris
from ...model.namespaces import ID
from ...query.internal import internal_query
from ..deps import LangDep, StoreDep
from ..links import link, page_of_blueprint

router = APIRouter(include_in_schema=False)

RDF_TYPES = {media: fmt for fmt, (_, media, quads) in FORMATS.items() if not quads}


def wants_rdf(request: Request) -> str | None:
    """The RDF media type the client prefers over HTML, if any (simple q-less negotiation);
    `?format=ttl|jsonld|rdf|nt` overrides the Accept header (for links people click)."""
    fmt = request.query_params.get("format")
    if fmt in FORMATS and not FORMATS[fmt][2]:
        return FORMATS[fmt][1]
    accept = request.headers.get("accept", "")
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in ("text/html", "application/xhtml+xml"):
            return None
        if media in RDF_TYPES:
            return media
    return None


def rdf_response(store: Any, node: URIRef, media: str) -> Response:
    graph = describe(store, node)
    if not len(graph):
        raise NotFound(say("nothing_known", iri=str(node)), where=str(node), hint=say("check_iri_hint"))
    fmt = FORMATS[RDF_TYPES[media]][0]
    return Response(graph.serialize(format=fmt, encoding="utf-8"), media_type=media, headers={"Vary": "Accept"})


@router.get("/id/{path:path}")
def dereference(path: str, request: Request, store: StoreDep, lang: LangDep) -> Response:
    node = URIRef(f"{ID}{path}")
    media = wants_rdf(request)
    if media:
        return rdf_response(store, node, media)
    kind = path.split("/", 1)[0]
    if kind in ("department", "system"):
        from .pages import entity_page

        return entity_page(request, store, lang, node, kind)
    if iris.blueprint_id(str(node)):
        return RedirectResponse(link(node), status_code=303)
    # a step, touchpoint, evidence or standard: its blueprint page, at its row
    bp = store.select(internal_query("blueprint_of_node"), {"s": node}).rows
    page = page_of_blueprint(bp[0][0]) if bp else None
    if page is not None:  # only to a blueprint kgbp minted: sb:inBlueprint is data, never a redirect off-site
        anchor = "#step-" + quote(path.rsplit("/", 1)[-1], safe="-._~")
        return RedirectResponse(page + anchor, status_code=303)
    if kind == "service":
        return RedirectResponse("/?q=" + path.split("/", 1)[-1], status_code=303)
    raise NotFound(say("nothing_known", iri=str(node)), where=str(node), hint=say("check_iri_hint"))

