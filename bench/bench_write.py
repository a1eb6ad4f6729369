"""Write speed: `kgbp load` of generated blueprints (every rule checked) beside `oxigraph load`
of the quads it stored, with the peak RSS of each, and one save + validate on the loaded
store beside the previous engine (pySHACL) in the same run. Results go to
docs/benchmarks.md (between the "write" markers) and bench/results/write-N.json.

    python bench/bench_write.py                        # 100, 1,000 and 10,000 blueprints
    python bench/bench_write.py --counts 100,1000 --no-docs

`kgbp load --batch B` streams: B files read, validated and stored as one write, then the
next B (a rejected batch stops the load). Each command runs in its own process; its peak
RSS is the kernel's maximum resident set of that process. Times are wall seconds; the
machine may be shared, so the load average is printed with the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

DOCS = HERE.parent / "docs" / "benchmarks.md"
RESULTS = HERE / "results"
BEGIN, END = "<!-- write:begin -->", "<!-- write:end -->"
BATCH = 100  # files per write of `kgbp load --batch`
TARGET_RATIO, TARGET_RSS_MB, TARGET_SAVE_MS = 2.0, 1024, 50.0


def run_measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, CPU seconds) of one command in its own process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args[:4])} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # ru_maxrss: kilobytes on Linux


def kgbp_load(store: Path, files: Path) -> tuple[float, float, float]:
    if store.exists():
        shutil.rmtree(store)
    kgbp = [sys.executable, "-m", "kgbp.cli"]
    init_s, _, init_cpu = run_measured([*kgbp, "init", "--store", str(store)])
    load_s, rss, load_cpu = run_measured([*kgbp, "load", "--store", str(store), "--batch", str(BATCH), str(files)])
    return init_s + load_s, rss, init_cpu + load_cpu


def oxigraph_load(dump: Path, location: Path) -> tuple[float, float, float]:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if location.exists():
        shutil.rmtree(location)
    return run_measured([exe, "load", "--location", str(location), "--file", str(dump)])


def dump_quads(store: Path, target: Path) -> int:
    from kgbp.store.embedded import EmbeddedStore

    s = EmbeddedStore(store, read_only=True)
    try:
        data = s.dump("application/n-quads")
    finally:
        s.close()
    target.write_bytes(data)
    return data.count(b"\n")


# -- one save + validate, against the previous engine ---------------------------------------

def pyshacl_engine() -> Any:
    """The engine as it was before pyshacl-turbo: pySHACL over rdflib, shapes harvested once."""
    from pyshacl import ShapesGraph
    from pyshacl import Validator as ShaclValidator
    from pyshacl.graph_abstraction import DataGraph

    from kgbp.validation import engine

    class PySHACLEngine(engine._Engine):
        def __init__(self, shapes: Any, areas: Any) -> None:
            super().__init__(shapes, areas)
            self._lean = lean = type(shapes)()
            for triple in shapes:
                if triple[1] not in engine._ANNOTATIONS:
                    lean.add(triple)
            self._harvested = ShapesGraph(lean)
            _ = self._harvested.shapes

        def run(self, data: Any) -> Any:
            with self._lock:
                runner = ShaclValidator(DataGraph.from_rdflib(data), shacl_graph=self._lean,
                                        options={"inference": "none", "advanced": False, "allow_warnings": True})
                runner.shacl_graph = self._harvested
                _, results, _ = runner.run()
            return results

    shapes = engine.shapes_graph()
    return PySHACLEngine(shapes, engine._areas())


def save_p50(store_dir: Path, files: Path, runs: int) -> dict[str, dict[str, float]]:
    """p50 (wall and CPU ms) of one save + validate of a stored blueprint, changed each time,
    with kgbp's engine and with pySHACL, alternating run by run."""
    import yaml

    from kgbp.ingest import SharedIndex, read_bytes
    from kgbp.repository import save as repository
    from kgbp.store.embedded import EmbeddedStore
    from kgbp.validation.engine import Validator

    store = EmbeddedStore(store_dir)
    path = sorted(files.glob("*.yaml"))[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    current = Validator()
    previous = Validator()
    previous._engine = pyshacl_engine()
    times: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in ("kgbp", "pyshacl")}

    def save(validator: Validator, into: dict[str, list[float]], file: Path = path, edited: Any = doc) -> None:
        edited["title"]["en"] = f"{edited['title']['en']}."
        bp = read_bytes(yaml.safe_dump(edited, allow_unicode=True).encode(), file.name, SharedIndex.from_store(store))
        wall, cpu = time.perf_counter(), time.process_time()
        repository.save(store, bp, validator=validator, agent="bench")
        into["wall"].append((time.perf_counter() - wall) * 1000)
        into["cpu"].append((time.process_time() - cpu) * 1000)

    times["first"] = {"wall": [], "cpu": []}
    try:
        for _ in range(3):  # warm: shapes compiled, caches filled
            save(current, {"wall": [], "cpu": []})
            save(previous, {"wall": [], "cpu": []})
        for _ in range(runs):
            save(current, times["kgbp"])
            save(previous, times["pyshacl"])
        # the first save of a blueprint since the store was opened: its stored triples are read
        # from disk (a blueprint saved again has them kept from its last save)
        for other in sorted(files.glob("*.yaml"))[1:runs + 1]:
            save(current, times["first"], other, yaml.safe_load(other.read_text(encoding="utf-8")))
    finally:
        store.close()
    return {name: {k: statistics.median(v) for k, v in t.items()} for name, t in times.items()}


# -- one size -----------------------------------------------------------------------------

def measure(count: int, work: Path, runs: int, save_runs: int) -> dict[str, Any]:
    files = work / f"files-{count}"
    if not (files / f"bp-{count - 1:05d}.yaml").exists():
        generate.write(count, files)
    note = lambda text: print(f"[{count}] {text}", file=sys.stderr, flush=True)  # noqa: E731
    loads = []
    store = work / f"store-{count}"
    for i in range(runs):
        loads.append(kgbp_load(store, files))
        note(f"kgbp load {i + 1}/{runs}: {loads[-1][0]:.1f} s, {loads[-1][1]:.0f} MiB, CPU {loads[-1][2]:.1f} s")
    dump = work / f"dump-{count}.nq"
    quads = dump_quads(store, dump)
    oxi = []
    for i in range(max(3, runs)):
        oxi.append(oxigraph_load(dump, work / f"oxigraph-{count}"))
        note(f"oxigraph load {i + 1}: {oxi[-1][0]:.1f} s, {oxi[-1][1]:.0f} MiB, CPU {oxi[-1][2]:.1f} s")
    shutil.rmtree(work / f"oxigraph-{count}", ignore_errors=True)
    saves = save_p50(store, files, save_runs)
    note(f"save: {saves}")
    load_s, oxi_s = statistics.median(t for t, _, _ in loads), statistics.median(t for t, _, _ in oxi)
    load_cpu, oxi_cpu = statistics.median(c for _, _, c in loads), statistics.median(c for _, _, c in oxi)
    return {"count": count, "quads": quads, "batch": BATCH, "runs": runs,
            "kgbp_load_s": load_s, "kgbp_load_runs_s": [t for t, _, _ in loads], "kgbp_rss_mb": max(r for _, r, _ in loads),
            "kgbp_load_cpu_s": load_cpu, "oxigraph_load_cpu_s": oxi_cpu,
            "oxigraph_load_s": oxi_s, "oxigraph_rss_mb": max(r for _, r, _ in oxi), "ratio": load_s / oxi_s,
            "save": saves, "save_runs": save_runs, "load_average": os.getloadavg()[0]}


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "## Writes: `kgbp load` and one save + validate (issue 22, targets 3 and 4)",
        "",
        f"`python bench/bench_write.py` (`make bench`). `kgbp load --batch {BATCH}` of generated blueprints, every rule "
        "checked, beside `oxigraph load` of the N-Quads it stored (no validation); peak RSS per process. One save + "
        "validate: a stored blueprint changed and saved again on the loaded store, kgbp's engine (pyshacl-turbo) and "
        "the previous one (pySHACL) alternating in the same run. Medians; wall time, and CPU time of the saving process "
        "(the machine is shared: the load average is given).",
        "",
        "| blueprints | quads | kgbp load (wall / CPU) | `oxigraph load` (wall / CPU) | ratio, wall (target ≤ 2×) "
        "| ratio, CPU | kgbp peak RSS (target ≤ 1 GiB) | oxigraph peak RSS | runs | load average |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        if "kgbp_load_s" not in r:
            continue  # a store made another way (bench/page.py scales 1,000 up): its save only
        lines.append(f"| {r['count']:,} | {r['quads']:,} | {r['kgbp_load_s']:.1f} / {r['kgbp_load_cpu_s']:.1f} s "
                     f"| {r['oxigraph_load_s']:.1f} / {r['oxigraph_load_cpu_s']:.1f} s "
                     f"| {r['ratio']:.1f}× {'met' if r['ratio'] <= TARGET_RATIO else 'missed'} "
                     f"| {r['kgbp_load_cpu_s'] / r['oxigraph_load_cpu_s']:.1f}× "
                     f"| {r['kgbp_rss_mb']:.0f} MiB {'met' if r['kgbp_rss_mb'] <= TARGET_RSS_MB else 'missed'} "
                     f"| {r['oxigraph_rss_mb']:.0f} MiB | {r['runs']} | {r['load_average']:.1f} |")
    lines.append("")
    lines.append("Loads measured: " + "; ".join(f"{r['count']:,} on {r.get('measured', '?')}" for r in results
                                               if "kgbp_load_s" in r) + ".")
    lines += [
        "",
        "| blueprints | save + validate p50, kgbp (wall / CPU) | same, pySHACL engine (wall / CPU) | speed-up (CPU) "
        "| target p50 ≤ 50 ms | first save of a blueprint, kgbp (wall / CPU) | runs | load average |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        k, p, first = r["save"]["kgbp"], r["save"]["pyshacl"], r["save"].get("first")
        cold = f"{first['wall']:.0f} / {first['cpu']:.0f} ms" if first else "-"
        lines.append(f"| {r['count']:,} | {k['wall']:.0f} / {k['cpu']:.0f} ms | {p['wall']:.0f} / {p['cpu']:.0f} ms "
                     f"| {p['cpu'] / k['cpu']:.1f}× | {'met' if k['wall'] <= TARGET_SAVE_MS else 'missed'} "
                     f"| {cold} "
                     f"| {r['save_runs']} each | {r.get('save_load_average', r.get('load_average', 0)):.1f} |")
    lines.append("")
    lines.append("Saves measured: " + "; ".join(f"{r['count']:,} on {r.get('save_measured', r.get('measured', '?'))}"
                                               for r in results) + ".")
    return "\n".join(lines)


def write_docs(text: str) -> None:
    old = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        new = head + block + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    DOCS.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", default="100,1000,10000", help="sizes (blueprints), comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="kgbp loads per size (1 at 10,000)")
    parser.add_argument("--save-runs", type=int, default=15, help="saves per engine")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kgbp-bench-write")
    parser.add_argument("--no-docs", action="store_true", help="print the tables, leave docs/benchmarks.md alone")
    parser.add_argument("--tables-only", action="store_true", help="measure nothing: tables from bench/results/write-*.json")
    parser.add_argument("--save-only", action="store_true",
                        help="measure only save + validate, on the stores an earlier run loaded (its load figures kept)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    for count in (int(c) for c in args.counts.split(",") if c and not args.tables_only):
        if args.save_only:
            earlier = RESULTS / f"write-{count}.json"
            result = json.loads(earlier.read_text(encoding="utf-8")) if earlier.exists() else {"count": count}
            result.update(save=save_p50(args.work / f"store-{count}", args.work / f"files-{count}", args.save_runs),
                          save_runs=args.save_runs, save_load_average=os.getloadavg()[0])
        else:
            result = measure(count, args.work, 1 if count >= 10_000 else args.runs, args.save_runs)
            result["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        result["save_measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (RESULTS / f"write-{count}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    # every size measured so far (a size can be run on its own: --counts 10000)
    results = sorted((json.loads(p.read_text(encoding="utf-8")) for p in RESULTS.glob("write-*.json")),
                     key=lambda r: r["count"])
    text = table(results)
    print(text)
    if not args.no_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
