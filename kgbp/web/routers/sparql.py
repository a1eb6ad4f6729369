"""The SPARQL 1.1 Protocol at /sparql and the Graph Store HTTP Protocol at /rdf-graphs/service.

Reads are open unless the read_token_required setting says otherwise; writes (Update,
PUT/POST/DELETE) need a bearer token and reach the store only through the one write path
(see kgbp/sparql_endpoint.py). User queries run in killable worker processes with a time
limit (kgbp/store/sandbox.py). Without a dataset in the request, the default graph is the
union of all named graphs; each blueprint is a named graph named by its IRI.

Specs: https://www.w3.org/TR/sparql11-protocol/ and https://www.w3.org/TR/sparql11-http-rdf-update/
"""

from __future__ import annotations

import threading
from typing import Annotated
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from starlette.concurrency import run_in_threadpool

from ...errors import BadInput, NotAcceptable, NotFound, PayloadTooLarge
from ...query.catalogue import is_iri
from ...sparql import endpoint as endpoint
from ...store.protocol import SparqlRunner
from ...validation.engine import Validator
from ..deps import get_lang, get_settings, get_store, require_writer

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
            state.sparql_runner = open_sparql_runner(get_store(request), get_settings(request).query_timeout)
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
        raise PayloadTooLarge(f"request body larger than {limit} bytes", where="body", hint="raise max_upload_bytes")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise PayloadTooLarge(f"request body larger than {limit} bytes", where="body", hint="raise max_upload_bytes")
    return bytes(data)


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the {where} is not UTF-8 text (byte {exc.start})", where=where, hint="send UTF-8") from None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _one(values: list[str], name: str, required: bool = True) -> str | None:
    if len(values) > 1:
        raise BadInput(f"{len(values)} {name} parameters; the protocol allows one", where=name,
                       hint=f"send exactly one {name}")
    if not values and required:
        raise BadInput(f"no {name} given", where=name, hint=f"send {name}=...")
    return values[0] if values else None


def _graphs(values: list[str], name: str) -> list[URIRef]:
    for value in values:
        if not is_iri(value):
            raise BadInput(f"{name} {value!r} is not an absolute IRI", where=name, hint="give graph IRIs")
    return [URIRef(v) for v in values]


def _negotiate(request: Request, offers: dict[str, str]) -> str | None:
    from ..negotiate import best_match

    return best_match(request.headers.get("accept"), list(offers))


# -- SPARQL 1.1 Protocol ------------------------------------------------------------------

async def _query(request: Request, text: str, default_graphs: list[str], named_graphs: list[str]) -> Response:
    endpoint.check_query(text)
    results = _negotiate(request, RESULT_TYPES)
    graphs = _negotiate(request, GRAPH_TYPES)
    if results is None and graphs is None:
        raise NotAcceptable("no result format you accept", where="Accept",
                            hint="accept one of: " + ", ".join([*RESULT_TYPES, *GRAPH_TYPES]))
    runner = get_runner(request)
    answer = await run_in_threadpool(
        runner.query, text, RESULT_TYPES[results] if results else None, GRAPH_TYPES[graphs] if graphs else None,
        _graphs(default_graphs, "default-graph-uri"), _graphs(named_graphs, "named-graph-uri"))
    chosen = results if results and RESULT_TYPES[results] == answer.media_type else graphs
    return Response(answer.body, media_type=chosen or answer.media_type)


async def _update(request: Request, text: str, using: list[str]) -> JSONResponse:
    writer = require_writer(request, request.headers.get("authorization"))
    if using:
        raise BadInput("using-graph-uri and using-named-graph-uri are not supported", where="using-graph-uri",
                       hint="name the graphs in the update itself (USING, WITH or GRAPH)")
    lang = get_lang(request, None)
    outcome = await run_in_threadpool(endpoint.apply_update, get_store(request), get_runner(request), text,
                                      validator=Validator(lang=lang), agent=writer)
    return JSONResponse(outcome.as_dict())


def _service_description(request: Request) -> Response:
    offer = _negotiate(request, GRAPH_TYPES)
    if offer is None:
        raise NotAcceptable("the service description is RDF", where="Accept", hint="accept text/turtle")
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
    graph.add((service, URIRef("http://purl.org/dc/terms/description"), Literal(
        "kgbp service blueprints. The default graph is the union of all named graphs; each blueprint is a "
        "named graph named by its IRI. Updates must name the blueprint graphs they write (GRAPH or WITH); "
        "they are validated like any other write and need a bearer token. SERVICE and LOAD are refused.", lang="en")))
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
        raise BadInput("an update must be sent with POST", where="update",
                       hint="POST it as application/sparql-update, or as update= in a form")
    text = _one(params.getlist("query"), "query", required=False)
    if text is None:
        return await run_in_threadpool(_service_description, request)
    return await _query(request, text, params.getlist("default-graph-uri"), params.getlist("named-graph-uri"))


@router.post("/sparql", summary="SPARQL 1.1 query or update (POST: form, sparql-query or sparql-update body)",
             responses={200: {"content": {t: {} for t in [*RESULT_TYPES, *GRAPH_TYPES]}}})
async def sparql_post(request: Request) -> Response:
    media = _media_type(request)
    if media == "application/x-www-form-urlencoded":
        form = parse_qs(_text(await _body(request), "form"), keep_blank_values=True)
        queries, updates = form.get("query", []), form.get("update", [])
        if queries and updates:
            raise BadInput("a request carries a query or an update, not both", where="form", hint="send one")
        if updates:
            return await _update(request, _one(updates, "update") or "",
                                 form.get("using-graph-uri", []) + form.get("using-named-graph-uri", []))
        return await _query(request, _one(queries, "query") or "", form.get("default-graph-uri", []),
                            form.get("named-graph-uri", []))
    params = request.query_params
    if media == "application/sparql-query":
        return await _query(request, _text(await _body(request), "query"), params.getlist("default-graph-uri"),
                            params.getlist("named-graph-uri"))
    if media == "application/sparql-update":
        return await _update(request, _text(await _body(request), "update"),
                             params.getlist("using-graph-uri") + params.getlist("using-named-graph-uri"))
    from ...errors import UnsupportedMediaType

    raise UnsupportedMediaType(f"cannot take a {media or 'body without Content-Type'}", where="Content-Type",
                               hint="send application/sparql-query, application/sparql-update "
                                    "or application/x-www-form-urlencoded")


# -- Graph Store HTTP Protocol --------------------------------------------------------------

def _target(request: Request) -> URIRef | str | None:
    """The graph a request names: an IRI, None for ?default, or "" for the graph store itself."""
    params = request.query_params
    graphs, default = params.getlist("graph"), "default" in params
    if graphs and default:
        raise BadInput("give ?graph=... or ?default, not both", where="graph", hint="name one graph")
    if default:
        return None
    value = _one(graphs, "graph", required=False)
    if value is None:
        return ""
    if not is_iri(value):
        raise BadInput(f"graph {value!r} is not an absolute IRI", where="graph", hint="give the graph's IRI")
    return URIRef(value)


def _default_not_writable(method: str) -> Response:
    return JSONResponse(
        {"error": "method-not-allowed", "message": f"{method} on the default graph is not allowed: it is the union of all blueprints",
         "where": "default", "hint": "write a blueprint graph: ?graph=<blueprint IRI>",
         "problems": [{"message": "the default graph is read-only", "where": "default", "hint": ""}]},
        status_code=405, headers={"Allow": "GET, HEAD"})


async def _graph_response(request: Request) -> tuple[bytes, str]:
    target = _target(request)
    offer = _negotiate(request, {k: v for k, v in GRAPH_TYPES.items() if k != "application/xml"})
    if offer is None:
        raise NotAcceptable("no RDF format you accept", where="Accept", hint="accept one of: " + ", ".join(RDFLIB_FORMATS))
    if target == "":
        raise BadInput("name a graph: ?graph=<IRI> or ?default", where="graph", hint="GET /sparql lists the named graphs")
    if target is None:
        answer = await run_in_threadpool(get_runner(request).query, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                         None, GRAPH_TYPES[offer])
        return answer.body, offer
    store = get_store(request)
    assert isinstance(target, URIRef)
    if not await run_in_threadpool(endpoint.graph_exists, store, target):
        raise NotFound(f"no graph <{target}>", where=str(target), hint="GET /sparql lists the named graphs")
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


async def _write(request: Request, method: str) -> Response:
    writer = require_writer(request, request.headers.get("authorization"))
    target = _target(request)
    if target is None:
        return _default_not_writable(method)
    store = get_store(request)
    validator = Validator(lang=get_lang(request, None))
    if method == "DELETE":
        if target == "":
            raise BadInput("name the graph to delete: ?graph=<IRI>", where="graph", hint="")
        assert isinstance(target, URIRef)
        await run_in_threadpool(endpoint.delete_graph, store, target, agent=writer)
        return Response(status_code=204)
    data, media = await _body(request), _media_type(request)
    if target == "":
        if method != "POST":
            raise BadInput(f"{method} needs ?graph=<IRI>", where="graph", hint="POST to the store itself to add a new blueprint")
        outcome = await run_in_threadpool(endpoint.post_new_graph, store, data, media, validator=validator, agent=writer)
        iri = outcome.saved[0].iri
        return JSONResponse(outcome.as_dict(), status_code=201,
                            headers={"Location": f"{request.url.path}?graph={quote(str(iri), safe='')}"})
    assert isinstance(target, URIRef)
    write = endpoint.put_graph if method == "PUT" else endpoint.post_graph
    outcome = await run_in_threadpool(write, store, target, data, media, validator=validator, agent=writer)
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
