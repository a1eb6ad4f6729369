"""Kept answers patched after a write (query/answer.py): a question whose header claims that
each row comes from one blueprint graph (`partition`) gives, after a write of some blueprints,
exactly what evaluating it again gives; a write of anything else makes it evaluate again.

Each claim is checked on generated blueprints (the same data bench/run.py measures) for every
partitioned question, with its parameters given and left out.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import URIRef

from kgbp.errors import NotFound, QueryFileError
from kgbp.ingest import SharedIndex, read_bytes
from kgbp.model import iris
from kgbp.query import answer as answer_module
from kgbp.query.answer import Answer, answer
from kgbp.query.catalogue import NamedQuery, load_catalogue, order_by, parse_query_file
from kgbp.registry import operations as registry
from kgbp.repository import save as repository
from kgbp.store.embedded import EmbeddedStore, OxSolutions
from kgbp.store.order import row_key
from kgbp.validation.engine import Validator

from ..conftest import ROOT
from .test_answer import GENERATED, cases

sys.path.insert(0, str(ROOT / "bench"))
from generate import documents

PARTITIONED = [q for q in load_catalogue().values() if q.partition]


@pytest.fixture()
def generated(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store")
    repository.init(store)
    index, blueprints = SharedIndex(), []
    for name, text in documents(12):
        bp = read_bytes(text.encode(), name, index)[0]
        index.merge(SharedIndex.from_graph(bp.shared))
        blueprints.append(bp)
    repository.save(store, blueprints, validator=Validator())
    yield store
    store.close()


def asked(store: EmbeddedStore) -> list[tuple[NamedQuery, dict[str, str], Answer]]:
    """Every partitioned question, with and without its optional parameters, answered and kept."""
    out = []
    for q, params in cases(GENERATED):
        if q.partition:
            try:
                out.append((q, params, answer(store, q, params)))
            except NotFound:
                continue
    return out


def same_answer(store: EmbeddedStore, q: NamedQuery, params: dict[str, str], patched: Answer) -> None:
    """The rows of a fresh evaluation (the store asked, nothing kept used), in an order ORDER BY
    allows (rows with equal sort keys may come in either order, as from the store)."""
    ours = patched.solutions
    assert isinstance(ours, OxSolutions)
    fresh = store.solutions(q.text, patched.bindings)
    assert Counter(map(tuple, ours.plain())) == Counter(map(tuple, fresh.plain())), (q.name, params)
    columns = [(fresh.variables.index(v), descending) for v, descending in q.order]
    key = row_key(columns)
    assert [key(r) for r in ours._rows] == [key(r) for r in fresh._rows], (q.name, params)


def save_as(store: EmbeddedStore, content: int, service: str) -> None:
    """Generated blueprint `content` saved as the as-is of `service` (another blueprint's steps)."""
    name, text = list(documents(content + 1))[content]
    text = text.replace(f"svc-{content:05d}", service)
    repository.save(store, read_bytes(text.encode(), name, SharedIndex.from_store(store)), validator=Validator())


def test_every_partitioned_question_is_checked() -> None:
    names = {q.name for q in PARTITIONED}
    assert {"unsupported_frontstage_steps", "fail_points_by_system", "impact_of_system_failure",
            "touchpoints_by_channel_kind", "wait_points", "marketing_p_coverage"} <= names
    assert all(q.order for q in PARTITIONED)  # each is ordered by its variables, so rows can be put in place


@pytest.mark.parametrize("each", [answer_module.PATCH_EACH, 0])  # one blueprint at a time, or a list of them
def test_after_a_blueprint_is_saved_or_removed_each_answer_is_patched_to_what_evaluating_gives(
        generated: EmbeddedStore, each: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answer_module, "PATCH_EACH", each)
    kept = asked(generated)
    assert len({q.name for q, _, _ in kept}) == len(PARTITIONED)
    save_as(generated, 2, "svc-00001")  # other steps, fail points, systems under svc-00001/as-is
    repository.remove(generated, iris.blueprint_iri("svc-00007", "as-is"))
    # a slice (refining a step of svc-00005/as-is) removed: a question whose rows read it under its
    # parent's graph would keep them, and must not claim a partition
    repository.remove(generated, iris.blueprint_iri("svc-00006", "as-is"))
    patched = 0
    for q, params, _ in kept:
        after = answer(generated, q, params)
        assert not after.warm
        patched += after.patched
        same_answer(generated, q, params, after)
        assert answer(generated, q, params).warm  # and kept again
    # every question without a blueprint given was patched (a given blueprint not written stays as it was)
    assert patched == len(kept)
    rows = {q.name: len(a.solutions) for q, p, a in kept if not p}
    assert sum(rows.values()) > 100  # answers with rows (not only empty ones) were patched


def test_patched_twice_and_after_a_new_blueprint(generated: EmbeddedStore) -> None:
    kept = asked(generated)
    save_as(generated, 5, "svc-00010")
    for q, params, _ in kept:
        answer(generated, q, params)
    save_as(generated, 10, "svc-00010")  # back to its own content
    save_as(generated, 11, "svc-00099")  # a new service: a shared entity is written, evaluate whole
    for q, params, _ in kept:
        after = answer(generated, q, params)
        assert not after.patched and not after.warm
        same_answer(generated, q, params, after)


def test_a_change_to_a_shared_entity_evaluates_the_whole_question_again(generated: EmbeddedStore) -> None:
    kept = asked(generated)
    registry.rename(generated, "department", "dept-02", labels={"en": "Billing", "zh": "计费部"})
    for q, params, _ in kept:
        after = answer(generated, q, params)
        assert not after.patched and not after.warm
        same_answer(generated, q, params, after)


def test_a_partition_needs_a_projected_variable_and_an_order_of_variables(tmp_path: Path) -> None:
    source = (ROOT / "queries" / "unsupported_frontstage_steps.rq").read_text("utf-8")
    for broken in (source.replace("#+ partition: blueprint", "#+ partition: nowhere"),
                   source.replace("ORDER BY ?blueprint_id ?step_id", "ORDER BY STR(?blueprint_id)"),
                   source + "\nLIMIT 10\n"):
        path = tmp_path / "q.rq"
        path.write_text(broken, "utf-8")
        with pytest.raises(QueryFileError) as info:
            parse_query_file(path)
        assert "partition" in info.value.message and str(path) in str(info.value.where)


def test_order_by_reads_variables_and_directions() -> None:
    assert order_by("SELECT ?a WHERE {} ORDER BY ?a DESC(?b) asc( ?c )") == (("a", False), ("b", True), ("c", False))
    assert order_by("SELECT ?a WHERE { ?a ?b ?c }") == ()
    assert order_by("SELECT ?a WHERE {} ORDER BY ?a LIMIT 3") is None
    assert order_by("SELECT ?a WHERE {} # ORDER BY nothing\n") == ()


def test_only_blueprint_graphs_have_a_blueprint_id() -> None:
    assert iris.blueprint_id(str(iris.blueprint_iri("svc-1", "as-is"))) == "svc-1/as-is"
    assert iris.blueprint_id(str(URIRef(str(iris.ID) + "history"))) is None
