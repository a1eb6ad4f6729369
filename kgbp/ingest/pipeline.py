"""THE read-and-save use case: files, uploads or read blueprints -> validate -> store.

Every way a blueprint comes in (`kgbp load`, the shipped examples, the JSON and HTML
uploads, a drawn slide, a spreadsheet, an ArchiMate file, the tests) calls `ingest` and
gets one `Ingested` back, whose `status` says what happened:

- ``stored``: every blueprint conformed and is stored;
- ``draft``: stored as drafts (asked for), their violations kept in `findings`;
- ``rejected``: a violation; nothing is stored, `findings` says where;
- ``unreadable``: a file could not be read; nothing is stored, `problems` says where.

Reading, validating and saving block for seconds on a big file: a web route calls
`ingest` in a worker thread (`run_in_threadpool`), never on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..config import Limits
from ..errors import BadInput, KgbpError, NotConformant
from ..i18n import say
from ..model.authored import AuthoredBlueprint
from ..model.blueprints import list_blueprints
from ..model.shared_index import SharedIndex
from ..repository import save as repository  # looked up at call time: tests gate `repository.save`
from ..repository.concurrency import Expected
from ..store import Store
from ..validation.engine import ValidationReport, Validator
from . import read_bytes, read_each, read_path

Status = Literal["stored", "draft", "rejected", "unreadable"]


@dataclass(frozen=True)
class Upload:
    """A file's content as received (an HTTP upload); `name` picks the reader and names it in errors."""

    name: str
    data: bytes


Source = Path | Upload | AuthoredBlueprint


@dataclass
class Ingested:
    """What one ingest did: the one result type of every way in."""

    status: Status
    saved: repository.SaveResult = field(default_factory=repository.SaveResult)
    findings: ValidationReport = field(default_factory=ValidationReport)
    problems: list[KgbpError] = field(default_factory=list)  # why files were unreadable
    rejection: NotConformant | None = None  # why it was rejected (its report is `findings`)
    skipped: list[AuthoredBlueprint] = field(default_factory=list)  # already stored (only_absent)

    def accepted(self) -> repository.SaveResult:
        """The save result; the error when nothing was stored (for callers that answer errors by raising)."""
        if self.rejection is not None:
            raise self.rejection
        if self.problems:
            if len(self.problems) == 1:
                raise self.problems[0]
            raise BadInput(say("unreadable_files", n=len(self.problems)), where=self.problems[0].where,
                           hint=say("unreadable_files_hint"), problems=[p for e in self.problems for p in e.problems])
        return self.saved


def read_sources(sources: Sequence[Source], index: SharedIndex, limits: Limits | None = None,
                 on_file: Callable[[Source], None] | None = None,
                 ) -> tuple[list[AuthoredBlueprint], list[KgbpError]]:
    """Read every source (a file, an upload, or a blueprint already read); see `read_each`."""
    def read_one(source: Source, index: SharedIndex) -> list[AuthoredBlueprint]:
        if isinstance(source, AuthoredBlueprint):
            return [source]
        if isinstance(source, Upload):
            return read_bytes(source.data, source.name, index, limits)
        return read_path(source, index)

    return read_each(sources, read_one, index, on_file)


def ingest(store: Store, sources: Sequence[Source], *, agent: str, lang: str = "en", draft: bool = False,
           expect: Expected | None = None, guard_name: str = "If-Match", only_absent: bool = False, limits: Limits | None = None,
           validator: Validator | None = None, on_file: Callable[[Source], None] | None = None,
           phase: Callable[[str, int], None] | None = None) -> Ingested:
    """Read `sources`, validate and store them as one write (all or nothing).

    expect: the stored version the (one) blueprint must have; `guard_name` names it in errors
    (If-Match, --if-version).
    only_absent: store only the blueprints the store lacks (a stored one may have been edited).
    phase: told each phase of the save (name, number of blueprints), for progress.
    Errors that are not about the content (a precondition, a cap, a locked store) are raised.
    """
    to_read = any(not isinstance(s, AuthoredBlueprint) for s in sources)  # read ones need no index of the store
    blueprints, problems = read_sources(sources, SharedIndex.from_store(store) if to_read else SharedIndex(),
                                        limits, on_file)
    if problems:
        return Ingested("unreadable", problems=problems)
    skipped: list[AuthoredBlueprint] = []
    if only_absent:
        stored = {b.iri for b in list_blueprints(store)}
        skipped = [b for b in blueprints if b.iri in stored]
        blueprints = [b for b in blueprints if b.iri not in stored]
        if not blueprints:
            return Ingested("stored", skipped=skipped)
    guard = None
    if expect is not None:
        if len(blueprints) != 1:
            where = next((s.name if isinstance(s, Upload) else str(s) for s in sources
                          if not isinstance(s, AuthoredBlueprint)), "")
            raise BadInput(say("guard_one_blueprint", guard=guard_name, n=len(blueprints)), where=where or guard_name,
                           hint=say("guard_one_blueprint_hint"))
        guard = {blueprints[0].iri: expect}
    try:
        saved = repository.save(store, blueprints, validator=validator or Validator(lang=lang), draft=draft, agent=agent,
                                expect=guard, limits=limits,
                                phase=(lambda name: phase(name, len(blueprints))) if phase else None)
    except NotConformant as exc:
        return Ingested("rejected", findings=exc.report or ValidationReport(), rejection=exc, skipped=skipped)
    return Ingested("draft" if draft else "stored", saved=saved, findings=saved.report, skipped=skipped)
