"""Shared fixtures: a real on-disk store with the shipped examples, loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kgbp import repository
from kgbp.authoring import SharedIndex, read_many
from kgbp.config import Settings
from kgbp.resources import examples
from kgbp.store import Store
from kgbp.store.embedded import EmbeddedStore
from kgbp.validate import Validator

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def load_files(store: Store, paths: list[Path], **kwargs: object) -> repository.SaveResult:
    blueprints, problems = read_many(paths, SharedIndex.from_store(store))
    if problems:
        raise problems[0]
    return repository.save(store, blueprints, validator=Validator(), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """Read-mostly store with the examples. Tests must not write to it."""
    store = EmbeddedStore(tmp_path_factory.mktemp("examples") / "store")
    repository.init(store)
    load_files(store, examples())
    yield store
    store.close()


@pytest.fixture()
def empty_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store")
    repository.init(store)
    yield store
    store.close()


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(store=str(tmp_path / "store"))


@pytest.fixture(scope="session")
def examples_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real server (uvicorn, loopback) on its own store with the examples; yields (base URL, write token)."""
    from kgbp.auth import create_token

    from .live_server import running_server

    folder = tmp_path_factory.mktemp("served") / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, examples())
    store.close()
    settings = Settings(store=str(folder))
    token = create_token(settings, "tester")
    with running_server(settings) as base:
        yield base, token
