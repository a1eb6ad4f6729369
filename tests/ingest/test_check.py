"""`kgbp validate FILE`: a dry run of the ingest path, without storing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgbp.config import Settings
from kgbp.errors import BadInput
from kgbp.ingest.check import validate_files, validate_targets
from kgbp.resources import examples
from kgbp.validation.engine import Validator

from ..conftest import ROOT

SHAPES = ROOT / "tests" / "data" / "shapes"


def test_the_examples_conform_and_nothing_is_stored(tmp_path: Path) -> None:
    report = validate_files(examples(), None, Validator())
    assert report.conforms, [r.message for r in report.results if r.severity == "Violation"]
    assert not (tmp_path / "store").exists()


def test_a_broken_rule_is_found_with_its_blueprint() -> None:
    # a fail point that names no department (tests/data/shapes: one broken rule a file)
    report = validate_files([SHAPES / "FailPointDepartment.fail.yaml"], None, Validator())
    assert not report.conforms
    assert {r.blueprint_id for r in report.results if r.severity == "Violation"} == {"shape-test/as-is"}


def test_unreadable_files_are_named_all_at_once(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("service: [not, a, mapping\n", "utf-8")
    with pytest.raises(BadInput) as caught:
        validate_files([tmp_path / "a.yaml", tmp_path / "b.yaml"], None, Validator())
    places = {p.where.split(":")[0] for p in caught.value.problems}
    assert {str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")} <= places


def test_files_need_no_store(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "none"))
    report = validate_targets(settings, [str(p) for p in examples()], "zh")
    assert report.conforms and report.lang == "zh"
    assert not (tmp_path / "none").exists()
