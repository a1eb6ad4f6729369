"""The service-quality meeting pack for one month: the agenda, from the evidence.

Top problems (the hot spots of the month, with their last six months), the blueprints
they sit in with the hot steps coloured, the responsible departments (at the step and
down the support chain), the breached standards, open and overdue actions, and the
measured effect of completed actions. Gathered once (`gather`), then presented as an
HTML page, an editable PPTX deck and an XLSX workbook, in zh or en.
"""

from __future__ import annotations

import calendar
import functools
import html
import io
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef

from ..diagram import draw_svg
from ..diagram.layout import Highlight
from ..query import catalogue as query
from ..repository import save as repository
from ..repository.blueprint_view import BlueprintView, load_view
from ..resources import internal_query
from ..store import Store
from .heat import check_period, heat

TOP = 5
WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Service-quality meeting {p}", "zh": "服务质量例会 {p}"},
    "problems": {"en": "Top problems", "zh": "主要问题"},
    "step": {"en": "Step", "zh": "步骤"},
    "service": {"en": "Service", "zh": "服务"},
    "department": {"en": "Responsible department", "zh": "第一责任部门"},
    "systems": {"en": "Systems beneath", "zh": "底层系统"},
    "categories": {"en": "Complaint categories", "zh": "投诉类别"},
    "complaints": {"en": "Complaints", "zh": "投诉量"},
    "trend": {"en": "Last six months", "zh": "近六个月"},
    "blueprints": {"en": "Where they arise", "zh": "问题所在蓝图"},
    "departments": {"en": "Responsible departments", "zh": "责任部门"},
    "direct": {"en": "Complaints at its steps", "zh": "本部门步骤投诉量"},
    "chain": {"en": "Down the support chain", "zh": "沿支撑链计入"},
    "breaches": {"en": "Standards breached", "zh": "服务标准未达标"},
    "tier": {"en": "Customer tier", "zh": "客户等级"},
    "standard": {"en": "Service standard", "zh": "服务标准"},
    "measured": {"en": "Measured", "zh": "测量值"},
    "target": {"en": "Target", "zh": "目标"},
    "actions": {"en": "Open and overdue actions", "zh": "未完成及逾期措施"},
    "action": {"en": "Action", "zh": "措施"},
    "status": {"en": "Status", "zh": "状态"},
    "due": {"en": "Due", "zh": "完成期限"},
    "overdue": {"en": "OVERDUE", "zh": "逾期"},
    "effects": {"en": "Effect of completed actions", "zh": "已完成措施的效果"},
    "measure": {"en": "Measure", "zh": "指标"},
    "before": {"en": "Monthly mean before", "zh": "完成前月均"},
    "after": {"en": "Monthly mean after", "zh": "完成后月均"},
    "change": {"en": "Change", "zh": "变化"},
    "none": {"en": "None.", "zh": "无。"},
}




def word(key: str, lang: str) -> str:
    return WORDS[key][lang]


def months_back(period: str, n: int) -> list[str]:
    """The `n` months ending with `period`, oldest first."""
    year, month = int(period[:4]), int(period[5:])
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


@dataclass
class Effect:
    action_id: str
    action_label: str
    measure: str
    tier: str
    before: float
    after: float | None


@dataclass
class Excerpt:
    blueprint_id: str
    svg: bytes
    highlight: Highlight
    view: BlueprintView


@dataclass
class MeetingPack:
    period: str
    lang: str
    months: list[str]
    problems: list[dict[str, Any]] = field(default_factory=list)  # hot spots, with "trend": [counts by month]
    departments: list[dict[str, Any]] = field(default_factory=list)
    breaches: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)

    @property
    def title(self) -> str:
        return word("title", self.lang).format(p=self.period)


def _rows(store: Store, name: str, params: dict[str, str], lang: str) -> list[dict[str, Any]]:
    result = query.run(store, name, params, lang)
    return [{k: (None if v is None else str(v)) for k, v in row.items()} for row in result.rows.dicts()]


def gather(store: Store, period: str, lang: str = "en") -> MeetingPack:
    period = check_period("period", period)
    months = months_back(period, 6)
    pack = MeetingPack(period, lang, months)
    month = {"from": period, "to": period}
    pack.problems = _rows(store, "hot_spots", month, lang)[:TOP]
    trend: dict[tuple[str, str], int] = {}
    bounds = {"from": Literal(months[0]), "to": Literal(period)}
    for step, m, value in store.select(internal_query("complaints_per_step_and_month"), bounds).rows:
        trend[(str(step), str(m))] = int(str(value))
    for p in pack.problems:
        p["trend"] = [trend.get((p["step"], m), 0) for m in months]
    direct = {r["department_id"]: r for r in _rows(store, "responsibility_by_department", month, lang)}
    chain = _rows(store, "responsibility_by_department", {**month, "reach": "chain"}, lang)
    pack.departments = [{**r, "direct": direct.get(r["department_id"], {}).get("complaints", "0"),
                         "direct_breaches": direct.get(r["department_id"], {}).get("breaches", "0")} for r in chain]
    pack.breaches = _rows(store, "breaches_by_tier", month, lang)
    last_day = calendar.monthrange(int(period[:4]), int(period[5:]))[1]
    pack.actions = _rows(store, "open_actions", {"as_of": f"{period}-{last_day:02d}"}, lang)
    for action, ident, _done in store.select(internal_query("actions_done_by"), {"period": Literal(period)}).rows:
        rows = [r for r in _rows(store, "action_effect", {"action": str(action)}, lang) if r["period"] <= period]
        assert isinstance(action, URIRef)
        label = repository.labels_of(store, [action], lang).get(action, str(ident))
        for tier in sorted({r["tier_id"] or "" for r in rows}):
            series = [r for r in rows if (r["tier_id"] or "") == tier]
            before = [float(r["value"]) for r in series if r["phase"] == "before"]
            after = [float(r["value"]) for r in series if r["phase"] == "after"]
            if before:
                pack.effects.append(Effect(str(ident), label, series[0]["measure_label"] or "", tier,
                                           sum(before) / len(before), sum(after) / len(after) if after else None))
    seen: list[str] = []
    for p in pack.problems:
        if p["blueprint_id"] not in seen:
            seen.append(p["blueprint_id"])
    for bid in seen:
        iri = repository.resolve_blueprint(store, bid)
        mark = heat(store, iri, "complaints", period, period, lang)
        view = load_view(store, iri, lang)
        pack.excerpts.append(Excerpt(bid, draw_svg(view, mark), mark, view))
    return pack


# -- charts (server-side SVG, no script) ----------------------------------------------------

def sparkline(values: list[int], width: int = 120, height: int = 28) -> str:
    """A small trend line as inline SVG."""
    top = max(values, default=0) or 1
    step = width / max(1, len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    return (f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{html.escape(" ".join(map(str, values)))}"><polyline fill="none" stroke="#d7301f" '
            f'stroke-width="2" points="{points}"/></svg>')


def bars(items: list[tuple[str, float]], width: int = 420) -> str:
    """Ranked horizontal bars as inline SVG."""
    top = max((v for _, v in items), default=0) or 1
    row = 22
    parts = [f'<svg class="bars" width="{width}" height="{row * len(items) + 4}" role="img">']
    for n, (label, value) in enumerate(items):
        w = (width - 200) * value / top
        parts.append(f'<text x="0" y="{n * row + 15}" font-size="12">{html.escape(label[:28])}</text>'
                     f'<rect x="180" y="{n * row + 4}" width="{w:.1f}" height="14" fill="#f0804f"/>'
                     f'<text x="{184 + w:.1f}" y="{n * row + 15}" font-size="12">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


# -- HTML -------------------------------------------------------------------------------------

def _table(headers: list[str], rows: list[list[str]], lang: str) -> str:
    if not rows:
        return f"<p>{word('none', lang)}</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def to_html(pack: MeetingPack) -> bytes:
    lang, w = pack.lang, functools.partial(word, lang=pack.lang)
    problems = _table([w("step"), w("service"), w("department"), w("systems"), w("categories"), w("complaints"), w("trend")],
                      [[_e(p["step_label"]), _e(p["service_label"]), _e(p["department_label"]), _e(p["systems"]),
                        _e(p["categories"]), _e(p["complaints"]), sparkline(p["trend"])] for p in pack.problems], lang)
    ranked = bars([(p["step_label"] or "", float(p["complaints"] or 0)) for p in pack.problems])
    departments = _table([w("department"), w("direct"), w("chain"), w("breaches")],
                         [[_e(d["department_label"]), _e(d["direct"]), _e(d["complaints"]), _e(d["breaches"])]
                          for d in pack.departments], lang)
    breaches = _table([w("tier"), w("standard"), w("target"), w("measured")],
                      [[_e(b["tier_label"]), _e(b["standard_label"]), _e(b["target_share"] or b["max_value"]),
                        _e(b["measured"])] for b in pack.breaches], lang)
    actions = _table([w("action"), w("department"), w("status"), w("due"), w("step")],
                     [[_e(a["action_id"]) + " " + _e(a["action_label"]), _e(a["department_label"]), _e(a["status"]),
                       _e(a["due"]) + (f' <strong class="overdue">{w("overdue")}</strong>' if a["overdue"] == "true" else ""),
                       _e(a["fail_points"])] for a in pack.actions], lang)
    effects = _table([w("action"), w("measure"), w("tier"), w("before"), w("after"), w("change")],
                     [[_e(f"{e.action_id} {e.action_label}"), _e(e.measure), _e(e.tier), f"{e.before:.2f}",
                       "" if e.after is None else f"{e.after:.2f}",
                       "" if e.after is None else f"{(e.after - e.before) / e.before * 100:+.0f}%" if e.before else ""]
                      for e in pack.effects], lang)
    excerpts = "".join(f'<figure><figcaption>{_e(x.blueprint_id)}</figcaption>{x.svg.decode("utf-8").split("?>", 1)[-1]}</figure>'
                       for x in pack.excerpts)
    page = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{_e(pack.title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}.overdue{{color:#d7301f}}figure svg{{max-width:100%;height:auto}}</style>
</head><body>
<h1>{_e(pack.title)}</h1>
<h2 id="problems">{w("problems")}</h2>{problems}{ranked}
<h2 id="blueprints">{w("blueprints")}</h2>{excerpts}
<h2 id="departments">{w("departments")}</h2>{departments}
<h2 id="breaches">{w("breaches")}</h2>{breaches}
<h2 id="actions">{w("actions")}</h2>{actions}
<h2 id="effects">{w("effects")}</h2>{effects}
</body></html>
"""
    return page.encode("utf-8")


# -- XLSX ---------------------------------------------------------------------------------------

def to_xlsx(pack: MeetingPack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    w = functools.partial(word, lang=pack.lang)
    book = Workbook()
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        (w("problems"), [w("step"), w("service"), w("department"), w("systems"), w("categories"), w("complaints"),
                         *pack.months],
         [[p["step_label"], p["service_label"], p["department_label"], p["systems"], p["categories"],
           int(p["complaints"] or 0), *p["trend"]] for p in pack.problems]),
        (w("departments"), [w("department"), w("direct"), w("chain"), w("breaches")],
         [[d["department_label"], int(d["direct"]), int(d["complaints"]), int(d["breaches"])] for d in pack.departments]),
        (w("breaches"), [w("tier"), w("standard"), w("target"), w("measured")],
         [[b["tier_label"], b["standard_label"], float(b["target_share"] or b["max_value"] or 0), float(b["measured"])]
          for b in pack.breaches]),
        (w("actions"), [w("action"), w("department"), w("status"), w("due"), w("overdue"), w("step")],
         [[f'{a["action_id"]} {a["action_label"]}', a["department_label"], a["status"], a["due"],
           w("overdue") if a["overdue"] == "true" else "", a["fail_points"]] for a in pack.actions]),
        (w("effects"), [w("action"), w("measure"), w("tier"), w("before"), w("after")],
         [[f"{e.action_id} {e.action_label}", e.measure, e.tier, round(e.before, 2),
           None if e.after is None else round(e.after, 2)] for e in pack.effects]),
    ]
    book.remove(book.active)  # type: ignore[arg-type]
    for title, headers, rows in sheets:
        ws = book.create_sheet(title[:31])
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append(r)
        for line in ws.iter_rows(min_row=2):  # text from the graph (labels) never becomes a formula
            for cell in line:
                if cell.data_type == "f":
                    cell.data_type = "s"
        for n, _ in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(1, n).column_letter].width = 22 if n > 1 else 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- PPTX ---------------------------------------------------------------------------------------

def to_pptx(pack: MeetingPack) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches, Pt

    from ..diagram.layout import layout
    from ..slides.export import TITLE_ONLY_LAYOUT, draw_slide

    w = functools.partial(word, lang=pack.lang)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title_slide = prs.slides.add_slide(prs.slide_layouts[0])
    title_slide.shapes.title.text = pack.title  # type: ignore[union-attr]
    title_slide.placeholders[1].text = ", ".join(f'{p["step_label"]} ({p["complaints"]})' for p in pack.problems[:3])

    def table_slide(title: str, headers: list[str], rows: list[list[str]]) -> None:
        slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
        slide.shapes.title.text = title  # type: ignore[union-attr]
        if not rows:
            box = slide.shapes.add_textbox(Inches(0.5), Inches(1.6), Inches(12), Inches(1))
            box.text_frame.text = w("none")
            return
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), Inches(0.4), Inches(1.5), Inches(12.5),
                                       Inches(0.4) * (len(rows) + 1))
        for c, h in enumerate(headers):
            shape.table.cell(0, c).text = h
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                cell = shape.table.cell(r, c)
                cell.text = "" if value is None else str(value)
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(12)

    table_slide(w("problems"), [w("step"), w("service"), w("department"), w("systems"), w("complaints")],
                [[p["step_label"], p["service_label"], p["department_label"], p["systems"], p["complaints"]]
                 for p in pack.problems])
    for excerpt in pack.excerpts:
        lay = layout(excerpt.view, excerpt.highlight)
        scale = min(int(prs.slide_width) / lay.width, int(prs.slide_height) / lay.height)  # type: ignore[arg-type]
        slide = draw_slide(prs, lay, scale)
        slide.name = excerpt.blueprint_id
    table_slide(w("departments"), [w("department"), w("direct"), w("chain"), w("breaches")],
                [[d["department_label"], d["direct"], d["complaints"], d["breaches"]] for d in pack.departments])
    table_slide(w("breaches"), [w("tier"), w("standard"), w("target"), w("measured")],
                [[b["tier_label"], b["standard_label"], b["target_share"] or b["max_value"], b["measured"]]
                 for b in pack.breaches])
    table_slide(w("actions"), [w("action"), w("department"), w("status"), w("due")],
                [[f'{a["action_id"]} {a["action_label"]}', a["department_label"], a["status"],
                  a["due"] + (f' {w("overdue")}' if a["overdue"] == "true" else "")] for a in pack.actions])
    table_slide(w("effects"), [w("action"), w("measure"), w("tier"), w("before"), w("after")],
                [[f"{e.action_id} {e.action_label}", e.measure, e.tier, f"{e.before:.2f}",
                  "" if e.after is None else f"{e.after:.2f}"] for e in pack.effects])
    prs.core_properties.title = pack.title
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()




def write_pack(store: Store, period: str, lang: str, folder: Any) -> list[Any]:
    """The pack's three files in `folder` (a Path): meeting-YYYY-MM.{html,pptx,xlsx}."""
    from pathlib import Path

    pack = gather(store, period, lang)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, render in (("html", to_html), ("pptx", to_pptx), ("xlsx", to_xlsx)):
        path = folder / f"meeting-{pack.period}.{lang}.{suffix}"
        path.write_bytes(render(pack))
        written.append(path)
    return written


def trend_chart(points: list[tuple[str, float, str]], width: int = 360, height: int = 140) -> str:
    """A measure month by month (month, value, phase) as an SVG line; 'after' points drawn green."""
    if not points:
        return ""
    top = max(v for _, v, _ in points) or 1
    left, bottom = 36, height - 22
    step = (width - left - 10) / max(1, len(points) - 1)
    xy = [(left + i * step, bottom - (v / top) * (bottom - 10)) for i, (_, v, _) in enumerate(points)]
    parts = [f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 6}" y2="{bottom}" stroke="#999"/>',
             f'<text x="2" y="14" font-size="11">{top:g}</text>',
             '<polyline fill="none" stroke="#555" stroke-width="1.5" points="'
             + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>']
    for (x, y), (month, value, phase) in zip(xy, points, strict=True):
        colour = "#1a9850" if phase == "after" else "#d7301f"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}" data-phase="{phase}">'
                     f'<title>{html.escape(month)}: {value:g}</title></circle>'
                     f'<text x="{x:.1f}" y="{height - 6}" font-size="10" text-anchor="middle">{html.escape(month[5:])}</text>')
    parts.append("</svg>")
    return "".join(parts)




def latest_period(store: Store) -> str | None:
    """The last month with complaint counts, if any."""
    rows = store.select(internal_query("latest_complaint_period")).rows
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def action_trend(store: Store, action: str, lang: str) -> list[tuple[str, float, str]]:
    """(month, value, phase) of the measure an action should move (the first tier, for a standard)."""
    rows = _rows(store, "action_effect", {"action": action}, lang)
    first_tier = rows[0]["tier_id"] if rows else None
    return [(r["period"], float(r["value"]), r["phase"]) for r in rows if r["tier_id"] == first_tier]
