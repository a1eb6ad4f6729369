"""Finding 8: a library's exception on a client's input is a 400 with a place, and exit code 2.

YAML `.nan` reached pySHACL (decimal.InvalidOperation), an escaped '>' in a Turtle IRI reached
the history's N-Triples (ValueError), JSON-LD nested 100,000 deep reached the parser's
recursion limit. Each now answers as bad input, over HTTP and in the CLI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ..conftest import DATA, ROOT

BASE_YAML = (DATA / "shapes" / "base.yaml").read_text("utf-8")
BASE_TTL = (DATA / "shapes" / "base.ttl").read_text("utf-8")


def _nan_yaml() -> bytes:
    assert "share: 0.9" in BASE_YAML
    return BASE_YAML.replace("share: 0.9", "share: .nan", 1).encode()


def _escaped_iri_ttl() -> bytes:
    assert "bp:step\\/call a sb:Step" in BASE_TTL
    return BASE_TTL.replace("sb:evidenceOf bp:step\\/call", "sb:evidenceOf <https://w3id.org/kgbp/id/x\\u003Ey>", 1).encode()


def _deep_jsonld() -> bytes:
    depth = 100_000
    return ('{"@id": "https://w3id.org/kgbp/id/service/deep/as-is", "https://w3id.org/kgbp/ontology#note": '
            + '{"@list": [' * depth + "1" + "]}" * depth + "}").encode()


CASES = [("nan.yaml", _nan_yaml(), "nan.yaml:13:"), ("escaped.ttl", _escaped_iri_ttl(), "x>y"),
         ("deep.jsonld", _deep_jsonld(), "deep.jsonld")]


@pytest.mark.parametrize(("name", "data", "place"), CASES, ids=[c[0] for c in CASES])
def test_upload_answers_400_with_a_place(examples_server: tuple[str, str], name: str, data: bytes, place: str) -> None:
    base, token = examples_server
    answer = httpx.post(f"{base}/api/blueprints", files={"file": (name, data)},
                        headers={"Authorization": f"Bearer {token}"}, timeout=120)
    assert answer.status_code == 400, answer.text[:500]
    body = answer.json()
    assert body["error"] == "bad-input"
    assert place in str(body), body
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(("name", "data", "place"), CASES[1:], ids=[c[0] for c in CASES[1:]])  # RDF only
def test_graph_store_answers_400(examples_server: tuple[str, str], name: str, data: bytes, place: str) -> None:
    base, token = examples_server
    media = "text/turtle" if name.endswith(".ttl") else "application/ld+json"
    answer = httpx.post(f"{base}/rdf-graphs/service", content=data, timeout=120,
                        headers={"Authorization": f"Bearer {token}", "Content-Type": media},
                        params={"graph": "https://w3id.org/kgbp/id/service/shape-test/as-is"})
    assert answer.status_code == 400, answer.text[:500]
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(("name", "data", "place"), CASES, ids=[c[0] for c in CASES])
def test_cli_exits_2_without_a_traceback(tmp_path: Path, name: str, data: bytes, place: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    for command in (["validate", str(path)], ["load", str(path), "--store", str(tmp_path / "store")]):
        done = subprocess.run([sys.executable, "-m", "kgbp.cli", *command], capture_output=True, text=True,
                              timeout=300, cwd=ROOT)
        assert done.returncode == 2, (command, done.stdout[-500:], done.stderr[-2000:])
        assert "Traceback" not in done.stderr
        assert place in done.stderr or name in done.stderr, done.stderr[-500:]
