"""Backups: `kgbp backup DIR` (a consistent snapshot, also while a server writes: through
POST /api/admin/backup) and `kgbp restore-backup DIR` (refused while a server holds the
store; the backup must open; the store folder is swapped by renaming)."""

from __future__ import annotations

import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kgbp.auth import create_token, load_tokens
from kgbp.cli import app
from kgbp.config import Settings
from kgbp.repository import save as repository
from kgbp.store.embedded import EmbeddedStore

from ..conftest import ROOT
from ..conftest import stored_ids as ids
from ..live_server import running_server

sys.path.insert(0, str(ROOT / "bench"))

from harness import Expected, check_store, document, standalone

runner = CliRunner()
EXAMPLE_IDS = {"arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
               "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"}


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "300"})
    return result.exit_code, result.output


@pytest.fixture()
def store_folder(examples_store: EmbeddedStore, tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    examples_store.backup(str(folder))
    return folder


@pytest.fixture()
def served(store_folder: Path) -> Iterator[tuple[str, str, Settings]]:
    settings = Settings(store=str(store_folder))
    token = create_token(settings, "operator")
    with running_server(settings) as base:
        yield base, token, settings


def test_backup_of_a_free_store_opens_with_the_same_blueprints(store_folder: Path, tmp_path: Path) -> None:
    code, out = cli("backup", str(tmp_path / "backups" / "one"), "--store", str(store_folder))
    assert code == 0, out
    assert "backed up 5 blueprint(s)" in out
    assert ids(tmp_path / "backups" / "one") == EXAMPLE_IDS
    code, out = cli("backup", str(tmp_path / "backups" / "one"), "--store", str(store_folder))
    assert code == 2 and "exists already" in out and "never written over" in out


def test_while_served_the_backup_goes_through_the_server(served: tuple[str, str, Settings], tmp_path: Path) -> None:
    base, token, settings = served
    code, out = cli("backup", str(tmp_path / "direct"), "--store", settings.store)
    assert code == 2 and "in use by another process" in out and "--server" in out
    assert not (tmp_path / "direct").exists()
    code, out = cli("backup", "nightly", "--server", base, "--token", token)
    assert code == 0, out
    assert "backed up 5 blueprint(s)" in out and "'nightly'" in out
    folder = Path(settings.store).parent / "store-backups" / "nightly"
    assert ids(folder) == EXAMPLE_IDS
    code, out = cli("backup", "nightly", "--server", base, "--token", token)
    assert code == 2 and "exists already" in out
    code, out = cli("backup", "other", "--server", base, "--token", "wrong")
    assert code == 2 and "bearer token" in out


@pytest.mark.parametrize("name", ["../escaped", "a/b", "..", ".hidden", "/abs/olute", "x\\..\\y", "nul\x00l", "é" * 3])
def test_backup_names_are_names_never_paths(served: tuple[str, str, Settings], name: str) -> None:
    base, token, settings = served
    answer = httpx.post(f"{base}/api/admin/backup", params={"name": name}, headers={"Authorization": f"Bearer {token}"},
                        timeout=30)
    assert answer.status_code == 400, answer.text
    assert answer.json()["where"] == "name" and "plain name" in answer.json()["hint"]
    outside = [p for p in Path(settings.store).parent.iterdir() if p.name != "store"]
    assert outside == []  # not even the backups folder was made


def test_the_backup_endpoint_needs_a_token(served: tuple[str, str, Settings]) -> None:
    base, _, settings = served
    assert httpx.post(f"{base}/api/admin/backup", params={"name": "x"}, timeout=30).status_code == 401
    assert not (Path(settings.store).parent / "store-backups").exists()


def test_a_backup_taken_during_writes_is_consistent(served: tuple[str, str, Settings]) -> None:
    """Snapshots taken while a writer uploads: each opens, and holds every blueprint whole
    (every write acknowledged before the snapshot began, none half-written)."""
    base, token, settings = served
    pool = standalone(8)
    sent: dict[int, int] = {}
    acknowledged: dict[int, int] = {}
    lock = threading.Lock()

    def write() -> None:
        with httpx.Client(timeout=60) as client:
            for index in pool:
                with lock:
                    sent[index] = 0
                name, data = document(index)
                answer = client.post(f"{base}/api/blueprints", files={"file": (name, data)},
                                     headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code == 201, answer.text
                with lock:
                    acknowledged[index] = 0

    writer = threading.Thread(target=write)
    writer.start()
    taken = []
    for n in range(3):
        while len(acknowledged) < 2 * n + 1 and writer.is_alive():
            threading.Event().wait(0.02)
        with lock:
            before = dict(acknowledged)
        answer = httpx.post(f"{base}/api/admin/backup", params={"name": f"during-{n}"},
                            headers={"Authorization": f"Bearer {token}"}, timeout=60)
        assert answer.status_code == 201, answer.text
        with lock:
            taken.append((f"during-{n}", before, dict(sent)))
    writer.join(120)
    expected = Expected()
    for name, before, sent_then in taken:
        snapshot = EmbeddedStore(Path(settings.store).parent / "store-backups" / name)
        try:
            problems = check_store(snapshot, sent_then, before, expected, others=EXAMPLE_IDS)
            assert problems == [], problems
            assert {b.id for b in repository.list_blueprints(snapshot)} >= EXAMPLE_IDS
        finally:
            snapshot.close()


def test_restore_backup_is_refused_while_a_server_holds_the_store(served: tuple[str, str, Settings],
                                                                  tmp_path: Path, examples_store: EmbeddedStore) -> None:
    _, _, settings = served
    backup = tmp_path / "a-backup"
    examples_store.backup(str(backup))
    code, out = cli("restore-backup", str(backup), "--store", settings.store)
    assert code == 2 and "in use by another process" in out and "stop the server" in out
    assert not list(Path(settings.store).parent.glob("store.replaced-*"))
    assert not list(Path(settings.store).parent.glob(".store.restoring-*"))


def test_restore_backup_swaps_the_store_and_keeps_the_old_one(store_folder: Path, tmp_path: Path) -> None:
    settings = Settings(store=str(store_folder))
    create_token(settings, "keeper")
    code, out = cli("backup", str(tmp_path / "full"), "--store", str(store_folder))
    assert code == 0, out
    code, out = cli("remove", "restaurant-checkout", "--store", str(store_folder))
    assert code == 0, out
    assert ids(store_folder) == EXAMPLE_IDS - {"restaurant-checkout/as-is"}
    code, out = cli("restore-backup", str(tmp_path / "full"), "--store", str(store_folder))
    assert code == 0, out
    assert "restored 5 blueprint(s)" in out and "previous store is kept" in out
    assert ids(store_folder) == EXAMPLE_IDS
    kept = list(tmp_path.glob("store.replaced-*"))
    assert len(kept) == 1 and ids(kept[0]) == EXAMPLE_IDS - {"restaurant-checkout/as-is"}
    assert list(load_tokens(settings).values()) == ["keeper"]  # the tokens came along
    assert ids(tmp_path / "full") == EXAMPLE_IDS  # the backup itself is untouched, reusable


def test_restore_backup_refuses_what_is_not_a_backup(store_folder: Path, tmp_path: Path) -> None:
    before = ids(store_folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    not_kgbp = tmp_path / "other-store"
    EmbeddedStore(not_kgbp).close()
    broken = tmp_path / "broken"
    shutil.copytree(store_folder, broken)
    (broken / "CURRENT").write_text("MANIFEST-999999\n")
    dump = tmp_path / "dump.trig"
    dump.write_text("")
    for source, message in ((tmp_path / "missing", "no such folder"), (empty, "not a store backup"),
                            (dump, "no such folder"), (not_kgbp, "no kgbp repository"),
                            (broken, "cannot be opened")):
        code, out = cli("restore-backup", str(source), "--store", str(store_folder))
        assert code == 2, (source, out)
        assert message in out and "->" in out and "Traceback" not in out, out
    assert ids(store_folder) == before
    assert not list(tmp_path.glob("store.replaced-*")) and not list(tmp_path.glob(".store.restoring-*"))


def test_a_snapshot_opens_and_a_name_is_never_a_path(examples_store: EmbeddedStore, tmp_path: Path) -> None:
    from kgbp.errors import BadInput, Conflict
    from kgbp.repository.backup import check_name, restore_backup, snapshot
    from kgbp.resources import examples

    taken = snapshot(examples_store, tmp_path / "snap")
    assert taken.blueprints == len(examples()) and taken.graphs > taken.blueprints
    with pytest.raises(Conflict):
        snapshot(examples_store, tmp_path / "snap")  # never over another backup
    for bad in ("../x", "a/b", ".."):
        with pytest.raises(BadInput):
            check_name(bad)
    restored = restore_backup(tmp_path / "snap", tmp_path / "store")
    assert (restored.blueprints, restored.replaced) == (taken.blueprints, None)
