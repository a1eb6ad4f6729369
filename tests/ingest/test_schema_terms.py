"""The JSON Schema and the reader agree on every key and value the reader accepts, in zh and
en; and every schema error carries a hint."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
from jsonschema import Draft202012Validator

from kgbp.errors import BadInput
from kgbp.ingest import read_bytes
from kgbp.ingest.schema_terms import generated_schema, lane_keys, spellings
from kgbp.model.namespaces import SB

SCHEMA = json.loads(files("kgbp.ingest").joinpath("blueprint.schema.json").read_text("utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)


def doc(**extra: object) -> dict[str, object]:
    return {"service": {"id": "s", "label": {"en": "S", "zh": "S"}},
            "steps": {"customer": [{"id": "c", "label": {"en": "C", "zh": "C"}}]}, **extra}


def test_the_schema_file_is_generated_from_the_vocabulary() -> None:
    assert generated_schema(SCHEMA) == SCHEMA, "regenerate: .venv/bin/python scripts/gen-schema.py"


@pytest.mark.parametrize("key", sorted(lane_keys()))
def test_every_lane_key_the_reader_accepts_is_valid_in_the_schema(key: str) -> None:
    assert not list(VALIDATOR.iter_errors(doc(steps={key: [{"id": "x", "label": "X"}]})))
    text = f"service: {{id: s, label: S}}\nsteps:\n  {json.dumps(key, ensure_ascii=False)}:\n    - {{id: x, label: X}}\n"
    bp = read_bytes(text.encode(), "lane.yaml")[0]
    assert any(bp.graph.triples((None, SB.inLane, None)))  # the step is read, in its lane


def test_chinese_and_english_lane_names_are_accepted_by_both() -> None:
    for key in ("前台服务", "前台行为", "Frontstage", "customer actions", "Customer actions", "支撑系统", "support systems"):
        assert key in lane_keys()
    assert lane_keys()["后台支撑"] == "backstage"
    for refused in ("FRONTSTAGE", "有形展示", "lane"):  # not a spelling we read: refused by both
        assert list(VALIDATOR.iter_errors(doc(steps={refused: []})))
        with pytest.raises(BadInput):
            read_bytes(f"service: {{id: s, label: S}}\nsteps:\n  {refused}: []\n".encode(), "lane.yaml")


@pytest.mark.parametrize(("field", "scheme"), [("status", "status"), ("performer", "performer")])
def test_every_status_and_performer_spelling_is_valid_in_the_schema(field: str, scheme: str) -> None:
    for value in spellings(scheme):
        candidate = doc(status=value) if field == "status" else doc(steps={"backstage": [{"id": "b", "performer": value}]})
        assert not list(VALIDATOR.iter_errors(candidate)), value
    assert {"草稿", "draft", "现状"} & set(spellings("status"))


def test_a_chinese_draft_status_is_read_as_a_draft() -> None:
    drafts = [k for k, c in spellings("status").items() if c == SB.Draft]
    assert "draft" in drafts and len(drafts) > 1
    for value in drafts:
        bp = read_bytes(f"service: {{id: s, label: S}}\nstatus: {value}\nsteps:\n  customer: []\n".encode(), "d.yaml")[0]
        assert bp.draft, value


def test_the_same_lane_twice_is_refused() -> None:
    with pytest.raises(BadInput) as caught:
        read_bytes("service: {id: s, label: S}\nsteps:\n  frontstage: []\n  前台服务: []\n".encode(), "twice.yaml")
    assert "lane 'frontstage' is given twice" in caught.value.message


BAD = [
    ("steps:\n  customer:\n    - {id: c, fail: text}\n", "write `fail: true`"),
    ("steps:\n  customer:\n    - {id: c, wait: 3}\n", "write `wait: true`"),
    ("steps:\n  customer:\n    - {id: c, position: 0}\n", "write at least 1 here"),
    ("steps:\n  customer:\n    - {id: c, label: 5}\n", "one per language"),
    ("level: -1\nsteps: {}\n", "at least 0"),
    ("format: kgbp/2\nsteps: {}\n", "exactly 'kgbp/1'"),
    ("steps:\n  customer:\n    - {id: c, systems: {a: b}}\n", "a list"),
    ("systems:\n  - {id: s, aliases: {a: b}}\nsteps: {}\n", "or a list"),
    ("refines: x\nsteps: {}\n", "refines: {blueprint"),
    ("steps:\n  customer:\n    - {id: c, label: {english: C}}\n", "one per language"),
]


@pytest.mark.parametrize(("body", "hint"), BAD)
def test_every_schema_error_carries_a_hint(body: str, hint: str) -> None:
    with pytest.raises(BadInput) as caught:
        read_bytes(("service: {id: s, label: S}\n" + body).encode(), "bad.yaml")
    problems = caught.value.problems
    assert problems and all(p.hint for p in problems)
    assert any(hint in p.hint for p in problems), [p.hint for p in problems]
