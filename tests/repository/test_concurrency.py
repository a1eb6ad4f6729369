"""Optimistic concurrency: ETags on reads, If-Match / If-None-Match on writes, `--if-version`
on the CLI. Two writers who read the same version: one wins, the other gets 412 with what
changed, never a silent overwrite."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kgbp.auth import create_token
from kgbp.cli import app
from kgbp.config import Settings
from kgbp.model import iris
from kgbp.repository import concurrency
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore

from ..live_server import running_server

ARREARS = next(p for p in examples() if p.name == "arrears-reconnect.yaml")
LIFECYCLE = next(p for p in examples() if p.name == "customer-lifecycle.yaml")  # arrears refines one of its steps
TITLE = "Suspended for arrears, pay, reconnect"
URL = "/api/blueprints/arrears-reconnect/as-is"


def arrears(title: str) -> bytes:
    """The arrears example with another English title."""
    text = ARREARS.read_text("utf-8")
    assert text.count(TITLE) == 1
    return text.replace(TITLE, title).encode("utf-8")


@pytest.fixture(scope="module")
def server(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A server on a copy of the examples, with two writers' tokens."""
    folder = tmp_path_factory.mktemp("concurrency") / "store"
    examples_store.backup(str(folder))
    settings = Settings(store=str(folder))
    tokens = {name: create_token(settings, name) for name in ("alice", "bob")}
    with running_server(settings) as base:
        yield base, tokens


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def upload(base: str, token: str, data: bytes, **headers: str) -> httpx.Response:
    return httpx.post(f"{base}/api/blueprints", files={"file": ("arrears-reconnect.yaml", data)},
                      headers=auth(token, **headers), timeout=60)


def title(base: str) -> str:
    return str(httpx.get(base + URL, timeout=30).json()["title"])


def test_reads_carry_the_stored_version_as_etag(server: tuple[str, dict[str, str]]) -> None:
    base, _ = server
    read = httpx.get(base + URL, timeout=30)
    tag = read.headers["etag"]
    assert tag.startswith('"') and len(tag) == 34 and read.json()["etag"] == tag
    for fmt in ("ttl", "nt", "jsonld"):
        assert httpx.get(f"{base}{URL}/export", params={"format": fmt}, timeout=30).headers["etag"] == tag
    unchanged = httpx.get(base + URL, headers={"If-None-Match": tag}, timeout=30)
    assert unchanged.status_code == 304 and unchanged.headers["etag"] == tag and unchanged.content == b""
    assert httpx.get(base + URL, headers={"If-None-Match": '"' + "0" * 32 + '"'}, timeout=30).status_code == 200


def test_two_writers_of_one_version_one_wins_the_other_gets_412(server: tuple[str, dict[str, str]]) -> None:
    base, tokens = server
    for round_ in range(4):
        tag = httpx.get(base + URL, timeout=30).headers["etag"]
        start = threading.Barrier(2)
        answers: dict[str, httpx.Response] = {}

        def write(who: str, round_: int = round_, tag: str = tag, start: threading.Barrier = start,
                  answers: dict[str, httpx.Response] = answers) -> None:
            data = arrears(f"{TITLE} ({who}, round {round_})")
            start.wait()
            answers[who] = upload(base, tokens[who], data, **{"If-Match": tag})

        threads = [threading.Thread(target=write, args=(who,)) for who in ("alice", "bob")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        statuses = sorted(a.status_code for a in answers.values())
        assert statuses == [201, 412], {w: a.text for w, a in answers.items()}
        winner = next(w for w, a in answers.items() if a.status_code == 201)
        loser = answers["bob" if winner == "alice" else "alice"].json()
        new_tag = answers[winner].headers["etag"]
        # the loser hears what it is now and who changed it
        assert loser["error"] == "precondition-failed" and loser["etag"] == new_tag
        assert loser["last_change"]["agent"] == winner and loser["last_change"]["action"] == "save"
        assert loser["last_change"]["added"] == loser["last_change"]["removed"] == 1  # the title, in English
        assert f"last save by {winner}" in loser["message"] and loser["hint"]
        assert answers["bob" if winner == "alice" else "alice"].headers["etag"] == new_tag
        # the winner's write is what is stored: no silent overwrite
        assert title(base) == f"{TITLE} ({winner}, round {round_})"
        assert httpx.get(base + URL, timeout=30).headers["etag"] == new_tag


def test_a_stale_version_is_refused_and_the_current_one_accepted(server: tuple[str, dict[str, str]]) -> None:
    base, tokens = server
    tag = httpx.get(base + URL, timeout=30).headers["etag"]
    first = upload(base, tokens["alice"], arrears(f"{TITLE} (first)"), **{"If-Match": tag})
    assert first.status_code == 201
    stale = upload(base, tokens["bob"], arrears(f"{TITLE} (stale)"), **{"If-Match": tag})
    assert stale.status_code == 412 and stale.json()["etag"] == first.headers["etag"]
    assert title(base) == f"{TITLE} (first)"
    fresh = upload(base, tokens["bob"], arrears(f"{TITLE} (merged)"), **{"If-Match": first.headers["etag"]})
    assert fresh.status_code == 201 and title(base) == f"{TITLE} (merged)"
    # If-Match: * = "it must exist"; unconditional writes still work
    assert upload(base, tokens["bob"], arrears(TITLE), **{"If-Match": "*"}).status_code == 201
    assert upload(base, tokens["bob"], arrears(TITLE)).status_code == 201


def test_create_only_and_malformed_versions(server: tuple[str, dict[str, str]]) -> None:
    base, tokens = server
    exists = upload(base, tokens["alice"], arrears(TITLE), **{"If-None-Match": "*"})
    assert exists.status_code == 412 and "exists already" in exists.json()["message"]
    for bad, what in (("W/\"abc\"", "weak"), ("yesterday", "not a blueprint version"), ("", "empty")):
        answer = upload(base, tokens["alice"], arrears(TITLE), **{"If-Match": bad})
        assert answer.status_code == 400 and what in answer.json()["message"], answer.text
    new = ARREARS.read_text("utf-8").replace("id: arrears-reconnect", "id: arrears-reconnect-copy").encode()
    created = httpx.post(f"{base}/api/blueprints", files={"file": ("copy.yaml", new)},
                         headers=auth(tokens["alice"], **{"If-None-Match": "*"}), timeout=60)
    assert created.status_code == 201, created.text
    gone = httpx.delete(f"{base}/api/blueprints/arrears-reconnect-copy/as-is", headers=auth(tokens["alice"]), timeout=30)
    assert gone.status_code == 200


def test_delete_honours_if_match(server: tuple[str, dict[str, str]]) -> None:
    base, tokens = server
    new = ARREARS.read_text("utf-8").replace("id: arrears-reconnect", "id: arrears-doomed").encode()
    tag = httpx.post(f"{base}/api/blueprints", files={"file": ("doomed.yaml", new)},
                     headers=auth(tokens["alice"]), timeout=60).headers["etag"]
    url = f"{base}/api/blueprints/arrears-doomed/as-is"
    changed = new.replace(TITLE.encode(), b"Doomed, but edited")
    edited = httpx.post(f"{base}/api/blueprints", files={"file": ("doomed.yaml", changed)},
                        headers=auth(tokens["alice"]), timeout=60)
    refused = httpx.delete(url, headers=auth(tokens["bob"], **{"If-Match": tag}), timeout=30)
    assert refused.status_code == 412 and refused.json()["last_change"]["agent"] == "alice"
    assert httpx.get(url, timeout=30).status_code == 200
    done = httpx.delete(url, headers=auth(tokens["bob"], **{"If-Match": edited.headers["etag"]}), timeout=30)
    assert done.status_code == 200
    again = httpx.delete(url, headers=auth(tokens["bob"], **{"If-Match": edited.headers["etag"]}), timeout=30)
    assert again.status_code == 412 and "removed by bob" in again.json()["message"]


def test_a_file_of_several_blueprints_cannot_carry_one_version(server: tuple[str, dict[str, str]]) -> None:
    base, tokens = server
    trig = httpx.get(f"{base}/export/repository.trig", timeout=30).content
    answer = httpx.post(f"{base}/api/blueprints", files={"file": ("all.trig", trig)},
                        headers=auth(tokens["alice"], **{"If-Match": "*"}), timeout=60)
    assert answer.status_code == 400 and "guards one blueprint" in answer.json()["message"]


def test_the_version_is_a_hash_of_the_stored_content(empty_store: EmbeddedStore, tmp_path: Path) -> None:
    from ..conftest import load_files

    iri = iris.blueprint_iri("arrears-reconnect", "as-is")
    assert concurrency.version(empty_store, iri) is None
    load_files(empty_store, [LIFECYCLE])
    first = load_files(empty_store, [ARREARS]).saved[0].version
    assert first == concurrency.version(empty_store, iri) and len(first or "") == 32
    assert load_files(empty_store, [ARREARS]).saved[0].version == first  # same content, same version
    edited = tmp_path / "arrears-reconnect.yaml"
    edited.write_bytes(arrears(f"{TITLE}!"))
    assert load_files(empty_store, [edited]).saved[0].version not in (None, first)


def test_cli_load_if_version(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["load", str(LIFECYCLE), str(ARREARS), "--store", store]).exit_code == 0
    listed = runner.invoke(app, ["list", "--etag", "--store", store])
    ident, version = listed.stdout.strip().splitlines()[0].split("\t")
    assert ident == "arrears-reconnect/as-is" and len(version) == 32
    shown = runner.invoke(app, ["show", "arrears-reconnect", "-f", "table", "--store", store], env={"COLUMNS": "200"})
    assert f"version {version}" in shown.stdout
    edited = tmp_path / "arrears-reconnect.yaml"
    edited.write_bytes(arrears(f"{TITLE} (by the CLI)"))
    ok = runner.invoke(app, ["load", str(edited), "--store", store, "--if-version", version])
    assert ok.exit_code == 0, ok.output
    stale = runner.invoke(app, ["load", str(ARREARS), "--store", store, "--if-version", version], env={"COLUMNS": "300"})
    assert stale.exit_code == 2
    assert "changed since you read it" in stale.output and "last save by cli" in stale.output and "->" in stale.output
    several = runner.invoke(app, ["load", str(ARREARS), str(edited), "--store", store, "--if-version", version])
    assert several.exit_code == 2 and "guards one blueprint" in several.output
    removed = runner.invoke(app, ["remove", "arrears-reconnect", "--store", store, "--if-version", version])
    assert removed.exit_code == 2 and "changed since you read it" in removed.output


def test_the_version_a_save_gives_is_the_version_read_back(empty_store: EmbeddedStore) -> None:
    """The embedded store's save gives the version from the N-Triples it wrote, without reading
    the graph again: it must be the hash a later read makes (Chinese labels, typed literals,
    blank nodes, every example)."""
    from ..conftest import load_files

    saved = load_files(empty_store, examples()).saved
    assert len(saved) == len(examples())
    for one in saved:
        assert one.version is not None and one.version == concurrency.version(empty_store, one.iri), one.id
