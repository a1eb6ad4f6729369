"""No request makes the server connect anywhere or read a local file, whatever its text.

Every bypass of issue 16 and its variants (escaped quotes in prefixed names, comments,
strings, `\\u` escapes, lower case, SILENT, SERVICE ?var, LOAD INTO GRAPH, a text long
enough to skip the grammar; JSON-LD @import, nested, scoped and array contexts, file:
references; DTDs and XInclude) is thrown at every entry point: GET and POST /sparql,
SPARQL Update, the Graph Store, blueprint upload (API and form), and the CLI. A loopback
listener must hear nothing, and no answer may hold the secret of a local file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kgbp.auth import create_token
from kgbp.cli import app as cli_app
from kgbp.config import Settings
from kgbp.export.jsonld_context import CONTEXT_IRI
from kgbp.store.embedded import EmbeddedStore
from kgbp.store.sparql_guard import STRUCTURE_LIMIT, remote_parts

from ..live_server import running_server
from .conftest import Listener

GRAPH = "https://w3id.org/kgbp/id/service/arrears-reconnect/as-is"
BLUEPRINT = {"@id": "https://w3id.org/kgbp/id/service/probe/as-is", "@type": "https://w3id.org/kgbp/ontology#Blueprint"}
PADDING = "#" + "x" * (STRUCTURE_LIMIT + 10) + "\n"  # long enough for the tokenizer path


def queries(url: str, secret_file: Path) -> list[str]:
    file = secret_file.as_uri()
    body = "{ ?s ?p ?o }"
    return [
        # issue 16's own: the escaped quote opens a "string" that a later real one closes
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\\' AS ?z) SERVICE <{url}> {body} FILTER(?z != 'x') }}",
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\\' AS ?z) SERVICE SILENT <{url}> {body} "
        f"FILTER(?z != \"\\\"\" || ?z != 'x') }}",
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\\' AS ?z) SERVICE <{url}> {body} }}",
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\\' AS ?z) BIND(ex:b\\' AS ?y) SERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ SERVICE <{url}> {body} }}",
        f"select * where {{ service <{url}> {body} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {body} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?x) SERVICE ?x {body} }}",
        f"SELECT * WHERE {{ VALUES ?x {{ <{url}> }} SERVICE SILENT ?x {body} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ \\U00000053\\u0045RVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ # \"\n SERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ BIND(\"\\\"\" AS ?q) SERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ BIND('''a''' AS ?q) BIND(\"'\" AS ?r) SERVICE <{url}> {body} }}",
        f"PREFIX r: <{url}> SELECT * WHERE {{ SERVICE r: {body} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {body} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {body} }} }}",
        f"ASK {{ {{ SELECT * WHERE {{ SERVICE <{url}> {body} }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {body} }}",
        f"SELECT * WHERE {{ SERVICE <{file}> {body} }}",
        f"{PADDING}PREFIX ex: <http://e/> SELECT * WHERE {{ BIND(ex:a\\' AS ?z) SERVICE <{url}> {body} FILTER(?z != 'x') }}",
        f"{PADDING}SELECT * WHERE {{ \\u0053ERVICE <{url}> {body} }}",
    ]


def updates(url: str, secret_file: Path) -> list[str]:
    file = secret_file.as_uri()
    return [
        f"LOAD <{url}>",
        f"PREFIX ex: <http://e/> INSERT DATA {{ GRAPH <{GRAPH}> {{ ex:a\\' ex:b \"x\" }} }} ; LOAD <{url}> ; "
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ ex:c ex:d 'y' }} }}",
        f"load silent <{url}>",
        f"LOAD <{url}> INTO GRAPH <{GRAPH}>",
        f"LOAD SILENT <{file}> INTO GRAPH <{GRAPH}>",
        f"\\u004cOAD <{url}> INTO GRAPH <{GRAPH}>",
        f"PREFIX ex: <http://e/> INSERT DATA {{ GRAPH <{GRAPH}> {{ ex:a\\' ex:b \"x\" }} }} ; LOAD <{url}> INTO GRAPH <{GRAPH}>",
        f"# LOAD\nLOAD <{url}>",
        f"INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <http://e/> INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ BIND(ex:a\\' AS ?z) "
        f"SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"{PADDING}PREFIX ex: <http://e/> INSERT DATA {{ GRAPH <{GRAPH}> {{ ex:a\\' ex:b \"x\" }} }} ; LOAD <{url}>",
    ]


def jsonld_documents(url: str, secret_file: Path) -> list[dict]:
    file = secret_file.as_uri()
    return [
        {"@context": url, **BLUEPRINT},
        {"@context": file, **BLUEPRINT},
        {"@context": "secret.txt", **BLUEPRINT},
        {"@context": [CONTEXT_IRI, url], **BLUEPRINT},
        {"@context": [CONTEXT_IRI, {"@import": url}], **BLUEPRINT},
        {"@context": {"@import": file}, **BLUEPRINT},
        {"@context": CONTEXT_IRI, "@graph": [{"@context": url, **BLUEPRINT}]},
        {"@context": {"step": {"@id": "http://x/step", "@context": url}}, **BLUEPRINT},
        {"@context": {"step": {"@id": "http://x/step", "@context": [{"@import": file}]}}, **BLUEPRINT},
        {**BLUEPRINT, "http://x/p": {"@context": url, "@id": "http://x/o"}},
    ]


def xml_documents(url: str, secret_file: Path) -> list[bytes]:
    file = secret_file.as_uri()
    rdf = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
    return [
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{url}">]>{rdf}>'
        f'<rdf:Description rdf:about="http://x/a"><rdf:value>&e;</rdf:value></rdf:Description></rdf:RDF>'.encode(),
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{file}">]>{rdf}>'
        f'<rdf:Description rdf:about="http://x/a"><rdf:value>&e;</rdf:value></rdf:Description></rdf:RDF>'.encode(),
        f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{url}">{rdf}/>'.encode(),
        f'{rdf} xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="{file}" parse="text"/>'
        f'<xi:include href="{url}"/></rdf:RDF>'.encode(),
    ]


@pytest.fixture(scope="module")
def folders(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two copies of the examples: one served, one for the CLI (the server holds its store's lock)."""
    base = tmp_path_factory.mktemp("outbound")
    examples_store.backup(str(base / "served"))
    examples_store.backup(str(base / "cli"))
    return base / "served", base / "cli"


@pytest.fixture(scope="module")
def server(folders: tuple[Path, Path]) -> Iterator[tuple[str, str]]:
    settings = Settings(store=str(folders[0]))
    token = create_token(settings, "writer")
    with running_server(settings) as base:
        yield base, token


def assert_refused(answer: httpx.Response, listener: Listener, secret: str, what: object) -> None:
    assert 400 <= answer.status_code < 500, (what, answer.status_code, answer.text[:300])
    assert secret not in answer.text, what
    assert listener.heard == [], (what, listener.heard)


def test_the_listener_hears_a_plain_client(listener: Listener) -> None:
    """The listener works: a direct request is heard (then forgotten for the other tests)."""
    httpx.get(listener.url, timeout=5)
    assert len(listener.heard) == 1
    listener.heard.clear()


def test_sparql_queries_never_reach_out(server: tuple[str, str], listener: Listener, secret: str,
                                        secret_file: Path) -> None:
    base, token = server
    for query in queries(listener.url, secret_file):
        for answer in (
            httpx.get(f"{base}/sparql", params={"query": query}, timeout=30),
            httpx.post(f"{base}/sparql", data={"query": query}, timeout=30),
            httpx.post(f"{base}/sparql", content=query.encode(), timeout=30,
                       headers={"Content-Type": "application/sparql-query", "Authorization": f"Bearer {token}"}),
        ):
            assert_refused(answer, listener, secret, query[-200:])
            assert answer.json()["error"] == "forbidden", (query[-200:], answer.json())


def test_sparql_updates_never_reach_out(server: tuple[str, str], listener: Listener, secret: str,
                                        secret_file: Path) -> None:
    base, token = server
    auth = {"Authorization": f"Bearer {token}"}
    for update in updates(listener.url, secret_file) + queries(listener.url, secret_file)[:2]:
        for answer in (
            httpx.post(f"{base}/sparql", data={"update": update}, headers=auth, timeout=30),
            httpx.post(f"{base}/sparql", content=update.encode(), timeout=30,
                       headers={**auth, "Content-Type": "application/sparql-update"}),
        ):
            assert_refused(answer, listener, secret, update[-200:])


def test_rdf_payloads_never_reach_out(server: tuple[str, str], listener: Listener, secret: str,
                                      secret_file: Path) -> None:
    base, token = server
    auth = {"Authorization": f"Bearer {token}"}
    payloads = [(json.dumps(doc).encode(), "application/ld+json", "probe.jsonld")
                for doc in jsonld_documents(listener.url, secret_file)]
    payloads += [(doc, "application/rdf+xml", "probe.rdf") for doc in xml_documents(listener.url, secret_file)]
    for data, media, name in payloads:
        answers = [
            httpx.put(f"{base}/rdf-graphs/service", params={"graph": BLUEPRINT["@id"]}, content=data, timeout=30,
                      headers={**auth, "Content-Type": media}),
            httpx.post(f"{base}/rdf-graphs/service", params={"graph": GRAPH}, content=data, timeout=30,
                       headers={**auth, "Content-Type": media}),
            httpx.post(f"{base}/rdf-graphs/service", content=data, timeout=30, headers={**auth, "Content-Type": media}),
            httpx.post(f"{base}/api/blueprints", files={"file": (name, data)}, headers=auth, timeout=30),
            httpx.post(f"{base}/upload", files={"file": (name, data)}, data={"token": token}, timeout=30),
        ]
        for answer in answers:
            assert_refused(answer, listener, secret, (name, data[:300]))


def test_the_cli_never_reaches_out(folders: tuple[Path, Path], listener: Listener, secret: str, secret_file: Path,
                                   tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(folders[1])
    for query in queries(listener.url, secret_file):
        done = runner.invoke(cli_app, ["sparql", query, "--store", store])
        assert done.exit_code == 2 and secret not in done.output and listener.heard == [], (query[-200:], done.output)
    for update in updates(listener.url, secret_file):
        done = runner.invoke(cli_app, ["sparql", "--update", update, "--store", store])
        assert done.exit_code == 2 and secret not in done.output and listener.heard == [], (update[-200:], done.output)
    files = [(f"probe{i}.jsonld", json.dumps(doc).encode()) for i, doc in enumerate(jsonld_documents(listener.url, secret_file))]
    files += [(f"probe{i}.rdf", doc) for i, doc in enumerate(xml_documents(listener.url, secret_file))]
    for name, data in files:
        path = tmp_path / name
        path.write_bytes(data)
        done = runner.invoke(cli_app, ["load", str(path), "--store", store])
        assert done.exit_code == 2 and secret not in done.output and listener.heard == [], (name, done.output)


def test_the_decision_is_on_structure_not_on_words() -> None:
    """What mentions the words without being the keywords is let through, and the reverse."""
    allowed = ["PREFIX sb: <https://w3id.org/kgbp/ontology#> SELECT * WHERE { ?s a sb:Service ; sb:load ?x }",
               'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" } # LOAD <http://x/>',
               "SELECT ?service ?load WHERE { ?service ?load ?o }",
               "SELECT * WHERE { ?s <http://x/SERVICE> ?o }"]
    assert remote_parts(queries("http://127.0.0.1:1/", Path("/x"))[0]) == {"ServiceGraphPattern"}
    for text in allowed:
        assert remote_parts(text) == set(), text
        assert remote_parts(PADDING + text) == set(), text
    assert remote_parts("INSERT DATA { <http://a/> <http://b/> 'load' }", update=True) == set()
    assert remote_parts("LOAD <http://a/>", update=True) == {"Load"}


def with_dtd(package: bytes, member: str, url: str, secret_url: str) -> bytes:
    """An Office package whose `member` declares external entities (one a parameter entity,
    fetched while the DTD is read) and an XInclude."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == member:
                text = data.decode("utf-8")
                start = text.index("?>") + 2 if text.startswith("<?xml") else 0
                dtd = (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}"> %p; <!ENTITY e SYSTEM "{secret_url}">]>')
                root_end = text.index(">", text.index("<", start + 1)) + 1
                text = (text[:start] + dtd + text[start:root_end]
                        + f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret_url}" parse="text"/>'
                        + text[root_end:])
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def test_office_and_archimate_files_never_reach_out(server: tuple[str, str], listener: Listener, secret: str,
                                                    secret_file: Path) -> None:
    import io

    from pptx import Presentation

    from kgbp.archimate.reader import read_archimate
    from kgbp.errors import BadInput
    from kgbp.spreadsheet.writer import workbook_bytes

    base, token = server
    auth = {"Authorization": f"Bearer {token}"}
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[6])
    buffer = io.BytesIO()
    deck.save(buffer)
    for member in ("ppt/slides/slide1.xml", "ppt/presentation.xml", "[Content_Types].xml"):
        pptx = with_dtd(buffer.getvalue(), member, listener.url, secret_file.as_uri())
        answer = httpx.post(f"{base}/api/slides", files={"file": ("probe.pptx", pptx)}, headers=auth, timeout=60)
        assert_refused(answer, listener, secret, member)
    for member in ("xl/workbook.xml", "xl/worksheets/sheet2.xml", "[Content_Types].xml"):
        xlsx = with_dtd(workbook_bytes(), member, listener.url, secret_file.as_uri())
        answer = httpx.post(f"{base}/api/blueprints", files={"file": ("probe.xlsx", xlsx)}, headers=auth, timeout=60)
        assert_refused(answer, listener, secret, member)
    model = (f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % p SYSTEM "{listener.url}"> %p;]>'
             '<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="m">'
             f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret_file.as_uri()}" parse="text"/>'
             '</model>').encode()
    with pytest.raises(BadInput) as refused:
        read_archimate(model, "probe.xml")
    assert secret not in str(refused.value) and listener.heard == []


def test_a_store_over_http_gets_plain_sparql_only() -> None:
    """A query sent on to Virtuoso may not use its pragmas or functions that fetch or read files."""
    from kgbp.errors import KgbpError
    from kgbp.sparql.endpoint import check_query

    refused = ['SELECT (bif:file_to_string("/etc/passwd") AS ?s) WHERE {}',
               'PREFIX v: <http://www.openlinksw.com/schemas/bif#> SELECT (v:http_get("http://127.0.0.1:1/") AS ?s) {}',
               'DEFINE get:soft "soft" SELECT * FROM <http://127.0.0.1:1/> WHERE { ?s ?p ?o }',
               "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
               "SELECT * WHERE { ?s ?p ?o }" + " " * STRUCTURE_LIMIT]
    for text in refused:
        with pytest.raises(KgbpError):
            check_query(text, store_is_remote=True)
    check_query('PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT (xsd:integer("1") AS ?i) '
                '(STRLEN("ab") AS ?n) WHERE { ?s ?p ?o } LIMIT 3', store_is_remote=True)


def test_each_reading_alone_refuses_every_variant(listener: Listener, secret_file: Path) -> None:
    """The tokenizer (run by the server) and the grammar (run by the CLI, and for a store over HTTP)
    each refuse every variant on its own, so one reading's slip is the other's catch."""
    from kgbp.store.sparql_guard import _bare_words, _parsed_remote_parts, _unescape

    for text, update in [(q, False) for q in queries(listener.url, secret_file)] + \
            [(u, True) for u in updates(listener.url, secret_file)]:
        plain = _unescape(text)
        assert _bare_words(plain), text[-200:]
        if len(plain) <= STRUCTURE_LIMIT:
            assert _parsed_remote_parts(plain, update), text[-200:]


def test_a_query_worker_has_no_network(listener: Listener) -> None:
    """The worker's own cut (store/offline.py): a connection from a process that made it fails."""
    import subprocess
    import sys

    port = listener.url.split(":")[2].split("/")[0]
    code = ("import socket, sys\nfrom kgbp.store.offline import cut_network\n"
            "if not cut_network(): sys.exit(3)\n"
            f"s = socket.socket(); s.settimeout(5); sys.exit(1 if s.connect_ex(('127.0.0.1', {port})) == 0 else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    if done.returncode == 3:
        pytest.skip("this kernel does not allow an unprivileged network namespace")
    assert done.returncode == 0, "the process reached the listener"
    assert listener.heard == []
