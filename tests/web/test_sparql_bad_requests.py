"""Malformed SPARQL protocol requests, as a client writes them by mistake: each one a 4xx
with one line that names the place (line and column for SPARQL text) and what to do, and
nothing in the server's log (a client's mistake is not a server error). The real app under
uvicorn on a loopback port; tests/web/test_sparql_standards.py and the W3C protocol suite
(tests/system/test_w3c_protocols.py) cover the protocol's own negative cases."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from kgbp.store.embedded import EmbeddedStore

from ..conftest import copy_served

USER = "http://example.org/"
NOTES = f"{USER}notes"
HTTP = httpx.Client(timeout=30)


@pytest.fixture(scope="module")
def server(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with copy_served(examples_store, tmp_path_factory, "bad-requests", user_graphs=(USER,)) as served:
        yield served


QUERY, UPDATE, FORM = "application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded"
GSP = f"/rdf-graphs/service?graph={quote(NOTES, safe='')}"


@pytest.mark.parametrize(("method", "path", "content_type", "body", "status", "where", "says"), [
    # SPARQL text: the line and column of the mistake
    ("GET", "/sparql?query=" + quote("SELECT * WHERE {\n ?s ?p ?o ."), "", b"", 400, "line 2, column 12", "end of the text"),
    ("POST", "/sparql", QUERY, b"SELEC ?s WHERE { ?s ?p ?o }", 400, "line 1, column 1", "not a query form"),
    ("POST", "/sparql", FORM, b"query=" + quote("ASK {\n ?s ?p ?o FILTER(?o > 1 }").encode(), 400, "line 2, column 26",
     "malformed SPARQL query"),
    # an undeclared prefix: the parser stops further on; the answer points at the name
    ("GET", "/sparql?query=" + quote("SELECT * {\n  ?s foo:bar ?o }"), "", b"", 400, "line 2, column 6",
     "prefix 'foo:' is not declared"),
    ("GET", "/sparql?query=" + quote("PREFIX a: <urn:a#>\nASK { ?s a:b ?o FILTER(xsd:integer(?o) > 1) }"), "", b"", 400,
     "line 2, column 24", "prefix 'xsd:' is not declared"),
    ("POST", "/sparql", UPDATE, f"INSERT DATA {{\n  GRAPH <{NOTES}> {{ <urn:a> ex:b 1 }} }}".encode(), 400,
     "line 2, column 46", "prefix 'ex:' is not declared"),
    ("POST", "/sparql", UPDATE, f"CLEAR SILENT GRAPH <{NOTES}> ;\nINSERT DATA {{ <urn:a> <urn:b> <urn:c> ".encode(), 400,
     "line 2, column 39", "malformed SPARQL Update"),
    ("POST", "/sparql", FORM, b"update=" + quote("DELETE WHERE { ?s ?p }").encode(), 400, "line 1, column 22",
     "malformed SPARQL Update"),
    # the request around the text
    ("POST", "/sparql", QUERY, b'ASK { ?s ?p "\xff" }', 400, "query", "not UTF-8"),
    ("POST", "/sparql", UPDATE, b'INSERT DATA { <urn:a> <urn:b> "\xff" }', 400, "update", "not UTF-8"),
    ("POST", "/sparql", "text/plain", b"ASK {}", 415, "Content-Type", "text/plain"),
    ("POST", "/sparql", f"{QUERY}; charset=latin-1", b"ASK {}", 415, "Content-Type", "latin-1"),
    ("POST", "/sparql", FORM, b"query=ASK%7B%7D&update=CLEAR%20ALL", 400, "form", "not both"),
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", "", b"", 400, "query", "2 query parameters"),
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", "", b"", 400, "default-graph-uri", "absolute IRI"),
    # Graph Store bodies
    ("PUT", GSP, "text/turtle", b"<urn:a> <urn:b> .", 400, f"PUT <{NOTES}>:1", "syntax"),
    ("PUT", GSP, "application/ld+json", b'{"@id": "urn:a", ', 400, f"PUT <{NOTES}>:1:18", "JSON"),
    ("PUT", GSP, "application/rdf+xml", b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><x", 400,
     f"PUT <{NOTES}>:1", "syntax"),
    ("PUT", GSP, "", b"<urn:a> <urn:b> <urn:c> .", 415, "Content-Type", "Content-Type"),
    ("PUT", f"/rdf-graphs/service?graph={quote('http://example.org/a b')}", "text/turtle", b"", 400, "graph",
     "absolute IRI"),
])
def test_a_malformed_request_is_a_4xx_naming_the_place(
        server: tuple[str, str], caplog: pytest.LogCaptureFixture, method: str, path: str, content_type: str,
        body: bytes, status: int, where: str, says: str) -> None:
    base, token = server
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    server_log = logging.getLogger("uvicorn")  # uvicorn's loggers do not propagate to the root
    server_log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING):
            answer = HTTP.request(method, base + path, content=body or None, headers=headers)
    finally:
        server_log.removeHandler(caplog.handler)
    assert answer.status_code == status, answer.text
    problem = answer.json()
    assert problem["where"] == where, problem
    assert says in problem["message"] and "\n" not in problem["message"] and len(problem["message"]) < 300, problem
    assert problem["hint"], problem
    logged = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not logged, [r.getMessage() for r in logged]
