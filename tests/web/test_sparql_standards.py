"""Regressions of the SPARQL endpoint and Graph Store as independent clients found them
(issue 21, findings 1-8), and the update profile with user-owned graphs, against the real
app under uvicorn on a loopback port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest
from rdflib import Graph, Literal, URIRef

from kgbp.model import iris
from kgbp.store.embedded import EmbeddedStore

from ..conftest import copy_served

ID = "https://w3id.org/kgbp/id/"
ARREARS = f"{ID}service/arrears-reconnect/as-is"
PAY = f"{ARREARS}/step/pay"
NOTES = f"{ID}user/notes"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SB = "https://w3id.org/kgbp/ontology#"
HTTP = httpx.Client(timeout=30)


@pytest.fixture(scope="module")
def server(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A writable server of its own (a copy of the examples); yields (base URL, write token)."""
    with copy_served(examples_store, tmp_path_factory, "standards", user_graphs=(f"{ID}user/", "http://example.org/")) as served:
        yield served


def update(base: str, text: str, token: str | None, params: dict[str, str] | list[tuple[str, str]] | None = None
           ) -> httpx.Response:
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return HTTP.post(f"{base}/sparql", params=params, content=text.encode(), headers=headers)


def ask(base: str, text: str, **params: str) -> bool:
    response = HTTP.get(f"{base}/sparql", params={"query": text, **params})
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def gsp(base: str, graph: str | None = None) -> str:
    return f"{base}/rdf-graphs/service" + (f"?graph={quote(graph, safe='')}" if graph else "")


def one_line(response: httpx.Response) -> str:
    message = response.json()["message"]
    assert "\n" not in message and len(message) < 300, message
    return str(message)


# -- 1. Java's HttpClient offers `Upgrade: h2c` on every request; the body must still arrive ----------

def _raw_post(base: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    host, port = urlsplit(base).hostname, urlsplit(base).port
    assert host and port
    head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Host": f"{host}:{port}",
                                                  "Content-Length": str(len(body)), "Connection": "Upgrade, HTTP2-Settings",
                                                  "Upgrade": "h2c", "HTTP2-Settings": "AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA"
                                                  }.items())
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\n{head}\r\n".encode() + body)  # no half-close: Java keeps it open
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def _length(answer: bytes) -> int:
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


@pytest.mark.parametrize("size", [10, 4000])
def test_a_post_offering_an_h2c_upgrade_keeps_its_body(server: tuple[str, str], size: int) -> None:
    query = "ASK { ?s ?p ?o }" + " " * size  # a long query, as Jena sends over ~2 KB by POST
    answer = _raw_post(server[0], "/sparql", {"Content-Type": "application/sparql-query",
                                               "Accept": "application/sparql-results+json"}, query.encode())
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    assert b'"boolean":true' in answer.replace(b" ", b"")


# -- 2. WITH <g> DELETE {…} INSERT {…} WHERE {…} (what rdflib's SPARQLUpdateStore sends) ---------------

def test_with_delete_insert_where_is_stored(server: tuple[str, str]) -> None:
    base, token = server
    text = (f'WITH <{ARREARS}> DELETE {{ <{PAY}> <{RDFS}label> ?old }} INSERT {{ <{PAY}> <{RDFS}label> "Pay now"@en }} '
            f'WHERE {{ <{PAY}> <{RDFS}label> ?old FILTER(LANG(?old) = "en") }}')
    response = update(base, text, token)
    assert response.status_code == 200, response.text
    assert [s["id"] for s in response.json()["saved"]] == ["arrears-reconnect/as-is"]
    assert ask(base, f'ASK {{ <{PAY}> <{RDFS}label> "Pay now"@en }}')
    only_delete = f'WITH <{ARREARS}> DELETE {{ <{PAY}> <{RDFS}comment> ?c }} WHERE {{ <{PAY}> <{RDFS}comment> ?c }}'
    assert update(base, only_delete, token).status_code == 200


# -- 3. relative IRIs resolve against the documented base ------------------------------------------

def test_relative_iris_resolve_against_the_id_namespace(server: tuple[str, str]) -> None:
    base, token = server
    assert ask(base, "ASK { GRAPH <service/arrears-reconnect/as-is> { <service/arrears-reconnect/as-is> ?p ?o } }")
    response = update(base, "INSERT DATA { GRAPH <user/relative> { <user/relative> <p> <test> } }", token)
    assert response.status_code == 200, response.text
    assert [g["iri"] for g in response.json()["graphs"]] == [f"{ID}user/relative"]
    assert ask(base, f"ASK {{ GRAPH <{ID}user/relative> {{ ?s <{ID}p> <{ID}test> }} }}")


# -- 4. the protocol's dataset parameters ----------------------------------------------------------

def test_using_graph_uri_and_a_form_posts_url_dataset(server: tuple[str, str]) -> None:
    base, token = server
    source, target = "http://example.org/using/source", "http://example.org/using/target"
    assert update(base, f"INSERT DATA {{ GRAPH <{source}> {{ <http://example.org/doc> a <http://example.org/Doc> }} }}",
                  token).status_code == 200
    copy = f"INSERT {{ GRAPH <{target}> {{ ?s a <http://example.org/Copied> }} }} WHERE {{ ?s a <http://example.org/Doc> }}"
    assert update(base, copy, token, {"using-graph-uri": source}).status_code == 200
    assert ask(base, f"ASK {{ GRAPH <{target}> {{ <http://example.org/doc> a <http://example.org/Copied> }} }}")
    named = (f"INSERT {{ GRAPH <{target}> {{ ?s a <http://example.org/Named> }} }} "
             f"WHERE {{ GRAPH ?g {{ ?s a <http://example.org/Doc> }} }}")
    assert update(base, named, token, {"using-named-graph-uri": source}).status_code == 200
    assert ask(base, f"ASK {{ GRAPH <{target}> {{ <http://example.org/doc> a <http://example.org/Named> }} }}")

    conflict = update(base, f"WITH <{target}> INSERT {{ ?s a ?t }} WHERE {{ ?s a ?t }}", token, {"using-graph-uri": source})
    assert conflict.status_code == 400 and "WITH at line 1, column 1" in one_line(conflict)

    # default-graph-uri in the URL of a form POST is the dataset, not ignored
    form = HTTP.post(f"{base}/sparql", params={"default-graph-uri": source}, data={"query": "ASK { ?s ?p ?o }"})
    assert form.json()["boolean"] is True
    empty = HTTP.post(f"{base}/sparql", params={"default-graph-uri": "http://example.org/none"},
                      data={"query": "ASK { ?s ?p ?o }"})
    assert empty.json()["boolean"] is False


# -- 5. Graph Store: multipart POST, and the Location of a new graph --------------------------------

def test_graph_store_multipart_post_and_location(server: tuple[str, str]) -> None:
    base, token = server
    auth = {"Authorization": f"Bearer {token}"}
    person = "http://example.org/person/1"
    boundary = "a6fe4cd636164618814be9f8d3d1a0de"
    parts = [f'<{person}> <http://xmlns.com/foaf/0.1/familyName> "Doe" .', f'<{person}> <http://xmlns.com/foaf/0.1/givenName> "Jane" .']
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="p{i}"; filename="p{i}.ttl"\r\n'
                   f"Content-Type: text/turtle; charset=utf-8\r\n\r\n{part}\r\n" for i, part in enumerate(parts))
    body += f"--{boundary}--\r\n"
    posted = HTTP.post(gsp(base, person), content=body.encode(),
                       headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert posted.status_code == 201, posted.text
    graph = Graph().parse(data=HTTP.get(gsp(base, person)).text, format="turtle")
    assert {str(o) for o in graph.objects()} == {"Doe", "Jane"}
    no_type = HTTP.post(gsp(base, person), content=f"--{boundary}\r\n\r\nx\r\n--{boundary}--\r\n".encode(),
                        headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert no_type.status_code == 415 and one_line(no_type)

    created = HTTP.post(gsp(base), content=b'[] a <http://xmlns.com/foaf/0.1/Person> .',
                        headers={**auth, "Content-Type": "text/turtle"})
    assert created.status_code == 201
    location = created.headers["location"]
    assert location.startswith(f"{ID}user/")  # the new graph's IRI, in the first user-graph namespace
    assert HTTP.get(gsp(base, location)).status_code == 200


# -- 6. HTTP details -------------------------------------------------------------------------------

def test_http_details(server: tuple[str, str]) -> None:
    base, _ = server
    unauthorized = update(base, f"INSERT DATA {{ GRAPH <{NOTES}> {{ <a> <b> <c> }} }}", None)
    assert unauthorized.status_code == 401 and unauthorized.headers["www-authenticate"].startswith("Bearer")
    assert HTTP.delete(gsp(base, NOTES)).headers["www-authenticate"].startswith("Bearer")

    for method in ("PUT", "DELETE", "PATCH"):
        refused = HTTP.request(method, f"{base}/sparql", content=b"x")
        assert refused.status_code == 405 and {"GET", "POST"} <= {m.strip() for m in refused.headers["allow"].split(",")}

    head = HTTP.head(f"{base}/sparql", params={"query": "ASK {}"})
    get = HTTP.get(f"{base}/sparql", params={"query": "ASK {}"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert int(head.headers["content-length"]) == len(get.content)

    construct = HTTP.get(f"{base}/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"},
                         headers={"Accept": "text/csv"})
    assert construct.status_code == 406
    assert "text/turtle" in construct.json()["hint"]
    assert "n-quads" not in construct.json()["hint"] and "trig" not in construct.json()["hint"]
    select = HTTP.get(f"{base}/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "text/turtle"})
    assert select.status_code == 406 and "application/sparql-results+json" in select.json()["hint"]

    bad = HTTP.get(f"{base}/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p ?o \n  } LIMIT x"})
    assert bad.status_code == 400 and bad.json()["where"] == "line 3, column 11"
    message = one_line(bad)
    assert "line 3, column 11: found 'x'; expected" in message and "a number" in message
    assert "'0'" not in message and "\\u" not in message  # no parser character classes

    utf16 = HTTP.post(f"{base}/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert utf16.status_code == 415 and one_line(utf16)


# -- 7. one blueprint, one spelling ----------------------------------------------------------------

def test_non_canonical_blueprint_iris_are_refused(server: tuple[str, str]) -> None:
    base, token = server
    escaped = f"{ID}service/x-%31/as-is"
    assert iris.blueprint_id(f"{ID}service/x-1/as-is") == "x-1/as-is"
    assert iris.blueprint_id(escaped) is None
    assert iris.canonical_blueprint_iri(escaped) == URIRef(f"{ID}service/x-1/as-is")
    original = HTTP.get(gsp(base, ARREARS)).text.replace("arrears-reconnect", "x-%31")
    refused = HTTP.put(gsp(base, escaped), content=original, headers={"Authorization": f"Bearer {token}",
                                                                      "Content-Type": "text/turtle"})
    assert refused.status_code == 400 and f"<{ID}service/x-1/as-is>" in one_line(refused)
    by_update = update(base, f"INSERT DATA {{ GRAPH <{escaped}> {{ <{escaped}> a <{SB}Blueprint> }} }}", token)
    assert by_update.status_code == 400 and "canonical" in one_line(by_update)
    assert not ask(base, f"ASK {{ GRAPH <{escaped}> {{ ?s ?p ?o }} }}")


# -- 8. the service description tells what an update sees ------------------------------------------

def test_the_service_description_describes_the_update_profile(server: tuple[str, str]) -> None:
    text = HTTP.get(f"{server[0]}/sparql", headers={"Accept": "text/turtle"}).text
    description = " ".join(str(o) for o in Graph().parse(data=text, format="turtle").objects(
        None, URIRef("http://purl.org/dc/terms/description")))
    assert "default graph seen by an update's WHERE is the store's own default graph, which is empty" in description
    assert f"<{ID}user/…>" in description and "CLEAR/DROP ALL and NAMED clear the user-owned graphs only" in description
    assert f"Relative IRIs resolve against <{ID}>" in description


# -- the update profile: user-owned graphs ---------------------------------------------------------

def test_user_graphs_are_written_with_history_and_clear_all_keeps_blueprints(server: tuple[str, str],
                                                                               tmp_path: Path) -> None:
    base, token = server
    auth = {"Authorization": f"Bearer {token}"}
    mapping = f'<{PAY}> <http://www.w3.org/2004/02/skos/core#exactMatch> <urn:crm:step:42> .'
    put = HTTP.put(gsp(base, NOTES), content=mapping, headers={**auth, "Content-Type": "text/turtle"})
    assert put.status_code == 201, put.text
    assert HTTP.put(gsp(base, NOTES), content=mapping, headers={"Content-Type": "text/turtle"}).status_code == 401
    # readable everywhere: in the union default graph, beside the blueprint it annotates
    assert ask(base, f"ASK {{ <{PAY}> <http://www.w3.org/2004/02/skos/core#exactMatch> ?x ; a ?type }}")
    assert ask(base, f"ASK {{ GRAPH <{ID}history> {{ ?a <{SB}changedBlueprint> <{NOTES}> ; "
                     f"<http://www.w3.org/ns/prov#wasAssociatedWith> ?who }} }}")
    assert HTTP.put(gsp(base, f"{ID}history"), content=mapping,
                    headers={**auth, "Content-Type": "text/turtle"}).status_code == 403
    outside = update(base, "INSERT DATA { GRAPH <http://elsewhere.example/g> { <a> <b> <c> } }", token)
    assert outside.status_code == 403 and f"{ID}user/<name>" in outside.json()["hint"]

    cleared = update(base, "CLEAR ALL", token)
    assert cleared.status_code == 200, cleared.text
    assert NOTES in {g["iri"] for g in cleared.json()["graphs"]}
    assert cleared.json()["saved"] == [] and cleared.json()["removed"] == []
    assert not ask(base, f"ASK {{ GRAPH <{NOTES}> {{ ?s ?p ?o }} }}")
    assert ask(base, f"ASK {{ GRAPH <{ARREARS}> {{ <{ARREARS}> a <{SB}Blueprint> }} }}")

    assert HTTP.put(gsp(base, NOTES), content=mapping, headers={**auth, "Content-Type": "text/turtle"}).status_code == 201
    assert HTTP.delete(gsp(base, NOTES), headers=auth).status_code == 204
    assert HTTP.get(gsp(base, NOTES)).status_code == 404
    assert HTTP.delete(gsp(base, NOTES), headers=auth).status_code == 404

    # a blueprint and a user graph in one update: one write, the blueprint still validated
    both = (f'INSERT DATA {{ GRAPH <{NOTES}> {{ <{PAY}> <{RDFS}comment> "checked"@en }} }} ; '
            f'INSERT DATA {{ GRAPH <{ARREARS}> {{ <{PAY}> <{RDFS}comment> "checked"@en }} }}')
    done = update(base, both, token).json()
    assert [s["id"] for s in done["saved"]] == ["arrears-reconnect/as-is"] and [g["iri"] for g in done["graphs"]] == [NOTES]
    assert Literal("checked", lang="en") in set(Graph().parse(data=HTTP.get(gsp(base, NOTES)).text).objects())


# -- bad input: a 4xx with one line naming the place, never a 500 ------------------------------------

MULTIPART = "multipart/form-data; boundary=b"


@pytest.mark.parametrize(("method", "path", "content_type", "body", "status", "where"), [
    ("POST", "/sparql", "application/sparql-update", b"", 400, "update"),
    ("POST", "/sparql", "application/sparql-update", b"   \n", 400, "update"),
    ("POST", "/sparql", "application/sparql-update", b"CLEAR ALL ; INSERT DATA { GRAPH <user/x> { <a> <b> ", 400,
     "line 1, column 52"),  # where the text as sent ends, though CLEAR ALL is rewritten before it runs
    ("POST", "/sparql?using-graph-uri=nope", "application/sparql-update", b"CLEAR ALL", 400, "using-graph-uri"),
    ("POST", "/sparql", "application/sparql-query", b"", 400, "line 1, column 1"),
    ("POST", f"/rdf-graphs/service?graph={quote(NOTES)}", "multipart/form-data", b"xx", 400, "body"),
    ("POST", f"/rdf-graphs/service?graph={quote(NOTES)}", MULTIPART,
     b"--b\r\nContent-Type: text/turtle\r\n\r\n<a> <b> .\r\n--b--\r\n", 400, f"POST <{NOTES}>:1"),
    ("POST", f"/rdf-graphs/service?graph={quote(NOTES)}", MULTIPART,
     b"--b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b--\r\n", 415, "Content-Type"),
    ("POST", f"/rdf-graphs/service?graph={quote(NOTES)}", MULTIPART,
     b"--b\r\nContent-Type: text/turtle\r\n\r\n\xff\xfe\r\n--b--\r\n", 400, f"POST <{NOTES}>"),
    ("POST", "/rdf-graphs/service", "text/turtle", b"", 400, "POST"),
    ("PUT", f"/rdf-graphs/service?graph={quote(ID + 'user/')}", "text/turtle", b"<a> <b> <c> .", 403, f"{ID}user/"),
])
def test_malformed_requests(server: tuple[str, str], method: str, path: str, content_type: str, body: bytes,
                            status: int, where: str) -> None:
    base, token = server
    answer = HTTP.request(method, base + path, content=body,
                          headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
    assert answer.status_code == status, answer.text
    assert answer.json()["where"] == where
    one_line(answer)
