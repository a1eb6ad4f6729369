"""Terminal presenters (rich): blueprint lanes, listings, validation reports."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import BadInput
from ..i18n import say
from ..repository.blueprint_view import LANE_ORDER, BlueprintView
from ..repository.save import BlueprintSummary
from ..validation.engine import ValidationReport, report_graph
from ..validation.service import FORMATS

LANE_TITLES = {
    "en": {"evidence": "Physical evidence", "customer": "Customer actions", "frontstage": "Frontstage",
           "backstage": "Backstage", "support": "Support processes and systems"},
    "zh": {"evidence": "有形展示", "customer": "客户行为", "frontstage": "前台服务",
           "backstage": "后台支撑", "support": "支撑系统"},
}
LINES = {
    "en": {"customer": "line of interaction", "frontstage": "line of visibility", "backstage": "line of internal interaction"},
    "zh": {"customer": "互动线", "frontstage": "可视线", "backstage": "内部互动线"},
}
HEAD = {
    "en": ("pos", "id", "step", "F/W", "performer", "department", "systems", "supports", "touchpoint"),
    "zh": ("序", "id", "步骤", "F/W", "执行者", "责任部门", "系统", "支撑", "接触点"),
}


def print_blueprints(console: Console, rows: Sequence[BlueprintSummary], lang: str) -> None:
    zh = lang == "zh"
    table = Table(title="服务蓝图" if zh else "Blueprints")
    for col in (("id", "服务", "名称", "状态", "级别", "步骤", "F", "W") if zh else
                ("id", "service", "title", "status", "level", "steps", "F", "W")):
        table.add_column(col, no_wrap=col == "id")
    for b in rows:
        table.add_row(b.id, b.service_label, b.title, b.status, str(b.level), str(b.steps),
                      str(b.fail_points), str(b.wait_points))
    console.print(table)


def print_blueprint(console: Console, view: BlueprintView) -> None:
    lang = view.lang if view.lang in LANE_TITLES else "en"
    console.print(Text(f"{view.title}  [{view.id}]  {view.status}  level {view.level}", style="bold"))
    for lane in LANE_ORDER:
        steps = view.lane(lane)
        table = Table(title=LANE_TITLES[lang][lane], title_justify="left", expand=True)
        for col in HEAD[lang]:
            table.add_column(col, overflow="fold")
        for s in steps:
            markers = Text(s.markers, style="bold red" if s.fail else "bold yellow")
            supports = ", ".join(s.evidence_of if lane == "evidence" else s.supports)
            table.add_row(str(s.position), s.id, s.label, markers, s.performer, s.department,
                          ", ".join(s.systems), supports, s.touchpoint)
        console.print(table)
        for s in steps:
            if s.fail and (s.failure_mode or s.consequence):
                console.print(f"  F {s.id}: {s.failure_mode}" + (f" -> {s.consequence}" if s.consequence else ""))
            if s.wait and s.standard:
                console.print(f"  W {s.id}: {s.standard}")
        if lane in LINES[lang]:
            console.print(Text(f"---- {LINES[lang][lane]} ----", style="dim"))


REPORT_WORDS = {
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info", "draft": "draft", "value": "value",
           "conforms": "conforms to every rule", "checked": "{n} blueprint(s) checked",
           "summary": "{v} violation(s), {w} warning(s)", "ok": "no findings"},
    "zh": {"Violation": "违规", "Warning": "警告", "Info": "提示", "draft": "草稿", "value": "值",
           "conforms": "符合全部规则", "checked": "已检查 {n} 个蓝图",
           "summary": "{v} 个违规，{w} 个警告", "ok": "没有问题"},
}


def print_report(console: Console, report: ValidationReport, lang: str) -> None:
    """Grouped by blueprint, then rule; each finding says where, what and what to change."""

    words = REPORT_WORDS.get(lang, REPORT_WORDS["en"])
    report.sort()
    by_bp: dict[str, dict[tuple[str, str, str], list]] = {}
    for r in report.results:
        by_bp.setdefault(r.blueprint_id, {}).setdefault((r.severity, r.rule, r.rule_title), []).append(r)
    for bp, rules in by_bp.items():
        draft = any(r.draft for group in rules.values() for r in group)
        console.print(Text(bp + (f"  ({words['draft']})" if draft else ""), style="bold"))
        for (severity, rule, title), results in rules.items():
            style = "red" if severity == "Violation" else "yellow"
            console.print(Text("  ") + Text(f"{words.get(severity, severity)}", style=f"bold {style}")
                          + Text(f"  {title}  [{rule}]"))
            for r in results:
                where = Text("    - ") + Text(r.focus_label, style="bold") + Text(f"  <{r.focus}>", style="dim")
                console.print(where, soft_wrap=True)
                detail = r.message
                if r.value:
                    detail += f"  ({words['value']}: {r.value_label or r.value})"
                console.print(Text(f"      {detail}"), soft_wrap=True)
                if r.hint:
                    console.print(Text(f"      -> {r.hint}", style="dim"), soft_wrap=True)
    v, w = len(report.violations()), len(report.warnings())
    tail = words["summary"].format(v=v, w=w) if report.results else words["ok"]
    if report.checked:
        tail = words["checked"].format(n=len(report.checked)) + ": " + tail
    if report.conforms:
        tail += f" ({words['conforms']})" if report.results else ""
        console.print(Text(tail, style="green"))
    else:
        console.print(Text(tail, style="bold red"))


def render_report(console: Console, report: ValidationReport, fmt: str, lang: str) -> None:
    if fmt == "json":
        console.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
    elif fmt == "ttl":
        console.print(report_graph(report).serialize(format="turtle"), markup=False, highlight=False)
    elif fmt == "text":
        print_report(console, report, lang)
    else:
        raise BadInput(say("unknown_format", fmt=fmt), where="--format", hint=say("use_one_of", values=", ".join(FORMATS)))
