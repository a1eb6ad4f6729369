"""The SPARQL 1.1 Protocol, Update and Graph Store endpoints, and the named-query REST API,
against the real app under uvicorn on a loopback port, driven by SPARQLWrapper and httpx."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, Unauthorized
from typer.testing import CliRunner

from kgbp.auth import create_token
from kgbp.cli import app as cli_app
from kgbp.config import Settings
from kgbp.query.catalogue import load_catalogue
from kgbp.store.embedded import EmbeddedStore
from kgbp.store.sparql_text import values_clause
from kgbp.web.app import create_app
from kgbp.web.http_protocol import HttpProtocol

from ..conftest import DATA, load_files

ID = "https://w3id.org/kgbp/id/"
ARREARS = f"{ID}service/arrears-reconnect/as-is"
CARD = f"{ID}service/card-payment/as-is"
SB = "https://w3id.org/kgbp/ontology#"
SD = "http://www.w3.org/ns/sparql-service-description#"
PREFIXES = f"PREFIX sb: <{SB}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
QUERY_LIMIT = 5.0  # the reader's query time limit, seconds: far above what a cheap request takes
HTTP = httpx.Client(timeout=30)  # one client: a new one per request costs ~0.1 s (TLS setup)


class LiveServer:
    """The real app under uvicorn, in a thread, on a free loopback port."""

    def __init__(self, settings: Settings) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", http=HttpProtocol)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if HTTP.get(f"{self.url}/api/queries", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@pytest.fixture(scope="module")
def base_store(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed store folder: the examples and the query fixtures."""
    path = tmp_path_factory.mktemp("protocol") / "base"
    examples_store.backup(str(path))
    store = EmbeddedStore(path)
    load_files(store, sorted((DATA / "queries").glob("*.yaml")))
    load_files(store, sorted((DATA / "queries").glob("*.ttl")))
    store.close()
    return path


def _server(base: Path, folder: Path, **changes: Any) -> tuple[LiveServer, Settings, str]:
    shutil.copytree(base, folder)
    settings = Settings(store=str(folder), **changes)
    token = create_token(settings, "tester")
    return LiveServer(settings), settings, token


@pytest.fixture(scope="module")
def reader(base_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    """A server for read-only tests (short query time limit), and the CLI's answer run before it."""
    folder = tmp_path_factory.mktemp("reader") / "store"
    shutil.copytree(base_store, folder)
    result = CliRunner().invoke(cli_app, ["query", "fail_points_by_system", "--param", "system=BOSS",
                                          "--format", "json", "--store", str(folder)])
    assert result.exit_code == 0, result.output
    cli_answer = json.loads(result.stdout)
    server = LiveServer(Settings(store=str(folder), query_timeout=QUERY_LIMIT))
    yield server, cli_answer
    server.stop()


@pytest.fixture(scope="module")
def writer(base_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    server, _, token = _server(base_store, tmp_path_factory.mktemp("writer") / "store")
    yield server, token
    server.stop()


def sparql(url: str, query: str, fmt: str = JSON, method: str | None = None) -> Any:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method:
        client.setMethod(method)
    return client.queryAndConvert()


def json_value(binding: dict[str, str] | None) -> Any:
    """A SPARQL JSON binding as the REST API writes it."""
    if binding is None:
        return None
    if binding["type"] == "literal" and "datatype" in binding:
        value = Literal(binding["value"], datatype=URIRef(binding["datatype"])).toPython()
        return float(value) if type(value).__name__ == "Decimal" else value
    return binding["value"]


# -- one question, three ways ----------------------------------------------------------------

def test_cli_rest_and_sparql_give_identical_answers(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    server, cli_answer = reader
    rest = HTTP.get(f"{server.url}/api/queries/fail_points_by_system", params={"system": "BOSS"}).json()
    q = load_catalogue()["fail_points_by_system"]
    text = q.text + values_clause({"system": URIRef(f"{ID}system/boss"), "lang": Literal("en")})
    answer = sparql(server.url, text)
    over_sparql = [{v: json_value(b.get(v)) for v in answer["head"]["vars"]} for b in answer["results"]["bindings"]]
    assert cli_answer["rows"] == rest["rows"] == over_sparql
    assert [r["fail_point_id"] for r in rest["rows"]] == [
        "execute-credit-rules", "send-low-balance-sms", "data-sync-between-systems", "send-order-failed-notice",
        "service-activation-failed"]
    assert rest["columns"] == list(q.projection) == answer["head"]["vars"]


def test_openapi_lists_every_named_query(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    spec = HTTP.get(f"{reader[0].url}/openapi.json").json()
    for q in load_catalogue().values():
        operation = spec["paths"][f"/api/queries/{q.name}"]["get"]
        names = {p["name"]: p for p in operation["parameters"]}
        assert operation["summary"] == q.title["en"]
        for p in q.user_params:
            assert names[p.name]["required"] is p.required
        assert {"lang", "format"} <= set(names)
    assert "/sparql" in spec["paths"] and "/rdf-graphs/service" in spec["paths"]


def test_rest_catalogue_csv_and_errors(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    url = reader[0].url
    catalogue = HTTP.get(f"{url}/api/queries", params={"lang": "zh"}).json()
    assert {c["name"] for c in catalogue} == set(load_catalogue())
    by_name = {c["name"]: c for c in catalogue}
    assert by_name["fail_points_by_system"]["title"] == "某系统底层支撑的失败点"
    assert by_name["fail_points_by_system"]["params"][0] == {
        "name": "system", "kind": "label", "entity": "system", "required": True, "values": [], "default": None,
        "example": None, "description": "系统的标识、IRI 或名称（如 boss、BOSS）。"}
    path = f"{url}/api/queries/frontstage_performer_share"
    csv = HTTP.get(path, params={"blueprint": "arrears-reconnect", "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].endswith(",4,4,0,100")
    assert HTTP.get(path, headers={"Accept": "text/csv"}).text.count("\n") == 1 + 9  # 5 examples + 4 fixtures
    assert HTTP.get(path, headers={"Accept": "image/png"}).status_code == 406
    zh = HTTP.get(f"{url}/api/queries/fail_points_by_system", params={"system": "boss", "lang": "zh"}).json()
    assert zh["rows"][0]["fail_point_label"] == "信用规则在系统中设置和执行"

    unknown = HTTP.get(f"{url}/api/queries/fail_points_by_system", params={"system": "SAP"})
    assert unknown.status_code == 404
    assert set(unknown.json()) == {"error", "message", "where", "hint", "problems"}
    assert "'SAP'" in unknown.json()["message"]
    ambiguous = HTTP.get(f"{url}/api/queries/fail_points_by_system", params={"system": "Gateway"})
    assert ambiguous.status_code == 400 and ambiguous.json()["error"] == "ambiguous"
    assert "payment-gateway" in ambiguous.json()["message"] and "sms-gateway" in ambiguous.json()["message"]
    assert HTTP.get(f"{url}/api/queries/fail_points_by_system").status_code == 400  # system is required
    assert HTTP.get(f"{url}/api/queries/touchpoints_by_channel_kind", params={"kind": "pigeon"}).status_code == 400
    missing = HTTP.get(f"{url}/api/queries/no_such_query")
    assert missing.status_code == 404 and "fail_points_by_system" in missing.json()["hint"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40))
def test_arbitrary_parameters_never_cause_a_server_error(reader: tuple[LiveServer, dict[str, Any]], text: str) -> None:
    url = reader[0].url
    for name, param in (("fail_points_by_system", "system"), ("dead_backstage_steps", "blueprint"),
                        ("fail_points_by_department", "lang")):
        response = HTTP.get(f"{url}/api/queries/{name}", params={param: text})
        assert response.status_code in (200, 400, 404), response.text
    assert HTTP.get(f"{url}/sparql", params={"query": text}).status_code in (200, 400, 403)


# -- SPARQL 1.1 Protocol: query forms, methods, formats ---------------------------------------------

SELECT = PREFIXES + f"SELECT ?step ?label WHERE {{ GRAPH <{ARREARS}> {{ ?step a sb:FailPoint ; rdfs:label ?label }} " \
                    'FILTER(LANG(?label) = "en") } ORDER BY ?step'
FAIL_POINTS = ["Configure and execute the credit rules in the system", "Make the customer-account credit rules",
               "Send the low-balance SMS"]
CONSTRUCT = PREFIXES + f"CONSTRUCT {{ ?step a sb:FailPoint }} WHERE {{ GRAPH <{ARREARS}> {{ ?step a sb:FailPoint }} }}"


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY])
def test_select_by_get_form_and_direct_post(reader: tuple[LiveServer, dict[str, Any]], method: str | None) -> None:
    answer = sparql(reader[0].url, SELECT, JSON, method)
    assert [b["label"]["value"] for b in answer["results"]["bindings"]] == FAIL_POINTS


def test_select_and_ask_in_every_results_format(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    url = reader[0].url
    xml = sparql(url, SELECT, XML)
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == FAIL_POINTS
    csv = sparql(url, SELECT, CSV).decode().splitlines()
    assert csv[0] == "step,label" and csv[1].endswith(",Configure and execute the credit rules in the system")
    tsv = sparql(url, SELECT, TSV).decode().splitlines()
    assert tsv[0] == "?step\t?label" and tsv[3].endswith('\t"Send the low-balance SMS"@en')
    ask = f"ASK {{ GRAPH <{ARREARS}> {{ ?s a <{SB}FailPoint> }} }}"
    assert sparql(url, ask, JSON)["boolean"] is True
    assert sparql(url, ask, XML).getElementsByTagName("boolean")[0].firstChild.data == "true"
    for accept, start in (("text/csv", "true"), ("text/tab-separated-values", "true")):
        assert HTTP.get(f"{url}/sparql", params={"query": ask}, headers={"Accept": accept}).text.strip() == start


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_construct_in_every_graph_format(reader: tuple[LiveServer, dict[str, Any]], fmt: str) -> None:
    answer = sparql(reader[0].url, CONSTRUCT, fmt)
    graph = answer if isinstance(answer, Graph) else Graph().parse(data=answer, format="turtle")
    assert len(graph) == 3 and set(graph.objects(None, RDF.type)) == {URIRef(f"{SB}FailPoint")}


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                             ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")])
def test_describe_by_accept(reader: tuple[LiveServer, dict[str, Any]], accept: str, fmt: str) -> None:
    response = HTTP.get(f"{reader[0].url}/sparql", params={"query": f"DESCRIBE <{ID}system/boss>"},
                         headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=fmt)
    assert (URIRef(f"{ID}system/boss"), RDF.type, URIRef(f"{SB}System")) in graph


def test_dataset_from_the_request(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    url = reader[0].url
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ARREARS}> {{ ?s ?p ?o }} }}"

    def number(params: dict[str, Any]) -> int:
        r = HTTP.get(f"{url}/sparql", params=params, headers={"Accept": "application/sparql-results+json"})
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    own = number({"query": in_graph})
    assert 100 < own < number({"query": count})  # by default: the union of every graph
    assert number({"query": count, "default-graph-uri": ARREARS}) == own
    assert number({"query": in_graph, "named-graph-uri": ARREARS}) == own
    assert number({"query": count, "named-graph-uri": ARREARS}) == 0  # named only: empty default graph
    assert number({"query": in_graph, "named-graph-uri": CARD}) == 0
    body = {"query": count, "default-graph-uri": ARREARS}
    form = HTTP.post(f"{url}/sparql", data=body, headers={"Accept": "application/sparql-results+json"})
    assert int(form.json()["results"]["bindings"][0]["n"]["value"]) == own
    assert number({"query": f"SELECT (COUNT(*) AS ?n) FROM <{ARREARS}> WHERE {{ ?s ?p ?o }}"}) == own


def test_service_description(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    url = reader[0].url
    response = HTTP.get(f"{url}/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    service = graph.value(None, RDF.type, URIRef(f"{SD}Service"))
    assert graph.value(service, URIRef(f"{SD}endpoint")) == URIRef(f"{url}/sparql")
    assert (service, URIRef(f"{SD}feature"), URIRef(f"{SD}UnionDefaultGraph")) in graph
    assert URIRef(ARREARS) in set(graph.objects(None, URIRef(f"{SD}name")))
    assert Graph().parse(data=HTTP.get(f"{url}/sparql", headers={"Accept": "application/rdf+xml"}).text, format="xml")


def test_protocol_errors(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    url = reader[0].url
    bad = HTTP.get(f"{url}/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "query-error" and bad.json()["where"] == "line 1, column 25"
    assert "expected" in bad.json()["message"]
    with pytest.raises(QueryBadFormed):
        sparql(url, "SELEC ?x WHERE {}")
    assert HTTP.get(f"{url}/sparql?query=ASK%7B%7D&query=ASK%7B%7D").status_code == 400
    assert HTTP.get(f"{url}/sparql", params={"update": "CLEAR ALL"}).status_code == 400
    assert HTTP.post(f"{url}/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert HTTP.post(f"{url}/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}).status_code == 400
    assert HTTP.get(f"{url}/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}).status_code == 406
    assert HTTP.get(f"{url}/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/csv"}).status_code == 406
    federated = HTTP.get(f"{url}/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"})
    assert federated.status_code == 403 and federated.json()["error"] == "forbidden"
    assert HTTP.put(f"{url}/sparql", content="x").status_code == 405


def test_a_runaway_query_is_stopped_and_others_are_answered(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    # an order of events, not a speed: the runaway is sent first, the cheap answers arrive
    # before it is stopped, and it is stopped no sooner than the limit
    url = reader[0].url
    slow: dict[str, Any] = {}
    sent = threading.Event()

    def run_slow() -> None:
        with httpx.Client(timeout=120, event_hooks={"request": [lambda _: sent.set()]}) as client:
            slow["response"] = client.get(f"{url}/sparql", params={
                "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        slow["seconds"] = time.monotonic() - started

    # the query workers start on first use: started before, so no request below waits for one to start
    assert sparql(url, "ASK {}")["boolean"] is True
    started = time.monotonic()
    thread = threading.Thread(target=run_slow)
    thread.start()
    assert sent.wait(60)
    assert sparql(url, "ASK { ?s ?p ?o }")["boolean"] is True
    assert HTTP.get(f"{url}/api/queries/fail_points_by_system", params={"system": "boss"}).status_code == 200
    assert "response" not in slow, "the cheap requests waited for the runaway query"
    thread.join(120)  # a hang guard, not a speed
    assert slow["response"].status_code == 503
    assert slow["response"].json()["error"] == "query-timeout"
    assert f"longer than {QUERY_LIMIT:g} s" in slow["response"].json()["message"]
    assert slow["seconds"] >= QUERY_LIMIT
    assert sparql(url, "ASK { ?s ?p ?o }")["boolean"] is True  # a fresh worker took over


# -- SPARQL 1.1 Update -------------------------------------------------------------------------------

def update(url: str, text: str, token: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return HTTP.post(f"{url}/sparql", content=text.encode(), headers=headers, timeout=30)


def label_of(url: str, step: str) -> list[str]:
    answer = sparql(url, f'SELECT ?l WHERE {{ <{step}> <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = "en") }}')
    return [b["l"]["value"] for b in answer["results"]["bindings"]]


def test_update_needs_a_token(writer: tuple[LiveServer, str]) -> None:
    url, _ = writer[0].url, writer[1]
    step = f"{ARREARS}/step/pay"
    text = PREFIXES + f'INSERT DATA {{ GRAPH <{ARREARS}> {{ <{step}> rdfs:comment "x"@en }} }}'
    assert update(url, text, None).status_code == 401
    assert update(url, text, "wrong").status_code == 401
    client = SPARQLWrapper(f"{url}/sparql")
    client.setMethod(POST)
    client.setQuery(text)
    with pytest.raises(Unauthorized):
        client.query()


def test_update_is_validated_and_stored_through_the_write_path(writer: tuple[LiveServer, str]) -> None:
    url, token = writer[0].url, writer[1]
    step = f"{ARREARS}/step/pay"
    rename = PREFIXES + (f'DELETE DATA {{ GRAPH <{ARREARS}> {{ <{step}> rdfs:label "Pay"@en }} }} ; '
                         f'INSERT DATA {{ GRAPH <{ARREARS}> {{ <{step}> rdfs:label "Pay the arrears"@en }} }}')
    client = SPARQLWrapper(f"{url}/sparql")
    client.setMethod(POST)
    client.addCustomHttpHeader("Authorization", f"Bearer {token}")
    client.setQuery(rename)
    assert client.query().response.status == 200
    assert label_of(url, step) == ["Pay the arrears"]
    history = sparql(url, f"ASK {{ GRAPH <{ID}history> {{ ?a <{SB}changedBlueprint> <{ARREARS}> ; "
                          "<http://www.w3.org/ns/prov#wasAssociatedWith> ?who FILTER(CONTAINS(STR(?who), 'tester')) } }")
    assert history["boolean"] is True

    # dead work: the rule execution would support no frontstage step any more -> 422, nothing stored
    rules = f"{ARREARS}/step/execute-credit-rules"
    cut = PREFIXES + f"DELETE WHERE {{ GRAPH <{ARREARS}> {{ <{rules}> sb:supports ?x }} }}"
    rejected = update(url, cut, token)
    assert rejected.status_code == 422 and rejected.json()["error"] == "not-conformant"
    assert sparql(url, f"ASK {{ <{rules}> <{SB}supports> ?x }}")["boolean"] is True

    # derived facts follow: cutting one arrow recomputes sb:underlies
    sms = f"{ARREARS}/step/send-low-balance-sms"
    assert sparql(url, f"ASK {{ <{rules}> <{SB}underlies> <{ARREARS}/step/balance-runs-low> }}")["boolean"] is True
    done = update(url, PREFIXES + f"DELETE DATA {{ GRAPH <{ARREARS}> {{ <{rules}> sb:supports <{sms}> }} }}", token)
    assert done.status_code == 200, done.text
    assert [s["id"] for s in done.json()["saved"]] == ["arrears-reconnect/as-is"]
    assert sparql(url, f"ASK {{ <{rules}> <{SB}underlies> <{ARREARS}/step/balance-runs-low> }}")["boolean"] is False


def test_update_with_a_graph_variable_and_drop(writer: tuple[LiveServer, str]) -> None:
    url, token = writer[0].url, writer[1]
    tagged = PREFIXES + ('INSERT { GRAPH ?g { ?g rdfs:comment "reviewed"@en } } '
                         'WHERE { GRAPH ?g { ?g a sb:Blueprint ; <http://purl.org/dc/terms/identifier> "to-be" } }')
    response = update(url, tagged, token)
    assert response.status_code == 200, response.text
    assert [s["id"] for s in response.json()["saved"]] == ["mobile-tv-subscription/to-be"]
    dropped = update(url, f"DROP GRAPH <{ID}service/restaurant-checkout/as-is>", token)
    assert dropped.json()["removed"] == ["restaurant-checkout/as-is"]
    assert sparql(url, f"ASK {{ GRAPH <{ID}service/restaurant-checkout/as-is> {{ ?s ?p ?o }} }}")["boolean"] is False
    nothing = update(url, "CLEAR SILENT GRAPH <http://example.org/nothing-there>", token).json()
    assert (nothing["saved"], nothing["removed"], nothing["report"]["results"]) == ([], [], [])
    missing = update(url, "CLEAR GRAPH <http://example.org/nothing-there>", token)
    assert missing.status_code == 400 and "does not exist" in missing.json()["message"]


@pytest.mark.parametrize(("text", "status", "kind"), [
    ("INSERT DATA { GRAPH <https://w3id.org/kgbp/ontology> { <http://a> <http://b> <http://c> } }", 403, "forbidden"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", 403, "forbidden"),
    ("LOAD <http://127.0.0.1:1/data.ttl>", 403, "forbidden"),
    ("INSERT DATA { GRAPH <x> { ", 400, "query-error"),
    (f"INSERT DATA {{ GRAPH <{ID}service/new-thing/v1> {{ <http://a> <http://b> <http://c> }} }}", 400, "bad-input"),
])
def test_update_refusals(writer: tuple[LiveServer, str], text: str, status: int, kind: str) -> None:
    response = update(writer[0].url, text, writer[1])
    assert response.status_code == status, response.text
    assert response.json()["error"] == kind


# -- Graph Store HTTP Protocol ------------------------------------------------------------------------

def gsp(url: str, graph: str | None = None, default: bool = False) -> str:
    if default:
        return f"{url}/rdf-graphs/service?default"
    return f"{url}/rdf-graphs/service" + (f"?graph={quote(graph, safe='')}" if graph else "")


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                             ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")])
def test_graph_store_get(reader: tuple[LiveServer, dict[str, Any]], accept: str, fmt: str) -> None:
    response = HTTP.get(gsp(reader[0].url, ARREARS), headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=fmt)
    assert (URIRef(ARREARS), RDF.type, URIRef(f"{SB}Blueprint")) in graph


def test_graph_store_reads(reader: tuple[LiveServer, dict[str, Any]]) -> None:
    url = reader[0].url
    head = HTTP.head(gsp(url, ARREARS))
    assert head.status_code == 200 and head.content == b"" and head.headers["content-type"].startswith("text/turtle")
    assert int(head.headers["content-length"]) == len(HTTP.get(gsp(url, ARREARS)).content)
    assert HTTP.get(gsp(url, f"{ID}service/nothing/here")).status_code == 404
    assert HTTP.head(gsp(url, f"{ID}service/nothing/here")).status_code == 404
    union = Graph().parse(data=HTTP.get(gsp(url, default=True)).text, format="turtle")
    assert (URIRef(ARREARS), RDF.type, URIRef(f"{SB}Blueprint")) in union
    assert (URIRef(CARD), RDF.type, URIRef(f"{SB}Blueprint")) in union
    assert HTTP.get(gsp(url)).status_code == 400
    assert HTTP.get(gsp(url, "not an iri")).status_code == 400
    assert HTTP.get(gsp(url, ARREARS), headers={"Accept": "image/png"}).status_code == 406


def test_graph_store_writes(writer: tuple[LiveServer, str]) -> None:
    url, token = writer[0].url, writer[1]
    auth = {"Authorization": f"Bearer {token}"}
    turtle = {**auth, "Content-Type": "text/turtle"}
    original = HTTP.get(gsp(url, CARD)).text

    assert HTTP.put(gsp(url, CARD), content=original, headers={"Content-Type": "text/turtle"}).status_code == 401
    assert HTTP.put(gsp(url, CARD), content=original, headers=turtle).status_code == 204  # replaced
    assert HTTP.put(gsp(url, f"{ID}repository"), content=original, headers=turtle).status_code == 403
    assert HTTP.put(gsp(url, default=True), content=original, headers=turtle).status_code == 405
    assert HTTP.put(gsp(url, CARD), content=original, headers={**auth, "Content-Type": "text/plain"}).status_code == 415
    assert HTTP.put(gsp(url, CARD), content="<a> <b> .", headers=turtle).status_code == 400
    without_support = Graph().parse(data=original, format="turtle")
    without_support.remove((None, URIRef(f"{SB}supports"), None))  # the frontstage step then floats...
    without_support.remove((None, URIRef(f"{SB}usesSystem"), None))  # ...and a system step names no system
    broken = without_support.serialize(format="turtle")
    rejected = HTTP.put(gsp(url, CARD), content=broken, headers=turtle)
    assert rejected.status_code == 422 and rejected.json()["error"] == "not-conformant"

    assert HTTP.delete(gsp(url, CARD)).status_code == 401
    assert HTTP.delete(gsp(url, CARD), headers=auth).status_code == 204
    assert HTTP.get(gsp(url, CARD)).status_code == 404
    assert HTTP.delete(gsp(url, CARD), headers=auth).status_code == 404
    assert HTTP.delete(gsp(url, default=True), headers=auth).status_code == 405
    created = HTTP.put(gsp(url, CARD), content=original, headers=turtle)
    assert created.status_code == 201 and created.json()["saved"][0]["id"] == "card-payment/as-is"

    comment = f'<{CARD}/step/pay> <http://www.w3.org/2000/01/rdf-schema#comment> "added"@en .'
    assert HTTP.post(gsp(url, CARD), content=comment, headers=turtle).status_code == 204
    assert "added" in HTTP.get(gsp(url, CARD), headers={"Accept": "application/n-triples"}).text
    assert HTTP.post(gsp(url, f"{ID}service/nothing/v1"), content=comment, headers=turtle).status_code == 400

    copy = original.replace("card-payment", "card-payment-2")
    new = HTTP.post(gsp(url), content=copy, headers=turtle)
    assert new.status_code == 201
    assert new.headers["location"] == CARD.replace("card-payment", "card-payment-2")  # the new graph's IRI
    assert HTTP.get(gsp(url, new.headers["location"])).status_code == 200
    assert HTTP.post(gsp(url), content=copy, headers=turtle).status_code == 409
