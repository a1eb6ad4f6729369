"""A request offering an HTTP/2 upgrade (`Upgrade: h2c`, as Java's HttpClient sends on every
request) is answered as HTTP/1.1 from its body, by a real server on a loopback port."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from kgbp.config import Settings

from ..live_server import running_server

H2C_OFFER = {"Connection": "Upgrade, HTTP2-Settings", "Upgrade": "h2c",
             "HTTP2-Settings": "AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA"}  # Java 11+'s HttpClient
RESULTS = "application/sparql-results+json"


def query(word: str) -> str:
    return f'SELECT ?said WHERE {{ BIND("{word}" AS ?said) }}'


def said(body: bytes) -> list[str]:
    return [row["said"]["value"] for row in json.loads(body)["results"]["bindings"]]


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder: Path = tmp_path_factory.mktemp("h2c") / "store"
    with running_server(Settings(store=str(folder))) as base:
        url = urlsplit(base)
        assert url.hostname and url.port
        yield url.hostname, url.port


def test_a_query_posted_with_an_h2c_offer_is_answered_from_its_body(address: tuple[str, int]) -> None:
    connection = http.client.HTTPConnection(*address, timeout=30)
    try:
        # the query as the body (Jena's RDFConnection), then as a form, on one kept-alive connection
        connection.request("POST", "/sparql", body=query("from the body").encode(),
                           headers={**H2C_OFFER, "Content-Type": "application/sparql-query", "Accept": RESULTS})
        answer = connection.getresponse()
        assert answer.status == 200 and answer.version == 11
        assert said(answer.read()) == ["from the body"]

        connection.request("POST", "/sparql", body=urlencode({"query": query("from the form")}),
                           headers={**H2C_OFFER, "Content-Type": "application/x-www-form-urlencoded", "Accept": RESULTS})
        answer = connection.getresponse()
        assert answer.status == 200 and said(answer.read()) == ["from the form"]

        # chunked: the body's framing is the request's own
        chunks = iter([b"SELECT ?said WHERE ", b'{ BIND("in chunks" AS ?said) }'])
        connection.request("POST", "/sparql", body=chunks, encode_chunked=True,
                           headers={**H2C_OFFER, "Content-Type": "application/sparql-query", "Accept": RESULTS})
        answer = connection.getresponse()
        assert answer.status == 200 and said(answer.read()) == ["in chunks"]

        # a GET with the offer (no body), then a plain request, still on the same connection
        connection.request("GET", "/sparql?" + urlencode({"query": query("asked")}), headers={**H2C_OFFER, "Accept": RESULTS})
        answer = connection.getresponse()
        assert answer.status == 200 and said(answer.read()) == ["asked"]
        connection.request("GET", "/sparql?" + urlencode({"query": query("plain")}), headers={"Accept": RESULTS})
        answer = connection.getresponse()
        assert answer.status == 200 and said(answer.read()) == ["plain"]
    finally:
        connection.close()


def test_a_request_sent_right_after_one_with_an_offer_is_answered_too(address: tuple[str, int]) -> None:
    """Both requests in one write: the bytes after the offer's body are the next request."""
    text = query("first").encode()
    first = (b"POST /sparql HTTP/1.1\r\nHost: kgbp\r\n"
             + b"".join(f"{k}: {v}\r\n".encode() for k, v in H2C_OFFER.items())
             + b"Content-Type: application/sparql-query\r\nAccept: " + RESULTS.encode()
             + b"\r\nContent-Length: " + str(len(text)).encode() + b"\r\n\r\n" + text)
    second = (b"GET /sparql?" + urlencode({"query": query("second")}).encode() + b" HTTP/1.1\r\nHost: kgbp\r\n"
              b"Accept: " + RESULTS.encode() + b"\r\nConnection: close\r\n\r\n")
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(first + second)
        stream = b""
        while chunk := sock.recv(65536):  # until the server closes, as the second request asks
            stream += chunk
    found = []
    for response in stream.split(b"HTTP/1.1 ")[1:]:
        head, body = response.split(b"\r\n\r\n", 1)
        assert head.startswith(b"200 ")
        found += said(body)
    assert found == ["first", "second"]


def test_a_plain_request_is_served_as_before(address: tuple[str, int]) -> None:
    connection = http.client.HTTPConnection(*address, timeout=30)
    try:
        connection.request("POST", "/sparql", body=query("plain post").encode(),
                           headers={"Content-Type": "application/sparql-query", "Accept": RESULTS})
        answer = connection.getresponse()
        assert answer.status == 200 and said(answer.read()) == ["plain post"]
        connection.request("POST", "/sparql", body=b"", headers={"Content-Type": "application/sparql-query"})
        empty = connection.getresponse()
        assert empty.status == 400  # an empty query is still refused, with the error body
        assert json.loads(empty.read())["error"]
    finally:
        connection.close()
