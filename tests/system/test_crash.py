"""Crash safety: SIGKILL the real server in the middle of a bulk import, several times.

Each run starts `kgbp serve` (its own process) on the same on-disk store, has two writers
upload generated blueprints over HTTP one per request (one adds new blueprints, the other
sends revisions of acknowledged ones), kills the process with SIGKILL at a random moment
(seeded), and checks the store as the next start finds it: it opens; every blueprint is
wholly one revision that was sent or wholly absent; every acknowledged write is there;
the history's last kept state of each blueprint is what is stored.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.repository import save as repository
from kgbp.store.embedded import EmbeddedStore

from ..conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from harness import Expected, check_store, document, serve, standalone

pytestmark = pytest.mark.slow

RUNS = 4
SEED = 9
FIRST_ACK_WITHIN = 60.0  # seconds: the first write of a run warms the validator up
ENOUGH_WITHIN = 300.0  # seconds a run may take to have the writes it needs acknowledged
IN_FLIGHT_WITHIN = 10.0  # seconds to wait for a request in flight before killing anyway


class Writers:
    """Two writers: new blueprints in order, and revisions of acknowledged ones."""

    def __init__(self, url: str, tokens: dict[str, str], pool: list[int], sent: dict[int, int],
                 acknowledged: dict[int, int], seed: int) -> None:
        self.url, self.tokens, self.pool = url, tokens, pool
        self.sent, self.acknowledged = sent, acknowledged
        self.lock = threading.Lock()
        self.first_ack = threading.Event()
        self.unexpected: list[str] = []
        self.rnd = random.Random(seed)
        self.threads = [threading.Thread(target=self._add, daemon=True),
                        threading.Thread(target=self._revise, daemon=True)]

    def blueprints(self) -> int:
        with self.lock:
            return sum(1 for r in self.acknowledged.values() if r >= 0)

    def revisions(self) -> int:
        with self.lock:
            return sum(self.acknowledged.values())

    def wait_until(self, condition: Callable[[], bool], limit: float) -> bool:
        """Poll `condition` until it holds (True) or `limit` seconds pass (False)."""
        deadline = time.monotonic() + limit
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(60)
            assert not thread.is_alive(), "a writer did not stop after the kill"

    def _post(self, client: httpx.Client, token: str, index: int, revision: int) -> bool:
        """Send one revision; False when the server is gone."""
        with self.lock:
            self.sent[index] = max(self.sent.get(index, -1), revision)  # before sending: it may land
        name, data = document(index, revision)
        try:
            response = client.post(f"{self.url}/api/blueprints", files={"file": (name, data)},
                                   headers={"Authorization": f"Bearer {token}"})
        except httpx.TransportError:
            return False
        if response.status_code == 201:
            with self.lock:
                self.acknowledged[index] = max(self.acknowledged.get(index, -1), revision)
            self.first_ack.set()
        else:
            self.unexpected.append(f"{name} r{revision}: {response.status_code} {response.text[:300]}")
        return True

    def _add(self) -> None:
        with httpx.Client(timeout=60) as client:
            for index in self.pool:
                if index in self.sent:
                    continue
                if not self._post(client, self.tokens["importer"], index, 0):
                    return

    def _revise(self) -> None:
        with httpx.Client(timeout=60) as client:
            while True:
                with self.lock:
                    done = sorted(i for i, r in self.acknowledged.items() if r == self.sent[i])
                if not done:
                    if not self._alive(client):
                        return
                    time.sleep(0.05)
                    continue
                index = self.rnd.choice(done)
                if not self._post(client, self.tokens["reviser"], index, self.sent[index] + 1):
                    return

    def _alive(self, client: httpx.Client) -> bool:
        try:
            client.get(f"{self.url}/api/blueprints", timeout=5)
            return True
        except httpx.TransportError:
            return False


def test_sigkill_during_a_bulk_import_leaves_every_blueprint_whole(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    store.close()
    settings = Settings(store=str(folder))
    tokens = {name: create_token(settings, name) for name in ("importer", "reviser")}
    rnd = random.Random(SEED)
    pool = standalone(400)
    sent: dict[int, int] = {}
    acknowledged: dict[int, int] = {}
    expected = Expected()
    killed_during = []
    for run in range(RUNS):
        served = serve(folder, tmp_path / "server.log")  # opens what the previous kill left
        unacknowledged = {i for i, r in sent.items() if acknowledged.get(i, -1) < r}
        writers = Writers(served.url, tokens, pool, sent, acknowledged, seed=SEED + run)
        writers.start()
        assert writers.first_ack.wait(FIRST_ACK_WITHIN), f"run {run}: no write acknowledged; see server.log"
        # count what the checks below need instead of guessing how fast this machine writes:
        # two more blueprints each run, a revision by the last, and a request in flight at the kill
        needed = 2 * (run + 1)
        last = run == RUNS - 1
        enough = writers.wait_until(lambda w=writers, n=needed, last=last: w.blueprints() >= n and  # type: ignore[misc]
                                    (not last or w.revisions() >= 1), ENOUGH_WITHIN)
        assert enough, f"run {run}: {writers.blueprints()} blueprints acknowledged in {ENOUGH_WITHIN:g} s, {needed} needed"
        time.sleep(rnd.uniform(0, 0.5))  # a seeded moment within the next writes
        writers.wait_until(lambda old=unacknowledged: bool(  # type: ignore[misc]
            {i for i, r in sent.items() if acknowledged.get(i, -1) < r} - old), IN_FLIGHT_WITHIN)
        in_flight = {i for i, r in sent.items() if acknowledged.get(i, -1) < r} - unacknowledged
        served.kill()
        killed_during.append(len(in_flight))
        writers.join()
        assert writers.unexpected == [], writers.unexpected
        store = EmbeddedStore(folder)
        try:
            problems = check_store(store, sent, acknowledged, expected)
        finally:
            store.close()
        assert problems == [], f"run {run}: " + "\n".join(problems)
    print(f"{RUNS} kills; requests in flight at each: {killed_during}; blueprints acknowledged: "
          f"{sum(1 for r in acknowledged.values() if r >= 0)}, revisions acknowledged: {sum(acknowledged.values())}")
    assert sum(1 for r in acknowledged.values() if r >= 0) >= 2 * RUNS
    assert any(r >= 1 for r in acknowledged.values()), "no revision was acknowledged: the reviser never ran"
    assert sum(killed_during) >= 1, "every kill fell between writes; nothing was in flight"
    # a last start: the server opens the store and lists exactly what the check found
    served = serve(folder, tmp_path / "server.log")
    try:
        listed = {b["id"] for b in httpx.get(f"{served.url}/api/blueprints", timeout=30).json()}
    finally:
        served.stop()
    store = EmbeddedStore(folder)
    try:
        assert listed == {b.id for b in repository.list_blueprints(store)}
        assert check_store(store, sent, acknowledged, expected) == []
    finally:
        store.close()
