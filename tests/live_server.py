"""A real kgbp server under uvicorn on a free loopback port, for tests that speak HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from kgbp.config import Settings
from kgbp.web.app import create_app
from kgbp.web.http_protocol import HttpProtocol


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(settings: Settings) -> Iterator[str]:
    """Start the app on 127.0.0.1:<free port>, yield its base URL, stop it afterwards."""
    with running_app(settings) as (base, _):
        yield base


@contextmanager
def running_app(settings: Settings) -> Iterator[tuple[str, FastAPI]]:
    """As running_server, and the app too (its store is app.state.store once started)."""
    port = free_port()
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", http=HttpProtocol, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/blueprints", timeout=2).status_code < 500:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        server.should_exit = True
        raise RuntimeError("the test server did not start within 30 s")
    try:
        yield base, app
    finally:
        server.should_exit = True
        thread.join(timeout=15)
