"""Validation speed: one ~40-step blueprint (warm), and a whole repository, side by side
with plain pySHACL over the same data. Results go to docs/benchmarks.md ("Validation").

    python bench/bench_validate.py                     # 10,000 blueprints
    python bench/bench_validate.py --count 1000 --whole 100,300

The repository store is built once (without validation, which is what is measured) and
kept for later runs (--store, default in the temporary folder). Plain pySHACL over the whole store graph is measured on the first
blueprints of the store (--whole) and extrapolated linearly to --count: rdflib would
need ~10 GB for 10,000 blueprints.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import blueprint, documents  # noqa: E402

from kgbp.config import Settings  # noqa: E402
from kgbp.ingest import read_bytes  # noqa: E402
from kgbp.model.derive import derive  # noqa: E402
from kgbp.model.namespaces import REPOSITORY_GRAPH, SB  # noqa: E402
from kgbp.repository import save as repository  # noqa: E402
from kgbp.store.embedded import EmbeddedStore  # noqa: E402
from kgbp.validation.engine import Validator, shapes_graph  # noqa: E402
from kgbp.validation.service import union_of, validate_repository  # noqa: E402


def timed(fn: Callable[[], object], runs: int, warmup: int = 3) -> tuple[float, float]:
    """(min, median) wall seconds over `runs` calls after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def one_blueprint(runs: int) -> list[tuple[str, float, float]]:
    import yaml
    from pyshacl import validate as plain_validate

    doc = blueprint(0)
    bp = read_bytes(yaml.safe_dump(doc, allow_unicode=True).encode(), "bench.yaml")[0]
    derive(bp.graph, repository._channel_kinds())
    steps = sum(len(v) for v in doc["steps"].values())
    store = EmbeddedStore(None)
    repository.init(store)
    validator = Validator()
    assert validator.validate(bp, store).results == []
    data = bp.graph + validator.context(bp, store, []) + bp.shared
    rows = [(f"kgbp Validator.validate ({steps} steps, {len(bp.graph)} triples)", *timed(lambda: validator.validate(bp, store), runs))]
    for advanced in (False, True):
        rows.append((f"plain pyshacl.validate, shapes graph given, advanced={advanced}",
                     *timed(lambda a=advanced: plain_validate(data, shacl_graph=shapes_graph(), inference="none",  # type: ignore[misc]
                                                              advanced=a, allow_warnings=True), max(5, runs // 4))))
    return rows


TEMPLATES = 50  # blueprints read through the YAML reader; the rest are copies with other ids


def build_store(folder: Path, count: int) -> None:
    """A store of `count` generated blueprints with their derived facts, as `kgbp load`
    would store them but without validation (what is measured) and fast: the first 50 go
    through the YAML reader and derive.py (~0.3 s each here), the others are copies of
    them under other service ids (blueprint i is blueprint i % 50 with every svc-NNNNN
    moved by i - i % 50, so to-be versions and slices still point at their neighbours)."""
    import re
    import shutil

    from kgbp.store.sparql_text import triples_block

    marker = folder / f".bench-{count}"
    if marker.exists():
        return
    if folder.exists():
        shutil.rmtree(folder)
    store = EmbeddedStore(folder)
    repository.init(store)
    kinds = repository._channel_kinds()
    templates: list[tuple[str, str, str]] = []  # graph name, its triples, its service's triples
    shared = Graph()  # departments and systems
    for name, text in documents(min(count, TEMPLATES)):
        bp = read_bytes(text.encode(), name)[0]
        derive(bp.graph, kinds)
        service = bp.graph.value(bp.iri, SB.blueprintOf)
        templates.append((str(bp.iri), triples_block(bp.graph), triples_block(bp.shared.triples((service, None, None)))))
        shared += bp.shared
        shared.remove((service, None, None))
    service_id = re.compile(r"svc-(\d{5})")
    start = time.perf_counter()
    ops: list[str] = []
    for index in range(count):
        offset = index - index % TEMPLATES
        name, body, service_triples = templates[index % TEMPLATES]

        def move(text: str, offset: int = offset) -> str:
            return service_id.sub(lambda m: f"svc-{int(m.group(1)) + offset:05d}", text)

        ops.append(f"INSERT DATA {{ GRAPH <{move(name)}> {{\n{move(body)}\n}} }}")
        ops.append(f"INSERT DATA {{ GRAPH <{REPOSITORY_GRAPH}> {{\n{move(service_triples)}\n}} }}")
        if len(ops) >= 200 or index == count - 1:
            store.update(" ;\n".join(ops))
            ops = []
            print(f"  stored {index + 1}/{count} ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    store.update(f"INSERT DATA {{ GRAPH <{REPOSITORY_GRAPH}> {{\n{triples_block(shared)}\n}} }}")
    store.close()
    marker.touch()


def whole_store_pyshacl(folder: Path, counts: list[int]) -> list[tuple[int, int, float]]:
    """Plain pySHACL over the whole graph of the first n blueprints: (n, triples, seconds)."""
    from pyshacl import validate as plain_validate
    from rdflib.namespace import RDF, RDFS, SKOS

    from kgbp.model.vocabulary import ontology_graph
    from kgbp.validation.engine import repository_context

    hierarchy = Graph()  # what plain pySHACL needs of the ontology: subclasses, concept classes
    for triple in ontology_graph().triples((None, RDFS.subClassOf, None)):
        hierarchy.add(triple)
    for concept in set(ontology_graph().subjects(SKOS.inScheme, None)):
        for triple in ontology_graph().triples((concept, RDF.type, None)):
            hierarchy.add(triple)

    store = EmbeddedStore(folder, read_only=True)
    iris = [b.iri for b in repository.list_blueprints(store)]
    out = []
    for n in counts:
        data = Graph()
        for start in range(0, n, 100):
            data += union_of(store, iris[start:min(n, start + 100)])
        data += repository_context(store)
        data += hierarchy
        start_t = time.perf_counter()
        conforms, _, _ = plain_validate(data, shacl_graph=shapes_graph(), inference="none", advanced=False,
                                        allow_warnings=True)
        out.append((n, len(data), time.perf_counter() - start_t))
        assert conforms
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000, help="blueprints in the repository")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=50, help="runs of the one-blueprint case")
    parser.add_argument("--whole", default="100,300,1000", help="sizes for plain pySHACL over the whole graph")
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "kgbp-bench-validate",
                        help="store folder, built once and kept")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print("\n## One blueprint, warm (wall ms: min / median)\n")
    for label, best, median in one_blueprint(args.runs):
        print(f"| {label} | {best * 1000:.1f} | {median * 1000:.1f} |")

    build_store(args.store, args.count)
    settings = Settings(store=str(args.store))
    print(f"\n## Whole repository: {args.count} blueprints\n")
    start = time.perf_counter()
    report = validate_repository(settings, workers=args.workers)
    elapsed = time.perf_counter() - start
    assert len(report.checked) == args.count and report.conforms, (len(report.checked), report.results[:3])
    print(f"| kgbp validate_repository, {args.workers} workers | {elapsed:.1f} s | {elapsed / args.count * 1000:.2f} ms/blueprint |")
    start = time.perf_counter()
    report = validate_repository(settings, workers=1)
    single = time.perf_counter() - start
    print(f"| kgbp validate_repository, 1 worker | {single:.1f} s | {single / args.count * 1000:.2f} ms/blueprint |")
    sizes = [int(n) for n in args.whole.split(",") if n and int(n) <= args.count]
    for n, triples, seconds in whole_store_pyshacl(args.store, sizes):
        print(f"| plain pyshacl.validate over the whole graph of {n} blueprints ({triples} triples) | {seconds:.1f} s "
              f"| {seconds / n * 1000:.2f} ms/blueprint, {seconds / n * args.count:.0f} s for {args.count} by extrapolation |")


if __name__ == "__main__":
    main()
