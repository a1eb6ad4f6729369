"""Validating what is stored: blueprints, or the whole repository (in batches, on every core).
Files on disk, read and checked without storing them, are ingest.check (a dry run of the ingest path).

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
from ..errors import StoreUnavailable
from ..i18n import say
from ..model.blueprints import list_blueprints
from ..model.namespaces import SB
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
    return _with_refined_steps(store, store.construct(internal_query("graphs_union"), bindings))  # type: ignore[arg-type]


def _with_refined_steps(store: Store, data: Graph) -> Graph:
    """`data` with the facts of the steps its slices refine that live in other blueprints."""
    for step in set(data.objects(None, SB.refinesStep)):
        if isinstance(step, URIRef) and (step, None, None) not in data:
            for p, o in store.select(internal_query("node_facts"), {"s": step}).rows:
                data.add((step, p, o))  # type: ignore[arg-type]
    return data


def validate_batch(store: Store, blueprints: Sequence[URIRef], validator: Validator, shared: Graph) -> ValidationReport:
    """Validate stored blueprints in one run; drafts are read from their graphs."""
    return _validate(store, union_of(store, blueprints, validator.predicates), blueprints, validator, shared)


def _validate(store: Store, data: Graph, blueprints: Sequence[URIRef], validator: Validator,
              shared: Graph) -> ValidationReport:
    drafts = [b for b in blueprints if (b, SB.versionStatus, SB.Draft) in data]
    return validator.validate_union(data, blueprints, drafts, store=store, shared=shared)


def validate_read(store: Store, blueprint: URIRef, graph: Graph, validator: Validator) -> ValidationReport:
    """Validate a stored blueprint whose graph the caller has just read (the blueprint page),
    without reading it from the store again; the same findings as `validate_stored`."""
    wanted = validator.predicates
    data = Graph()
    for triple in graph:
        if wanted is None or triple[1] in wanted:  # what union_of asks the store for
            data.add(triple)
    report = _validate(store, _with_refined_steps(store, data), [blueprint], validator, repository_context(store))
    report.sort()
    return report


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
    store = open_existing(settings)
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


def open_existing(settings: Settings) -> Store:
    """The configured store, read-only; an error naming it when there is none yet."""
    if not settings.is_remote and not Path(settings.store).exists():
        raise StoreUnavailable(say("no_store_here"), where=settings.store, hint=say("no_store_here_hint"))
    return open_store(settings, read_only=True)
