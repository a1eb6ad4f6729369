"""SPARQL Update and Graph Store writes keep the caps the server was started with
(max_steps, max_literal_chars, max_support_chain), not the defaults: a real server on a
loopback port, started with caps far below the defaults; and `kgbp sparql --update` keeps
the configured ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kgbp.cli import app as cli_app
from kgbp.store.embedded import EmbeddedStore

from .test_endpoint import ARREARS, HTTP, LiveServer, _server

TITLE = "http://purl.org/dc/terms/title"


@pytest.fixture(scope="module")
def capped(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    base = tmp_path_factory.mktemp("caps") / "base"
    examples_store.backup(str(base))
    # the arrears example: 12 steps and other parts, values of up to 52 characters, a support chain of 4
    server, _, token = _server(base, tmp_path_factory.mktemp("capped") / "store",
                               max_steps=12, max_literal_chars=60, max_support_chain=4)
    yield server, token
    server.stop()


def _auth(token: str, media_type: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": media_type}


def _title_update(title: str) -> str:
    return (f"DELETE {{ GRAPH <{ARREARS}> {{ <{ARREARS}> <{TITLE}> ?t }} }} "
            f"INSERT {{ GRAPH <{ARREARS}> {{ <{ARREARS}> <{TITLE}> \"{title}\"@en }} }} "
            f"WHERE {{ GRAPH <{ARREARS}> {{ <{ARREARS}> <{TITLE}> ?t FILTER(LANG(?t) = \"en\") }} }}")


def _arrears_turtle(server: LiveServer) -> bytes:
    got = HTTP.get(f"{server.url}/rdf-graphs/service", params={"graph": ARREARS}, headers={"Accept": "text/turtle"})
    assert got.status_code == 200
    return got.content


def _problem(response: httpx.Response) -> str:
    assert response.status_code == 413, response.text
    body = response.json()
    return f"{body.get('message', '')} {body.get('where', '')} {body.get('hint', '')}"


def test_update_keeps_the_servers_literal_cap(capped: tuple[LiveServer, str]) -> None:
    server, token = capped
    before = _arrears_turtle(server)
    short = HTTP.post(f"{server.url}/sparql", content=_title_update("Short title"),
                      headers=_auth(token, "application/sparql-update"))
    assert short.status_code == 200, short.text
    long = HTTP.post(f"{server.url}/sparql", content=_title_update("x" * 61),  # the default cap is 100,000
                     headers=_auth(token, "application/sparql-update"))
    assert "at most 60" in _problem(long)
    after = _arrears_turtle(server)
    assert b"x" * 61 not in after and b"Short title" in after and after != before


def test_graph_store_keeps_the_servers_caps(capped: tuple[LiveServer, str]) -> None:
    server, token = capped
    turtle = _arrears_turtle(server)
    long_value = turtle + f'\n<{ARREARS}> <http://purl.org/dc/terms/description> "{"y" * 61}"@en .\n'.encode()
    one_step_more = turtle + f"\n<{ARREARS}/step/extra> <https://w3id.org/kgbp/ontology#inBlueprint> <{ARREARS}> .\n".encode()
    for body, cap in ((long_value, "at most 60"), (one_step_more, "at most 12")):  # defaults: 100,000 and 2,000
        for method in ("PUT", "POST"):
            refused = HTTP.request(method, f"{server.url}/rdf-graphs/service", params={"graph": ARREARS},
                                   content=body, headers=_auth(token, "text/turtle"))
            assert cap in _problem(refused), method
    new = long_value.replace(b"arrears-reconnect/as-is", b"arrears-reconnect/draft-2")
    created = HTTP.post(f"{server.url}/rdf-graphs/service", content=new, headers=_auth(token, "text/turtle"))
    assert "at most 60" in _problem(created)
    assert _arrears_turtle(server) == turtle


def test_cli_update_keeps_the_configured_caps(examples_store: EmbeddedStore, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "store"
    examples_store.backup(str(folder))
    monkeypatch.setenv("KGBP_MAX_LITERAL_CHARS", "60")
    result = CliRunner().invoke(cli_app, ["sparql", "--update", _title_update("x" * 61), "--store", str(folder)])
    assert result.exit_code != 0 and "at most 60" in result.output, result.output
    result = CliRunner().invoke(cli_app, ["sparql", "--update", _title_update("Short title"), "--store", str(folder)])
    assert result.exit_code == 0, result.output
