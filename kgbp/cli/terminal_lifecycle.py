"""Terminal presenters (rich) for the blueprint lifecycle: diffs, history, versions."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..lifecycle.diff import BlueprintDiff, FieldChange, MarkerChange
from ..repository.history import Activity, Version

STYLE = {"added": "green", "removed": "red", "changed": "yellow", "unchanged": "dim"}
WORDS = {
    "en": {"title": "{a} -> {b}", "steps": "Steps", "evidence": "Physical evidence", "status": "status",
           "id": "id", "step": "step", "lane": "lane", "what": "what changed", "by_label": "matched by label",
           "fail": "Fail points", "wait": "Wait points", "resolved": "resolved", "introduced": "introduced",
           "departments": "Departments", "department": "department", "steps_n": "steps", "fail_n": "F",
           "gained": "gained", "lost": "lost", "systems": "Systems", "system": "system",
           "summary": "{added} added, {removed} removed, {changed} changed, {unchanged} unchanged; "
                      "F {fail_points_resolved} resolved, {fail_points_introduced} introduced; "
                      "W {wait_points_resolved} resolved, {wait_points_introduced} introduced",
           "none": "none"},
    "zh": {"title": "{a} -> {b}", "steps": "步骤", "evidence": "有形展示", "status": "状态",
           "id": "id", "step": "步骤", "lane": "泳道", "what": "变化之处", "by_label": "按名称对应",
           "fail": "失败点", "wait": "等待点", "resolved": "已消除", "introduced": "新出现",
           "departments": "责任部门", "department": "部门", "steps_n": "步骤数", "fail_n": "F",
           "gained": "新增职责", "lost": "移出职责", "systems": "系统", "system": "系统",
           "summary": "新增 {added}，删除 {removed}，修改 {changed}，未变 {unchanged}；"
                      "F 消除 {fail_points_resolved}、新出现 {fail_points_introduced}；"
                      "W 消除 {wait_points_resolved}、新出现 {wait_points_introduced}",
           "none": "无"},
}


def _words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def _value(v: str | list[str]) -> str:
    return ", ".join(v) if isinstance(v, list) else v


def _what(changes: Sequence[FieldChange]) -> str:
    return "; ".join(f"{c.field}: {_value(c.before) or '-'} -> {_value(c.after) or '-'}" for c in changes)


def print_diff(console: Console, diff: BlueprintDiff, show_unchanged: bool = False) -> None:
    w = _words(diff.lang)
    console.print(Text(w["title"].format(a=diff.from_id, b=diff.to_id), style="bold"))
    console.print(w["summary"].format(**diff.summary()))
    for title, items in ((w["steps"], diff.steps), (w["evidence"], diff.evidence)):
        shown = [s for s in items if show_unchanged or s.status != "unchanged"]
        if not shown:
            continue
        table = Table(title=title, title_justify="left", expand=True)
        for col in (w["status"], w["lane"], w["id"], w["step"], w["what"]):
            table.add_column(col, overflow="fold")
        for s in shown:
            ident = s.id if s.matched_by != "label" else f"{s.from_id} -> {s.to_id} ({w['by_label']})"
            table.add_row(Text(s.status, style=STYLE[s.status]), s.lane, ident, s.label, _what(s.changes))
        console.print(table)
    for title, resolved, introduced in ((w["fail"], diff.fail_points_resolved, diff.fail_points_introduced),
                                        (w["wait"], diff.wait_points_resolved, diff.wait_points_introduced)):
        if resolved or introduced:
            console.print(Text(title, style="bold"))
            _markers(console, w["resolved"], resolved, "green")
            _markers(console, w["introduced"], introduced, "red")
    if diff.departments:
        table = Table(title=w["departments"], title_justify="left", expand=True)
        for col in (w["department"], "", w["steps_n"], w["fail_n"], w["gained"], w["lost"]):
            table.add_column(col, overflow="fold")
        for d in diff.departments:
            table.add_row(d.label, d.trend, f"{d.steps_before} -> {d.steps_after}",
                          f"{d.fail_points_before} -> {d.fail_points_after}", ", ".join(d.gained), ", ".join(d.lost))
        console.print(table)
    if diff.systems:
        table = Table(title=w["systems"], title_justify="left", expand=True)
        for col in (w["system"], "", w["steps_n"], w["gained"], w["lost"]):
            table.add_column(col, overflow="fold")
        for sys_ in diff.systems:
            table.add_row(sys_.label, sys_.status, f"{sys_.steps_before} -> {sys_.steps_after}",
                          ", ".join(sys_.gained), ", ".join(sys_.lost))
        console.print(table)


def _markers(console: Console, title: str, items: Sequence[MarkerChange], style: str) -> None:
    for m in items:
        mode = f" ({m.failure_mode})" if m.failure_mode else ""
        console.print(Text(f"  {title}: {m.marker} {m.step_id} [{m.lane}] {m.how}{mode}", style=style))


def print_history(console: Console, items: Sequence[Activity], lang: str) -> None:
    zh = lang == "zh"
    table = Table(title="变更历史" if zh else "History")
    for col in (("活动", "时间", "操作", "蓝图", "操作者", "新增", "删除", "状态已存") if zh else
                ("activity", "when", "action", "blueprint", "agent", "added", "removed", "state kept")):
        table.add_column(col, no_wrap=col in ("activity", "活动"))
    for a in items:
        action = a.action + (f" <- {a.restored.rsplit('/', 1)[-1][:8]}" if a.restored else "")
        table.add_row(a.id[:8], a.when.strftime("%Y-%m-%d %H:%M:%S"), action, a.blueprint_id, a.agent,
                      f"+{a.added}", f"-{a.removed}", "yes" if a.state is not None else "")
    console.print(table)


def print_versions(console: Console, items: Sequence[Version], lang: str) -> None:
    zh = lang == "zh"
    table = Table(title="版本" if zh else "Versions")
    for col in (("id", "名称", "状态", "修订自", "创建", "修改", "最近变更", "变更次数") if zh else
                ("id", "title", "status", "revision of", "created", "modified", "last changed", "changes")):
        table.add_column(col)
    for v in items:
        table.add_row(v.id, v.title, v.status, v.revision_of, v.created, v.modified, v.last_changed[:19], str(v.changes))
    console.print(table)
