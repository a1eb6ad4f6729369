"""The SPARQL 1.1 Protocol at /sparql and the Graph Store HTTP Protocol at /rdf-graphs/service.

Reads are open unless the read_token_required setting says otherwise; writes (Update,
PUT/POST/DELETE) need a bearer token and reach the store only through the one write path
(see kgbp/sparql/endpoint.py). User queries run in killable worker processes with a time
limit (kgbp/store/sandbox.py). Without a dataset in the request, the default graph is the
union of all named graphs; each blueprint is a named graph named by its IRI.

Specs: https://www.w3.org/TR/sparql11-protocol/ and https://www.w3.org/TR/sparql11-http-rdf-update/
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from starlette.concurrency import run_in_threadpool

from ...errors import BadInput, NotAcceptable, NotFound, PayloadTooLarge, Problem, UnsupportedMediaType, error_body
from ...i18n import say, say_in
from ...query.catalogue import is_iri
from ...query.internal import internal_query
from ...sparql import endpoint as endpoint
from ...store.protocol import BASE_IRI, SparqlRunner
from ...store.sparql_text import query_form
from ...validation.engine import Validator
from ..deps import client_key, get_lang, get_settings, get_store, get_write_thread, lang_of, require_writer

router = APIRouter(tags=["sparql"])
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# offered media type -> the type the store writes (aliases clients send in Accept)
RESULT_TYPES = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
GRAPH_TYPES = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
    "application/ld+json": "application/ld+json",
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/xml": "application/rdf+xml",
}
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
                  "application/ld+json": "json-ld"}
W3C_FORMATS = [FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
               FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["N-Triples"], FORMATS.RDF_XML, FORMATS["JSON-LD"]]


# -- the runner ------------------------------------------------------------

_runner_lock = threading.Lock()


def get_runner(request: Request) -> SparqlRunner:
    """The app's SPARQL runner, made on first use (worker processes start only if needed)."""
    from ...store.sandbox import open_sparql_runner

    state = request.app.state
    with _runner_lock:
        if getattr(state, "sparql_runner", None) is None:
            settings = get_settings(request)
            state.sparql_runner = open_sparql_runner(get_store(request), settings.query_timeout, settings.query_workers,
                                                     settings.query_workers_per_client, settings.query_memory_mb)
    return state.sparql_runner  # type: ignore[no-any-return]


def close_runner(app: FastAPI) -> None:
    """Stop the worker processes (called when the app shuts down)."""
    runner = getattr(app.state, "sparql_runner", None)
    if runner is not None:
        runner.close()
        app.state.sparql_runner = None


# -- helpers ------------------------------------------------------------------------------

async def _body(request: Request) -> bytes:
    limit = get_settings(request).max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(say("body_too_large", limit=limit), where="body", hint=say("raise_upload_limit"))
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise PayloadTooLarge(say("body_too_large", limit=limit), where="body", hint=say("raise_upload_limit"))
    return bytes(data)


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(say("text_not_utf8", where=where, byte=exc.start), where=where, hint=say("send_utf8")) from None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _check_charset(request: Request) -> None:
    """SPARQL text is UTF-8 (Protocol §2.1.2); another declared charset is refused, not guessed."""
    for param in request.headers.get("content-type", "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(say("charset_refused", charset=value.strip() or "(empty)"), where="Content-Type",
                                       hint=say("charset_refused_hint"))


def _one(values: list[str], name: str, required: bool = True) -> str | None:
    if len(values) > 1:
        raise BadInput(say("param_many", n=len(values), name=name), where=name, hint=say("param_many_hint", name=name))
    if not values and required:
        raise BadInput(say("param_none", name=name), where=name, hint=say("param_none_hint", name=name))
    return values[0] if values else None


def _graphs(values: list[str], name: str) -> list[URIRef]:
    for value in values:
        if not is_iri(value):
            raise BadInput(say("param_not_iri", name=name, value=value), where=name, hint=say("give_graph_iris"))
    return [URIRef(v) for v in values]


def _negotiate(request: Request, offers: dict[str, str]) -> str | None:
    from ..negotiate import best_match

    return best_match(request.headers.get("accept"), list(offers))


# -- SPARQL 1.1 Protocol ------------------------------------------------------------------

def _not_acceptable(builds_graph: bool) -> NotAcceptable:
    if builds_graph:
        return NotAcceptable(say("sparql_accept_graph"), where="Accept", hint=say("accept_one_of", formats=", ".join(RDFLIB_FORMATS)))
    return NotAcceptable(say("sparql_accept_results"), where="Accept",
                         hint=say("accept_one_of", formats=", ".join(list(RESULT_TYPES)[:4])))


async def _query(request: Request, text: str, default_graphs: list[str], named_graphs: list[str]) -> Response:
    # parsing can take a second on a long query: off the event loop
    await run_in_threadpool(endpoint.check_query, text, get_settings(request).is_remote)
    results = _negotiate(request, RESULT_TYPES)
    graphs = _negotiate(request, GRAPH_TYPES)
    builds_graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
    if (graphs if builds_graph else results) is None:
        raise _not_acceptable(builds_graph)
    runner = get_runner(request)
    try:
        answer = await run_in_threadpool(
            runner.query, text, RESULT_TYPES[results] if results else None, GRAPH_TYPES[graphs] if graphs else None,
            _graphs(default_graphs, "default-graph-uri"), _graphs(named_graphs, "named-graph-uri"),
            client=client_key(request))
    except NotAcceptable:  # the form was misread (a keyword in an odd place): the store knows
        raise _not_acceptable(not builds_graph) from None
    chosen = results if results and RESULT_TYPES[results] == answer.media_type else graphs
    return Response(answer.body, media_type=chosen or answer.media_type)


async def _update(request: Request, text: str, using: list[str], using_named: list[str]) -> JSONResponse:
    writer = require_writer(request, request.headers.get("authorization"))
    if not text.strip():
        raise BadInput(say("update_empty"), where="update", hint=say("update_empty_hint"))
    lang = get_lang(request, None)
    outcome = await get_write_thread(request).run(
        partial(endpoint.apply_update, validator=Validator(lang=lang), agent=writer,
                user_graphs=get_settings(request).user_graphs, using=_graphs(using, "using-graph-uri"),
                using_named=_graphs(using_named, "using-named-graph-uri"), limits=get_settings(request).limits),
        get_store(request), get_runner(request), text)
    return JSONResponse(outcome.as_dict())


def _service_description(request: Request) -> Response:
    offer = _negotiate(request, GRAPH_TYPES)
    if offer is None:
        raise NotAcceptable(say("sd_is_rdf"), where="Accept", hint=say("sd_is_rdf_hint"))
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service, dataset, default = BNode(), BNode(), BNode()
    url = URIRef(str(request.url.replace(query=None)))
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, url))
    for language in (SD.SPARQL11Query, SD.SPARQL11Update):
        graph.add((service, SD.supportedLanguage, language))
    for fmt in W3C_FORMATS:
        graph.add((service, SD.resultFormat, fmt))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    user_graphs = get_settings(request).user_graphs
    spaces = ", ".join(f"<{p}…>" for p in user_graphs) or "none"
    graph.add((service, URIRef("http://purl.org/dc/terms/description"), Literal(
        f"kgbp service blueprints. Queries: without a dataset in the request the default graph is the union of "
        f"all named graphs; each blueprint is a named graph named by its IRI. Relative IRIs resolve against "
        f"<{BASE_IRI}>. Updates (bearer token): the default graph seen by an update's WHERE is the store's own "
        f"default graph, which is empty, so name the graphs read (GRAPH, USING, WITH or using-graph-uri). "
        f"Writable graphs: blueprint graphs (validated, with history) and user-owned graphs under {spaces} "
        f"(not validated, with history); the ontology, repository and history graphs and the default graph are "
        f"read-only. CLEAR/DROP ALL and NAMED clear the user-owned graphs only. SERVICE and LOAD are refused.",
        lang="en")))
    for name in sorted(get_store(request).graph_names()):
        node = BNode()
        graph.add((dataset, SD.namedGraph, node))
        graph.add((node, SD.name, name))
    return Response(graph.serialize(format=RDFLIB_FORMATS[GRAPH_TYPES[offer]], encoding="utf-8"), media_type=offer)


@router.get("/sparql", summary="SPARQL 1.1 query (GET); without a query, the service description",
            responses={200: {"content": {t: {} for t in [*RESULT_TYPES, *GRAPH_TYPES]}}})
async def sparql_get(
    request: Request,
    query: Annotated[str | None, Query(description="A SPARQL 1.1 query")] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
) -> Response:
    params = request.query_params
    if params.getlist("update"):
        raise BadInput(say("update_needs_post"), where="update", hint=say("update_needs_post_hint"))
    text = _one(params.getlist("query"), "query", required=False)
    if text is None:
        return await run_in_threadpool(_service_description, request)
    return await _query(request, text, params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))


@router.head("/sparql", include_in_schema=False)
async def sparql_head(request: Request) -> Response:
    """As GET, without the body (Content-Length says how long the answer is)."""
    answer = await sparql_get(request)
    return Response(b"", status_code=answer.status_code, media_type=answer.media_type,
                    headers={"Content-Length": str(len(answer.body))})


@router.post("/sparql", summary="SPARQL 1.1 query or update (POST: form, sparql-query or sparql-update body)",
             responses={200: {"content": {t: {} for t in [*RESULT_TYPES, *GRAPH_TYPES]}}})
async def sparql_post(request: Request) -> Response:
    media = _media_type(request)
    _check_charset(request)
    if media == "application/x-www-form-urlencoded":
        form = parse_qs(_text(await _body(request), "form"), keep_blank_values=True)
        queries, updates = form.get("query", []), form.get("update", [])
        if queries and updates:
            raise BadInput(say("query_and_update"), where="form", hint=say("send_one"))
        params = request.query_params  # dataset parameters may come in the URL too

        def both(name: str) -> list[str]:
            return [*params.getlist(name), *form.get(name, [])]

        if updates:
            return await _update(request, _one(updates, "update") or "", both("using-graph-uri"),
                                 both("using-named-graph-uri"))
        return await _query(request, _one(queries, "query") or "", both("default-graph-uri"), both("named-graph-uri"))
    params = request.query_params
    if media == "application/sparql-query":
        return await _query(request, _text(await _body(request), "query"), params.getlist("default-graph-uri"),
                            params.getlist("named-graph-uri"))
    if media == "application/sparql-update":
        return await _update(request, _text(await _body(request), "update"), params.getlist("using-graph-uri"),
                             params.getlist("using-named-graph-uri"))
    raise UnsupportedMediaType(say("cannot_take", media=media or say("gs_no_content_type")), where="Content-Type",
                               hint=say("cannot_take_hint"))


# -- Graph Store HTTP Protocol --------------------------------------------------------------

def _target(request: Request) -> URIRef | str | None:
    """The graph a request names: an IRI, None for ?default, or "" for the graph store itself."""
    params = request.query_params
    graphs, default = params.getlist("graph"), "default" in params
    if graphs and default:
        raise BadInput(say("graph_or_default"), where="graph", hint=say("name_one_graph"))
    if default:
        return None
    value = _one(graphs, "graph", required=False)
    if value is None:
        return ""
    if not is_iri(value):
        raise BadInput(say("graph_not_iri", value=value), where="graph", hint=say("give_graph_iri"))
    return URIRef(value)


def _default_not_writable(method: str, lang: str) -> Response:
    return JSONResponse(
        error_body("method-not-allowed", say_in(lang, "default_not_writable", method=method), "default",
                   say_in(lang, "default_not_writable_hint"), [Problem(say_in(lang, "default_read_only"), "default")]),
        status_code=405, headers={"Allow": "GET, HEAD"})


async def _graph_response(request: Request) -> tuple[bytes, str]:
    target = _target(request)
    offer = _negotiate(request, {k: v for k, v in GRAPH_TYPES.items() if k != "application/xml"})
    if offer is None:
        raise NotAcceptable(say("no_rdf_accepted"), where="Accept", hint=say("accept_one_of", formats=", ".join(RDFLIB_FORMATS)))
    if target == "":
        raise BadInput(say("name_a_graph"), where="graph", hint=say("gs_lists_graphs_hint"))
    if target is None:
        answer = await run_in_threadpool(get_runner(request).query, internal_query("default_graph"), None, GRAPH_TYPES[offer])
        return answer.body, offer
    store = get_store(request)
    assert isinstance(target, URIRef)
    if not await run_in_threadpool(endpoint.graph_exists, store, target):
        raise NotFound(say("gs_no_graph", name=str(target)), where=str(target), hint=say("gs_lists_graphs_hint"))
    graph = await run_in_threadpool(store.graph, target)
    return graph.serialize(format=RDFLIB_FORMATS[GRAPH_TYPES[offer]], encoding="utf-8"), offer


@router.get("/rdf-graphs/service", summary="Graph Store: read a graph (?graph=<IRI> or ?default)")
async def graph_get(request: Request,
                    graph: Annotated[str | None, Query(description="The graph's IRI")] = None,
                    default: Annotated[str | None, Query(description="Present: the default graph (the union)")] = None) -> Response:
    body, media = await _graph_response(request)
    return Response(body, media_type=media)


@router.head("/rdf-graphs/service", include_in_schema=False)
async def graph_head(request: Request) -> Response:
    body, media = await _graph_response(request)
    return Response(b"", media_type=media, headers={"Content-Length": str(len(body))})


async def _multipart(request: Request, data: bytes) -> list[tuple[bytes, str]]:
    """The RDF parts of a multipart/form-data body (Graph Store §5.5: merged, like one POST)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + request.headers.get("content-type", "").encode("latin-1") + b"\r\n\r\n" + data)
    if not message.is_multipart():
        raise BadInput(say("multipart_empty"), where="body", hint=say("multipart_empty_hint"))
    parts = []
    for number, part in enumerate(message.iter_parts(), 1):
        media = part.get_content_type()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            raise BadInput(say("part_not_document", n=number), where=f"body part {number}", hint=say("part_not_document_hint"))
        if media == "text/plain" and not part.get("content-type"):
            raise UnsupportedMediaType(say("part_no_type", n=number), where=f"body part {number}", hint=say("part_no_type_hint"))
        parts.append((payload, media))
    return parts


async def _write(request: Request, method: str) -> Response:
    writer = require_writer(request, request.headers.get("authorization"))
    target = _target(request)
    if target is None:
        return _default_not_writable(method, lang_of(request))
    store, writes = get_store(request), get_write_thread(request)
    user_graphs, limits = get_settings(request).user_graphs, get_settings(request).limits  # this server's caps
    validator = Validator(lang=get_lang(request, None))
    if method == "DELETE":
        if target == "":
            raise BadInput(say("name_graph_to_delete"), where="graph", hint="")
        assert isinstance(target, URIRef)
        await writes.run(partial(endpoint.delete_graph, agent=writer, user_graphs=user_graphs), store, target)
        return Response(status_code=204)
    data, media = await _body(request), _media_type(request)
    if target == "":
        if method != "POST":
            raise BadInput(say("method_needs_graph", method=method), where="graph", hint=say("method_needs_graph_hint"))
        iri, outcome = await writes.run(
            partial(endpoint.post_new_graph, validator=validator, agent=writer, user_graphs=user_graphs, limits=limits),
            store, data, media)
        # the new graph's IRI, as the Graph Store protocol asks (§5.5); read it at ?graph=<IRI>
        return JSONResponse({**outcome.as_dict(), "graph": str(iri)}, status_code=201, headers={"Location": str(iri)})
    assert isinstance(target, URIRef)
    if method == "POST" and media == "multipart/form-data":
        parts = await _multipart(request, data)
        outcome = await writes.run(
            partial(endpoint.post_graph, validator=validator, agent=writer, user_graphs=user_graphs, limits=limits),
            store, target, parts)
    else:
        write = endpoint.put_graph if method == "PUT" else endpoint.post_graph
        outcome = await writes.run(
            partial(write, validator=validator, agent=writer, user_graphs=user_graphs, limits=limits),
            store, target, data, media)
    if outcome.created:
        return JSONResponse(outcome.as_dict(), status_code=201)
    return Response(status_code=204)


@router.put("/rdf-graphs/service", summary="Graph Store: replace or create a blueprint graph (bearer token)")
async def graph_put(request: Request) -> Response:
    return await _write(request, "PUT")


@router.post("/rdf-graphs/service", summary="Graph Store: add to a blueprint graph, or POST a new blueprint (bearer token)")
async def graph_post(request: Request) -> Response:
    return await _write(request, "POST")


@router.delete("/rdf-graphs/service", summary="Graph Store: remove a blueprint graph (bearer token)")
async def graph_delete(request: Request) -> Response:
    return await _write(request, "DELETE")
