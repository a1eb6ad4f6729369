"""The published vocabulary: the ontology IRI and kgbp's JSON-LD context.

https://w3id.org/kgbp/ontology redirects to this server's /ontology, which gives the
HTML documentation to browsers and Turtle, RDF/XML, JSON-LD or N-Triples to RDF
clients (Accept). /ontology.ttl etc. name one format; /context.jsonld is the context
that JSON-LD exports refer to (https://w3id.org/kgbp/context.jsonld redirects there).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from ...errors import NotAcceptable, NotFound
from ...export.jsonld_context import context_text
from ...export.ontology_docs import HTML_MEDIA_TYPE, RDF_FORMATS, ontology_html, ontology_rdf
from ...i18n import say
from ..deps import LangDep
from ..negotiate import best_match

router = APIRouter(tags=["ontology"])

OFFERS = [HTML_MEDIA_TYPE, "application/xhtml+xml", *(media for media, _, _ in RDF_FORMATS.values())]
_BY_MEDIA = {media: key for key, (media, _, _) in RDF_FORMATS.items()}
_BY_SUFFIX = {suffix.lstrip("."): key for key, (_, _, suffix) in RDF_FORMATS.items()}
CACHE = {"Cache-Control": "public, max-age=3600"}


def _rdf(key: str) -> Response:
    media = RDF_FORMATS[key][0]
    return Response(ontology_rdf(key), media_type=media, headers={**CACHE, "Vary": "Accept"})


async def _html(lang: str) -> HTMLResponse:
    # the first page of a process takes pyLODE seconds: off the event loop
    page = await run_in_threadpool(ontology_html, lang)
    return HTMLResponse(page, headers={**CACHE, "Vary": "Accept, Accept-Language, Cookie", "Content-Language": lang})


@router.get("/ontology", summary="The ontology: HTML documentation or RDF, by content negotiation",
            responses={200: {"content": {m: {} for m in OFFERS}}})
async def ontology(request: Request, lang: LangDep) -> Response:
    chosen = best_match(request.headers.get("accept"), OFFERS)
    if chosen is None:
        raise NotAcceptable(say("ontology_accept"), where="Accept", hint=say("accept_one_of", formats=", ".join(OFFERS)))
    if chosen in _BY_MEDIA:
        return _rdf(_BY_MEDIA[chosen])
    return await _html(lang)


@router.get("/ontology.{ext}", summary="The ontology in one format: html, ttl, rdf, jsonld or nt")
async def ontology_as(ext: str, lang: LangDep) -> Response:
    if ext == "html":
        return await _html(lang)
    if ext not in _BY_SUFFIX:
        raise NotFound(say("no_ontology_format", ext=ext), where=f"/ontology.{ext}", hint=say("no_ontology_format_hint"))
    return _rdf(_BY_SUFFIX[ext])


@router.get("/context.jsonld", summary="kgbp's JSON-LD context (readable keys for blueprint data)")
def jsonld_context() -> Response:
    # JSON-LD processors in browsers fetch contexts cross-origin: allow them to
    return Response(context_text(), media_type="application/ld+json",
                    headers={**CACHE, "Access-Control-Allow-Origin": "*"})
