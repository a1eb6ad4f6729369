"""A writable copy of the examples store per test (a checkpoint: no re-load)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kgbp.store.embedded import EmbeddedStore


@pytest.fixture()
def store_folder(examples_store: EmbeddedStore, tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    examples_store.backup(str(folder))
    return folder


@pytest.fixture()
def store(store_folder: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(store_folder)
    yield opened
    opened.close()
