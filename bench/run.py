"""Scale benchmark: kgbp on its embedded store and on Virtuoso, side by side with the
Oxigraph server and plain rdflib over the same data, at several repository sizes. Results go
to docs/benchmarks.md ("Scale"); see the docstring of each measure for what it times.

    python bench/run.py                       # 100, 1,000 and 10,000 blueprints (`make bench`)
    python bench/run.py --sizes 10000 --merge # one size again; the others from bench/results/
    python bench/run.py --sizes 100 --no-virtuoso --duration 5    # a quick look

For each size, each store is measured in a fresh process (its peak RSS is that process's,
or the server's):
- kgbp embedded: `kgbp load` of the generated YAML files (read, validate, store, history:
  the real write path); every named query through kgbp (parameters bound as kgbp binds
  them), its whole answer evaluated and written out as JSON, cold (nothing kept); one
  blueprint saved and validated again; then `kgbp serve` on that store: every named query
  through the HTTP API (the first request, cold; then the first page and the whole answer
  streamed as JSON and as CSV, warm), then 8 concurrent clients (named queries, then /sparql).
- kgbp on Virtuoso 7 (scripts/virtuoso.sh, a throwaway instance): the same, through the
  SPARQL protocol store.
- Oxigraph server (PyPI `oxigraph`, `serve --union-default-graph`), loaded with the N-Quads
  dump of the kgbp store: the same query texts, parameters bound the same way, over HTTP;
  the same throughput runs against its /query.
- Virtuoso 7 server (scripts/virtuoso.sh, a throwaway instance), loaded with the same dump by
  its bulk loader: the same query texts over HTTP (no default-graph-uri: the union of all
  graphs); the same throughput runs against its /sparql. kgbp on Virtuoso imports through
  `kgbp load` (hours at 10,000), so by default only up to 1,000; this server, at every size.
- rdflib (Memory store, Dataset with a union default graph), parsed from the same dump.
Times are medians of `--runs` runs after one warm-up run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

# parameters of the named queries on generated data (bench/generate.py): every fifth
# blueprint is a to-be, so svc-00003 has two versions; BOSS is in a quarter of them
PARAMS = {"service": "svc-00003", "system": "boss", "department": "dept-01", "kind": "remote", "step": "s0",
          "from": "2026-01", "to": "2026-12", "as_of": "2026-06-30"}
RESULTS = HERE / "results"  # the raw figures of the last run at each size
MARKER_BEGIN, MARKER_END = "<!-- scale:begin -->", "<!-- scale:end -->"
CLIENTS = 8
LOAD_BATCH = 1000  # files per write of `kgbp load --batch`: ~2.5 GiB of rdflib graphs held at once
LIMIT = 30.0  # seconds: a baseline query still running then is given up
ONCE = 20.0  # seconds: a query slower than this is run once (the baselines can take minutes)
# what the throughput clients ask, in turn: the questions of a blueprint page and the BOSS one
MIX = [("fail_points_by_system", {"system": "boss"}), ("fail_points_by_department", {"department": "dept-01"}),
       ("dead_backstage_steps", {"blueprint": "svc-00003/as-is"}),
       ("unsupported_frontstage_steps", {"blueprint": "svc-00003/as-is"}),
       ("wait_points_without_standard", {"blueprint": "svc-00003/as-is"}),
       ("touchpoints_by_channel_kind", {"service": "svc-00003"})]
SPARQL = ("PREFIX sb: <https://w3id.org/kgbp/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?fail_point ?label WHERE { ?system rdfs:label \"BOSS\"@en . "
          "?fail_point a sb:FailPoint ; sb:usesSystem ?system ; rdfs:label ?label FILTER(LANG(?label) = \"en\") } LIMIT 50")


def query_cases(skip: tuple[str, ...] = ()) -> list[tuple[str, dict[str, str]]]:
    from kgbp.query import catalogue as query

    cases = []
    for name, q in sorted(query.load_catalogue().items()):
        if name in skip or any(p.required and p.name not in PARAMS for p in q.params):
            continue  # the generated data has nothing to name (improvement actions)
        params = {p.name: PARAMS[p.name] for p in q.params if p.name in PARAMS and (p.required or p.name != "service")}
        cases.append((name, params))
    return cases


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory of this process (or of process `pid`), MiB."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):  # the process has ended
        return float("nan")


def timed(fn: Any, runs: int) -> tuple[float, Any]:
    """Median of `runs` runs after a warm-up; a warm-up over ONCE seconds is the one measure."""
    start = time.perf_counter()
    out = fn()  # warm-up
    if time.perf_counter() - start > ONCE:
        return time.perf_counter() - start, out
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def bounded(measure: Any) -> dict[str, Any]:
    """Run `measure` (giving seconds and rows) in a forked process, given up after LIMIT s:
    rdflib's engine can take hours on some of the queries, and cannot be interrupted."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def work() -> None:
        seconds, rows = measure()
        send.send({"ms": seconds * 1000, "rows": rows})

    process = context.Process(target=work)
    process.start()
    answer = receive.recv() if receive.poll(LIMIT) else {"ms": None, "rows": None, "over": LIMIT}
    process.kill()
    process.join()
    return dict(answer)


def note(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


# -- throughput: CLIENTS threads asking in turn for `duration` seconds ---------------------------

def hammer(url: str, requests: list[dict[str, Any]], duration: float) -> dict[str, Any]:
    """Each request is httpx.request keyword arguments (method, url path, params or data)."""
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=max(duration, 60),
                          headers={"Accept": "application/sparql-results+json, application/json"}) as http:
            i = offset
            while time.monotonic() < deadline:
                request = requests[i % len(requests)]
                i += 1
                started = time.monotonic()
                try:
                    answer = http.request(**request)
                    ok = answer.status_code == 200
                    why = f"{answer.status_code} {answer.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, why = False, repr(exc)
                with lock:
                    if ok:
                        latencies.append(time.monotonic() - started)
                    else:
                        errors.append(why)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    pick = (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000) if latencies else (lambda q: 0.0)
    return {"rps": len(latencies) / elapsed, "p50_ms": pick(0.5), "p99_ms": pick(0.99), "errors": len(errors),
            "first_error": errors[0] if errors else ""}


def through_api(url: str, cases: dict[str, Any], runs: int, upload: Path | None = None,
                token: str | None = None) -> dict[str, Any]:
    """Every named query through the HTTP API: the first request (cold: the store evaluates the
    query), then the first page (JSON, <= 100 rows with the total and the next link) and the whole
    answer streamed as JSON and as CSV (warm: the answer kept since the first request). With an
    `upload` (a generated blueprint file, stored already) and a write token: the first page and the
    whole answer, each the first request after that blueprint was saved again through the API
    (its title changed: a write of one blueprint graph, as an editor's save)."""
    import httpx
    import yaml

    writes = 0

    def write(http: httpx.Client) -> None:
        nonlocal writes
        assert upload is not None
        doc = yaml.safe_load(upload.read_text(encoding="utf-8"))
        writes += 1
        doc["title"]["en"] = f"{doc['title']['en']} ({writes})"
        sent = http.post("/api/blueprints", files={"file": (upload.name, yaml.safe_dump(doc, allow_unicode=True).encode())},
                         headers={"Authorization": f"Bearer {token}"})
        sent.raise_for_status()

    out: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=LIMIT * 10) as http:
        for name, case in cases.items():
            if case.get("ms") is None:
                continue

            def get(params: dict[str, Any], n: str = name, given: dict[str, str] = case["params"]) -> int:
                answer = http.get(f"/api/queries/{n}", params={**given, **params})
                answer.raise_for_status()
                if params.get("format") == "csv":
                    return answer.text.count("\n") - 1
                return len(answer.json()["rows"])

            started = time.perf_counter()
            total = get({"limit": "all"})
            first_ms = (time.perf_counter() - started) * 1000
            page = timed(lambda: get({}), runs)[0] * 1000
            whole_json = timed(lambda: get({"limit": "all"}), runs)[0] * 1000
            whole_csv, csv_rows = timed(lambda: get({"format": "csv"}), runs)
            out[name] = {"first_ms": first_ms, "page_ms": page, "json_ms": whole_json, "csv_ms": whole_csv * 1000,
                         "rows": total, "csv_rows": csv_rows}
            if upload is not None and token:
                after: dict[str, list[float]] = {"after_write_page_ms": [], "after_write_json_ms": []}
                for _ in range(runs):
                    for key, params in (("after_write_page_ms", {}), ("after_write_json_ms", {"limit": "all"})):
                        write(http)
                        started = time.perf_counter()
                        get(params)
                        after[key].append((time.perf_counter() - started) * 1000)
                out[name].update({key: statistics.median(values) for key, values in after.items()})
            note(f"{name} over HTTP: {out[name]}")
    return out


def kgbp_requests(mix: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {"named": [{"method": "GET", "url": f"/api/queries/{m['name']}", "params": m["params"]} for m in mix],
            "sparql": [{"method": "GET", "url": "/sparql", "params": {"query": SPARQL}}]}


def serve_and_hammer(store: str, work: Path, mix: list[dict[str, Any]], duration: float,
                     cases: dict[str, Any] | None = None, runs: int = 5, upload: Path | None = None,
                     **env: str) -> dict[str, Any]:
    """`kgbp serve` on `store`: each of `cases` through the API (and after a write of `upload`, on
    the embedded store), then the named-query mix and /sparql, CLIENTS at a time."""
    from harness import serve

    from kgbp.auth import create_token
    from kgbp.config import Settings

    token = create_token(Settings(store=store), "bench") if upload is not None and "://" not in store else None
    served = serve(Path(store) if "://" not in store else store, work / "serve.log", **env)  # type: ignore[arg-type]
    try:
        api = through_api(served.url, cases or {}, runs, upload, token)
        out: dict[str, Any] = {kind: hammer(served.url, requests, duration)
                               for kind, requests in kgbp_requests(mix).items()}
        out["api"] = api
        out["server_rss_mb"] = peak_rss_mb(served.process.pid)
        return out
    finally:
        served.stop()


# -- the measures, each run in its own process ------------------------------------------------

def import_with_kgbp(store: str, files_dir: str, env: dict[str, str]) -> float:
    """`kgbp init` and `kgbp load --batch` (validation on every blueprint), each its own process."""
    environment = {**os.environ, **env}
    start = time.perf_counter()
    for args in (["init", "--store", store], ["load", "--store", store, "--batch", str(LOAD_BATCH), files_dir]):
        done = subprocess.run([sys.executable, "-m", "kgbp.cli", *args], capture_output=True, text=True, env=environment)
        if done.returncode:
            raise SystemExit(f"kgbp {args[0]} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def measure_through_kgbp(store: Any, files_dir: str, runs: int, config: dict[str, Any]) -> dict[str, Any]:
    """Every named query, the throughput mix's bound texts, and one save+validate."""
    import yaml

    from kgbp.errors import QueryError
    from kgbp.ingest import SharedIndex, read_bytes
    from kgbp.query import answer as answers
    from kgbp.query import catalogue as query
    from kgbp.query.output import stream_json
    from kgbp.repository import save as repository
    from kgbp.store.sparql_text import bind
    from kgbp.validation.engine import Validator

    # texts bound here, once, as kgbp binds them: the baselines are asked exactly these
    out: dict[str, Any] = {"queries": {}, "mix": []}

    def cold(name: str, params: dict[str, str]) -> answers.Answer:
        """The whole answer evaluated (nothing kept from before) and written out as JSON."""
        answers._KEPT.clear()
        result = answers.answer(store, name, params)
        for _ in stream_json(result):
            pass
        return result

    for name, params in query_cases(tuple(config.get("skip") or ())):
        try:
            seconds, result = timed(lambda n=name, p=params: cold(n, p), runs)
        except QueryError as exc:  # Virtuoso cannot compile some (docs/virtuoso.md)
            note(f"{name}: fails: {exc}")
            out["queries"][name] = {"ms": None, "rows": None, "error": str(exc).split("\n")[0][-120:],
                                    "params": params}
            continue
        note(f"{name}: {seconds * 1000:.0f} ms, {result.total} rows")
        out["queries"][name] = {"ms": seconds * 1000, "rows": result.total, "params": params,
                                "text": bind(result.query.text, result.bindings)}
    for name, params in MIX:
        named = query.get(name)
        out["mix"].append({"name": name, "params": params, "text": bind(named.text, query.bind(store, named, params))})
    files = sorted(Path(files_dir).glob("*.yaml"))
    doc = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    validator = Validator()

    def save() -> None:
        doc["title"]["en"] = f"{doc['title']['en']}."
        data = yaml.safe_dump(doc, allow_unicode=True).encode()
        repository.save(store, read_bytes(data, files[0].name, SharedIndex.from_store(store)), validator=validator)

    out["save_ms"] = timed(save, runs)[0] * 1000
    return out


def measure_kgbp(config: dict[str, Any]) -> dict[str, Any]:
    """kgbp on its embedded store: import, queries, one save; then the served throughput."""
    from kgbp.store.embedded import EmbeddedStore

    work, store_dir, runs = Path(config["work"]), config["work"] + "/store", config["runs"]
    out: dict[str, Any] = {}
    if config.get("store"):  # --store: a copy of a store loaded before from the same files
        shutil.copytree(config["store"], store_dir)
    else:
        out["import_s"] = import_with_kgbp(store_dir, config["files"], {})
        out["load_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # `kgbp load`'s peak
        note(f"kgbp import: {out['import_s']:.1f} s, {out['load_rss_mb']:.0f} MiB")
    store = EmbeddedStore(store_dir)
    out.update(measure_through_kgbp(store, config["files"], runs, config))
    out["triples"] = len(store._ox)
    # everything the store holds (with the ontology graph, which `kgbp dump` leaves out)
    (work / "dump.nq").write_bytes(store.dump("application/n-quads"))
    store.close()
    out["rss_mb"] = peak_rss_mb()
    first = sorted(Path(config["files"]).glob("*.yaml"))[0]
    out["throughput"] = serve_and_hammer(store_dir, work, out["mix"], config["duration"], out["queries"], runs, first)
    return out


class Virtuoso:
    """A throwaway Virtuoso 7 (scripts/virtuoso.sh) in `folder`, on free loopback ports, with
    `buffers` 8 KiB pages of cache; started on entering, stopped on leaving."""

    def __init__(self, folder: Path, buffers: int, **settings: str) -> None:
        from harness import free_port

        self.folder, self.password = folder, "bench-" + os.urandom(4).hex()
        self.sql_port, http_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{http_port}"
        self.env = {**os.environ, "VIRTUOSO_DIR": str(folder), "VIRTUOSO_SQL_PORT": str(self.sql_port),
                    "VIRTUOSO_HTTP_PORT": str(http_port), "VIRTUOSO_PASSWORD": self.password,
                    "VIRTUOSO_BUFFERS": str(buffers), **settings}

    def script(self, *commands: str) -> None:
        subprocess.run(["bash", str(ROOT / "scripts" / "virtuoso.sh"), *commands], env=self.env, check=True,
                       capture_output=True, timeout=900)

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(int((self.folder / "server.pid").read_text()))

    def __enter__(self) -> Virtuoso:
        self.script("install", "start")
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["bash", str(ROOT / "scripts" / "virtuoso.sh"), "stop"], env=self.env, capture_output=True,
                       timeout=120)


def measure_virtuoso(config: dict[str, Any]) -> dict[str, Any]:
    """kgbp on a throwaway Virtuoso 7: the same as measure_kgbp, through the SPARQL protocol."""
    from kgbp.config import Settings
    from kgbp.store import open_store

    work, runs = Path(config["work"]), config["runs"]
    with Virtuoso(work / "virtuoso", 60000) as virtuoso:  # ~470 MiB of cache
        url = f"{virtuoso.url}/sparql"
        credentials = {"KGBP_STORE_USER": "dba", "KGBP_STORE_PASSWORD": virtuoso.password}
        out: dict[str, Any] = {"import_s": import_with_kgbp(url, config["files"], credentials)}
        note(f"virtuoso import: {out['import_s']:.1f} s")
        # Virtuoso 7.2 can plan wrongly on data that has grown since it started (docs/virtuoso.md)
        virtuoso.script("restart")
        store = open_store(Settings(store=url, store_user="dba", store_password=virtuoso.password))
        out.update(measure_through_kgbp(store, config["files"], runs, config))
        store.close()
        out["throughput"] = serve_and_hammer(url, work, out["mix"], config["duration"], out["queries"], runs,
                                             store_user="dba", store_password=virtuoso.password)
        out["rss_mb"] = virtuoso.peak_rss_mb()
        return out


def endpoint_throughput(base: str, path: str, mix: list[dict[str, Any]], duration: float) -> dict[str, Any]:
    """A SPARQL server's throughput: the named-query mix's bound texts, then the fixed /sparql query."""
    return {"named": hammer(base, [{"method": "POST", "url": path, "data": {"query": m["text"]}} for m in mix], duration),
            "sparql": hammer(base, [{"method": "POST", "url": path, "data": {"query": SPARQL}}], duration)}


def ask_each(endpoint: str, cases: dict[str, Any], runs: int) -> dict[str, Any]:
    """Each case's bound text POSTed to a SPARQL endpoint (JSON results, parsed): ms and rows.
    A query the server stopped at its time limit counts as over LIMIT: the Oxigraph server
    breaks off mid-answer (not JSON), Virtuoso answers what it has with an X-SQL-State header."""
    import httpx

    out: dict[str, Any] = {}
    with httpx.Client(timeout=LIMIT + 30) as client:
        for name, case in cases.items():
            if not case.get("text"):
                continue

            def ask(text: str = case["text"]) -> int:
                r = client.post(endpoint, data={"query": text}, headers={"Accept": "application/sparql-results+json"})
                r.raise_for_status()
                if "x-sql-state" in r.headers:  # Virtuoso's anytime answer: cut short, not the whole answer
                    raise ValueError(f"{r.headers['x-sql-state']}: {r.headers.get('x-sql-message', '')}")
                return len(r.json()["results"]["bindings"])

            try:
                seconds, rows = timed(ask, runs)
                out[name] = {"ms": seconds * 1000, "rows": rows}
            except httpx.HTTPStatusError as exc:  # the server cannot answer it, or gave up (Virtuoso's S1T00)
                error = f"{exc.response.status_code} {exc.response.text[:200]}"
                out[name] = {"ms": None, "rows": None, "error": error} | ({"over": LIMIT} if "S1T00" in error else {})
            except (httpx.HTTPError, ValueError) as exc:  # stopped at its time limit
                out[name] = {"ms": None, "rows": None, "over": LIMIT, "error": repr(exc)[:200]}
            note(f"{name}: {out[name]}")
    return out


def measure_oxigraph(config: dict[str, Any]) -> dict[str, Any]:
    """`oxigraph load` then `oxigraph serve`; queries POSTed over loopback."""
    import httpx
    from harness import free_port

    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    work, cases, runs = Path(config["work"]), config["cases"], config["runs"]
    location = work / "oxigraph"
    start = time.perf_counter()
    subprocess.run([exe, "load", "--location", str(location), "--file", str(work / "dump.nq")], check=True,
                   capture_output=True)
    load_s = time.perf_counter() - start
    log = (work / "oxigraph.log").open("wb")

    def start(*options: str) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        server = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                                   "--union-default-graph", *options], stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(400):
            try:
                httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        return server, base

    def stop(server: subprocess.Popen[bytes]) -> None:
        server.terminate()
        server.wait(30)

    # queries one at a time under its timeout; throughput without it (its timeout starts a
    # thread per query, and 8 clients exhaust them: the server aborts)
    server, base = start("--timeout-s", f"{LIMIT:g}")
    try:
        out: dict[str, Any] = {"import_s": load_s, "queries": ask_each(f"{base}/query", cases, runs)}
        stop(server)
        server, base = start()
        out["throughput"] = endpoint_throughput(base, "/query", config["mix"], config["duration"])
        out["rss_mb"] = peak_rss_mb(server.pid)
        if server.poll() is not None:
            out["exited"] = f"the server exited ({server.returncode}): " + (work / "oxigraph.log").read_text()[-300:]
            note(out["exited"])
        return out
    finally:
        log.close()
        stop(server)


def measure_virtuoso_server(config: dict[str, Any]) -> dict[str, Any]:
    """A throwaway Virtuoso 7 loaded with the dump by its bulk loader (no validation); the same
    query texts POSTed to its /sparql (no default-graph-uri: the union of all graphs)."""
    work, runs = Path(config["work"]), config["runs"]
    # ~1.3 GiB of cache, the bulk loader's advice for 2 GiB; queries stopped at LIMIT
    with Virtuoso(work / "virtuoso-server", 170000, VIRTUOSO_QUERY_SECONDS=f"{LIMIT:g}") as virtuoso:

        def isql(sql: str) -> str:
            done = subprocess.run(["isql-vt", f"127.0.0.1:{virtuoso.sql_port}", "dba", virtuoso.password, f"exec={sql}"],
                                  capture_output=True, text=True, timeout=3600)
            if done.returncode or "*** Error" in done.stdout + done.stderr:
                raise SystemExit(f"isql-vt {sql[:60]}: {(done.stdout + done.stderr)[-1000:]}")
            return done.stdout

        os.link(work / "dump.nq", virtuoso.folder / "dump.nq")  # DirsAllowed: the server's own folder
        start = time.perf_counter()
        isql("ld_dir('.', 'dump.nq', 'urn:kgbp:bench:unused'); rdf_loader_run(); checkpoint;")
        out: dict[str, Any] = {"import_s": time.perf_counter() - start}
        failed = isql("SELECT ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if "0 Rows." not in failed:
            raise SystemExit(f"the bulk loader failed: {failed[-1000:]}")
        note(f"virtuoso bulk load: {out['import_s']:.1f} s")
        virtuoso.script("restart")  # Virtuoso 7.2 can plan wrongly on data that has grown since it started
        out["queries"] = ask_each(f"{virtuoso.url}/sparql", config["cases"], runs)
        out["throughput"] = endpoint_throughput(virtuoso.url, "/sparql", config["mix"], config["duration"])
        out["rss_mb"] = virtuoso.peak_rss_mb()
        return out


def measure_rdflib(config: dict[str, Any]) -> dict[str, Any]:
    """rdflib's Memory store: parse the dump, then the same query texts."""
    from rdflib import Dataset

    start = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(config["work"] + "/dump.nq", format="nquads")
    out: dict[str, Any] = {"import_s": time.perf_counter() - start, "queries": {}}
    for name, case in config["cases"].items():
        text = case["text"]
        out["queries"][name] = bounded(lambda t=text: timed(lambda: len(list(ds.query(t))), config["runs"]))
        note(f"{name}: {out['queries'][name]}")
    out["rss_mb"] = peak_rss_mb()
    return out


MEASURES = {"kgbp": measure_kgbp, "virtuoso": measure_virtuoso, "oxigraph": measure_oxigraph,
            "virtuoso_server": measure_virtuoso_server, "rdflib": measure_rdflib}


def child(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """Run one measure in a fresh Python process; its JSON answer."""
    path = Path(config["work"]) / f"{kind}.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    print(f"{Path(config['work']).name}: {kind}", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, __file__, "--measure", kind, str(path)], stdout=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"{kind} failed (exit {done.returncode}); its messages are above")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# -- the report ---------------------------------------------------------------------------------

def ratio(a: float, b: float) -> str:
    """How many times slower the baseline `b` is than kgbp's `a` (above 1: kgbp is faster)."""
    return f"{b / a:.1f}x" if a > 0 else "-"


def _cell(side: dict[str, Any] | None, fmt: str, *keys: str) -> str:
    value: Any = side
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return "-"
        value = value[key]
    return fmt.format(value)


def _throughput(side: dict[str, Any] | None, kind: str) -> str:
    t = (side or {}).get("throughput", {}).get(kind)
    if not t:
        return "-"
    errors = f", **{t['errors']} errors**" if t["errors"] else ""
    return f"{t['rps']:.1f}/s (p50 {t['p50_ms']:.0f} ms, p99 {t['p99_ms']:.0f} ms{errors})"


def report(results: dict[int, dict[str, Any]], runs: int, duration: float) -> str:
    sides = [("kgbp", "kgbp embedded"), ("virtuoso", "kgbp on Virtuoso 7"), ("oxigraph", "Oxigraph server"),
             ("virtuoso_server", "Virtuoso 7 server"), ("rdflib", "rdflib Memory")]
    lines = [
        "## Scale",
        "",
        "`make bench` runs `python bench/run.py` (100, 1,000 and 10,000 blueprints; every side, rdflib up to 100); each size says "
        "the command it was measured by, and its raw figures are in bench/results/. "
        "Generated blueprints (bench/generate.py, ~40 steps each); each store measured in a "
        f"fresh process; times are medians of {runs} runs after a warm-up (a query over {ONCE:g} s is run once); "
        f"throughput is {CLIENTS} concurrent clients for {duration:g} s on loopback (clients and server share "
        f"the machine); {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Ratios are the other side's time over kgbp embedded's "
        "(above 1: kgbp embedded is faster). Named-query throughput asks in turn: "
        + ", ".join(f"{name} ({', '.join(f'{k}={v}' for k, v in params.items())})" for name, params in MIX)
        + "; /sparql throughput asks one fixed query (the BOSS fail points, LIMIT 50). A baseline query still "
        f"running after {LIMIT:g} s is given up (shown as > {LIMIT * 1000:.0f} ms); \"fails\": the server "
        "answered with an error (docs/virtuoso.md lists Virtuoso's).",
        "",
    ]
    for size, r in results.items():
        k = r["kgbp"]
        lines += [
            f"### {size:,} blueprints ({k['triples']:,} quads)",
            "",
            f"Measured {r.get('measured', '?')} (commit {r.get('commit', '?')}) by `{r.get('command', '?')}`; "
            f"`kgbp load --batch {LOAD_BATCH}`."
            + (f" Left out (minutes each at this size, cold; see below): {', '.join(r['skipped'])}."
               if r.get("skipped") else ""),
            "",
            "| | " + " | ".join(title for _, title in sides) + " |",
            "|---|" + "---:|" * len(sides),
            "| import | " + " | ".join([
                _cell(k, "{:.1f} s", "import_s") + " (`kgbp load`: read, validate, store, history)",
                _cell(r.get("virtuoso"), "{:.1f} s", "import_s") + " (`kgbp load`, same path)",
                _cell(r.get("oxigraph"), "{:.1f} s", "import_s") + " (`oxigraph load` of the dump, no validation)",
                _cell(r.get("virtuoso_server"), "{:.1f} s", "import_s") + " (bulk loader, the dump, no validation)",
                _cell(r.get("rdflib"), "{:.1f} s", "import_s") + " (parse the dump)"]) + " |",
            "| one blueprint saved and validated | " + " | ".join([
                _cell(k, "{:.0f} ms", "save_ms"), _cell(r.get("virtuoso"), "{:.0f} ms", "save_ms"), "-", "-", "-"]) + " |",
            "| peak RSS | " + " | ".join([
                _cell(k, "{:.0f} MiB", "rss_mb") + " (query process); `kgbp load` "
                + _cell(k, "{:.0f} MiB", "load_rss_mb") + "; server "
                + _cell(k, "{:.0f} MiB", "throughput", "server_rss_mb"),
                _cell(r.get("virtuoso"), "{:.0f} MiB", "rss_mb") + " (virtuoso-t); kgbp server "
                + _cell(r.get("virtuoso"), "{:.0f} MiB", "throughput", "server_rss_mb"),
                _cell(r.get("oxigraph"), "{:.0f} MiB", "rss_mb") + " (server)",
                _cell(r.get("virtuoso_server"), "{:.0f} MiB", "rss_mb") + " (virtuoso-t)",
                _cell(r.get("rdflib"), "{:.0f} MiB", "rss_mb")]) + " |",
            "| named-query throughput | " + " | ".join(_throughput(r.get(s), "named") for s, _ in sides[:4]) + " | - |",
            "| /sparql throughput | " + " | ".join(_throughput(r.get(s), "sparql") for s, _ in sides[:4]) + " | - |",
            "",
            "| named query | rows | kgbp ms | p50 <= 100 ms | kgbp on Virtuoso ms | ratio | Oxigraph ms | ratio "
            "| Virtuoso server ms | ratio | rdflib ms | ratio |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, q in k["queries"].items():
            cells, differ = [], []
            for side, _ in sides[1:]:
                other = (r.get(side) or {}).get("queries", {}).get(name)
                if other is None:
                    cells += ["-", "-"]
                    continue
                if other.get("over"):
                    cells += [f"> {other['over'] * 1000:.0f}", f"> {other['over'] * 1000 / q['ms']:.0f}x"]
                    continue
                if other.get("ms") is None:
                    cells += ["fails", "-"]
                    continue
                cells += [f"{other['ms']:.0f}", ratio(q["ms"], other["ms"])]
                if other["rows"] != q["rows"]:
                    differ.append(f"{side} {other['rows']}")
            rows = f"{q['rows']}" + (f" (differ: {', '.join(differ)})" if differ else "")
            lines.append(f"| {name} | {rows} | {q['ms']:.0f} | {'yes' if q['ms'] <= 100 else '**no**'} | "
                         + " | ".join(cells) + " |")
        lines.append("")
        lines += api_table(r)
    return "\n".join(lines + targets(results) + on_paper(results))


def on_paper(results: dict[int, dict[str, Any]], far: int = 100_000) -> list[str]:
    """Each named query's evaluation at `far` blueprints, extended on the straight line through
    the Oxigraph server's medians at the two largest sizes measured (the same engine as kgbp
    embedded; what remains of a cold request once nothing is converted per row)."""
    measured = [n for n in sorted(results) if (results[n].get("oxigraph") or {}).get("queries")]
    # two sizes measured the same day (the same machine and load), the widest apart; else the two largest
    pairs = [(a, b) for a in measured for b in measured if a < b and results[a].get("measured") == results[b].get("measured")]
    sizes = list(max(pairs, key=lambda p: (p[1], p[1] - p[0]))) if pairs else measured[-2:]
    if len(sizes) < 2:
        return []
    small, large = (results[n]["oxigraph"]["queries"] for n in sizes)
    lines = [f"### {far:,} blueprints, on paper", "",
             f"The Oxigraph server's medians at {sizes[0]:,} and {sizes[1]:,} blueprints (measured "
             f"{results[sizes[0]].get('measured', '?')} and {results[sizes[1]].get('measured', '?')}), "
             f"extended on a straight line to {far:,}: what one evaluation, the cold request, would take on the "
             "embedded store. The listings over the whole repository grow with it; the questions about one "
             "service or blueprint stay nearly flat.", "",
             f"| named query | {sizes[0]:,} ms | {sizes[1]:,} ms | ms per 1,000 blueprints | {far:,}, estimated |",
             "|---|---:|---:|---:|---:|"]
    for name in sorted(set(small) & set(large)):
        a, b = small[name].get("ms"), large[name].get("ms")
        if a is None or b is None:
            continue
        slope = (b - a) / (sizes[1] - sizes[0]) * 1000
        estimate = max(b, b + slope * (far - sizes[1]) / 1000)
        shown = f"{estimate / 1000:.1f} s" if estimate >= 1000 else f"{estimate:.0f} ms"
        lines.append(f"| {name} | {a:.0f} | {b:.0f} | {slope:.1f} | {shown} |")
    return [*lines, ""]


BASELINES = (("oxigraph", "Oxigraph server"), ("virtuoso_server", "Virtuoso server"))  # the same texts over HTTP


def api_table(r: dict[str, Any]) -> list[str]:
    """Named queries through kgbp's HTTP API against each baseline server, one size."""
    api = r["kgbp"].get("throughput", {}).get("api")
    if not api:
        return []
    baselines = [(side, title) for side, title in BASELINES if (r.get(side) or {}).get("queries")]
    lines = [
        "Named queries through the HTTP API (`kgbp serve`, one client, loopback; JSON parsed by the client, as for "
        "the baseline servers). *First request*: the first after the server started, which evaluates the query "
        "(one measure; in-process: the whole answer evaluated and written as JSON, nothing kept, median). *Warm*: "
        "the answer kept since (query/answer.py), medians. *After a write*: the first request after one blueprint "
        "was saved again through the API (its title changed), medians; a question with a `partition` "
        "(docs/queries.md) then asks the store for that blueprint's rows only, the others are evaluated again. "
        "First page: `GET /api/queries/NAME` (100 rows, the total and the next link); whole: `?limit=all` (JSON) "
        "and `?format=csv`, streamed. Ratios: the baseline server's time over kgbp's whole JSON answer (above 1: "
        "kgbp is faster), first request / after a write / warm. Times in ms.",
        "",
        "| named query | rows | first page, warm | first page, after a write | p50 <= 100 ms (after a write) "
        "| first request | in-process, first | whole JSON, warm | whole CSV, warm | whole JSON, after a write "
        + "".join(f"| {title} | ratio, first / after a write / warm " for _, title in baselines) + "|",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|" + "---:|---:|" * len(baselines),
    ]
    for name, a in api.items():
        cold_in = r["kgbp"]["queries"].get(name, {}).get("ms")
        page_after, whole_after = a.get("after_write_page_ms"), a.get("after_write_json_ms")
        compared = []
        for side, _ in baselines:
            other = r[side]["queries"].get(name) or {}
            if other.get("over"):
                compared += [f"> {other['over'] * 1000:.0f}", "> 1"]
            elif other.get("ms") is None:
                compared += ["fails" if other.get("error") else "-", "-"]
            else:
                after = "-" if whole_after is None else ratio(whole_after, other["ms"])
                compared += [f"{other['ms']:.0f}" + ("" if other.get("rows") == a["rows"] else f" ({other.get('rows')} rows)"),
                             f"{ratio(a['first_ms'], other['ms'])} / {after} / {ratio(a['json_ms'], other['ms'])}"]
        met = "-" if page_after is None else ("yes" if page_after <= 100 else "**no**")
        lines.append(f"| {name} | {a['rows']} | {a['page_ms']:.1f} | {'-' if page_after is None else f'{page_after:.0f}'} "
                     f"| {met} | {a['first_ms']:.0f} | {'-' if cold_in is None else f'{cold_in:.0f}'} | {a['json_ms']:.1f} "
                     f"| {a['csv_ms']:.1f} | {'-' if whole_after is None else f'{whole_after:.0f}'} | "
                     + " | ".join(compared) + " |")
    return [*lines, ""]


def targets(results: dict[int, dict[str, Any]]) -> list[str]:
    """The issue's targets (set for 10,000 blueprints) against the largest size measured."""
    size = max(results)
    k = results[size]["kgbp"]
    times = {name: q["ms"] for name, q in k["queries"].items()}
    fast = [n for n, ms in times.items() if ms <= 100]

    def beats(side: str) -> str:
        """At the largest size where `side` was measured."""
        measured = [n for n in results if (results[n].get(side) or {}).get("queries")]
        if not measured:
            return "not measured"
        at = max(measured)
        mine = {name: q["ms"] for name, q in results[at]["kgbp"]["queries"].items()}
        other = results[at][side]["queries"]
        won = [n for n, ms in mine.items() if n in other and (other[n].get("ms") is None or other[n]["ms"] > ms)]
        return f"{len(won)} of {len(mine)} queries" + (f" at {at:,}" if at != size else "")

    # the API measures at the largest size that has them (older results in bench/results/ do not)
    api_at = max((n for n in results if results[n]["kgbp"].get("throughput", {}).get("api")), default=size)
    api = results[api_at]["kgbp"].get("throughput", {}).get("api") or {}
    at = "" if api_at == size else f" (at {api_at:,})"

    def faster(key: str, side: str) -> int:
        other = (results[api_at].get(side) or {}).get("queries", {})
        return sum(1 for n, a in api.items() if key in a and (other.get(n, {}).get("over")
                                                          or (other.get(n, {}).get("ms") or 0) > a[key]))

    def within(key: str) -> int:
        return sum(1 for a in api.values() if a.get(key, float("inf")) <= 100)

    def line(text: str, count: int) -> str:
        return f"| {text}{at} | {count} of {len(api)} | {'yes' if count == len(api) else '**no**'} |"

    api_lines = [
        line("first page through the API p50 <= 100 ms (warm)", within("page_ms")),
        line("the same, the first request after a write of one blueprint", within("after_write_page_ms")),
        line("the same, the first request after the server started", within("first_ms")),
    ] if api else []
    for side, title in BASELINES:
        if api and (results[api_at].get(side) or {}).get("queries"):
            api_lines += [
                line(f"whole answer through the API faster than the {title} (warm)", faster("json_ms", side)),
                line("the same, after a write of one blueprint", faster("after_write_json_ms", side)),
                line("the same, the first request after the server started", faster("first_ms", side)),
            ]
    named = k.get("throughput", {}).get("named", {})
    at_1000 = results.get(1000, {}).get("kgbp", {}).get("throughput", {}).get("named", {})
    rss = k.get("throughput", {}).get("server_rss_mb", float("nan"))  # the server's, not the bench's query process
    return [
        f"### Targets, at {size:,} blueprints (the targets are set for 10,000)",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        f"| every named query p50 <= 100 ms (embedded) | {len(fast)} of {len(times)} | {'yes' if len(fast) == len(times) else '**no**'} |",
        *api_lines,
        f"| faster than the Oxigraph server (in-process, cold) | {beats('oxigraph')} | - |",
        f"| faster than the Virtuoso server (in-process, cold) | {beats('virtuoso_server')} | - |",
        f"| faster than kgbp on Virtuoso | {beats('virtuoso')} | - |",
        (f"| import with validation <= 2x `oxigraph load` | {k['import_s']:.0f} s against "
         f"{results[size]['oxigraph']['import_s']:.0f} s ({k['import_s'] / results[size]['oxigraph']['import_s']:.1f}x; "
         "bench/bench_write.py measures it alone: \"Writes\") | "
         f"{'yes' if k['import_s'] <= 2 * results[size]['oxigraph']['import_s'] else '**no**'} |")
        if "import_s" in k and "import_s" in (results[size].get("oxigraph") or {})
        else "| import with validation <= 2x `oxigraph load` | not measured in this run (--store): \"Writes\" | - |",
        f"| one save+validate <= 50 ms | {k['save_ms']:.0f} ms (with the reading of its YAML file; \"Writes\" "
        f"measures the save alone) | {'yes' if k['save_ms'] <= 50 else '**no**'} |",
        f"| server RSS <= 1 GiB | {rss:.0f} MiB (`kgbp serve` under the throughput runs) | {'yes' if rss <= 1024 else '**no**'} |",
        "| named-query throughput >= 200/s at 1,000 | "
        + (f"{at_1000['rps']:.0f}/s | {'yes' if at_1000['rps'] >= 200 else '**no**'} |" if at_1000
           else f"not measured at 1,000 ({named.get('rps', 0):.0f}/s at {size:,}) | - |"),
        "",
    ]


def commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


def write_report(text: str, path: Path) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{MARKER_BEGIN}\n{text}\n{MARKER_END}"
    if MARKER_BEGIN in old:
        head, rest = old.split(MARKER_BEGIN, 1)
        new = head + block + rest.split(MARKER_END, 1)[1]
    else:
        title, _, body = old.partition("\n")
        new = f"{title}\n\n{block}\n{body}"
    path.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of each throughput run")
    parser.add_argument("--no-virtuoso", action="store_true", help="leave out Virtuoso (kgbp on it, and the server)")
    parser.add_argument("--rdflib-up-to", type=int, default=100,
                        help="rdflib only at sizes up to this (at 100 blueprints half its queries take over 30 s)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folders (printed)")
    parser.add_argument("--virtuoso-up-to", type=int, default=1000,
                        help="kgbp on Virtuoso only at sizes up to this (its import is `kgbp load` through the SPARQL "
                             "protocol: hours at 10,000); the Virtuoso server, bulk-loaded, at every size")
    parser.add_argument("--merge", action="store_true",
                        help="report the other sizes too, from their last results in bench/results/ (dated in the report)")
    parser.add_argument("--store", help="measure kgbp embedded on a copy of this store, loaded before from the files "
                                        "`bench/generate.py SIZE` writes (no import measured); one size only")
    parser.add_argument("--skip", default="", help="named queries left out (comma-separated), named in the report")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.measure:  # a child process: one measure, JSON on stdout
        print(json.dumps(MEASURES[args.measure](json.loads(Path(rest[0]).read_text(encoding="utf-8")))))
        return

    from generate import write

    results: dict[int, dict[str, Any]] = {}
    for size in (int(s) for s in args.sizes.split(",") if s):
        work = Path(tempfile.mkdtemp(prefix=f"kgbp-bench-{size}-"))
        try:
            write(size, work / "files")
            config = {"work": str(work), "files": str(work / "files"), "runs": args.runs, "duration": args.duration,
                      "store": args.store, "skip": [n for n in args.skip.split(",") if n]}
            k = child("kgbp", config)
            config.update(cases=k["queries"], mix=k["mix"])
            r: dict[str, Any] = {"kgbp": k}
            if not args.no_virtuoso and size <= args.virtuoso_up_to:
                r["virtuoso"] = child("virtuoso", config)
            r["oxigraph"] = child("oxigraph", config)
            if not args.no_virtuoso:
                r["virtuoso_server"] = child("virtuoso_server", config)
            if size <= args.rdflib_up_to:
                r["rdflib"] = child("rdflib", config)
            # the store's own path says nothing to a reader of the report: STORE stands for it
            argv = ["STORE" if args.store and a == args.store else a for a in sys.argv[1:]]
            r.update(measured=time.strftime("%Y-%m-%d"), commit=commit(), command=" ".join(["python bench/run.py", *argv]),
                     skipped=config["skip"])
            results[size] = r
        finally:
            if args.keep:
                print(f"kept {work}", file=sys.stderr)
            else:
                shutil.rmtree(work, ignore_errors=True)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"scale-{size}.json").write_text(json.dumps(results[size], indent=1), encoding="utf-8")
    if args.merge:
        for path in RESULTS.glob("scale-*.json"):
            results.setdefault(int(path.stem.split("-")[1]), json.loads(path.read_text(encoding="utf-8")))
    results = dict(sorted(results.items()))
    text = report(results, args.runs, args.duration)
    print(text)
    write_report(text, args.out)


if __name__ == "__main__":
    main()
