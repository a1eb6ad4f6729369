"""A big load (`kgbp load --batch N FOLDER`): each batch is one write; a slice whose parent
was stored by an earlier batch still sees the step it refines; a rejected batch stops the
load after the batches before it and stores none of its own files."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgbp.cli import app
from kgbp.repository import save as repository
from kgbp.store.embedded import EmbeddedStore

from ..conftest import DATA, ROOT, stored_ids

sys.path.insert(0, str(ROOT / "bench"))

from generate import write

pytestmark = pytest.mark.slow

REJECTED = DATA / "shapes" / "two-violations.yaml"


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    repository.init(store)
    store.close()
    return path


def test_a_slice_loads_in_a_later_batch_than_its_parent(tmp_path: Path) -> None:
    files = tmp_path / "files"
    write(8, files)  # bp-00006 is a slice refining a step of svc-00005 (bp-00005)
    path = _store(tmp_path)
    result = CliRunner().invoke(app, ["load", str(files), "--store", str(path), "--batch", "6"])
    assert result.exit_code == 0, result.output
    assert "8 blueprint(s) stored." in result.output
    to_be = {4}  # every fifth is the to-be of the service before it
    assert stored_ids(path) == {f"svc-{i - 1:05d}/to-be" if i in to_be else f"svc-{i:05d}/as-is" for i in range(8)}


def test_batches_are_stored_one_by_one_until_one_is_rejected(tmp_path: Path) -> None:
    files = tmp_path / "files"
    write(6, files)
    shutil.copy(REJECTED, files / "zz-two-violations.yaml")
    path = _store(tmp_path)
    result = CliRunner().invoke(app, ["load", str(files), "--store", str(path), "--batch", "3"])
    assert result.exit_code == 1, result.output
    assert "BackstageReachesFrontstage" in result.output and "FailPointDepartment" in result.output
    assert "6 blueprint(s) of earlier batches were stored; from" in result.output
    assert len(stored_ids(path)) == 6


def test_without_batches_a_rejected_file_stores_nothing(tmp_path: Path) -> None:
    files = tmp_path / "files"
    write(6, files)
    shutil.copy(REJECTED, files / "zz-two-violations.yaml")
    path = _store(tmp_path)
    result = CliRunner().invoke(app, ["load", str(files), "--store", str(path)])
    assert result.exit_code == 1, result.output
    assert "earlier batches" not in result.output
    assert stored_ids(path) == set()
