"""The one ingest path: every outcome of read -> validate -> store, on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgbp.errors import BadInput, NotConformant, PreconditionFailed
from kgbp.ingest import read_path
from kgbp.ingest.pipeline import Upload, ingest
from kgbp.repository import save as repository
from kgbp.repository.concurrency import Expected
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore

from ..conftest import DATA

LIFECYCLE = next(p for p in examples() if p.name == "customer-lifecycle.yaml")
ARREARS = [LIFECYCLE, next(p for p in examples() if p.name == "arrears-reconnect.yaml")]  # a slice of the lifecycle
REJECTED = DATA / "shapes" / "two-violations.yaml"  # reads, but breaks two rules


def _ids(store: EmbeddedStore) -> set[str]:
    return {b.id for b in repository.list_blueprints(store)}


def test_files_are_stored(empty_store: EmbeddedStore) -> None:
    seen: list[object] = []
    done = ingest(empty_store, ARREARS, agent="tester", on_file=seen.append)
    assert done.status == "stored" and seen == ARREARS
    assert {s.id for s in done.saved.saved} == _ids(empty_store) == {"arrears-reconnect/as-is", "customer-lifecycle/as-is"}
    assert done.accepted() is done.saved and done.findings is done.saved.report


def test_a_violation_is_rejected_with_its_findings_and_nothing_is_stored(empty_store: EmbeddedStore) -> None:
    done = ingest(empty_store, [*ARREARS, REJECTED], agent="tester", lang="zh")
    assert done.status == "rejected" and done.saved.saved == []
    assert done.findings.results and not done.findings.conforms and done.findings.lang == "zh"
    assert _ids(empty_store) == set()
    with pytest.raises(NotConformant) as err:
        done.accepted()
    assert err.value.report is done.findings


def test_a_draft_is_stored_with_its_violations(empty_store: EmbeddedStore) -> None:
    done = ingest(empty_store, [REJECTED], agent="tester", draft=True)
    assert done.status == "draft" and [s.draft for s in done.saved.saved] == [True]
    assert done.findings.results


def test_unreadable_files_are_all_reported_and_nothing_is_stored(empty_store: EmbeddedStore, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    done = ingest(empty_store, [missing, *ARREARS, Upload("x.docx", b"?")], agent="tester")
    assert done.status == "unreadable" and _ids(empty_store) == set()
    assert [e.where for e in done.problems] == [str(missing), "x.docx"]
    with pytest.raises(BadInput) as err:
        done.accepted()
    assert [p.where for p in err.value.problems] == [str(missing), "x.docx"] and "2 files" in err.value.message
    one = ingest(empty_store, [Upload("x.docx", b"?")], agent="tester")
    with pytest.raises(BadInput) as single:
        one.accepted()
    assert single.value is one.problems[0]  # one bad upload answers as its own error


def test_uploads_and_read_blueprints_take_the_same_path(empty_store: EmbeddedStore) -> None:
    lifecycle, arrears = ARREARS
    read = read_path(lifecycle)
    done = ingest(empty_store, [*read, Upload(arrears.name, arrears.read_bytes())], agent="tester")
    assert done.status == "stored" and len(done.saved.saved) == 2


def test_only_absent_keeps_what_is_stored(empty_store: EmbeddedStore) -> None:
    first = ingest(empty_store, ARREARS[:1], agent="tester").accepted().saved[0]
    done = ingest(empty_store, ARREARS, agent="examples", only_absent=True)
    assert [b.iri for b in done.skipped] == [first.iri]
    assert [s.id for s in done.saved.saved] == [b.id for b in read_path(ARREARS[1])]
    again = ingest(empty_store, ARREARS, agent="examples", only_absent=True)
    assert again.status == "stored" and again.saved.saved == [] and len(again.skipped) == 2


def test_a_version_guard_covers_one_blueprint(empty_store: EmbeddedStore) -> None:
    with pytest.raises(BadInput) as err:
        ingest(empty_store, ARREARS, agent="tester", expect=Expected(), guard_name="--if-version")
    assert "--if-version guards one blueprint; the input holds 2" in err.value.message
    ingest(empty_store, ARREARS, agent="tester").accepted()
    with pytest.raises(PreconditionFailed):
        ingest(empty_store, [ARREARS[1]], agent="tester", expect=Expected.parse('"' + '0' * 32 + '"'))
