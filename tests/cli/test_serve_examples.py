"""`kgbp serve --examples` (what `make serve` runs) never overwrites a stored blueprint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port

pytestmark = pytest.mark.slow

KGBP = [str(Path(sys.executable).with_name("kgbp"))]


def _kgbp(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KGBP, *args, "--store", str(store)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


def _serve_once(store: Path) -> None:
    """Start the server with the examples as `make serve` does, wait until it answers, stop it."""
    port = free_port()
    proc = subprocess.Popen([*KGBP, "serve", "--store", str(store), "--examples", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/blueprints", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        pytest.fail("the server did not answer within 180 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _history(store: Path) -> list[dict[str, object]]:
    done = _kgbp("history", "--format", "json", store=store)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def test_restarting_with_examples_keeps_an_edited_example(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert _kgbp("init", store=store).returncode == 0
    _serve_once(store)
    first = _history(store)
    assert first, "the first start stores the examples"

    root = Path(__file__).resolve().parents[2]
    edited = tmp_path / "restaurant-checkout.yaml"
    text = (root / "examples" / "restaurant-checkout.yaml").read_text(encoding="utf-8")
    edited.write_text(text.replace("Restaurant — leaving after the meal", "Restaurant — leaving (edited)"), encoding="utf-8")
    done = _kgbp("load", str(edited), store=store)
    assert done.returncode == 0, done.stdout + done.stderr
    after_edit = _history(store)
    assert len(after_edit) == len(first) + 1

    _serve_once(store)
    assert len(_history(store)) == len(after_edit), "a restart adds no history for unchanged examples"
    shown = _kgbp("show", "restaurant-checkout", "--format", "json", store=store)
    assert "leaving (edited)" in shown.stdout, shown.stdout + shown.stderr
