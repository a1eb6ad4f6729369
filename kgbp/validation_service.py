"""`kgbp validate`: files on disk (not stored), stored blueprints, or the whole repository."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph
from rich.console import Console

from . import repository
from .authoring import SharedIndex, read_many
from .config import Settings
from .errors import BadInput
from .store import Store, open_store
from .validate import ValidationReport, Validator, report_graph


def validate_stored(store: Store, blueprints: list, validator: Validator) -> ValidationReport:
    from .authoring import AuthoredBlueprint

    report = ValidationReport()
    for iri in blueprints:
        bp = AuthoredBlueprint(iri=iri, id=str(iri), graph=store.graph(iri), shared=Graph())
        report.extend(validator.validate(bp, store))
    return report


def validate_targets(settings: Settings, targets: list[str], lang: str) -> ValidationReport:
    validator = Validator(lang=lang)
    files = [Path(t) for t in targets if Path(t).suffix and Path(t).exists()]
    ids = [t for t in targets if t not in {str(f) for f in files}]
    report = ValidationReport()
    store = open_store(settings, read_only=False) if (ids or not files) else None
    try:
        if files:
            blueprints, problems = read_many(files, SharedIndex.from_store(store) if store else None)
            if problems:
                first = problems[0]
                raise BadInput(first.message, first.where, first.hint,
                               problems=[p for e in problems for p in e.problems])
            for bp in blueprints:
                report.extend(validator.validate(bp, store, pending=blueprints))
        if store is not None:
            repository.ensure_initialised(store)
            iris = ([repository.resolve_blueprint(store, t) for t in ids] if ids
                    else [b.iri for b in repository.list_blueprints(store)])
            report.extend(validate_stored(store, iris, validator))
    finally:
        if store is not None:
            store.close()
    return report


def render_report(console: Console, report: ValidationReport, fmt: str, lang: str) -> None:
    if fmt == "json":
        console.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
    elif fmt == "ttl":
        console.print(report_graph(report).serialize(format="turtle"), markup=False, highlight=False)
    elif fmt == "text":
        from .terminal import print_report

        print_report(console, report, lang)
    else:
        raise BadInput(f"unknown format {fmt!r}", where="--format", hint="use text, json or ttl")
