"""Deterministic geometry of one blueprint diagram, computed from a BlueprintView.

The canonical picture: five lanes top to bottom, the three lines between them, one
column per timeline position, steps at the same position in one lane stacked, F and W
badges, department colours with a legend. Arrows are planned by `routing` first; the
gaps between lanes and the channels between columns are then sized to the tracks they
carry, and every turn point is resolved to coordinates.

Everything is a pure function of the view: same view, same numbers.
"""

from __future__ import annotations

import colorsys
import zlib
from dataclasses import dataclass
from math import ceil

from rdflib import URIRef

from ..i18n import say_in
from ..repository.blueprint_view import BlueprintView, StepView
from . import text as fonts

# the box of a step, which the router also places arrows on (its own module: no cycle)
from .boxes import BOX_MIN_H, BOX_W
from .boxes import Badge as Badge
from .boxes import StepBox as StepBox
from .geometry import Path, Rect, TextLine, baseline
from .routing import Port, Route, Router, Segment, X, Y, place_ports
from .terms import Terms, terms

# sizes in SVG user units (px)
BOX_PAD = 8.0
LABEL_SIZE = 12.0
LABEL_LH = 16.0
SYSTEM_SIZE = 10.0
SYSTEM_LH = 13.0
BADGE_R = 8.0
BADGE_GAP = 3.0
STACK_GAP = 12.0
LANE_PAD = 12.0
LANE_MIN_H = 44.0
LANE_NAME_SIZE = 13.0
LANE_NAME_LH = 17.0
LINE_LABEL_SIZE = 11.0
TRACK = 7.0
TRACK_OFFSET = 10.0  # first track's distance from the line of its gap
GAP_MIN = 30.0
CHANNEL_MIN = 30.0
HEADER_PAD = 10.0
MARGIN = 16.0
TITLE_SIZE = 18.0
TITLE_LH = 24.0
SUBTITLE_SIZE = 12.0
LEGEND_SIZE = 11.0
LEGEND_LH = 22.0
MIN_WIDTH = 640.0

CUSTOMER_COLOURS = ("#ffffff", "#4a4a4a")
EVIDENCE_COLOURS = ("#fffdf3", "#8a8a8a")
NO_DEPARTMENT_COLOURS = ("#ffffff", "#8a8a8a")
FAIL_COLOUR = "#d62728"
WAIT_COLOUR = "#f2a900"
ARROW_COLOUR = "#4a4a4a"
HIGHLIGHT_COLOUR = "#c2185b"
MARK_COLOURS = {"added": "#2e7d32", "changed": "#1565c0", "removed": "#9e9e9e", "broken": "#d62728"}


@dataclass(frozen=True)
class Highlight:
    """What the impact view marks: step IRIs, and support arrows as (supporting, supported)."""

    steps: frozenset[URIRef] = frozenset()
    arrows: frozenset[tuple[URIRef, URIRef]] = frozenset()
    label: str = ""  # what the highlight is about, for the legend (e.g. the system's name)
    # a status per step (added | changed | removed), drawn as the box outline: the diff view
    marks: frozenset[tuple[URIRef, str]] = frozenset()
    mark_labels: tuple[tuple[str, str], ...] = ()  # (status, legend text), in legend order
    legend: str = ""  # the highlight's legend text as it is (an answer); else the impact view's wording
    # heat (the evidence view): a fill per step, and the legend's colour scale (fill, text)
    heat: tuple[tuple[URIRef, str], ...] = ()
    heat_legend: tuple[tuple[str, str], ...] = ()

    def mark_of(self, step: URIRef) -> str:
        return next((status for iri, status in self.marks if iri == step), "")

    def heat_of(self, step: URIRef) -> str:
        return next((fill for iri, fill in self.heat if iri == step), "")

    @property
    def dims(self) -> bool:
        """Whether steps outside the highlight are drawn faint (not in the heat view: every step keeps its place)."""
        return not self.heat_legend


@dataclass
class Arrow:
    kind: str  # "supports" (lower step supports upper) or "evidence" (evidence item -> its step)
    source: StepView
    target: StepView
    path: Path
    highlighted: bool = False
    head: bool = True  # an arrowhead at the end of the path


@dataclass
class LaneBand:
    key: str
    iri: URIRef
    rect: Rect
    header: Rect
    label: list[TextLine]


@dataclass
class LineMark:
    key: str
    iri: URIRef
    y: float
    x1: float
    x2: float
    label: TextLine
    label_bg: Rect


@dataclass
class LegendEntry:
    kind: str  # department | customer | evidence | fail | wait | supports | highlight
    swatch: Rect
    fill: str
    stroke: str
    text: TextLine
    iri: URIRef | None = None


@dataclass
class Layout:
    view: BlueprintView
    width: float
    height: float
    title: list[TextLine]
    lanes: list[LaneBand]
    lines: list[LineMark]
    boxes: list[StepBox]
    arrows: list[Arrow]
    legend: list[LegendEntry]
    highlight: Highlight | None
    colours: dict[URIRef, tuple[str, str]]


# -- the layout ------------------------------------------------------------------------


HUES = 24  # hue steps of 15 degrees: enough that two departments of one blueprint rarely meet


def department_colour(department: URIRef) -> tuple[str, str]:
    """(fill, stroke) from the department's IRI alone: the same in every blueprint and every export."""
    hue = (zlib.crc32(str(department).encode("utf-8")) % HUES) / HUES
    fill = colorsys.hls_to_rgb(hue, 0.9, 0.65)
    stroke = colorsys.hls_to_rgb(hue, 0.33, 0.6)
    return tuple("#" + "".join(f"{round(c * 255):02x}" for c in rgb) for rgb in (fill, stroke))  # type: ignore[return-value]


def _department_colours(view: BlueprintView) -> dict[URIRef, tuple[str, str]]:
    """Each department's colour, stable across the repository (two that share a hue differ by stripe)."""
    depts = sorted({s.department_iri for s in view.steps if s.department_iri is not None})
    return {d: department_colour(d) for d in depts}


# A stripe pattern per department along the box's left edge (stroke-dasharray; '' = solid),
# so colour is not the only cue: the legend shows the same stripe.
PATTERNS = ("", "6 3", "2 2", "8 2 2 2", "1 3", "4 1 1 1 1 1")


def department_pattern(department: URIRef) -> str:
    return PATTERNS[zlib.crc32(b"stripe " + str(department).encode("utf-8")) % len(PATTERNS)]


def _box_colours(step: StepView, colours: dict[URIRef, tuple[str, str]]) -> tuple[str, str]:
    if step.lane == "evidence":
        return EVIDENCE_COLOURS
    if step.department_iri is not None:
        return colours[step.department_iri]
    return CUSTOMER_COLOURS if step.lane == "customer" else NO_DEPARTMENT_COLOURS


def _measure(box: StepBox, lang: str) -> float:
    step = box.step
    inner = BOX_W - 2 * BOX_PAD
    n_badges = int(step.fail) + int(step.wait)
    first = inner - n_badges * (2 * BADGE_R + BADGE_GAP) if n_badges else None
    box._label = fonts.wrap(step.label, LABEL_SIZE, inner, first)
    joiner = say_in(lang, "list_sep")
    box._systems = fonts.wrap(joiner.join(step.systems), SYSTEM_SIZE, inner) if step.systems else []
    h = 2 * BOX_PAD + len(box._label) * LABEL_LH
    if box._systems:
        h += 5 + len(box._systems) * SYSTEM_LH
    return max(BOX_MIN_H, h)


def _fill_box(box: StepBox, rect: Rect) -> None:
    box.rect = rect
    top = rect.y + BOX_PAD
    box.label = [TextLine(rect.x + BOX_PAD, baseline(top + n * LABEL_LH, LABEL_LH, LABEL_SIZE), line, LABEL_SIZE,
                          cls="step-label") for n, line in enumerate(box._label)]
    y = top + len(box._label) * LABEL_LH
    if box._systems:
        box.separator = y + 2
        y += 5
        box.systems = [TextLine(rect.x + BOX_PAD, baseline(y + n * SYSTEM_LH, SYSTEM_LH, SYSTEM_SIZE), line,
                                SYSTEM_SIZE, fill="#444", cls="step-systems") for n, line in enumerate(box._systems)]
    cx = rect.right - BOX_PAD - BADGE_R
    cy = top + LABEL_LH / 2
    for kind, on, colour in (("W", box.step.wait, WAIT_COLOUR), ("F", box.step.fail, FAIL_COLOUR)):
        if on:
            label = TextLine(cx, baseline(cy - BADGE_R, 2 * BADGE_R, 10, True), kind, 10, bold=True, anchor="middle",
                             fill="#ffffff" if kind == "F" else "#222", cls="badge-text")
            box.badges.insert(0, Badge(kind, cx, cy, BADGE_R, colour, label))
            cx -= 2 * BADGE_R + BADGE_GAP

def layout(view: BlueprintView, highlight: Highlight | None = None) -> Layout:
    words = terms(view.lang)
    lane_keys = [lane.key for lane in words.lanes]
    colours = _department_colours(view)

    positions = sorted({s.position for s in view.steps})
    col_of = {p: n for n, p in enumerate(positions)}
    cells: dict[tuple[int, int], list[StepBox]] = {}
    lane_index = {k: n for n, k in enumerate(lane_keys)}
    for step in sorted(view.steps, key=lambda s: (lane_index.get(s.lane, 0), s.position, s.id)):
        k = lane_index.get(step.lane, 0)
        cells.setdefault((k, col_of[step.position]), []).append(StepBox(step, col_of[step.position], 0, 0))
    boxes: list[StepBox] = []
    heights: dict[int, float] = {}
    for _cell, stack in sorted(cells.items()):
        for n, box in enumerate(stack):
            box.stack, box.stack_size = n, len(stack)
            box.fill, box.stroke = _box_colours(box.step, colours)
            box.dashed = box.step.lane == "evidence"
            box.highlighted = highlight is not None and box.step.iri in highlight.steps
            box.mark = highlight.mark_of(box.step.iri) if highlight is not None else ""
            if highlight is not None and highlight.heat_of(box.step.iri):
                box.fill = highlight.heat_of(box.step.iri)
            boxes.append(box)
    box_h = {id(b): _measure(b, view.lang) for b in boxes}
    stack_h = {key: sum(box_h[id(b)] for b in stack) + STACK_GAP * (len(stack) - 1) for key, stack in cells.items()}

    # Header column: lane names and line labels.
    line_widths = [fonts.width(line.label, LINE_LABEL_SIZE) for line in words.lines]
    name_words = [fonts.width(w, LANE_NAME_SIZE, True) for lane in words.lanes for w in _display(lane.label).split()]
    header_w = min(220.0, max(120.0, *(w + 2 * HEADER_PAD + 8 for w in line_widths + name_words)))
    lane_names = {lane.key: fonts.wrap(_display(lane.label), LANE_NAME_SIZE, header_w - 2 * HEADER_PAD, bold=True)
                  for lane in words.lanes}
    for k, key in enumerate(lane_keys):
        content = max([stack_h[c] for c in cells if c[0] == k] or [0.0])
        heights[k] = max(LANE_MIN_H, content, len(lane_names[key]) * LANE_NAME_LH + 2 * LINE_LABEL_SIZE)

    # Routes (topology only), then ports and tracks, then the sizes of gaps and channels.
    router = Router(lane_keys, cells, len(positions))
    by_id = {b.step.id: b for b in boxes}
    hl_arrows = highlight.arrows if highlight else frozenset()
    edges: list[tuple[str, StepBox, StepBox]] = []
    for b in boxes:
        if b.step.lane == "evidence":
            edges += [("evidence", b, by_id[t]) for t in b.step.evidence_of if t in by_id]
        else:
            edges += [("supports", b, by_id[t]) for t in b.step.supports if t in by_id and t != b.step.id]
    unique = {(kind, src.step.id, dst.step.id): (kind, src, dst) for kind, src, dst in edges}
    for _key, (kind, src, dst) in sorted(unique.items()):
        # plan from the lower box up; a support drawn downwards (bad data) keeps its head on the supported step
        upward = lane_index[src.step.lane] >= lane_index[dst.step.lane]
        lower, upper = (src, dst) if upward else (dst, src)
        route = Route(kind, src.step, dst.step, head_at_end=upward,
                       highlighted=kind == "supports" and (src.step.iri, dst.step.iri) in hl_arrows)
        router.add(route, lower, upper)
    place_ports(router.ports, lane_index)
    gap_tracks, chan_tracks = router.assign_tracks()

    n_lanes = len(lane_keys)
    gap_h = [max(GAP_MIN, 2 * (TRACK_OFFSET + ceil(gap_tracks.get(g, 0) / 2) * TRACK)) for g in range(n_lanes + 1)]
    chan_w = [max(CHANNEL_MIN, (chan_tracks.get(c, 0) + 1) * TRACK) for c in range(len(positions) + 1)]

    # x: header, channel 0, column 0, channel 1, ...
    col_x: list[float] = []
    chan_x: list[float] = []
    x = MARGIN + header_w
    for c in range(len(positions) + 1):
        chan_x.append(x)
        x += chan_w[c]
        if c < len(positions):
            col_x.append(x)
            x += BOX_W
    width = max(MIN_WIDTH, x + MARGIN)

    # y: title, then gap 0, lane 0, gap 1, ... lane n-1, gap n, legend
    title_lines = fonts.wrap(view.title or view.id, TITLE_SIZE, width - 2 * MARGIN, bold=True)
    title = [TextLine(MARGIN, baseline(MARGIN + n * TITLE_LH, TITLE_LH, TITLE_SIZE, True), t, TITLE_SIZE, bold=True,
                      cls="title") for n, t in enumerate(title_lines)]
    y = MARGIN + len(title_lines) * TITLE_LH
    status = words.status.get(view.status, view.status)
    # the id is a code (the same in every language): its own text, marked so, then status and level
    subtitle = "  ·  ".join(p for p in (status, f"{words.level} {view.level}") if p)
    sub_y, sub_x = baseline(y, 18, SUBTITLE_SIZE), MARGIN
    if view.id:
        title.append(TextLine(sub_x, sub_y, view.id, SUBTITLE_SIZE, fill="#555", cls="subtitle id"))
        sub_x += fonts.width(view.id + "  ·  ", SUBTITLE_SIZE)
    title.append(TextLine(sub_x, sub_y, subtitle, SUBTITLE_SIZE, fill="#555", cls="subtitle"))
    y += 18 + 10
    gap_y: list[float] = []
    lane_y: list[float] = []
    for k in range(n_lanes):
        gap_y.append(y)
        y += gap_h[k] + LANE_PAD
        lane_y.append(y)
        y += heights[k] + LANE_PAD
    gap_y.append(y)
    y += gap_h[n_lanes]
    line_y = [gy + gh / 2 for gy, gh in zip(gap_y, gap_h, strict=True)]

    # place boxes: each stack centred in its lane
    for (k, c), stack in cells.items():
        top = lane_y[k] + (heights[k] - stack_h[(k, c)]) / 2
        for box in stack:
            _fill_box(box, Rect(col_x[c], top, BOX_W, box_h[id(box)]))
            top += box_h[id(box)] + STACK_GAP

    def track_y(s: Segment) -> float:
        # tracks alternate above and below the line, the first ones a little away from it
        off = TRACK_OFFSET - TRACK + (s.track // 2 + 1) * TRACK
        return line_y[s.where] + (-off if s.track % 2 == 0 else off)

    def track_x(s: Segment) -> float:
        return chan_x[s.where] + chan_w[s.where] * (s.track + 1) / (chan_tracks.get(s.where, 0) + 1)

    def resolve_x(spec: X) -> float:
        if spec[0] == "chan":
            return track_x(spec[1])
        p: Port = spec[1]
        if spec[0] == "side":
            return p.box.rect.x if p.side == "left" else p.box.rect.right
        return p.box.rect.x + BOX_W * p.frac

    def resolve_y(spec: Y) -> float:
        if spec[0] == "gap":
            return track_y(spec[1])
        if spec[0] == "edge":
            return spec[1].rect.y if spec[2] == "top" else spec[1].rect.bottom
        p = spec[1]
        return p.box.rect.y + p.box.rect.h * p.frac

    arrows: list[Arrow] = []
    for r in router.routes:
        path = Path()
        for xs, ys in r.points:
            path.to(resolve_x(xs), resolve_y(ys))
        if not r.head_at_end:
            path.points.reverse()  # the path runs from the supporting step to the supported one
        arrows.append(Arrow(r.kind, r.source, r.target, path, r.highlighted, head=r.kind == "supports"))
    arrows.sort(key=lambda ar: ar.highlighted)  # highlighted arrows drawn last, on top

    # lanes and lines
    right = width - MARGIN
    lanes = []
    for k, lane in enumerate(words.lanes):
        band = Rect(MARGIN, line_y[k], right - MARGIN, line_y[k + 1] - line_y[k])
        header = Rect(MARGIN, band.y, header_w, band.h)
        names = lane_names[lane.key]
        top = band.y + (band.h - len(names) * LANE_NAME_LH) / 2
        label = [TextLine(MARGIN + HEADER_PAD, baseline(top + n * LANE_NAME_LH, LANE_NAME_LH, LANE_NAME_SIZE, True), t,
                          LANE_NAME_SIZE, bold=True, cls="lane-label") for n, t in enumerate(names)]
        lanes.append(LaneBand(lane.key, lane.iri, band, header, label))
    lines = []
    for line in words.lines:
        k = lane_keys.index(line.below_lane)
        ly = line_y[k]
        text = TextLine(MARGIN + HEADER_PAD, baseline(ly - LINE_LABEL_SIZE * 0.7, LINE_LABEL_SIZE * 1.4, LINE_LABEL_SIZE),
                        line.label, LINE_LABEL_SIZE, fill="#333", cls="line-label")
        bg = Rect(text.x - 4, ly - LINE_LABEL_SIZE * 0.7, text.width + 8, LINE_LABEL_SIZE * 1.4)
        lines.append(LineMark(line.key, line.iri, ly, MARGIN, right, text, bg))

    legend, y = _legend(view, words, colours, highlight, y + 4, width)
    return Layout(view, width, y + MARGIN, title, lanes, lines, boxes, arrows, legend, highlight, colours)


def _display(label: str) -> str:
    return label[:1].upper() + label[1:]


def _legend(view: BlueprintView, words: Terms, colours: dict[URIRef, tuple[str, str]], highlight: Highlight | None,
            top: float, width: float) -> tuple[list[LegendEntry], float]:
    """Legend entries flowing left to right, wrapping at the diagram's width."""
    items: list[tuple[str, str, str, str, URIRef | None]] = []
    if highlight is not None and highlight.heat_legend:
        if highlight.label:
            items.append(("department-title", "", "", highlight.label + ("：" if view.lang == "zh" else ":"), None))
        for fill, scale_text in highlight.heat_legend:
            items.append(("heat", fill, "#888888", scale_text, None))
    elif highlight is not None:
        for status, words_for in highlight.mark_labels:
            items.append((f"mark-{status}", "#ffffff", MARK_COLOURS[status], words_for, None))
        if highlight.legend:
            items.append(("highlight", "#ffffff", HIGHLIGHT_COLOUR, highlight.legend, None))
        elif not highlight.mark_labels:
            what = f"{highlight.label}: " if highlight.label else ""
            items.append(("highlight", "#ffffff", HIGHLIGHT_COLOUR, f"{what}{words.uses_system} / {words.underlies}", None))
    colon = "：" if view.lang == "zh" else ":"
    items.append(("department-title", "", "", _display(words.department) + colon, None))
    for dept, (fill, stroke) in colours.items():
        items.append(("department", fill, stroke, view.departments.get(dept, str(dept)), dept))
    items += [("fail", FAIL_COLOUR, FAIL_COLOUR, words.fail, None), ("wait", WAIT_COLOUR, WAIT_COLOUR, words.wait, None),
              ("supports", ARROW_COLOUR, ARROW_COLOUR, words.supports, None)]
    entries = []
    x, y = MARGIN, top
    for kind, fill, stroke, label, iri in items:
        swatch_w = 0.0 if kind == "department-title" else (16.0 if kind in ("fail", "wait") else 26.0)
        w = swatch_w + (6 if swatch_w else 0) + fonts.width(label, LEGEND_SIZE)
        if x > MARGIN and x + w > width - MARGIN:
            x, y = MARGIN, y + LEGEND_LH
        swatch = Rect(x, y + (LEGEND_LH - 14) / 2, swatch_w, 14)
        text = TextLine(x + swatch_w + (6 if swatch_w else 0), baseline(y, LEGEND_LH, LEGEND_SIZE), label, LEGEND_SIZE,
                        bold=kind == "department-title", fill="#222", cls="legend-label")
        entries.append(LegendEntry(kind, swatch, fill, stroke, text, iri))
        x += w + 18
    return entries, y + LEGEND_LH
