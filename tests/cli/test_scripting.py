"""The command line in scripts, while a server holds the store: tab-separated output in a pipe,
--format json/csv/tsv, reads opened read-only beside the server, writes told to go through it,
and `kgbp load --lang zh` speaking Chinese with a line per phase when not on a terminal."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgbp.config import Settings

from ..conftest import ROOT, stored_ids
from ..live_server import running_server

KGBP = str(Path(sys.executable).with_name("kgbp"))
BLUEPRINTS = [str(p) for p in sorted((ROOT / "examples").glob("*.yaml"))]  # the example blueprints (not their evidence)


def kgbp(*args: str, store: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([KGBP, *args, "--store", str(store)], capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with the examples, held by a running server for the whole module."""
    store = tmp_path_factory.mktemp("held") / "store"
    kgbp("init", store=store)
    kgbp("load", *BLUEPRINTS, store=store)
    with running_server(Settings(store=str(store))):
        yield store


def test_list_in_a_pipe_gives_one_id_per_line_while_the_server_runs(held: Path) -> None:
    piped = subprocess.run(f"'{KGBP}' list --store '{held}' | cut -f1", shell=True, capture_output=True, text=True,
                           timeout=300, check=True)
    assert set(piped.stdout.split()) == {"arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
                                         "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"}
    assert "…" not in piped.stdout and "─" not in piped.stdout  # no box table, nothing cut


def test_query_as_json_is_valid_while_the_server_runs(held: Path) -> None:
    done = kgbp("query", "fail_points_by_system", "-p", "system=BOSS", "--format", "json", store=held)
    answer = json.loads(done.stdout)
    labels = {row["fail_point_label"] for row in answer["rows"]}
    assert "Configure and execute the credit rules in the system" in labels, labels


def test_every_read_command_takes_each_format(held: Path) -> None:
    for args in (["list"], ["show", "restaurant-checkout/as-is"], ["history", "restaurant-checkout/as-is"],
                 ["query", "fail_points_by_department", "-p", "department=marketing"]):
        as_json = json.loads(kgbp(*args, "--format", "json", store=held).stdout)
        as_csv = list(csv.reader(io.StringIO(kgbp(*args, "--format", "csv", store=held).stdout)))
        as_tsv = kgbp(*args, "--format", "tsv", store=held).stdout.splitlines()
        assert as_json and len(as_csv) >= 2 and as_tsv, args
        assert len(as_csv) - 1 == len(as_tsv), args  # csv has a header, tsv has none
    findings = kgbp("validate", str(ROOT / "tests" / "data" / "shapes" / "FailPointDepartment.fail.yaml"), "--format", "tsv",
                    store=held, check=False)
    assert findings.returncode == 1 and findings.stdout.split("\t")[0] == "Violation"
    bad = kgbp("list", "--format", "yaml", store=held, check=False)
    assert bad.returncode == 2 and "--format" in bad.stderr


def test_a_write_while_the_server_runs_says_how_to_send_it_through_the_server(held: Path) -> None:
    done = kgbp("load", str(ROOT / "examples" / "restaurant-checkout.yaml"), store=held, check=False)
    assert done.returncode != 0
    assert "in use by another process" in done.stderr and "/api/blueprints" in done.stderr and "Upload" in done.stderr
    zh = kgbp("load", str(ROOT / "examples" / "restaurant-checkout.yaml"), "--lang", "zh", store=held, check=False)
    assert "存储库正被另一个进程使用" in zh.stderr and "上传" in zh.stderr


def test_load_in_chinese_with_a_line_per_phase(tmp_path: Path) -> None:
    store = tmp_path / "store"
    kgbp("init", store=store)
    done = kgbp("load", *BLUEPRINTS, "--lang", "zh", store=store)
    assert "已保存 5 份蓝图。" in done.stdout and "stored" not in done.stdout
    for phase in ("读取中", "校验中", "保存中"):
        assert f"{phase}：完成" in done.stderr, done.stderr
    rejected = kgbp("load", str(ROOT / "tests" / "data" / "shapes" / "FailPointDepartment.fail.yaml"), "--lang", "zh",
                    store=store, check=False)
    assert rejected.returncode == 1 and "已拒绝" in rejected.stderr and "未保存任何内容" in rejected.stderr
    assert "rejected" not in rejected.stderr
    assert stored_ids(store) == {"arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
                                 "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"}
