"""A big load (`kgbp load FOLDER`) is checked on every core (validation_service.PooledValidator):
the same findings as one process, a slice whose parent lands in another batch still sees
the step it refines, and a rejected folder stores nothing."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgbp import repository
from kgbp.authoring import SharedIndex, read_many
from kgbp.cli import app
from kgbp.config import Settings
from kgbp.derive import derive
from kgbp.store.embedded import EmbeddedStore
from kgbp.validate import Validator
from kgbp.validation_service import BATCH, PooledValidator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from generate import write

pytestmark = pytest.mark.slow

REJECTED = Path(__file__).parent / "data" / "shapes" / "two-violations.yaml"
COUNT = 3 * BATCH - 5  # three batches


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    files = tmp_path / "files"
    write(COUNT, files)
    # bp-00048 is a slice of svc-00047: sorted first, its parent falls in another batch than the slice
    (files / "bp-00047.yaml").rename(files / "a-bp-00047.yaml")
    return files


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    repository.init(store)
    store.close()
    return path


def test_pooled_checks_find_what_one_process_finds(tmp_path: Path, folder: Path) -> None:
    shutil.copy(REJECTED, folder / "zz-two-violations.yaml")
    path = _store(tmp_path)
    store = EmbeddedStore(path)
    try:
        blueprints, problems = read_many(sorted(folder.glob("*.yaml")), SharedIndex.from_store(store))
        assert not problems
        kinds = repository._channel_kinds()
        for bp in blueprints:
            derive(bp.graph, kinds)
        pooled = PooledValidator(Settings(store=str(path)), workers=2).check(blueprints, store)
        alone = Validator().check(blueprints, store)
    finally:
        store.close()

    def key(report: object) -> list[tuple[str, ...]]:
        return sorted((str(r.focus), r.rule, r.severity, r.message) for r in report.results)  # type: ignore[attr-defined]

    assert len(pooled.checked) == COUNT + 1
    assert key(pooled) == key(alone)
    assert {r.rule for r in pooled.violations()} == {"BackstageReachesFrontstage", "FailPointDepartment"}


def test_a_folder_loads_with_slices_across_batches(tmp_path: Path, folder: Path) -> None:
    path = _store(tmp_path)
    result = CliRunner().invoke(app, ["load", str(folder), "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{COUNT} blueprint(s) stored." in result.output
    store = EmbeddedStore(path)
    try:
        stored = {b.id for b in repository.list_blueprints(store)}
    finally:
        store.close()
    assert len(stored) == COUNT and "svc-00048/as-is" in stored


def test_a_rejected_folder_stores_nothing(tmp_path: Path, folder: Path) -> None:
    shutil.copy(REJECTED, folder / "zz-two-violations.yaml")
    path = _store(tmp_path)
    store = EmbeddedStore(path)
    before = set(store.dump().splitlines())
    store.close()
    result = CliRunner().invoke(app, ["load", str(folder), "--store", str(path)])
    assert result.exit_code == 1, result.output
    assert "BackstageReachesFrontstage" in result.output and "FailPointDepartment" in result.output
    store = EmbeddedStore(path)
    try:
        assert set(store.dump().splitlines()) == before
    finally:
        store.close()


def test_batches_are_stored_one_by_one_until_one_is_rejected(tmp_path: Path) -> None:
    files = tmp_path / "files"
    write(6, files)
    shutil.copy(REJECTED, files / "zz-two-violations.yaml")
    path = _store(tmp_path)
    result = CliRunner().invoke(app, ["load", str(files), "--store", str(path), "--batch", "3"])
    assert result.exit_code == 1, result.output
    assert "6 blueprint(s) of earlier batches were stored; from" in result.output
    store = EmbeddedStore(path)
    try:
        assert len(repository.list_blueprints(store)) == 6
    finally:
        store.close()
