"""The bad-input catalogue: one test per kind of bad input, against the real server.

Each answer names the place (file:line:col, sheet!cell, IRI, or the query's line and
column) and says what to do; the store is unchanged (the whole repository dump, history
included, is the same before and after). Where another suite covers a case in depth, the
test here is the small visible entry and says where the rest is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kgbp.archimate.reader import read_archimate
from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.errors import BadInput
from kgbp.store.embedded import EmbeddedStore

from ..conftest import DATA
from ..live_server import running_app
from ..spreadsheet.test_spreadsheet import GOOD_STEPS, filled

BAD = DATA / "bad"
LIMIT = 200_000  # max_upload_bytes of this suite's server
TIMEOUT = 5.0  # its query time limit, seconds: far above what a cheap request takes
ID = "https://w3id.org/kgbp/id/"
SB = "https://w3id.org/kgbp/ontology#"


DUMPS: dict[str, Any] = {}  # base URL -> the served store's dump function


@pytest.fixture(scope="module")
def server(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    folder = tmp_path_factory.mktemp("bad-input") / "store"
    examples_store.backup(str(folder))
    settings = Settings(store=str(folder), max_upload_bytes=LIMIT, query_timeout=TIMEOUT)
    token = create_token(settings, "tester")
    with running_app(settings) as (base, app):
        DUMPS[base] = app.state.store.dump
        yield base, token, folder
        DUMPS.pop(base)


def dump(base: str) -> set[bytes]:
    """Every quad of the served store (history included), read from the store itself."""
    return set(DUMPS[base]().splitlines())


def refused(server: tuple[str, str, Path], name: str, data: bytes, where: str, message: str,
            status: int = 400, **request: Any) -> dict[str, Any]:
    """Upload `data` as `name`: refused with `status`, naming `where` and saying `message`
    (in the error or one of its problems), with a hint, and nothing stored."""
    base, token, _ = server
    before = dump(base)
    answer = httpx.post(f"{base}/api/blueprints", files={"file": (name, data)},
                        headers={"Authorization": f"Bearer {token}"}, timeout=60, **request)
    assert answer.status_code == status, answer.text
    body = answer.json()
    places = [body["where"], *(p["where"] for p in body["problems"])]
    messages = [body["message"], *(p["message"] for p in body["problems"])]
    assert any(where in w for w in places), (where, places)
    assert any(message in m for m in messages), (message, messages)
    assert body["hint"] or any(p["hint"] for p in body["problems"])
    assert "Traceback" not in answer.text
    assert dump(base) == before
    return body


# -- files that cannot be read ------------------------------------------------------------------------

def test_malformed_yaml(server: tuple[str, str, Path]) -> None:
    refused(server, "yaml-syntax.yaml", (BAD / "yaml-syntax.yaml").read_bytes(), "yaml-syntax.yaml:6:1", "YAML syntax error")


def test_malformed_turtle(server: tuple[str, str, Path]) -> None:
    refused(server, "bad-turtle.ttl", (BAD / "bad-turtle.ttl").read_bytes(), "bad-turtle.ttl:4", "turtle syntax error")


def test_malformed_trig(server: tuple[str, str, Path]) -> None:
    data = (f"@prefix sb: <{SB}> .\n<{ID}service/x/as-is> {{\n"
            f'  <{ID}service/x/as-is> a sb:Blueprint ; sb:level "1 .\n}}\n').encode()
    refused(server, "broken.trig", data, "broken.trig:3", "trig syntax error")


def test_malformed_json_ld(server: tuple[str, str, Path]) -> None:
    data = f'{{\n  "@id": "{ID}service/x/as-is",\n  "@type": ,\n}}\n'.encode()
    refused(server, "broken.jsonld", data, "broken.jsonld:3:12", "JSON syntax error")


def test_malformed_xlsx(server: tuple[str, str, Path]) -> None:
    refused(server, "plan.xlsx", b"PK\x03\x04 not really a zip", "plan.xlsx", "not an XLSX workbook")
    # a readable workbook with a bad cell: the cell is named (more in spreadsheet/test_spreadsheet.py)
    bad_lane = filled(*GOOD_STEPS, edit=lambda wb: wb["Steps"].cell(3, 1, "front"))
    refused(server, "plan.xlsx", bad_lane, "plan.xlsx!Steps!A3", "unknown lane 'front'")


def test_malformed_archimate_xml() -> None:
    # ArchiMate files are read by the importer, not uploaded; more in archimate/test_archimate.py
    with pytest.raises(BadInput) as caught:
        read_archimate(b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'>\n<elements>\n", "model.xml")
    assert caught.value.where.startswith("model.xml:3:") and "not well-formed XML" in caught.value.message
    assert caught.value.hint


def test_wrong_text_encoding(server: tuple[str, str, Path]) -> None:
    refused(server, "wrong-encoding.yaml", (BAD / "wrong-encoding.yaml").read_bytes(), "wrong-encoding.yaml:1:34", "not UTF-8")
    latin1 = f'<{ID}service/x/as-is> a <{SB}Blueprint> ; <{SB}note> "café" .\n'.encode("latin-1")
    refused(server, "latin1.ttl", latin1, "latin1.ttl:1:", "not UTF-8")
    refused(server, "utf16.yaml", "service: {id: x, label: X}\n".encode("utf-16"), "utf16.yaml:1:1", "not UTF-8")


def test_empty_file(server: tuple[str, str, Path]) -> None:
    refused(server, "empty.yaml", b"", "empty.yaml", "the file is empty")
    refused(server, "empty.ttl", b"  \n", "empty.ttl", "the file is empty")


def test_upload_over_the_limit_is_413(server: tuple[str, str, Path]) -> None:
    big = b"# padding\n" * (LIMIT // 10 + 1)
    body = refused(server, "big.yaml", big, "body", "larger than 200000 bytes", status=413)
    assert body["error"] == "too-large"


def test_every_route_has_the_body_limit(server: tuple[str, str, Path]) -> None:
    base, token, _ = server
    before = dump(base)
    big = b"x" * (LIMIT + 1)
    for method, path, headers in (("POST", "/sparql", {"Content-Type": "application/sparql-update"}),
                                  ("PUT", f"/rdf-graphs/service?graph={ID}service/x/as-is", {"Content-Type": "text/turtle"}),
                                  ("POST", "/api/admin/backup", {}), ("GET", "/api/blueprints", {})):
        answer = httpx.request(method, base + path, content=big, timeout=30,
                               headers={**headers, "Authorization": f"Bearer {token}"})
        assert answer.status_code == 413, (path, answer.text[:200])
        assert answer.json()["error"] == "too-large" and answer.json()["hint"]
        assert answer.headers["x-content-type-options"] == "nosniff"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(LIMIT // 10_000 + 2):
            yield b"#" * 10_000

    streamed = httpx.post(f"{base}/sparql", content=chunks(), timeout=30,
                          headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"})
    assert streamed.status_code == 413 and streamed.json()["error"] == "too-large"
    assert dump(base) == before


# -- blueprints that break the structure rules ----------------------------------------------------------

def test_duplicate_ids(server: tuple[str, str, Path]) -> None:
    refused(server, "duplicate-id.yaml", (BAD / "duplicate-id.yaml").read_bytes(), "duplicate-id.yaml:8:7", "duplicate id 'ask'")


def test_supports_to_unknown_ids(server: tuple[str, str, Path]) -> None:
    refused(server, "unknown-support.yaml", (BAD / "unknown-support.yaml").read_bytes(), "unknown-support.yaml:8:65",
            "unknown step id 'aks'")


def test_supports_cycles(server: tuple[str, str, Path]) -> None:
    refused(server, "cycle.yaml", (BAD / "cycle.yaml").read_bytes(), "cycle.yaml:10:",
            "supports form a cycle: check -> prepare -> check")


def test_unknown_lane(server: tuple[str, str, Path]) -> None:
    refused(server, "unknown-lane.yaml", (BAD / "unknown-lane.yaml").read_bytes(), "unknown-lane.yaml:5:3",
            "unknown lane 'fronstage'")


def test_unknown_channel_and_channel_kind(server: tuple[str, str, Path]) -> None:
    def doc(touchpoint: str) -> bytes:
        return (f"service: {{id: desk, label: Desk}}\ntouchpoints:\n  - {touchpoint}\n"
                "steps:\n  customer:\n    - {id: ask, label: Ask, touchpoint: tp}\n").encode()

    refused(server, "channel.yaml", doc("{id: tp, label: Desk, channel: pigeon}"), "channel.yaml:3:36", "pigeon")
    refused(server, "kind.yaml", doc("{id: tp, label: Desk, channel: hotline, kind: carrier-pigeon}"), "kind.yaml:3:51",
            "carrier-pigeon")


def test_iris_outside_our_namespace(server: tuple[str, str, Path]) -> None:
    refused(server, "foreign-iri.ttl", (BAD / "foreign-iri.ttl").read_bytes(), "<http://example.org/my-blueprint>",
            "outside kgbp's namespace")


# -- hostile input ---------------------------------------------------------------------------------------

LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY a "lollollollol">\n'
          + b"".join(b' <!ENTITY %c "%s">\n' % (98 + i, b"".join(b"&%c;" % (97 + i) for _ in range(10))) for i in range(9))
          + b']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description rdf:about="urn:x"><rdf:value>&j;</rdf:value></rdf:Description></rdf:RDF>\n')
EXTERNAL = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/hostname">]>\n'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description rdf:about="urn:x"><rdf:value>&secret;</rdf:value></rdf:Description></rdf:RDF>\n')


@pytest.mark.parametrize(("name", "data"), [("laughs.rdf", LAUGHS), ("external.owl", EXTERNAL),
                                            ("utf16.rdf", EXTERNAL.decode().replace("<?xml version=\"1.0\"?>", "").encode("utf-16"))])
def test_hostile_rdf_xml_is_refused_before_parsing(server: tuple[str, str, Path], name: str, data: bytes) -> None:
    started = time.monotonic()
    body = refused(server, name, data, f"{name}:", "declares a DTD or entities")
    assert time.monotonic() - started < 5
    assert "lollol" not in str(body)
    # the same through the Graph Store protocol
    base, token, _ = server
    answer = httpx.put(f"{base}/rdf-graphs/service", params={"graph": f"{ID}service/x/as-is"}, content=data, timeout=30,
                       headers={"Content-Type": "application/rdf+xml", "Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and "declares a DTD" in answer.json()["message"]


def test_hostile_yaml_aliases_are_refused(server: tuple[str, str, Path]) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    data = ("\n".join(lines) + "\nservice: {id: laughs, label: *a8}\n").encode()
    started = time.monotonic()
    refused(server, "laughs.yaml", data, "laughs.yaml", "expand to more than 100,000 values")
    assert time.monotonic() - started < 5


def test_hostile_xml_in_other_formats_is_covered_elsewhere() -> None:
    # ArchiMate: archimate/test_archimate.py::test_hostile_xml_is_refused_and_never_expanded (and the parser alone);
    # XLSX: spreadsheet/test_spreadsheet.py::test_entity_expansion_in_a_sheet_is_refused_not_expanded and the zip bomb
    from ..archimate import test_archimate
    from ..spreadsheet import test_spreadsheet

    assert callable(test_archimate.test_hostile_xml_is_refused_and_never_expanded)
    assert callable(test_spreadsheet.test_entity_expansion_in_a_sheet_is_refused_not_expanded)
    assert callable(test_spreadsheet.test_not_a_workbook_and_a_zip_bomb_are_refused)


@pytest.mark.parametrize("name", ["../../../evil.yaml", "..\\..\\evil.yaml", "/abs/olute/evil.yaml", "a/./../evil.yaml"])
def test_path_tricks_in_file_names(server: tuple[str, str, Path], name: str) -> None:
    # the name only labels messages and picks the format: a bad file is reported as plain evil.yaml
    body = refused(server, name, (BAD / "cycle.yaml").read_bytes(), "evil.yaml:10:", "supports form a cycle")
    assert all(".." not in p["where"] and "/" not in p["where"].split(":")[0] for p in body["problems"])
    # and a good one is stored under its blueprint's id, nothing written beside the store
    base, token, folder = server
    beside = sorted(p.name for p in folder.parent.iterdir())
    good = (BAD / "cycle.yaml").read_text().replace("supports: [check]", "supports: []").encode()
    stored = httpx.post(f"{base}/api/blueprints", files={"file": (name, good)},
                        headers={"Authorization": f"Bearer {token}"}, timeout=60)
    if stored.status_code == 201:
        assert httpx.delete(f"{base}/api/blueprints/{stored.json()['stored'][0]['id']}",
                            headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code == 200
    assert sorted(p.name for p in folder.parent.iterdir()) == beside
    # backup names: repository/test_backup.py::test_backup_names_are_names_never_paths


# -- queries --------------------------------------------------------------------------------------------

def test_malformed_sparql_says_where(server: tuple[str, str, Path]) -> None:
    base = server[0]
    answer = httpx.get(f"{base}/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"}, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"] == "query-error" and answer.json()["where"] == "line 2, column 16"
    assert answer.json()["hint"] == "fix the syntax at that place"
    update = httpx.post(f"{base}/sparql", content=b"INSERT DATA { <a:b> <a:c> }", timeout=30,
                        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {server[1]}"})
    assert update.status_code == 400 and update.json()["where"].startswith("line 1, column ")


def test_a_runaway_query_is_stopped_while_others_are_answered(server: tuple[str, str, Path]) -> None:
    # unbounded property paths times a full scan; a cross product is in sparql/test_endpoint.py.
    # Asserted as an order of events, not a speed: the runaway is sent first, the cheap
    # answers all arrive before it is stopped, and it is stopped no sooner than the limit.
    base = server[0]
    slow: dict[str, Any] = {}
    sent = threading.Event()

    def run() -> None:
        with httpx.Client(timeout=120, event_hooks={"request": [lambda _: sent.set()]}) as client:
            slow["answer"] = client.get(f"{base}/sparql", params={
                "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x:none>)* ?b . ?c ?d ?e }"})
        slow["seconds"] = time.monotonic() - started

    # the query workers start on first use: started before, so no request below waits for one to start
    assert httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=60).status_code == 200
    started = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    assert sent.wait(60)
    assert httpx.get(f"{base}/api/blueprints", timeout=60).status_code == 200
    assert httpx.get(f"{base}/api/queries/fail_points_by_system", params={"system": "boss"}, timeout=60).status_code == 200
    assert httpx.get(f"{base}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60).json()["boolean"] is True
    assert "answer" not in slow, "the cheap requests waited for the runaway query"
    thread.join(120)  # a hang guard, not a speed
    assert slow["answer"].status_code == 503 and slow["answer"].json()["error"] == "query-timeout"
    assert slow["answer"].json()["hint"]
    assert slow["seconds"] >= TIMEOUT


def test_unknown_named_query_or_parameter(server: tuple[str, str, Path]) -> None:
    base = server[0]
    missing = httpx.get(f"{base}/api/queries/fail_points_by_sistem", timeout=30)
    assert missing.status_code == 404 and "fail_points_by_system" in missing.json()["hint"]
    extra = httpx.get(f"{base}/api/queries/fail_points_by_system", params={"system": "boss", "colour": "red"}, timeout=30)
    assert extra.status_code == 400 and extra.json()["where"] == "colour" and "has no parameter colour" in extra.json()["message"]
    assert "system" in extra.json()["hint"]
    unknown = httpx.get(f"{base}/api/queries/fail_points_by_system", params={"system": "no-such-system"}, timeout=30)
    assert unknown.status_code == 404 and unknown.json()["where"] == "no-such-system" and unknown.json()["hint"]
