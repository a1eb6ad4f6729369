"""Who may write what: read tokens never write, browsers on other sites cannot write with the
reader's credentials, a write changes only the graphs it names, stored IRIs never become a
script link or an off-site redirect, and every page carries a strict Content-Security-Policy."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from rdflib import URIRef
from typer.testing import CliRunner

from kgbp.auth import create_token, load_holders, tokens_path
from kgbp.cli import app as cli_app
from kgbp.config import Settings
from kgbp.model.namespaces import ID, REPOSITORY_GRAPH
from kgbp.store.embedded import EmbeddedStore
from kgbp.web.app import create_app
from kgbp.web.links import link

from ..live_server import running_server
from .test_access import BODIES, WRITE_METHODS, concrete, routes_of

A = f"{ID}service/arrears-reconnect/as-is"
B = f"{ID}service/restaurant-checkout/as-is"
B_STEP = f"{B}/step/order"
SB = "https://w3id.org/kgbp/ontology#"
EVIL_DEPARTMENT = "javascript:alert(document.domain)//d"
PREFIXES = f"PREFIX sb: <{SB}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


@pytest.fixture(scope="module")
def folder(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("authorisation") / "store"
    examples_store.backup(str(path))
    return path


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[tuple[str, str, str]]:
    """(base URL, write token, read token)."""
    settings = Settings(store=str(folder))
    writer, reader = create_token(settings, "writer"), create_token(settings, "reader", "read")
    with running_server(settings) as base:
        yield base, writer, reader


def dump(base: str) -> bytes:
    return httpx.get(f"{base}/export/repository.nq", timeout=30).content


def update(base: str, token: str, text: str, **headers: str) -> httpx.Response:
    return httpx.post(f"{base}/sparql", data={"update": text}, timeout=60,
                      headers={"Authorization": f"Bearer {token}", **headers})


# -- read and write tokens -------------------------------------------------------------------

def test_a_read_token_is_refused_on_every_write_route(server: tuple[str, str, str], folder: Path) -> None:
    base, _, reader = server
    writes = [(m, p) for m, p in routes_of(create_app(Settings(store=str(folder)))) if m in WRITE_METHODS]
    before = dump(base)
    for method, path in writes:
        params = {"graph": A} if path == "/rdf-graphs/service" else {"activity": "abcd", "name": "x"}
        body = BODIES.get((method, path), {"files": {"file": ("arrears-reconnect.yaml", b"service: {id: x}\n")}})
        if "files" in body:  # the HTML forms take the token as a form field
            body = {**body, "data": {"token": reader}}
        answer = httpx.request(method, base + concrete(path), params=params, timeout=30,
                               **{**body, "headers": {**body.get("headers", {}), "Authorization": f"Bearer {reader}"}})
        assert answer.status_code == 403, (method, path, answer.status_code, answer.text[:300])
        if answer.headers["content-type"].startswith("application/json"):
            assert answer.json()["error"] == "forbidden" and "read token" in answer.json()["message"]
    assert dump(base) == before


def test_a_read_token_reads_when_reads_need_a_token(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(folder, path, ignore=shutil.ignore_patterns("tokens"))
    settings = Settings(store=str(path), read_token_required=True)
    reader = create_token(settings, "dashboards", "read")
    with running_server(settings) as base:
        assert httpx.get(f"{base}/api/blueprints", timeout=30).status_code == 401
        assert httpx.get(f"{base}/api/blueprints", headers={"Authorization": f"Bearer {reader}"}, timeout=30).status_code == 200
        denied = httpx.delete(f"{base}/api/blueprints/arrears-reconnect/as-is", timeout=30,
                              headers={"Authorization": f"Bearer {reader}"})
        assert denied.status_code == 403


def test_tokens_say_their_kind_and_old_lines_stay_write_tokens(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "store"))
    tokens_path(settings).parent.mkdir(parents=True)
    tokens_path(settings).write_text("legacy:" + "0" * 64 + "\n")
    runner = CliRunner()
    made = runner.invoke(cli_app, ["token", "create", "viewer", "--read", "--store", str(tmp_path / "store")])
    assert made.exit_code == 0 and made.stdout.strip().startswith("kgbp-read-")
    assert runner.invoke(cli_app, ["token", "create", "editor", "--store", str(tmp_path / "store")]).stdout.strip() \
        .startswith("kgbp-write-")
    assert {h.name: h.kind for h in load_holders(settings).values()} == {"legacy": "write", "viewer": "read",
                                                                          "editor": "write"}
    listed = runner.invoke(cli_app, ["token", "list", "--store", str(tmp_path / "store")]).stdout.split()
    assert listed == ["legacy", "write", "viewer", "read", "editor", "write"]
    rotated = runner.invoke(cli_app, ["token", "rotate", "viewer", "--store", str(tmp_path / "store")])
    assert rotated.stdout.strip().startswith("kgbp-read-")  # rotating keeps the kind


# -- cross-site writes ---------------------------------------------------------------------------

def test_writes_from_another_site_are_refused(server: tuple[str, str, str]) -> None:
    """As behind a proxy that adds the Authorization header for its signed-in users."""
    base, writer, _ = server
    before = dump(base)
    drop = f"DELETE WHERE {{ GRAPH <{A}> {{ ?s ?p ?o }} }}"
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "https://other.example"}, {"Origin": "null"}):
        assert update(base, writer, drop, **headers).status_code == 403, headers
        form = httpx.post(f"{base}/upload", files={"file": ("x.yaml", b"x: 1\n")}, data={"token": writer},
                          headers=headers, timeout=30)
        assert form.status_code == 403, headers
        gone = httpx.delete(f"{base}/api/blueprints/arrears-reconnect/as-is", timeout=30,
                            headers={"Authorization": f"Bearer {writer}", **headers})
        assert gone.status_code == 403 and "cross-site" in gone.json()["message"], headers
        in_zh = httpx.delete(f"{base}/api/blueprints/arrears-reconnect/as-is?lang=zh", timeout=30,
                             headers={"Authorization": f"Bearer {writer}", **headers})
        assert in_zh.status_code == 403 and in_zh.json()["message"].startswith("拒绝跨站写入"), headers
        assert "cross-site write" not in in_zh.json()["message"] + in_zh.json()["hint"]
    assert dump(base) == before
    # the same page's own forms and scripts go on to the token check
    same = {"Sec-Fetch-Site": "same-origin", "Origin": base}
    assert update(base, "not-a-token", drop, **same).status_code == 401
    assert update(base, "not-a-token", drop, Origin=base).status_code == 401
    assert httpx.get(f"{base}/api/blueprints", headers={"Origin": "https://evil.example"}, timeout=30).status_code == 200


# -- a write changes only the graphs it names -----------------------------------------------------

def test_a_write_into_one_blueprint_cannot_change_another_or_shared_entities(server: tuple[str, str, str]) -> None:
    base, writer, _ = server
    before = dump(base)
    step_of_b = f"{PREFIXES}INSERT DATA {{ GRAPH <{A}> {{ <{B_STEP}> rdfs:label \"hijacked\"@en }} }}"
    answer = update(base, writer, step_of_b)
    assert answer.status_code == 400 and "is not part of blueprint" in answer.json()["message"], answer.text
    department = f"{ID}department/marketing"
    relabel = (f"{PREFIXES}INSERT DATA {{ GRAPH <{A}> {{ <{department}> a sb:Department ; "
               f"rdfs:label \"pwned\"@en }} }}")
    answer = update(base, writer, relabel)
    assert answer.status_code in (400, 403) and "marketing" in answer.json()["message"], answer.text
    turtle = f"<{B_STEP}> <http://www.w3.org/2000/01/rdf-schema#label> \"hijacked\"@en .".encode()
    answer = httpx.post(f"{base}/rdf-graphs/service", params={"graph": A}, content=turtle, timeout=30,
                        headers={"Authorization": f"Bearer {writer}", "Content-Type": "text/turtle"})
    assert answer.status_code == 400, answer.text
    assert dump(base) == before


def test_extra_graphs_and_stray_shared_entities_are_refused(server: tuple[str, str, str]) -> None:
    base, writer, _ = server
    before = dump(base)
    exported = httpx.get(f"{base}/api/blueprints/arrears-reconnect/as-is/export", params={"format": "trig"}, timeout=30)
    assert exported.status_code == 200, exported.text
    trig = exported.text
    extra = trig + '\n<http://x/extra> { <http://x/a> <http://x/b> "kept forever" . }\n'
    stray = trig + (f'\n<{A}> {{ <{ID}department/ghost> a <{SB}Department> ; '
                    f'<http://www.w3.org/2000/01/rdf-schema#label> "ghost" . }}\n')
    loose = trig + '\n<http://x/a> <http://x/b> "in the default graph" .\n'
    for body, expected in ((extra, "holds no blueprint"), (stray, "never names it"), (loose, "outside every blueprint")):
        answer = httpx.post(f"{base}/api/blueprints", files={"file": ("probe.trig", body.encode())}, timeout=60,
                            headers={"Authorization": f"Bearer {writer}"})
        assert answer.status_code == 400 and expected in answer.json()["message"], answer.text[:500]
    assert dump(base) == before
    # the export itself reads back (its departments and systems are named by the blueprint)
    again = httpx.post(f"{base}/api/blueprints", files={"file": ("again.trig", trig.encode())}, timeout=60,
                       headers={"Authorization": f"Bearer {writer}"})
    assert again.status_code == 201, again.text[:500]


# -- links, redirects and the Content-Security-Policy -------------------------------------------

def test_links_are_built_only_from_safe_iris() -> None:
    assert link(EVIL_DEPARTMENT) == ""
    assert link("JavaScript:alert(1)") == "" and link("data:text/html,x") == "" and link("file:///etc/passwd") == ""
    assert link("//evil.example/x") == "" and link("vbscript:x") == ""
    assert link("https://example.org/x") == "https://example.org/x"
    assert link(f"{ID}department/marketing") == "/id/department/marketing"
    assert link(A) == "/blueprints/arrears-reconnect/as-is"


@pytest.fixture(scope="module")
def tampered(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store changed behind kgbp's back: a javascript: department, a step in an outside blueprint."""
    path = tmp_path_factory.mktemp("tampered") / "store"
    examples_store.backup(str(path))
    store = EmbeddedStore(path)
    step = f"{A}/step/balance-runs-low"
    store.update(f"DELETE {{ GRAPH <{A}> {{ ?s <{SB}responsibleDepartment> ?d }} }} "
                 f"INSERT {{ GRAPH <{A}> {{ ?s <{SB}responsibleDepartment> <{EVIL_DEPARTMENT}> }} }} "
                 f"WHERE {{ GRAPH <{A}> {{ ?s <{SB}responsibleDepartment> ?d }} }}")
    store.update(f"INSERT DATA {{ GRAPH <{REPOSITORY_GRAPH}> {{ <{EVIL_DEPARTMENT}> a <{SB}Department> }} }} ; "
                 f"DELETE WHERE {{ GRAPH <{A}> {{ <{step}> <{SB}inBlueprint> ?b }} }} ; "
                 f"INSERT DATA {{ GRAPH <{A}> {{ <{step}> <{SB}inBlueprint> <https://evil.example/> }} }}")
    store.close()
    with running_server(Settings(store=str(path))) as base:
        yield base


def test_stored_iris_never_become_script_links_or_off_site_redirects(tampered: str) -> None:
    base = tampered
    pages = ["/blueprints/arrears-reconnect/as-is", "/validation", "/questions/fail_points_by_department",
             "/", "/questions", "/sparql-editor", "/upload"]
    for page in pages:
        answer = httpx.get(base + page, timeout=60)
        assert answer.status_code in (200, 400, 422), (page, answer.status_code)
        hrefs = re.findall(r'(?:href|src|action)\s*=\s*"([^"]*)"', answer.text, re.IGNORECASE)
        assert not [h for h in hrefs if re.match(r"\s*(?:javascript:|vbscript:|data:(?!,$))", h, re.IGNORECASE)], page
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        assert "unsafe-inline" not in policy or page == "/sparql-editor"  # YASGUI's result views set inline styles
        assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.text), page  # no inline script
        assert not re.search(r"\son[a-z]+\s*=", answer.text), page  # no inline event handler
    step = quote("service/arrears-reconnect/as-is/step/balance-runs-low")
    answer = httpx.get(f"{base}/id/{step}", timeout=30, follow_redirects=False)
    assert answer.status_code in (303, 404)
    assert not answer.headers.get("location", "/").startswith(("http:", "https:", "//")), answer.headers
    assert URIRef(A)  # the blueprint itself still has its page
    assert httpx.get(f"{base}/blueprints/arrears-reconnect/as-is", timeout=30).status_code == 200
