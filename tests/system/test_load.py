"""Load: 20 readers and 2 writers against the real server for a fixed time while the security
probe catalogue is replayed (bench/load.py): no 5xx, no connection errors, every probe refused,
no outbound connection, every acknowledged write stored whole afterwards.
The figures are printed (`pytest -s`); `python bench/load.py` writes them to docs/benchmarks.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from load import DURATION, READERS, WRITERS, markdown, measure

pytestmark = pytest.mark.slow


def test_readers_and_writers_for_a_fixed_time(tmp_path: Path) -> None:
    report = measure(tmp_path, DURATION, READERS, WRITERS)
    print("\n" + markdown(report))
    assert report.server_errors == 0, report.rows
    assert report.unexpected == [] and report.transport_errors == []
    assert report.problems == []
    assert report.outbound == 0 and report.leaked == 0, "a probe made the server reach out or read a local file"
    kinds = {r["kind"]: r["count"] for r in report.rows}
    assert kinds.get("query", 0) > 0 and kinds.get("sparql", 0) > 0 and kinds.get("upload", 0) > 0, kinds
    assert kinds.get("probe", 0) > 0, kinds
    assert report.acknowledged_blueprints >= 1
