"""The blueprint page under use: its latency at 1,000 (and 10,000) blueprints, the requests per
second 8 clients get on the blueprint-page mix (the page and the three files it loads), and
the page's latency while 2 writers upload without pause, each beside the baseline: the code
at BASELINE, served from a copy of the same store, in the same run. Results go to
docs/benchmarks.md, between the "page-bench" markers.

    python bench/page.py                       # 1,000 blueprints, 3 rounds; writes docs/benchmarks.md
    python bench/page.py --sizes 1000,10000 --rounds 3 --duration 15
    python bench/page.py --keep stores/ --no-docs   # keep (and reuse) the generated stores

Each round starts each side's server afresh on its own copy of the store (writers change
it). "Cold": the first view of each sampled blueprint after the server started; "warm":
the same pages asked again. Medians of the rounds; ratios are baseline over now (above 1:
now is faster). Client and server share the machine.

The reading clients use the standard library's http.client, one persistent connection per
client thread, and ask for the static files by the URLs the page names (each side's own).
They share the two cores with the server: httpx, used before, spent more of that time per
request than the server's answer of a kept page, which made the server look slower than it is.
The writers and the one-at-a-time page latencies still use httpx.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import blueprint  # noqa: E402
from harness import document, free_port, standalone  # noqa: E402

from kgbp.auth import create_token  # noqa: E402
from kgbp.config import Settings  # noqa: E402
from kgbp.ingest import SharedIndex, read_bytes  # noqa: E402
from kgbp.repository import save as repository  # noqa: E402
from kgbp.store.embedded import EmbeddedStore  # noqa: E402

BASELINE = "257cd31"  # the code before the page work
CLIENTS = 8
WRITERS = 2
SAMPLE = 20  # blueprints whose pages are asked
WRITER_POOL_START = 60_000  # generated blueprints the writers add: apart from the stored ones
ASSETS = ("/static/kgbp.css", "/static/kgbp.js", "/static/diagram.js")  # what the page loads (its HTML names them)
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- page-bench:start -->", "<!-- page-bench:end -->"
NOTES = """What the page does now (kgbp/web/blueprint_page.py): its parts (the blueprint's view, its validation
report, the plain diagram), the systems list of the impact view and the rendered plain page are kept per
(blueprint, language), up to 512 entries, until a write changes something they were read from. The embedded
store records what each write changed (kgbp/store/embedded.py, `Changes`): the graphs that changed, the
subjects and classes a shared graph gained statements about, the outside subjects of what was replaced or removed;
a SPARQL Update counts as changing everything. An upload of another blueprint naming the same departments
and systems leaves every kept page current. A remote store keeps nothing (other servers may write to it).
A kept page is answered on the event loop (no thread-pool hop; the read dependencies are async too), the
security headers and cross-site refusal are plain ASGI middleware, and the server hands the interpreter lock
over every 1 ms (Python's default is 5 ms: a read waited that long behind an upload validating in Python).

How it is served (kgbp serve): uvicorn's httptools parser instead of h11 (kgbp/web/http_protocol.py reads a
request offering an HTTP/2 upgrade, as Java's HttpClient sends on every request, as HTTP/1.1 with its body,
which httptools alone would lose); no access log unless `--access-log`; writes (uploads, imports, SPARQL
Update, Graph Store writes, registry changes, restores) run one at a time on a write thread of their own
(kgbp/web/writer.py), so the shared thread pool stays for reads; the page names its styles and scripts by
versioned URLs (`/static/kgbp.css?v=<hash>`), answered with `Cache-Control: public, max-age=31536000,
immutable`, so a browser asks for them once (the clients here still ask for them with every page).

Judged and not done: more than one server process over one store. pyoxigraph 0.5 has no secondary mode, and
`Store.read_only` over a folder another process writes is undefined behaviour; with kept pages one process
is CPU-bound on serving HTTP, not on the store. The first view of a blueprint after it changed (cold) still
reads its graph into rdflib, validates it with pySHACL and lays it out: that path is the one to speed up next
(validation directly on pyoxigraph, see the validation work of the same issue). Reads under writes: the two
writers' uploads parse and validate in the server process, on the same two cores the readers and the clients
use (one upload at a time, on the write thread); keeping their CPU out of the serving process (a validation
worker process) is what would bring the read p50 under writes nearer its idle value.
"""


# -- the stores ------------------------------------------------------------------------------

def prepare(folder: Path, count: int, batch: int = 250) -> None:
    """A store holding generated blueprints 0 .. count-1 (stored without validation, to start quickly)."""
    store = EmbeddedStore(folder)
    try:
        repository.init(store)
        for start in range(0, count, batch):
            index, blueprints = SharedIndex.from_store(store), []
            for name, data in (document(i) for i in range(start, min(count, start + batch))):
                for bp in read_bytes(data, name, index):  # each file sees the entities of the files before it
                    blueprints.append(bp)
                    index.merge(SharedIndex.from_graph(bp.shared))
            repository.save(store, blueprints, agent="bench")
            print(f"  stored {min(count, start + batch)} of {count}", file=sys.stderr, flush=True)
    finally:
        store.close()


def scale(source: Path, folder: Path, times: int) -> None:
    """A store `times` the size of `source` (of generated blueprints 0 .. n-1, n < 1,000): its
    blueprint graphs again with the service ids svc-00xxx renamed svc-0kxxx (k = 1 .. times-1),
    which are the ids generate.py gives blueprints k*1,000 + xxx; bulk-loaded. The history of the
    copies is left out (no page reads it). Saving 10,000 through the write path takes hours here."""
    import re

    import pyoxigraph as ox

    from kgbp.model.namespaces import HISTORY_GRAPH

    dump = EmbeddedStore(source, read_only=True)
    try:
        lines = dump.dump().decode("utf-8").splitlines(keepends=True)
    finally:
        dump.close()
    history = f"<{HISTORY_GRAPH}> .\n"
    copies = [line for line in lines if not line.endswith(history)]
    pattern = re.compile(r"svc-00(\d{3})")
    target = ox.Store(str(folder))
    target.bulk_load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    for k in range(1, times):
        text = pattern.sub(lambda m, k=k: f"svc-0{k}{m.group(1)}", "".join(copies))  # type: ignore[misc]
        target.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        print(f"  copy {k} of {times - 1}", file=sys.stderr, flush=True)
    target.flush()
    del target


def store_of(size: int, keep: Path | None, work: Path) -> Path:
    folder = (keep or work) / f"store-{size}"
    if not (folder / "CURRENT").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"preparing {size} blueprints in {folder}", file=sys.stderr, flush=True)
        if size > 1000 and size % 1000 == 0:
            scale(store_of(1000, keep, work), folder, size // 1000)
        else:
            prepare(folder, size)
    return folder


def sample_pages(size: int, sample: int = SAMPLE) -> list[str]:
    """Page paths of `sample` blueprints spread over the store."""
    step = max(1, size // sample)
    out = []
    for index in range(0, size, step)[:sample]:
        doc = blueprint(index)
        out.append(f"/blueprints/{doc['service']['id']}/{doc['version']}")
    return out


def baseline_code(work: Path, revision: str = BASELINE) -> Path:
    """The package as it was at `revision` (git archive: no worktree, nothing written to the repository)."""
    target = work / "baseline"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


# -- a server --------------------------------------------------------------------------------

@contextmanager
def serving(store: Path, code: Path, log: Path) -> Iterator[tuple[str, int]]:
    """`kgbp serve` of the package in `code` on `store`, on a loopback port: (url, pid)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(code), "KGBP_STORE": str(store)}
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "kgbp.cli", "serve", "--store", str(store), "--port", str(port)],
                                   cwd=code, stdout=out, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {log}")
                try:
                    if httpx.get(f"{url}/static/kgbp.css", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url, process.pid
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


# -- the measures ----------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def page_latency(url: str, pages: list[str]) -> dict[str, float]:
    """Each page once (cold), then each twice more (warm), one at a time."""
    cold, warm = [], []
    with httpx.Client(base_url=url, timeout=300) as client:
        for rounds, into in ((1, cold), (2, warm)):
            for _ in range(rounds):
                for path in pages:
                    started = time.perf_counter()
                    answer = client.get(path)
                    into.append(time.perf_counter() - started)
                    if answer.status_code != 200:
                        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
    return {"cold_ms": percentile(cold, 0.5), "warm_ms": percentile(warm, 0.5)}


def assets_of(url: str, page: str) -> list[str]:
    """The static files a page loads, by the URLs its HTML names (versioned where the side versions them)."""
    html = httpx.get(url + page, timeout=300).text
    found = list(dict.fromkeys(re.findall(r'(?:href|src)="(/static/[^"]+)"', html)))
    if sorted(u.split("?")[0] for u in found) != sorted(ASSETS):
        raise RuntimeError(f"{page} loads {found}, not {ASSETS}: change ASSETS (and the docs' text)")
    return found


class Clients:
    """CLIENTS readers asking the blueprint-page mix in turn, and optionally WRITERS uploading."""

    def __init__(self, url: str, pages: list[str], assets: list[str], duration: float) -> None:
        self.url, self.pages, self.assets, self.duration = url, pages, assets, duration
        self.pages_s: list[float] = []  # the page requests' latencies
        self.requests = 0
        self.uploads = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def reader(self, offset: int, deadline: float) -> None:
        rnd = random.Random(offset)
        address = urlsplit(self.url)
        connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=120)  # kept open
        try:
            while time.monotonic() < deadline:
                for path in (rnd.choice(self.pages), *self.assets):
                    started = time.perf_counter()
                    try:
                        connection.request("GET", path)
                        answer = connection.getresponse()
                        answer.read()
                        status = answer.status
                    except (OSError, http.client.HTTPException) as exc:
                        status, path = 0, f"{path} {exc!r}"
                        connection.close()  # the next request opens a new connection
                    seconds = time.perf_counter() - started
                    with self.lock:
                        if status != 200:
                            self.errors.append(f"{status} {path}")
                            continue
                        self.requests += 1
                        if not path.startswith("/static/"):
                            self.pages_s.append(seconds)
        finally:
            connection.close()

    def writer(self, token: str, pool: list[int], deadline: float) -> None:
        with httpx.Client(base_url=self.url, timeout=120, headers={"Authorization": f"Bearer {token}"}) as client:
            for index in pool:
                if time.monotonic() >= deadline:
                    return
                name, data = document(index)
                answer = client.post("/api/blueprints", files={"file": (name, data)})
                with self.lock:
                    if answer.status_code == 201:
                        self.uploads += 1
                    else:
                        self.errors.append(f"upload {answer.status_code} {answer.text[:200]}")

    def run(self, tokens: list[str] = ()) -> dict[str, float]:  # type: ignore[assignment]
        deadline = time.monotonic() + self.duration
        pool = standalone(400 * max(1, len(tokens)), start=WRITER_POOL_START)
        threads = [threading.Thread(target=self.reader, args=(n, deadline)) for n in range(CLIENTS)]
        threads += [threading.Thread(target=self.writer, args=(t, pool[w::len(tokens)], deadline))
                    for w, t in enumerate(tokens)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        return {"rps": self.requests / elapsed, "p50_ms": percentile(self.pages_s, 0.5),
                "p99_ms": percentile(self.pages_s, 0.99), "uploads": self.uploads, "errors": len(self.errors)}


def one_side(store: Path, code: Path, work: Path, size: int, duration: float, concurrency: bool,
             sample: int) -> dict[str, Any]:
    copy = work / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store, copy)
    settings = Settings(store=str(copy))
    tokens = [create_token(settings, f"writer-{w}") for w in range(WRITERS)]
    pages = sample_pages(size, sample)
    out: dict[str, Any] = {}
    with serving(copy, code, work / "server.log") as (url, pid):
        out.update(page_latency(url, pages))
        if concurrency:
            assets = assets_of(url, pages[0])
            idle = Clients(url, pages, assets, duration).run()
            busy = Clients(url, pages, assets, duration).run(tokens)
            out.update({"rps": idle["rps"], "idle_p50_ms": idle["p50_ms"], "idle_p99_ms": idle["p99_ms"],
                        "busy_p50_ms": busy["p50_ms"], "busy_p99_ms": busy["p99_ms"], "uploads": busy["uploads"],
                        "busy_ratio": busy["p50_ms"] / idle["p50_ms"],  # within the round: the same machine load
                        "errors": idle["errors"] + busy["errors"]})
        out["rss_mb"] = peak_rss_mb(pid)
    shutil.rmtree(copy, ignore_errors=True)
    return out


def measure(size: int, rounds: int, duration: float, keep: Path | None, work: Path, baseline: Path,
            concurrency: bool, sample: int) -> dict[str, dict[str, float]]:
    store = store_of(size, keep, work)
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "now": []}
    for r in range(rounds):
        for side, code in (("baseline", baseline), ("now", ROOT)):
            print(f"{size}: round {r + 1} of {rounds}, {side}", file=sys.stderr, flush=True)
            found = one_side(store, code, work, size, duration, concurrency, sample)
            print(f"  {found}", file=sys.stderr, flush=True)
            runs[side].append(found)
    return {side: {k: statistics.median(run[k] for run in found) for k in found[0]} for side, found in runs.items()}


# -- the report ------------------------------------------------------------------------------

def ratio(baseline: float, now: float) -> str:
    return f"{baseline / now:.1f}x" if now else "-"


def table(results: dict[int, dict[str, dict[str, float]]]) -> str:
    rows = [("page p50, cold (first view) ms", "cold_ms", "{:.0f}"), ("page p50, warm ms", "warm_ms", "{:.0f}"),
            ("8 clients, page mix: requests/s", "rps", "{:.0f}"), ("8 clients: page p50 ms", "idle_p50_ms", "{:.0f}"),
            ("8 clients: page p99 ms", "idle_p99_ms", "{:.0f}"),
            ("8 clients + 2 writers: page p50 ms", "busy_p50_ms", "{:.0f}"),
            ("8 clients + 2 writers: page p99 ms", "busy_p99_ms", "{:.0f}"),
            ("uploads acknowledged meanwhile", "uploads", "{:.0f}"), ("server peak RSS MiB", "rss_mb", "{:.0f}")]
    lines = ["| blueprints | measure | baseline | now | ratio |", "|---:|---|---:|---:|---:|"]
    for size, sides in results.items():
        for title, key, fmt in rows:
            if key not in sides["now"]:
                continue
            b, n = sides["baseline"][key], sides["now"][key]
            better = ratio(n, b) if key in ("rps", "uploads") else ratio(b, n)
            lines.append(f"| {size:,} | {title} | {fmt.format(b)} | {fmt.format(n)} | {better} |")
    return "\n".join(lines)


def verdicts(results: dict[int, dict[str, dict[str, float]]]) -> list[str]:
    out = []
    for size, sides in results.items():
        now = sides["now"]
        if size >= 10_000:
            out.append(f"- page p50 <= 150 ms at {size:,}: {now['warm_ms']:.0f} ms warm, {now['cold_ms']:.0f} ms cold")
            out.append(f"- server RSS <= 1 GiB at {size:,}: {now['rss_mb']:.0f} MiB")
        if "rps" in now:
            out.append(f"- >= 200 requests/s, 8 clients, at {size:,}: {now['rps']:.0f}/s")
            out.append(f"- under 2 writers at {size:,}: page p50 {now['busy_p50_ms']:.0f} ms against "
                       f"{now['idle_p50_ms']:.0f} ms idle (median of the rounds' own ratios {now['busy_ratio']:.1f}x, "
                       f"target <= 2x), p99 {now['busy_p99_ms']:.0f} ms (target <= 1000)")
    return out


def markdown(results: dict[int, dict[str, dict[str, float]]], rounds: int, duration: float, command: str,
             sample: int) -> str:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return "\n".join([
        START, "## Blueprint page", "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} (commit {commit}) by `{command}`: `python bench/page.py`; a real "
        f"`kgbp serve` on loopback for each side, the baseline being the code at {BASELINE} served from a copy of the "
        f"same store. The page is `/blueprints/<service>/<version>` (diagram, steps, validation report) of {sample} "
        f"generated blueprints spread over the store (cold: each once after the server started; warm: each twice "
        f"more); the page mix is the page and the three files it loads "
        f"({', '.join(ASSETS)}, by the URLs the page names: now with `?v=<hash>`). {CLIENTS} client threads "
        f"(http.client, one persistent connection each) for {duration:.0f} s; the writers upload generated "
        f"blueprints through `POST /api/blueprints` (validated) without pause. Medians of {rounds} rounds; "
        f"ratios: above 1, now is better. {os.cpu_count()} CPU cores shared by clients and server, "
        f"Python {platform.python_version()}.", "",
        table(results), "", *verdicts(results), "", NOTES, END])


def write_section(text: str, path: Path = DOCS, start: str = START, end: str = END) -> None:
    page = path.read_text("utf-8") if path.exists() else "# Benchmarks\n\n"
    if start in page and end in page:
        page = page[:page.index(start)] + text + page[page.index(end) + len(end):]
    else:
        page = page.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(page, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated store sizes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of each concurrent measure")
    parser.add_argument("--concurrency-up-to", type=int, default=1000, help="throughput and writers only up to this size")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="blueprints whose pages are asked")
    parser.add_argument("--keep", type=Path, help="keep the generated stores in this folder (and reuse them)")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        baseline = baseline_code(work)
        results = {size: measure(size, args.rounds, args.duration, args.keep, work, baseline,
                                 size <= args.concurrency_up_to, args.sample) for size in sizes}
    # a folder of this machine says nothing to a reader of the report: FOLDER stands for it
    argv = ["FOLDER" if args.keep and Path(a) == args.keep else a for a in sys.argv[1:]]
    text = markdown(results, args.rounds, args.duration, "python bench/page.py " + " ".join(argv), args.sample)
    print(text)
    if not args.no_docs:
        write_section(text)


if __name__ == "__main__":
    main()
