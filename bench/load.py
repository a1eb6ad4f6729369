"""Load: 20 readers (named queries and /sparql) and 2 writers against a real server, for a
fixed time, on loopback, while a prober replays the security probe catalogue (SERVICE and
LOAD bypasses, remote JSON-LD contexts, XML entities and XInclude: tests/security) at the
query, update, Graph Store and upload routes. Reports p50/p99 latency per kind of request,
counts every 5xx and every connection the probes caused (a loopback listener stands where
they point), and afterwards checks every acknowledged write is stored whole (bench/harness.py).
Results go to docs/benchmarks.md ("Load").

    python bench/load.py                       # 60 s, 20 readers, 2 writers; writes docs/benchmarks.md
    python bench/load.py --duration 10 --no-docs

The store holds the shipped examples and PRELOAD generated blueprints (stored without
validation, to start quickly). Writers upload new generated blueprints and, one time in
three, a revision of one they stored before. Client and server share the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # the probe catalogue lives with the security tests

from harness import Expected, check_store, document, serving, standalone  # noqa: E402

from kgbp.auth import create_token  # noqa: E402
from kgbp.config import Settings  # noqa: E402
from kgbp.ingest import SharedIndex, read_bytes, read_many  # noqa: E402
from kgbp.repository import save as repository  # noqa: E402
from kgbp.resources import examples  # noqa: E402
from kgbp.store.embedded import EmbeddedStore  # noqa: E402
from kgbp.validation.engine import Validator  # noqa: E402
from tests.security.conftest import Listener  # noqa: E402
from tests.security.test_no_outbound import BLUEPRINT, GRAPH, jsonld_documents, queries, updates, xml_documents  # noqa: E402

DURATION = 60.0  # seconds, as the issue asks
READERS = 20
WRITERS = 2
PRELOAD = 20
WRITER_POOL_START = 5000  # generated blueprints the writers add: apart from the preloaded ones
DOCS = HERE.parent / "docs" / "benchmarks.md"

SB = "PREFIX sb: <https://w3id.org/kgbp/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
READS: list[tuple[str, str, dict[str, str]]] = [  # (kind, path, query parameters)
    ("query", "/api/queries/fail_points_by_system", {"system": "boss"}),
    ("query", "/api/queries/impact_of_system_failure", {"system": "boss"}),
    ("query", "/api/queries/changes_between_versions", {"service": "mobile-tv-subscription"}),
    ("query", "/api/queries/dead_backstage_steps", {"blueprint": "arrears-reconnect/as-is"}),
    ("query", "/api/queries/frontstage_performer_share", {"blueprint": "mobile-tv-subscription/as-is"}),
    ("query", "/api/queries/touchpoints_by_channel_kind", {"service": "mobile-tv-subscription"}),
    ("query", "/api/queries/fail_points_by_department", {"department": "dept-03"}),
    ("query", "/api/queries/wait_points_without_standard", {"blueprint": "restaurant-checkout/as-is"}),
    ("sparql", "/sparql", {"query": SB + "SELECT ?lane (COUNT(?s) AS ?n) WHERE { ?s a sb:FailPoint ; sb:inLane ?lane } "
                                         "GROUP BY ?lane"}),
    ("sparql", "/sparql", {"query": SB + "SELECT ?fp ?l WHERE { ?sys rdfs:label \"BOSS\"@en . ?fp a sb:FailPoint ; "
                                         "sb:usesSystem ?sys ; rdfs:label ?l FILTER(LANG(?l) = \"en\") } LIMIT 50"}),
    ("sparql", "/sparql", {"query": "ASK { ?s ?p ?o }"}),
]


@dataclass
class Run:
    """What the clients saw."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    unexpected: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    sent: dict[int, int] = field(default_factory=dict)
    acknowledged: dict[int, int] = field(default_factory=dict)
    by_path: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # reads, one by one
    leaked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int, expected: int, what: str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status != expected and len(self.unexpected) < 20:
                self.unexpected.append(f"{kind} {what}: {status}")


@dataclass
class Report:
    duration: float
    readers: int
    writers: int
    preloaded: int
    rows: list[dict[str, Any]]
    server_errors: int
    unexpected: list[str]
    transport_errors: list[str]
    problems: list[str]
    acknowledged_blueprints: int
    acknowledged_revisions: int
    reads: list[dict[str, Any]] = field(default_factory=list)
    outbound: int = 0  # connections the listener heard
    leaked: int = 0  # answers that held the secret file's text

    def reads_table(self) -> str:
        lines = ["| read | count | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
        for r in self.reads:
            lines.append(f"| {r['kind']} | {r['count']} | {r['p50']:.0f} | {r['p99']:.0f} |")
        return "\n".join(lines)

    def table(self) -> str:
        lines = ["| requests | count | per second | p50 ms | p99 ms | max ms | 5xx |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in self.rows:
            lines.append(f"| {r['kind']} | {r['count']} | {r['rate']:.1f} | {r['p50']:.0f} | {r['p99']:.0f} | "
                         f"{r['max']:.0f} | {r['5xx']} |")
        return "\n".join(lines)


def _reader(url: str, run: Run, deadline: float, offset: int) -> None:
    with httpx.Client(base_url=url, timeout=120, headers={"Accept": "application/json"}) as client:
        i = offset
        while time.monotonic() < deadline:
            kind, path, params = READS[i % len(READS)]
            i += 1
            started = time.monotonic()
            try:
                answer = client.get(path, params=params)
            except httpx.TransportError as exc:
                run.transport_errors.append(f"{kind} {path}: {exc!r}")
                continue
            seconds = time.monotonic() - started
            run.record(kind, seconds, answer.status_code, 200, path)
            with run.lock:
                run.by_path[path.rsplit("/", 1)[-1] if kind == "query" else "sparql"].append(seconds)


def _writer(url: str, token: str, run: Run, deadline: float, pool: list[int], seed: int) -> None:
    rnd = random.Random(seed)
    mine: list[int] = []
    fresh = iter(pool)
    with httpx.Client(base_url=url, timeout=120, headers={"Authorization": f"Bearer {token}"}) as client:
        while time.monotonic() < deadline:
            new = next(fresh, None) if not mine or rnd.random() >= 1 / 3 else None
            if new is None and not mine:
                return
            if new is None:
                kind, index = "reupload", rnd.choice(mine)
                revision = run.sent[index] + 1
            else:
                kind, index, revision = "upload", new, 0
            with run.lock:
                run.sent[index] = revision
            name, data = document(index, revision)
            started = time.monotonic()
            try:
                answer = client.post("/api/blueprints", files={"file": (name, data)})
            except httpx.TransportError as exc:
                run.transport_errors.append(f"{kind} {name}: {exc!r}")
                continue
            run.record(kind, time.monotonic() - started, answer.status_code, 201, name)
            if answer.status_code == 201:
                with run.lock:
                    run.acknowledged[index] = revision
                if revision == 0:
                    mine.append(index)


@dataclass
class Probes:
    """The catalogue aimed at a listener and a secret file: (what, method, path, request arguments)."""

    listener: Listener
    secret_file: Path

    def requests(self, token: str) -> list[tuple[str, str, str, dict[str, Any]]]:
        url, file = self.listener.url, self.secret_file
        auth = {"Authorization": f"Bearer {token}"}
        out: list[tuple[str, str, str, dict[str, Any]]] = [("query", "GET", "/sparql", {"params": {"query": q}})
                                                          for q in queries(url, file)]
        out += [("update", "POST", "/sparql", {"data": {"update": u}, "headers": auth}) for u in updates(url, file)]
        bodies = [(json.dumps(doc).encode(), "application/ld+json", "probe.jsonld") for doc in jsonld_documents(url, file)]
        bodies += [(doc, "application/rdf+xml", "probe.rdf") for doc in xml_documents(url, file)]
        for data, media, name in bodies:
            out.append(("graph-store", "PUT", "/rdf-graphs/service",
                        {"params": {"graph": BLUEPRINT["@id"]}, "content": data, "headers": {**auth, "Content-Type": media}}))
            out.append(("graph-store", "POST", "/rdf-graphs/service",
                        {"params": {"graph": GRAPH}, "content": data, "headers": {**auth, "Content-Type": media}}))
            out.append(("upload", "POST", "/api/blueprints", {"files": {"file": (name, data)}, "headers": auth}))
        return out


def _prober(url: str, token: str, run: Run, deadline: float, probes: Probes) -> None:
    """Replay the catalogue, in turn, until the deadline: every probe must be refused (4xx)."""
    catalogue = probes.requests(token)
    secret = probes.listener.secret
    with httpx.Client(base_url=url, timeout=120) as client:
        i = 0
        while time.monotonic() < deadline:
            what, method, path, kwargs = catalogue[i % len(catalogue)]
            i += 1
            started = time.monotonic()
            try:
                answer = client.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                run.transport_errors.append(f"probe {what}: {exc!r}")
                continue
            refused = 400 <= answer.status_code < 500
            run.record("probe", time.monotonic() - started, answer.status_code if not refused else 400, 400,
                       f"{method} {path} ({what})")
            if secret in answer.text:
                with run.lock:
                    run.leaked += 1


def drive(url: str, tokens: list[str], duration: float, readers: int, probes: Probes | None = None,
          probe_token: str = "") -> Run:
    """Run the readers, the writers and (given `probes`) the prober against `url` for `duration` seconds."""
    run = Run()
    deadline = time.monotonic() + duration
    pool = standalone(200 * len(tokens) + 200, start=WRITER_POOL_START)
    threads = [threading.Thread(target=_reader, args=(url, run, deadline, i)) for i in range(readers)]
    if probes is not None:
        threads.append(threading.Thread(target=_prober, args=(url, probe_token, run, deadline, probes)))
    threads += [threading.Thread(target=_writer, args=(url, token, run, deadline, pool[w::len(tokens)], w))
                for w, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run


def _percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _row(kind: str, values: list[float], duration: float) -> dict[str, Any]:
    values = sorted(values)
    return {"kind": kind, "count": len(values), "rate": len(values) / duration, "p50": 1000 * _percentile(values, 50),
            "p99": 1000 * _percentile(values, 99), "max": 1000 * values[-1]}


def summarise(run: Run, duration: float) -> list[dict[str, Any]]:
    return [{**_row(kind, run.latencies[kind], duration), "5xx": sum(n for s, n in run.statuses[kind].items() if s >= 500)}
            for kind in ("query", "sparql", "upload", "reupload", "probe") if run.latencies.get(kind)]


def prepare(folder: Path, preload: int) -> list[str]:
    """A store with the examples and `preload` generated blueprints; the ids stored."""
    store = EmbeddedStore(folder)
    try:
        repository.init(store)
        blueprints, problems = read_many(examples(), SharedIndex.from_store(store))
        if problems:
            raise problems[0]
        repository.save(store, blueprints, validator=Validator(), agent="bench")
        for index in standalone(preload):
            name, data = document(index)
            repository.save(store, read_bytes(data, name, SharedIndex.from_store(store)), agent="bench")
        return [b.id for b in repository.list_blueprints(store)]
    finally:
        store.close()


def measure(workdir: Path, duration: float = DURATION, readers: int = READERS, writers: int = WRITERS,
            preload: int = PRELOAD) -> Report:
    """The whole benchmark in `workdir`: prepare, serve, drive, stop, verify."""
    folder = workdir / "store"
    stored = prepare(folder, preload)
    settings = Settings(store=str(folder))
    tokens = [create_token(settings, f"writer-{w}") for w in range(writers)]
    probe_token = create_token(settings, "prober")
    secret = "kgbp-secret-" + os.urandom(8).hex()
    secret_file = workdir / "private" / "secret.txt"
    secret_file.parent.mkdir()
    secret_file.write_text(f'<http://x/{secret}> <http://x/p> "{secret}" .\n')
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    listener = Listener(sock, secret)
    threading.Thread(target=listener.serve, daemon=True).start()
    try:
        with serving(folder, workdir / "server.log") as served:
            run = drive(served.url, tokens, duration, readers, Probes(listener, secret_file), probe_token)
    finally:
        sock.close()
    store = EmbeddedStore(folder)
    try:
        problems = check_store(store, run.sent, run.acknowledged, Expected(), others=stored)
    finally:
        store.close()
    rows = summarise(run, duration)
    return Report(duration, readers, writers, preload, rows, sum(r["5xx"] for r in rows), run.unexpected,
                  run.transport_errors[:20], problems, len(run.acknowledged), sum(run.acknowledged.values()),
                  [_row(name, values, duration) for name, values in sorted(run.by_path.items())],
                  outbound=len(listener.heard), leaked=run.leaked)


def markdown(report: Report) -> str:
    verdict = "every acknowledged write stored whole" if not report.problems else f"{len(report.problems)} problem(s)"
    return "\n".join([
        "## Load",
        "",
        "`python bench/load.py` (also `tests/system/test_load.py`, marked slow): a real `kgbp serve` on loopback, "
        f"{report.readers} reader threads (named queries through `/api/queries/...` and SPARQL through `/sparql`, "
        f"in turn), {report.writers} writer threads (uploads of generated ~40-step blueprints through "
        f"`POST /api/blueprints`, validated; one in three a revision of one stored before) for "
        f"{report.duration:.0f} s, and one prober replaying the security probe catalogue of `tests/security/test_no_outbound.py` "
        "(SERVICE/LOAD bypasses through `/sparql`, remote JSON-LD contexts, XML entities and XInclude through the Graph "
        "Store and uploads; each must be refused with a 4xx; a loopback listener stands where they point), "
        f"on a store holding the shipped examples and {report.preloaded} generated blueprints. "
        "Latency as the client measured it, request sent to answer read; client and server share the machine "
        f"({os.cpu_count()} CPU cores, Python {platform.python_version()}, {platform.system()}).",
        "",
        report.table(),
        "",
        f"5xx answers: {report.server_errors}. Connection errors: {len(report.transport_errors)}. "
        f"Writes acknowledged: {report.acknowledged_blueprints} blueprints, {report.acknowledged_revisions} revisions; "
        f"checked afterwards against their files: {verdict}. Probes not refused with a 4xx: "
        f"{sum(1 for u in report.unexpected if u.startswith('probe'))}; outbound connections heard: {report.outbound}; "
        f"answers holding the local file's text: {report.leaked}.",
        "",
        "The reads one by one (named queries by name; all SPARQL together):",
        "",
        report.reads_table(),
        "",
    ])


def write_section(text: str, path: Path = DOCS) -> None:
    """Put the "## Load" section into the page, replacing an earlier one, keeping the others."""
    page = path.read_text("utf-8") if path.exists() else "# Benchmarks\n\n"
    start = page.find("## Load\n")
    if start < 0:
        page = page.rstrip("\n") + "\n\n" + text
    else:
        end = page.find("\n## ", start + 1)
        page = page[:start] + text + (page[end + 1:] if end >= 0 else "")
    path.write_text(page.rstrip("\n") + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=DURATION)
    parser.add_argument("--readers", type=int, default=READERS)
    parser.add_argument("--writers", type=int, default=WRITERS)
    parser.add_argument("--preload", type=int, default=PRELOAD)
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        report = measure(Path(workdir), args.duration, args.readers, args.writers, args.preload)
    text = markdown(report)
    print(text)
    for line in report.unexpected + report.transport_errors + report.problems:
        print(line, file=sys.stderr)
    if not args.no_docs:
        write_section(text)
    if report.server_errors or report.unexpected or report.transport_errors or report.problems or report.outbound \
            or report.leaked:
        sys.exit(1)


if __name__ == "__main__":
    main()
