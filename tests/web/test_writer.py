"""Writes run one at a time on the app's write thread, which is nicer than the server; reads never wait for it."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.errors import BadInput
from kgbp.resources import examples
from kgbp.web.writer import WRITE_NICENESS, WriteThread

from ..live_server import running_app


def test_writes_run_in_turn_on_one_thread_off_the_event_loop() -> None:
    writes = WriteThread()
    ran: list[tuple[int, str]] = []

    def work(n: int, *, tag: str) -> int:
        ran.append((n, threading.current_thread().name))
        return n * 10

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    async def ask() -> list[int]:
        return list(await asyncio.gather(*(writes.run(work, n, tag="x") for n in range(20))))

    try:
        assert asyncio.run(ask()) == [n * 10 for n in range(20)]
        if sys.platform == "linux":  # the write thread gives way to the readers for a core
            assert asyncio.run(writes.run(niceness)) == min(19, niceness() + WRITE_NICENESS)
    finally:
        writes.close()
    assert [n for n, _ in ran] == list(range(20))  # in the order asked
    threads = {name for _, name in ran}
    assert len(threads) == 1 and threads != {threading.current_thread().name}


def test_an_error_comes_back_as_it_was_raised_and_close_waits_for_what_was_asked() -> None:
    writes = WriteThread()

    def refuse() -> None:
        raise BadInput("no", where="here", hint="do this")

    with pytest.raises(BadInput) as refused:
        asyncio.run(writes.run(refuse))
    assert refused.value.where == "here"
    release, done = threading.Event(), []
    held = writes.submit(release.wait)
    queued = writes.submit(done.append, "after")
    threading.Timer(0.05, release.set).start()
    writes.close()  # returns once both ran
    assert held.done() and queued.done() and done == ["after"]
    assert asyncio.run(writes.run(lambda: "again")) == "again"  # a later write starts the thread again
    writes.close()


def test_reads_are_answered_while_a_write_holds_the_write_thread(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "store"))
    token = create_token(settings, "tester")
    example = next(p for p in examples() if p.name == "restaurant-checkout.yaml")
    with running_app(settings) as (base, app), httpx.Client(base_url=base, timeout=60) as client, \
            ThreadPoolExecutor(1) as uploads:
        started, release = threading.Event(), threading.Event()
        app.state.write_thread.submit(lambda: (started.set(), release.wait(60)))
        assert started.wait(30)
        try:
            upload = uploads.submit(client.post, "/api/blueprints", files={"file": (example.name, example.read_bytes())},
                                    headers={"Authorization": f"Bearer {token}"})
            # reads go on: a read waiting for the write thread would wait until the release below
            with httpx.Client(base_url=base, timeout=20) as reader:
                assert reader.get("/api/blueprints").status_code == 200
                assert reader.get("/static/kgbp.css").status_code == 200
                assert reader.get("/").status_code == 200
            assert not upload.done()  # the upload waits behind the held write
        finally:
            release.set()
        answer = upload.result(timeout=120)
        assert answer.status_code == 201, answer.text[:500]
        listed = client.get("/api/blueprints").json()
        assert [b["id"] for b in listed] == ["restaurant-checkout/as-is"]
