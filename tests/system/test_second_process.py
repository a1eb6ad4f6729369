"""A second process on a served store: every `kgbp` command run (as its own process) against
a store a running server holds gets the clear message and exit code 2, never a lock
traceback; reads that can use a read-only snapshot (validate) still answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kgbp.auth import create_token
from kgbp.config import Settings
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore

from ..live_server import running_app

EXE = str(Path(sys.executable).parent / "kgbp")
ARREARS = next(p for p in examples() if p.name == "arrears-reconnect.yaml")


READS = {"list", "show", "history", "query"}  # answered beside a running server (read-only)


def commands(tmp: Path) -> dict[str, list[str]]:
    """Every command that opens the store, with arguments that would otherwise succeed."""
    dump = tmp / "dump.trig"
    dump.write_text("")
    return {
        "init": ["init"], "load": ["load", str(ARREARS)], "list": ["list"], "show": ["show", "arrears-reconnect"],
        "remove": ["remove", "arrears-reconnect"], "export": ["export", "arrears-reconnect", "-f", "ttl"],
        "export archimate": ["export", "-f", "archimate", "-o", str(tmp / "a.xml")], "dump": ["dump"],
        "restore": ["restore", str(dump)], "draw": ["draw", "arrears-reconnect", "-o", str(tmp / "a.svg")],
        "diff": ["diff", "mobile-tv-subscription"], "history": ["history"], "versions": ["versions", "arrears-reconnect"],
        "restore-version": ["restore-version", "arrears-reconnect/as-is", "abcd"],
        "query": ["query", "fail_points_by_system", "-p", "system=boss"], "sparql": ["sparql", "ASK { ?s ?p ?o }"],
        "sparql update": ["sparql", "--update", "CLEAR ALL"], "slides": ["slides", "arrears-reconnect", "-o", str(tmp / "a.pptx")],
        "backup": ["backup", str(tmp / "backup")], "restore-backup": ["restore-backup", str(tmp / "a-backup")],
    }


@pytest.mark.slow  # ~20 command processes: ~25 s on two cores
def test_every_command_on_a_served_store_gets_the_clear_message(examples_store: EmbeddedStore, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    examples_store.backup(str(folder))
    examples_store.backup(str(tmp_path / "a-backup"))
    settings = Settings(store=str(folder))
    create_token(settings, "admin")
    with running_app(settings) as (base, app):
        before = app.state.store.dump()
        started = {name: subprocess.Popen([EXE, *args, "--store", str(folder)], stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, env={"COLUMNS": "300", "PATH": ""})
                   for name, args in commands(tmp_path).items()}
        validate = subprocess.run([EXE, "validate", "arrears-reconnect/as-is", "--store", str(folder)],
                                  capture_output=True, text=True, timeout=120)
        for name, process in started.items():
            out, err = process.communicate(timeout=120)
            if name in READS:  # reads open the store read-only beside the server
                assert process.returncode == 0 and out.strip() and "Traceback" not in err, (name, out, err)
                continue
            assert process.returncode == 2, (name, out, err)
            assert "in use by another process" in err, (name, err)
            assert "->" in err and ("server" in err), (name, err)
            assert "Traceback" not in out + err, (name, err)
        assert validate.returncode == 0, validate.stdout + validate.stderr  # a read-only snapshot serves it
        assert "1 blueprint(s) checked" in validate.stdout
        assert app.state.store.dump() == before
        assert httpx.get(f"{base}/api/blueprints", timeout=30).status_code == 200
    assert not (tmp_path / "backup").exists() and not list(tmp_path.glob("store.replaced-*"))


@pytest.mark.parametrize("args", [["backup", "x"], ["restore-backup", "a-backup"]])
def test_backup_commands_say_how_to_proceed(examples_store: EmbeddedStore, tmp_path: Path, args: list[str]) -> None:
    folder = tmp_path / "store"
    examples_store.backup(str(folder))
    examples_store.backup(str(tmp_path / "a-backup"))
    with running_app(Settings(store=str(folder))):
        done = subprocess.run([EXE, *args, "--store", str(folder)], capture_output=True, text=True, timeout=120,
                              env={"COLUMNS": "300", "PATH": ""}, cwd=tmp_path)
    assert done.returncode == 2
    hint = "--server" if args[0] == "backup" else "stop the server"
    assert hint in done.stderr, done.stderr
