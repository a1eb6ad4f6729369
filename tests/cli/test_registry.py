"""The registry commands end to end: `kgbp load` prints each linked name, `kgbp merge`,
`kgbp rename` and `kgbp alias` change every blueprint or refuse with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgbp.cli import app as cli
from kgbp.store.embedded import EmbeddedStore

FILE = """service: {id: kb-desk, label: {en: KB desk, zh: 知识台}}
departments:
  - {id: customer-service-centre}
systems:
  - {id: knowledge-sharing-system, label: Knowledge base, status: retired}
steps:
  customer:
    - {id: ask, label: {en: Ask, zh: 提问}}
  frontstage:
    - {id: answer, label: {en: Answer, zh: 答复}, department: customer-service-centre, supports: ask,
       systems: [knowledge-sharing-system]}
"""


@pytest.fixture()
def folder(examples_store: EmbeddedStore, tmp_path: Path) -> str:
    path = tmp_path / "store"
    examples_store.backup(str(path))
    return str(path)


def test_load_prints_the_linked_name_in_the_chosen_language(folder: str, tmp_path: Path) -> None:
    source = tmp_path / "kb-desk.yaml"
    source.write_text(FILE, "utf-8")
    done = CliRunner().invoke(cli, ["load", str(source), "--store", folder, "--lang", "zh"])
    assert done.exit_code == 0, done.output
    assert f"{source}:5:5: 已将“Knowledge base”关联到 knowledge-base" in done.stdout
    listed = json.loads(CliRunner().invoke(cli, ["systems", "knowledge", "-f", "json", "--store", folder]).stdout)
    # linked, not a second system; the file's id kept as an alias; a known entity's status is not changed by a file
    assert [(e["id"], e["aliases"], e["status"]) for e in listed] == [
        ("knowledge-base", ["knowledge-sharing-system"], "active")]
    retired = FILE.replace("kb-desk", "old-desk").replace("knowledge-sharing-system", "paper-archive").replace(
        "Knowledge base", "Paper archive")
    source.write_text(retired, "utf-8")
    assert CliRunner().invoke(cli, ["load", str(source), "--store", folder]).exit_code == 0
    listed = json.loads(CliRunner().invoke(cli, ["systems", "paper", "-f", "json", "--store", folder]).stdout)
    assert [(e["id"], e["status"]) for e in listed] == [("paper-archive", "retired")]


def test_merge_rename_alias_commands(folder: str) -> None:
    runner = CliRunner()
    itself = runner.invoke(cli, ["merge", "system", "知识库", "knowledge-base", "--store", folder])
    assert itself.exit_code == 2 and "into itself" in itself.stderr
    merged = runner.invoke(cli, ["merge", "system", "knowledge-base", "ticketing-system", "--store", folder])
    assert merged.exit_code == 0, merged.output
    assert "merged system knowledge-base (Knowledge base) into ticketing-system (Ticketing system)" in merged.stdout
    assert "mobile-tv-subscription/as-is, mobile-tv-subscription/to-be" in merged.stdout
    renamed = runner.invoke(cli, ["rename", "system", "知识库", "--label", "zh=工单与知识系统", "--store", folder,
                                  "--lang", "zh"])
    assert renamed.exit_code == 0 and renamed.stdout.startswith("已重命名系统 ticketing-system")
    bad = runner.invoke(cli, ["rename", "system", "boss", "--label", "english", "--store", folder])
    assert bad.exit_code == 2 and "is not lang=text" in bad.stderr
    history = runner.invoke(cli, ["history", "-f", "json", "--store", folder])
    actions = [(a["action"], a["blueprint"]) for a in json.loads(history.stdout)]
    # the merge rewrote two blueprints; a new label changes the registry only
    assert {("merge", "(registry)"), ("merge", "mobile-tv-subscription/to-be"), ("rename", "(registry)")} <= set(actions)
    assert ("rename", "mobile-tv-subscription/to-be") not in actions
