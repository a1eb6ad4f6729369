"""A store with the shipped examples and the shipped evidence (examples/evidence/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kgbp.quality import load_evidence
from kgbp.store.embedded import EmbeddedStore

EVIDENCE = Path(__file__).resolve().parents[2] / "examples" / "evidence"


def evidence_files() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(EVIDENCE.glob("*.csv"))]


@pytest.fixture(scope="session")
def evidence_store(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """Read-mostly: a checkpoint of the examples store with the example evidence loaded."""
    path = tmp_path_factory.mktemp("evidence") / "store"
    examples_store.backup(str(path))
    store = EmbeddedStore(path)
    load_evidence(store, evidence_files(), agent="examples")
    yield store
    store.close()


@pytest.fixture()
def fresh_store(examples_store: EmbeddedStore, tmp_path: Path) -> Iterator[EmbeddedStore]:
    """Writable: a checkpoint of the examples store, no evidence yet."""
    examples_store.backup(str(tmp_path / "store"))
    store = EmbeddedStore(tmp_path / "store")
    yield store
    store.close()
