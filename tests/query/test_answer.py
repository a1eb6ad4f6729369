"""The answer path (query/answer.py, the paged and streamed output) gives exactly the rows the
rdflib-term path gives, on every named query: on generated blueprints and on the examples."""

from __future__ import annotations

import csv
import io
import json
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from kgbp.errors import NotFound
from kgbp.ingest import SharedIndex, read_bytes
from kgbp.query import answer as answers
from kgbp.query.answer import answer
from kgbp.query.catalogue import NamedQuery, QueryResult, load_catalogue, parse_query_file, run
from kgbp.query.output import page_json, result_csv, result_json, stream_csv, stream_json
from kgbp.repository import save as repository
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

from ..conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import documents

# what the generated data holds (bench/run.py asks the same); periods and dates for evidence questions
GENERATED = {"service": "svc-00003", "system": "boss", "department": "dept-01", "kind": "remote", "step": "s0",
             "blueprint": "svc-00003/as-is", "from": "2026-01", "to": "2026-12", "as_of": "2026-06-30"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("generated") / "store")
    repository.init(store)
    index, blueprints = SharedIndex(), []
    for name, text in documents(12):
        bp = read_bytes(text.encode(), name, index)[0]
        index.merge(SharedIndex.from_graph(bp.shared))
        blueprints.append(bp)
    repository.save(store, blueprints, validator=Validator())
    yield store
    store.close()


@pytest.fixture(scope="module")
def with_evidence(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The examples and their evidence (complaints, measurements, actions): rows for every question."""
    from kgbp.quality import load_evidence

    path = tmp_path_factory.mktemp("evidence") / "store"
    examples_store.backup(str(path))
    store = EmbeddedStore(path)
    load_evidence(store, [(p.name, p.read_bytes()) for p in sorted((ROOT / "examples" / "evidence").glob("*.csv"))],
                  agent="examples")
    yield store
    store.close()


def cases(values: dict[str, str]) -> list[tuple[NamedQuery, dict[str, str]]]:
    """Each named query with the values it needs; an optional parameter both given and left out."""
    out = []
    for q in load_catalogue().values():
        needed = {p.name: values[p.name] for p in q.user_params if p.required and p.name in values}
        if len(needed) < sum(p.required for p in q.user_params):
            continue
        out.append((q, needed))
        optional = {p.name: values[p.name] for p in q.user_params if not p.required and p.name in values}
        if optional:
            out.append((q, {**needed, **optional}))
    return out


def streamed(chunks: Iterator[bytes]) -> str:
    return b"".join(chunks).decode()


def same_rows(store: EmbeddedStore, q: NamedQuery, params: dict[str, str], lang: str) -> int:
    try:
        before = run(store, q, params, lang)
    except NotFound:
        return -1  # a name the data lacks (an action on generated data)
    expected_json, expected_csv = result_json(before), result_csv(before)
    after = answer(store, q, params, lang)
    assert after.total == len(before.rows)
    whole = json.loads(streamed(stream_json(after)))
    assert whole["rows"] == expected_json["rows"], q.name
    assert (whole["columns"], whole["params"], whole["total"]) == (expected_json["columns"], expected_json["params"],
                                                                   len(before.rows))
    assert streamed(stream_csv(after)) == expected_csv, q.name
    # pages of 7 rows, laid end to end, are the whole answer; the page's table terms are the old rows
    pages = [page_json(after, offset, 7, None)["rows"] for offset in range(0, after.total, 7)]
    assert [row for page in pages for row in page] == expected_json["rows"]
    assert after.page(3, 5).rows.rows == before.rows.rows[3:8]
    cut = list(csv.reader(io.StringIO(streamed(stream_csv(after, 2, 3)))))
    assert cut == list(csv.reader(io.StringIO(expected_csv)))[:1] + list(csv.reader(io.StringIO(expected_csv)))[3:6]
    return after.total


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_named_query_gives_the_same_rows_on_generated_data(generated: EmbeddedStore, lang: str) -> None:
    totals = {(q.name, tuple(p)): same_rows(generated, q, p, lang) for q, p in cases(GENERATED)}
    assert len({name for name, _ in totals}) >= len(load_catalogue()) - 1  # all but action_effect (no actions)
    assert sum(t > 0 for t in totals.values()) >= 10  # answers with rows, not only empty ones


def test_every_named_query_gives_the_same_rows_on_the_examples(with_evidence: EmbeddedStore) -> None:
    examples = {p.name: p.example for q in load_catalogue().values() for p in q.user_params if p.example}
    values = {"system": "boss", "department": "network-ops", "service": "arrears-reconnect",
              "blueprint": "arrears-reconnect/as-is", **examples}
    totals = [same_rows(with_evidence, q, p, "en") for q, p in cases(values)]
    assert sum(t > 0 for t in totals) >= 15


def test_an_answer_is_evaluated_once_until_the_next_write(generated: EmbeddedStore) -> None:
    first = answer(generated, "fail_points_by_system", {"system": "sys-05"})
    again = answer(generated, "fail_points_by_system", {"system": "sys-05"})
    assert not first.warm and again.warm and again.solutions is first.solutions
    by_iri = answer(generated, "fail_points_by_system", {"system": str(first.bindings["system"])})
    assert by_iri.warm and by_iri.solutions is first.solutions  # another name of the same system
    assert not answer(generated, "fail_points_by_system", {"system": "sys-05"}, "zh").warm  # other parameters
    repository.save(generated, [read_bytes(next(documents(1))[1].encode(), "bp-00000.yaml",
                                           SharedIndex.from_store(generated))[0]], validator=Validator())
    after = answer(generated, "fail_points_by_system", {"system": "sys-05"})
    assert not after.warm and after.total == first.total  # the same blueprint saved again


def test_an_answer_over_the_bound_is_not_kept(generated: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "KEEP_ROWS", 1)
    answer(generated, "marketing_p_coverage", {})
    assert not answer(generated, "marketing_p_coverage", {}).warm


def test_requests_asking_at_once_share_one_evaluation(generated: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests for an answer that is being evaluated wait for it and take its rows, even an
    answer too big to keep: one evaluation, not one per request."""
    monkeypatch.setattr(answers, "KEEP_ROWS", 1)
    asking, evaluations, real = 4, [], generated.solutions

    def evaluate(text: str, bindings: Any = None) -> Any:
        evaluations.append(text)
        # the first evaluation goes on once every other request waits for it (unless another evaluation started)
        deadline = time.monotonic() + 60
        while (len(evaluations) == 1 and sum(f.waiting for f in answers._FLIGHTS.values()) < asking
               and time.monotonic() < deadline):
            time.sleep(0.01)
        return real(text, bindings)

    monkeypatch.setattr(generated, "solutions", evaluate)
    start = threading.Barrier(asking)

    def ask(_: int) -> answers.Answer:
        start.wait()
        return answer(generated, "touchpoints_by_channel_kind", {"kind": "face-to-face"})

    with ThreadPoolExecutor(asking) as pool:
        got = list(pool.map(ask, range(asking)))
    assert len(evaluations) == 1
    assert sorted(a.warm for a in got) == [False] + [True] * (asking - 1)
    assert got[0].total > 1 and all(a.solutions is got[0].solutions for a in got)
    assert not answers._FLIGHTS  # nothing left behind


def test_csv_of_plain_cells_guards_formulas() -> None:
    from kgbp.query.output import plain_csv, plain_json
    from kgbp.store.protocol import IRI, LITERAL

    integer, double, boolean = (f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "double", "boolean"))
    assert plain_csv((LITERAL, "=1+1", "@en")) == "'=1+1"
    assert plain_csv((LITERAL, "-5", integer)) == "-5"
    assert plain_csv((LITERAL, "-x", integer)) == "'-x"  # ill-typed: text, guarded
    assert plain_json((LITERAL, "-5", integer)) == -5 and plain_json((LITERAL, "high", integer)) == "high"
    assert plain_json((LITERAL, "NaN", double)) == "NaN" and plain_json((LITERAL, "2.5", double)) == 2.5
    assert plain_json((LITERAL, "true", boolean)) is True and plain_json((IRI, "https://x/y", "")) == "https://x/y"


BEFORE = Path(__file__).parent / "before"  # the texts of rewritten questions as they were
# GROUP_CONCAT joins in no order SPARQL defines (the old texts give other orders on other stores)
LISTS = {"systems", "categories"}


def comparable(result: QueryResult) -> list[tuple[object, ...]]:
    return [tuple(tuple(sorted(str(v).split(", "))) if name in LISTS and v is not None else v
                  for name, v in zip(result.rows.variables, row, strict=True)) for row in result.rows.rows]


@pytest.mark.parametrize("path", sorted(BEFORE.glob("*.rq")), ids=lambda p: p.stem)
def test_a_rewritten_question_gives_the_rows_it_gave_before(with_evidence: EmbeddedStore, path: Path) -> None:
    before, after = parse_query_file(path), load_catalogue()[path.stem]
    examples = {"system": "boss", **{p.name: p.example for p in after.user_params if p.example}}
    examples = {k: v for k, v in examples.items() if after.param(k)}
    for lang in ("en", "zh"):
        old, new = run(with_evidence, before, examples, lang), run(with_evidence, after, examples, lang)
        assert comparable(new) == comparable(old) and len(new.rows) > 0
