"""`kgbp validate` and the validation pages: files on disk (not stored), stored blueprints,
or the whole repository (in batches, on every core).

Stored blueprints are validated several at a time: one run over the union of a
batch's graphs shares the per-shape cost of a run (about a third of a single run), and a
process pool spreads the batches over the cores. (A write is validated in the writing
process: a worker would first rebuild the rdflib graphs the writer already holds, ~15 ms
a blueprint, about what validating it costs.)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rdflib import Graph, URIRef

from ..config import Settings
from ..errors import BadInput, StoreUnavailable
from ..ingest import SharedIndex, read_many
from ..model.blueprints import list_blueprints, resolve_blueprint
from ..model.derive import derive
from ..model.namespaces import SB
from ..model.vocabulary import channel_kinds
from ..resources import internal_query
from ..store import Store, open_store
from .engine import ValidationReport, Validator, repository_context

BATCH = 25  # blueprints per run: past ~25 a run gets no cheaper per blueprint
FORMATS = ("text", "json", "ttl")


def _batches(items: Sequence[URIRef], size: int) -> Iterator[list[URIRef]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def union_of(store: Store, blueprints: Sequence[URIRef], predicates: Iterable[URIRef] | None = None) -> Graph:
    """The graphs of `blueprints` as one rdflib graph (one query), with the steps their
    slices refine when those live in other blueprints; only `predicates` if given (filling
    an rdflib graph costs about as much as validating it: leave out what no rule reads)."""
    bindings: dict[str, list[URIRef]] = {"g": list(blueprints)}
    if predicates:
        bindings["p"] = sorted(predicates)
    data = store.construct(internal_query("graphs_union"), bindings)  # type: ignore[arg-type]
    for step in set(data.objects(None, SB.refinesStep)):
        if isinstance(step, URIRef) and (step, None, None) not in data:
            for p, o in store.select(internal_query("node_facts"), {"s": step}).rows:
                data.add((step, p, o))  # type: ignore[arg-type]
    return data


def validate_batch(store: Store, blueprints: Sequence[URIRef], validator: Validator, shared: Graph) -> ValidationReport:
    """Validate stored blueprints in one run; drafts are read from their graphs."""
    data = union_of(store, blueprints, validator.predicates)
    drafts = [b for b in blueprints if (b, SB.versionStatus, SB.Draft) in data]
    return validator.validate_union(data, blueprints, drafts, store=store, shared=shared)


def validate_stored(store: Store, blueprints: Sequence[URIRef], validator: Validator,
                    batch: int = BATCH) -> ValidationReport:
    """Validate stored blueprints in this process."""
    shared = repository_context(store)
    report = ValidationReport(lang=validator.lang)
    for chunk in _batches(list(blueprints), batch):
        report.extend(validate_batch(store, chunk, validator, shared))
    report.sort()
    return report


# -- the whole repository on every core ---------------------------------------------------

_worker: dict[str, object] = {}


def _start_worker(settings: Settings, lang: str) -> None:
    store = open_store(settings, read_only=True)
    _worker.update(store=store, validator=Validator(lang=lang), shared=repository_context(store))


def _run_batch(blueprints: list[URIRef]) -> ValidationReport:
    store, validator, shared = _worker["store"], _worker["validator"], _worker["shared"]
    return validate_batch(store, blueprints, validator, shared)  # type: ignore[arg-type]


def validate_repository(settings: Settings, lang: str = "en", workers: int | None = None,
                        batch: int = BATCH, only: Sequence[URIRef] | None = None) -> ValidationReport:
    """Validate every stored blueprint (or `only` these), on `workers` processes (default:
    one per core). Each worker opens the store read-only."""
    store = _open_existing(settings)
    try:
        iris = list(only) if only is not None else [b.iri for b in list_blueprints(store)]
        workers = max(1, min(workers or os.cpu_count() or 1, -(-len(iris) // batch) or 1))
        if workers == 1:
            return validate_stored(store, iris, Validator(lang=lang), batch)
    finally:
        store.close()
    report = ValidationReport(lang=lang)
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(settings, lang)) as pool:
        for part in pool.map(_run_batch, _batches(iris, batch)):
            report.extend(part)
    report.sort()
    return report


def _open_existing(settings: Settings) -> Store:
    if not settings.is_remote and not Path(settings.store).exists():
        raise StoreUnavailable("there is no store here", where=settings.store,
                               hint="load blueprints first (`kgbp load FILE`), or name the store with --store")
    return open_store(settings, read_only=True)


# -- files on disk ----------------------------------------------------------------------------

def validate_files(paths: Sequence[Path], store: Store | None, validator: Validator) -> ValidationReport:
    """Read and validate files without storing them; departments, systems and parents may
    come from the store. Files that cannot be read raise BadInput (exit 2)."""
    blueprints, problems = read_many(list(paths), SharedIndex.from_store(store) if store is not None else None)
    if problems:
        first = problems[0]
        raise BadInput(first.message if len(problems) == 1 else f"{len(problems)} file(s) could not be read",
                       first.where, first.hint, problems=[p for e in problems for p in e.problems])
    kinds = channel_kinds()
    for bp in blueprints:
        derive(bp.graph, kinds)
    report = validator.check(blueprints, store)
    report.sort()
    return report


def validate_targets(settings: Settings, targets: list[str], lang: str, workers: int | None = None) -> ValidationReport:
    """What `kgbp validate` checks: files (paths that exist), blueprint ids, or, with no
    target, the whole repository."""
    files = [Path(t) for t in targets if Path(t).is_file() or Path(t).suffix.lower() in _suffixes()]
    ids = [t for t in targets if t not in {str(f) for f in files}]
    if not targets:
        return validate_repository(settings, lang, workers)
    report = ValidationReport(lang=lang)
    store: Store | None = None
    if ids or settings.is_remote or Path(settings.store).exists():
        store = _open_existing(settings)  # files alone need no store, but may name its departments
    try:
        if files:
            report.extend(validate_files(files, store, Validator(lang=lang)))
        if ids:
            assert store is not None
            iris = [resolve_blueprint(store, t) for t in ids]
            report.extend(validate_stored(store, iris, Validator(lang=lang)))
    finally:
        if store is not None:
            store.close()
    report.sort()
    return report


def _suffixes() -> tuple[str, ...]:
    from ..ingest import supported_suffixes

    return supported_suffixes()
