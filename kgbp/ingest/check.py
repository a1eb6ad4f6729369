"""`kgbp validate`: files read and checked without storing them (a dry run of the ingest
path: the same readers, derived facts and rules), blueprint ids, or the whole repository."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..config import Settings
from ..errors import BadInput
from ..i18n import say
from ..model.blueprints import resolve_blueprint
from ..model.derive import derive
from ..model.shared_index import SharedIndex
from ..model.vocabulary import channel_kinds
from ..store import Store
from ..validation.engine import ValidationReport, Validator
from ..validation.service import open_existing, validate_repository, validate_stored
from . import read_many, supported_suffixes


def validate_files(paths: Sequence[Path], store: Store | None, validator: Validator) -> ValidationReport:
    """Read and validate files without storing them; departments, systems and parents may
    come from the store. Files that cannot be read raise BadInput (exit 2)."""
    blueprints, problems = read_many(list(paths), SharedIndex.from_store(store) if store is not None else None)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise BadInput(say("unreadable_files", n=len(problems)), where=problems[0].where,
                       hint=say("unreadable_files_hint"), problems=[p for e in problems for p in e.problems])
    kinds = channel_kinds()
    for bp in blueprints:
        derive(bp.graph, kinds)
    report = validator.check(blueprints, store)
    report.sort()
    return report


def validate_targets(settings: Settings, targets: list[str], lang: str, workers: int | None = None) -> ValidationReport:
    """What `kgbp validate` checks: files (paths that exist), blueprint ids, or, with no
    target, the whole repository."""
    if not targets:
        return validate_repository(settings, lang, workers)
    files = [Path(t) for t in targets if Path(t).is_file() or Path(t).suffix.lower() in supported_suffixes()]
    ids = [t for t in targets if t not in {str(f) for f in files}]
    report = ValidationReport(lang=lang)
    store: Store | None = None
    if ids or settings.is_remote or Path(settings.store).exists():
        store = open_existing(settings)  # files alone need no store, but may name its departments
    try:
        if files:
            report.extend(validate_files(files, store, Validator(lang=lang)))
        if ids:
            assert store is not None
            report.extend(validate_stored(store, [resolve_blueprint(store, t) for t in ids], Validator(lang=lang)))
    finally:
        if store is not None:
            store.close()
    report.sort()
    return report
