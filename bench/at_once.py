"""Named queries asked by 8 clients at once, from a fresh server: requests per second, p50, p99
and the server's peak RSS, beside the code at BASELINE (before one evaluation was shared by the
requests asking for it at the same time), in the same run, on the same store. Results go to
docs/benchmarks.md, between the "at-once" markers.

    python bench/at_once.py                            # 10,000 generated blueprints, made as bench/page.py makes them
    python bench/at_once.py --keep DIR                 # keep (and reuse) that store in DIR, as bench/page.py --keep
    python bench/at_once.py --store STORE --rounds 3   # a store of generated blueprints made before

Each round starts each side's server afresh (nothing kept), so the clients' first requests
all find the answers unevaluated: what 8 people opening the question pages together meet.
The clients ask bench/run.py's named-query mix in turn, each starting at its own place in it,
over one persistent http.client connection each. Client and server share the machine.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from page import baseline_code, peak_rss_mb, serving, store_of, write_section  # noqa: E402
from run import CLIENTS, MIX, commit  # noqa: E402

BASELINE = "42b0e47"  # the code before requests shared one evaluation
START, END = "<!-- at-once:begin -->", "<!-- at-once:end -->"


def one_round(store: Path, code: Path, log: Path, duration: float) -> dict[str, float]:
    with serving(store, code, log) as (url, pid):
        where = urlsplit(url)
        latencies: list[float] = []
        stop = time.monotonic() + duration

        def client(first: int) -> None:
            connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=600)
            n = first
            while time.monotonic() < stop:
                name, params = MIX[n % len(MIX)]
                n += 1
                began = time.perf_counter()
                connection.request("GET", f"/api/queries/{name}?{urlencode(params)}")
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{name}: {response.status}")
                latencies.append(time.perf_counter() - began)

        began = time.monotonic()
        clients = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed = time.monotonic() - began  # past `duration` while the last requests finish
        latencies.sort()
        return {"rps": len(latencies) / elapsed, "p50_ms": 1000 * statistics.median(latencies),
                "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))], "rss_mib": peak_rss_mb(pid)}


def markdown(rows: dict[str, dict[str, float]], store: str, rounds: int, duration: float, command: str) -> str:
    def med(side: str, key: str) -> float:
        return statistics.median(r[key] for r in rows[side])

    lines = [START, "## Named queries asked at once", "",
             f"Measured {datetime.now(UTC):%Y-%m-%d} (commit {commit()}) by `{command}` on {store}: "
             f"{CLIENTS} clients ask the named-query mix of the Scale section in turn for {duration:g} s, from a fresh "
             f"server each round (so the first requests find nothing kept); the baseline is the code at {BASELINE}, "
             f"where requests arriving together evaluated the same question each. Medians of {rounds} rounds.", "",
             "| measure | baseline | now | ratio |", "|---|---:|---:|---:|"]
    for key, label, better_high in (("rps", "requests/s", True), ("p50_ms", "p50 ms", False),
                                    ("p99_ms", "p99 ms", False), ("rss_mib", "server peak RSS MiB", False)):
        old, new = med("baseline", key), med("now", key)
        ratio = new / old if better_high else old / new
        lines.append(f"| {label} | {old:,.1f} | {new:,.1f} | {ratio:.1f}x |")
    lines += ["", "Ratios: above 1, now is better.", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="generated blueprints in the store made for the run")
    parser.add_argument("--store", type=Path, help="a store of --size generated blueprints made before, instead")
    parser.add_argument("--keep", type=Path, help="keep the store made for the run in this folder (and reuse it)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    rows: dict[str, list[dict[str, float]]] = {"baseline": [], "now": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = args.store or store_of(args.size, args.keep, work)
        sides = {"baseline": baseline_code(work, BASELINE), "now": ROOT}
        for n in range(args.rounds):
            for side, code in sides.items():
                rows[side].append(one_round(store, code, work / f"{side}.log", args.duration))
                print(f"round {n + 1}, {side}: {rows[side][-1]}", file=sys.stderr, flush=True)
    folders = {str(p): name for p, name in ((args.store, "STORE"), (args.keep, "FOLDER")) if p is not None}
    argv = [folders.get(str(Path(a)), a) for a in sys.argv[1:]]  # no path of this machine in the report
    text = markdown(rows, f"{args.size:,} generated blueprints", args.rounds, args.duration,
                    "python bench/at_once.py " + " ".join(argv))
    print(text)
    if not args.no_docs:
        write_section(text, start=START, end=END)


if __name__ == "__main__":
    main()
