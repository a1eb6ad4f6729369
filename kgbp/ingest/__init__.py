"""Readers: authoring files (YAML, spreadsheets, RDF) -> AuthoredBlueprint, ready for the one write path."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from ..boundary import reading
from ..config import Limits
from ..errors import BadInput, KgbpError
from ..i18n import say
from ..model.authored import AuthoredBlueprint
from ..model.shared_index import SharedIndex
from .rdf_reader import FORMATS as RDF_FORMATS
from .rdf_reader import read_rdf
from .yaml_reader import read_yaml

YAML_SUFFIXES = (".yaml", ".yml")
SPREADSHEET_SUFFIXES = (".xlsx", ".csv")
MAX_FILE_BYTES = 50_000_000
S = TypeVar("S")


def supported_suffixes() -> tuple[str, ...]:
    return (*YAML_SUFFIXES, *SPREADSHEET_SUFFIXES, *RDF_FORMATS)


def read_bytes(data: bytes, source: str, index: SharedIndex | None = None,
               limits: Limits | None = None) -> list[AuthoredBlueprint]:
    """Read one file's content; `source` names it in errors and picks the format by suffix."""
    with reading(source):  # a parser's RecursionError on deep nesting is the file's fault: 400, exit 2
        return _read_bytes(data, source, index, limits or Limits())


def _read_bytes(data: bytes, source: str, index: SharedIndex | None, limits: Limits) -> list[AuthoredBlueprint]:
    suffix = Path(source).suffix.lower()
    if suffix in YAML_SUFFIXES:
        return [read_yaml(data, source, index)]
    if suffix in SPREADSHEET_SUFFIXES:
        from .spreadsheet_reader import read_csv, read_xlsx

        if suffix == ".xlsx":
            return [read_xlsx(data, source, index, limits.max_sheet_cells)]
        return [read_csv(data, source, index)]
    if suffix in RDF_FORMATS:
        if not data.strip():
            raise BadInput(say("file_empty"), where=source, hint=say("file_empty_hint"))
        return read_rdf(data, source, suffix)
    raise BadInput(say("unknown_file_type", suffix=repr(suffix or "(none)")), where=source,
                   hint=say("use_one_of", values=", ".join(supported_suffixes())))


def read_path(path: Path, index: SharedIndex | None = None) -> list[AuthoredBlueprint]:
    source = str(path)
    if not path.is_file():
        raise BadInput(say("no_such_file"), where=source, hint=say("no_such_file_hint"))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BadInput(say("file_too_large", limit=MAX_FILE_BYTES), where=source, hint=say("file_too_large_hint"))
    return read_bytes(path.read_bytes(), source, index)


def read_each(sources: Iterable[S], read_one: Callable[[S, SharedIndex], list[AuthoredBlueprint]], index: SharedIndex,
              on_file: Callable[[S], None] | None = None) -> tuple[list[AuthoredBlueprint], list[KgbpError]]:
    """Read every source with `read_one`; each sees the shared entities declared by those before it.

    Returns the blueprints and, separately, every source's error (so all are reported at once).
    """
    blueprints: list[AuthoredBlueprint] = []
    problems: list[KgbpError] = []
    for source in sources:
        try:
            for bp in read_one(source, index):
                blueprints.append(bp)
                index.merge(SharedIndex.from_graph(bp.shared))
        except KgbpError as exc:
            problems.append(exc)
        if on_file:
            on_file(source)
    return blueprints, problems


def read_many(paths: list[Path], index: SharedIndex | None = None,
              on_file: Callable[[Path], None] | None = None) -> tuple[list[AuthoredBlueprint], list[KgbpError]]:
    """Read many files (see `read_each`)."""
    return read_each(paths, read_path, index or SharedIndex(), on_file)


__all__ = ["AuthoredBlueprint", "SharedIndex", "read_bytes", "read_each", "read_many", "read_path", "supported_suffixes"]
