"""The command line speaks the reader's language: `--lang zh` (or the settings' lang, KGBP_LANG) gives
Chinese sentences for init, tokens, show, remove, backup and restore, while what scripts read (the
token, tab-separated rows, ids and paths) stays as it is. The real CLI on a real store on disk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kgbp.cli import app as cli
from kgbp.store.embedded import EmbeddedStore

from ..conftest import stored_ids
from ..slides.test_slides import drawn_with_lines

HAN = re.compile(r"[\u3400-\u9fff]")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    done = CliRunner().invoke(cli, list(args), env=env)
    assert done.exit_code == 0, done.stderr
    return done


@pytest.fixture()
def folder(examples_store: EmbeddedStore, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    examples_store.backup(str(path))
    return path


def test_init_says_the_store_is_ready_in_chinese_or_english(tmp_path: Path) -> None:
    zh = run("init", "--store", str(tmp_path / "a"), "--lang", "zh")
    assert zh.stdout.strip() == f"存储已就绪：{tmp_path / 'a'}"
    en = run("init", "--store", str(tmp_path / "b"), env={"KGBP_LANG": ""})
    assert en.stdout.strip() == f"store ready: {tmp_path / 'b'}"


def test_the_settings_lang_is_the_default(tmp_path: Path) -> None:
    done = run("init", "--store", str(tmp_path / "s"), env={"KGBP_LANG": "zh"})
    assert done.stdout.startswith("存储已就绪"), done.stdout
    told = run("init", "--store", str(tmp_path / "s"), "--lang", "en", env={"KGBP_LANG": "zh"})
    assert told.stdout.startswith("store ready"), told.stdout  # --lang wins over the settings


def test_tokens_in_chinese_keep_the_token_and_rows_as_they_are(folder: Path) -> None:
    created = run("token", "create", "tester", "--store", str(folder), "--lang", "zh")
    assert "tester" in created.stderr and "只显示这一次" in created.stderr, created.stderr
    token = created.stdout.strip()
    assert re.fullmatch(r"\S{20,}", token), created.stdout  # only the token on stdout, for scripts
    listed = run("token", "list", "--store", str(folder), "--lang", "zh")
    assert listed.stdout == "tester\twrite\n"
    assert listed.stderr.startswith(f"{folder / 'tokens'} 中有 1 个令牌"), listed.stderr
    revoked = run("token", "revoke", "tester", "--store", str(folder), "--lang", "zh")
    assert revoked.stdout.strip() == "已吊销 tester"
    missing = CliRunner().invoke(cli, ["token", "revoke", "tester", "--store", str(folder), "--lang", "zh"])
    assert missing.exit_code == 2 and HAN.search(missing.stderr), missing.stderr


def test_show_and_remove_in_chinese(folder: Path) -> None:
    blueprint = sorted(stored_ids(folder))[0]
    shown = run("show", blueprint, "--format", "table", "--store", str(folder), "--lang", "zh")
    assert re.search(r"版本 \S+（交给 `kgbp load --if-version`，只在这个状态上写入）", shown.stdout), shown.stdout
    assert "give it to" not in shown.stdout
    removed = run("remove", blueprint, "--store", str(folder), "--lang", "zh")
    assert re.fullmatch(rf"已删除 {re.escape(blueprint)}（\d+ 个三元组）\n", removed.stdout), removed.stdout
    assert blueprint not in stored_ids(folder)


def test_backup_and_restore_backup_in_chinese(folder: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "snap"
    done = run("backup", str(snapshot), "--store", str(folder), "--lang", "zh")
    assert re.fullmatch(rf"已把 \d+ 份蓝图、\d+ 个图备份到 {re.escape(str(snapshot))}\n", done.stdout), done.stdout
    target = tmp_path / "restored"
    back = run("restore-backup", str(snapshot), "--store", str(target), "--lang", "zh")
    assert back.stdout.startswith("已把 ") and f"恢复到 {target}" in back.stdout, back.stdout
    assert stored_ids(target) == stored_ids(folder)


def test_restore_refuses_a_folder_in_chinese(folder: Path, tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["restore", str(tmp_path), "--store", str(folder), "--lang", "zh"])
    assert done.exit_code == 2 and "是文件夹" in done.stderr and "kgbp restore-backup" in done.stderr, done.stderr
    needs = CliRunner().invoke(cli, ["backup", "x", "--server", "http://127.0.0.1:9", "--lang", "zh"], env={"KGBP_TOKEN": ""})
    assert needs.exit_code == 2 and "--server 需要服务器的写令牌" in needs.stderr, needs.stderr


def test_template_in_chinese(tmp_path: Path) -> None:
    done = run("template", "-o", str(tmp_path / "t.csv"), "--lang", "zh")
    assert done.stdout.strip() == f"已把模板写入 {tmp_path / 't.csv'}"


def test_a_slide_read_back_says_what_it_guessed_in_chinese(tmp_path: Path) -> None:
    deck = tmp_path / "coffee.pptx"
    deck.write_bytes(drawn_with_lines())
    zh = run("import-slide", str(deck), "--lang", "zh", "-o", str(tmp_path / "coffee.yaml"))
    assert zh.stderr.startswith(f"已读取 {deck} 的第 1 张幻灯片："), zh.stderr
    guessed = [line for line in zh.stderr.splitlines() if line.startswith("  推测：")]
    assert guessed and all(HAN.search(line.split("：", 2)[-1]) for line in guessed), zh.stderr
    assert "guessed" not in zh.stderr and f"已写入 {tmp_path / 'coffee.yaml'}" in zh.stderr
    en = run("import-slide", str(deck), env={"KGBP_LANG": ""})
    assert "  guessed: " in en.stderr and "cm): " in en.stderr
