"""Finding 11: uploads (HTML, JSON, slide, ArchiMate) parse and validate off the event loop.

Each upload's work is held at a gate (the real function runs once the gate opens); while it
is held, another request must be answered. On the event loop, nothing else could be, and
the gate would time out. No timing is measured: the order of events is the test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import kgbp.repository.save
import kgbp.web.routers.blueprints
import kgbp.web.routers.slides
from kgbp.resources import examples


class Gate:
    """Wraps a function: each call waits until the gate opens (or 30 s pass), then runs it."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func, self.entered, self.opened = func, threading.Event(), threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        self.opened.wait(30)
        return self.func(*args, **kwargs)


def _while_held(gate: Gate, base: str, send: Callable[[], httpx.Response]) -> httpx.Response:
    answer: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: answer.append(send()))
    worker.start()
    try:
        assert gate.entered.wait(60), "the upload never reached the gated work"
        other = httpx.get(base + "/api/blueprints", timeout=10)  # raises if the loop is blocked
        assert other.status_code == 200
    finally:
        gate.opened.set()
        worker.join(60)
    return answer[0]


@pytest.fixture()
def gated(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Any, str], Gate]]:
    def install(module: Any, name: str) -> Gate:
        gate = Gate(getattr(module, name))
        monkeypatch.setattr(module, name, gate)
        return gate
    yield install


def test_html_upload_leaves_the_loop_free(examples_server: tuple[str, str], gated: Callable[[Any, str], Gate]) -> None:
    base, token = examples_server
    gate = gated(kgbp.repository.save, "save")
    data = examples()[-1].read_bytes()
    answer = _while_held(gate, base, lambda: httpx.post(
        base + "/upload", data={"token": token, "draft": "true"}, files={"file": ("again.yaml", data)}, timeout=60))
    assert answer.status_code == 201, answer.text[:300]


def test_slide_upload_leaves_the_loop_free(examples_server: tuple[str, str], gated: Callable[[Any, str], Gate]) -> None:
    base, token = examples_server
    deck = httpx.get(base + "/blueprints/restaurant-checkout/as-is/slide.pptx", timeout=60)
    assert deck.status_code == 200
    gate = gated(kgbp.web.routers.slides, "import_slide")
    answer = _while_held(gate, base, lambda: httpx.post(
        base + "/api/slides", params={"save": "false"}, files={"file": ("drawn.pptx", deck.content)},
        headers={"Authorization": f"Bearer {token}"}, timeout=60))
    assert answer.status_code == 201, answer.text[:300]


def test_json_upload_leaves_the_loop_free(examples_server: tuple[str, str], gated: Callable[[Any, str], Gate]) -> None:
    base, token = examples_server
    gate = gated(kgbp.repository.save, "save")
    data = examples()[-1].read_bytes()
    answer = _while_held(gate, base, lambda: httpx.post(
        base + "/api/blueprints", params={"draft": "true"}, files={"file": ("again.yaml", data)},
        headers={"Authorization": f"Bearer {token}"}, timeout=60))
    assert answer.status_code == 201, answer.text[:300]


def test_archimate_import_leaves_the_loop_free(examples_server: tuple[str, str],
                                               gated: Callable[[Any, str], Gate]) -> None:
    base, token = examples_server
    model = httpx.get(base + "/export/archimate.xml", params={"service": "restaurant-checkout"}, timeout=60)
    assert model.status_code == 200
    gate = gated(kgbp.web.routers.blueprints, "read_archimate_bytes")  # parsing, then validating and storing
    answer = _while_held(gate, base, lambda: httpx.post(
        base + "/api/archimate", files={"file": ("model.xml", model.content)},
        headers={"Authorization": f"Bearer {token}"}, timeout=60))
    assert answer.status_code == 200 and answer.json()["status"] == "unchanged", answer.text[:300]
