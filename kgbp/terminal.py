"""Terminal presenters (rich): blueprint lanes, listings, validation reports."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .blueprint_view import LANE_ORDER, BlueprintView
from .repository import BlueprintSummary
from .validate import ValidationReport

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


def print_report(console: Console, report: ValidationReport, lang: str) -> None:
    zh = lang == "zh"
    if not report.results:
        console.print("[green]" + ("符合全部规则" if zh else "conforms: no findings") + "[/green]")
        return
    by_bp: dict[str, dict[str, list]] = {}
    for r in report.results:
        by_bp.setdefault(str(r.blueprint), {}).setdefault(f"{r.rule_title} ({r.rule})", []).append(r)
    for bp, rules in by_bp.items():
        console.print(Text(bp, style="bold"))
        for rule, results in rules.items():
            console.print(f"  {rule}")
            for r in results:
                style = "red" if r.severity == "Violation" else "yellow"
                console.print(Text(f"    {r.severity}: {r.focus_label} <{r.focus}>", style=style))
                console.print(f"      {r.message}")
                if r.hint:
                    console.print(f"      -> {r.hint}", style="dim")
    v, w = len(report.violations()), len(report.warnings())
    console.print(f"{v} 个违规, {w} 个警告" if zh else f"{v} violation(s), {w} warning(s)")
