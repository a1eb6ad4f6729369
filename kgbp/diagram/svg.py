"""The SVG of a laid-out blueprint, built with ElementTree.

Every step is a group with `class="step"` and data-* attributes (IRI, id, lane, position,
markers, department); its box, texts and badges carry the step's IRI too, and arrows
carry `data-from` / `data-to`. Tests and the browser find things by these, never by
drawing order. Presentation is in attributes, not CSS, so cairosvg draws the same.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

from .geometry import Path, Rect, TextLine
from .layout import (
    ARROW_COLOUR,
    HIGHLIGHT_COLOUR,
    MARK_COLOURS,
    Arrow,
    Layout,
    LegendEntry,
    StepBox,
    department_pattern,
)
from .text import CSS_FONT_FAMILY

SVG_NS = "http://www.w3.org/2000/svg"
DIM = "0.3"


def num(v: float) -> str:
    """Short, stable number text: at most two decimals, no trailing zeros."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _sub(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs or {})
    if text is not None:
        el.text = text
    return el


def _rect(parent: ET.Element, r: Rect, **attrs: str) -> ET.Element:
    return _sub(parent, "rect", {"x": num(r.x), "y": num(r.y), "width": num(r.w), "height": num(r.h), **attrs})


def _text(parent: ET.Element, t: TextLine, **attrs: str) -> ET.Element:
    a = {"class": t.cls, "x": num(t.x), "y": num(t.y), "font-size": num(t.size), "fill": t.fill}
    if t.bold:
        a["font-weight"] = "bold"
    if t.anchor != "start":
        a["text-anchor"] = t.anchor
    if "id" in t.cls.split():
        a["translate"] = "no"  # a code, the same in every language
    return _sub(parent, "text", {**a, **attrs}, t.text)


def _path_d(path: Path) -> str:
    return " ".join(("M" if n == 0 else "L") + f"{num(x)} {num(y)}" for n, (x, y) in enumerate(path.points))


def _defs(svg: ET.Element, prefix: str) -> None:
    defs = _sub(svg, "defs")
    for name, colour in (("arrow", ARROW_COLOUR), ("arrow-hl", HIGHLIGHT_COLOUR)):
        marker = _sub(defs, "marker", {"id": f"{prefix}-{name}", "viewBox": "0 0 10 10", "refX": "9", "refY": "5",
                                       "markerWidth": "9", "markerHeight": "9", "markerUnits": "userSpaceOnUse",
                                       "orient": "auto"})
        _sub(marker, "path", {"d": "M0 1 L9 5 L0 9 z", "fill": colour})


def _tooltip(box: StepBox) -> str:
    s = box.step
    parts = [s.label]
    if s.department:
        parts.append(s.department)
    if s.systems:
        parts.append(", ".join(s.systems))
    if s.fail:
        parts.append("F: " + " → ".join(p for p in (s.failure_mode, s.consequence) if p))
    if s.wait:
        parts.append("W: " + s.standard if s.standard else "W")
    return "\n".join(parts)


def _step(parent: ET.Element, box: StepBox, dimmed: bool) -> None:
    s = box.step
    ident = {"data-step": str(s.iri), "data-id": s.id}
    attrs = {"class": "step" + (" highlighted" if box.highlighted else ""), **ident, "data-lane": s.lane,
             "data-position": str(s.position), "data-markers": s.markers, "data-label": s.label}
    if s.department_iri is not None:
        attrs["data-department"] = str(s.department_iri)
    if s.system_iris:
        attrs["data-systems"] = " ".join(str(x) for x in s.system_iris)
    if dimmed:
        attrs["opacity"] = DIM
    # a box is a link to its row of the steps table on the blueprint page (reachable by keyboard)
    g = _sub(_sub(parent, "a", {"href": f"#step-{s.id}", "class": "step-link"}), "g", attrs)
    _sub(g, "title", text=_tooltip(box))
    stroke, width = (HIGHLIGHT_COLOUR, "3") if box.highlighted else (box.stroke, "1.4")
    if box.mark:
        stroke, width = MARK_COLOURS[box.mark], "3"
        g.set("data-status", box.mark)
        g.set("class", g.get("class", "") + f" mark-{box.mark}")
    rect = {"class": "step-box", **ident, "rx": "2" if box.dashed else "6", "fill": box.fill, "stroke": stroke,
            "stroke-width": width}
    if box.dashed or box.mark == "removed":
        rect["stroke-dasharray"] = "4 3"
    _rect(g, box.rect, **rect)
    if s.department_iri is not None and s.lane != "evidence":
        _stripe(g, box.rect.x + 3, box.rect.y + 4, box.rect.bottom - 4, box.stroke, department_pattern(s.department_iri))
    for t in box.label:
        _text(g, t, **ident)
    if box.separator is not None:
        _sub(g, "line", {"class": "step-separator", "x1": num(box.rect.x + 6), "x2": num(box.rect.right - 6),
                         "y1": num(box.separator), "y2": num(box.separator), "stroke": box.stroke,
                         "stroke-width": "0.6", "stroke-opacity": "0.6"})
    for t in box.systems:
        _text(g, t, **ident)
    for badge in box.badges:
        b = _sub(g, "g", {"class": f"badge badge-{badge.kind}", **ident, "data-marker": badge.kind})
        _sub(b, "circle", {"cx": num(badge.cx), "cy": num(badge.cy), "r": num(badge.r), "fill": badge.fill,
                           "stroke": "#ffffff", "stroke-width": "1"})
        _text(b, badge.text, **ident)


def _arrow(parent: ET.Element, arrow: Arrow, prefix: str, dimmed: bool) -> None:
    attrs = {"class": arrow.kind if arrow.kind == "supports" else "evidence-link",
             "data-from": str(arrow.source.iri), "data-to": str(arrow.target.iri),
             "data-from-id": arrow.source.id, "data-to-id": arrow.target.id, "d": _path_d(arrow.path), "fill": "none"}
    if arrow.kind == "supports":
        colour, width = (HIGHLIGHT_COLOUR, "2.5") if arrow.highlighted else (ARROW_COLOUR, "1.3")
        attrs.update({"stroke": colour, "stroke-width": width, "stroke-linejoin": "round",
                      "marker-end": f"url(#{prefix}-{'arrow-hl' if arrow.highlighted else 'arrow'})"})
        if arrow.highlighted:
            attrs["class"] += " highlighted"
    else:
        attrs.update({"stroke": "#9a9a9a", "stroke-width": "1", "stroke-dasharray": "2 3"})
    if dimmed:
        attrs["opacity"] = DIM
    _sub(parent, "path", attrs)


def _stripe(parent: ET.Element, x: float, top: float, bottom: float, colour: str, pattern: str) -> None:
    """The department's stripe: its pattern, in its colour, along a box's left edge."""
    attrs = {"class": "department-stripe", "x1": num(x), "x2": num(x), "y1": num(top), "y2": num(bottom),
             "stroke": colour, "stroke-width": "3"}
    if pattern:
        attrs["stroke-dasharray"] = pattern
    _sub(parent, "line", attrs)


def _legend(parent: ET.Element, e: LegendEntry, prefix: str) -> None:
    g = _sub(parent, "g", {"class": f"legend-item legend-{e.kind}", **({"data-department": str(e.iri)} if e.iri else {})})
    mid = e.swatch.y + e.swatch.h / 2
    if e.kind in ("department", "customer", "evidence", "heat"):
        _rect(g, e.swatch, rx="3", fill=e.fill, stroke=e.stroke, **{"stroke-width": "1.4"})
        if e.kind == "department" and e.iri is not None:
            _stripe(g, e.swatch.x + 3, e.swatch.y + 2, e.swatch.bottom - 2, e.stroke, department_pattern(e.iri))
    elif e.kind.startswith("mark-"):
        extra = {"stroke-dasharray": "4 3"} if e.kind == "mark-removed" else {}
        _rect(g, e.swatch, rx="3", fill=e.fill, stroke=e.stroke, **{"stroke-width": "3", **extra})
    elif e.kind in ("fail", "wait"):
        r = e.swatch.w / 2
        _sub(g, "circle", {"cx": num(e.swatch.x + r), "cy": num(mid), "r": num(r), "fill": e.fill})
        _sub(g, "text", {"x": num(e.swatch.x + r), "y": num(mid + 3.5), "font-size": "10", "font-weight": "bold",
                         "text-anchor": "middle", "fill": "#ffffff" if e.kind == "fail" else "#222",
                         "class": "legend-badge"}, "F" if e.kind == "fail" else "W")
    elif e.kind in ("supports", "highlight"):
        colour = ARROW_COLOUR if e.kind == "supports" else HIGHLIGHT_COLOUR
        _sub(g, "path", {"d": f"M{num(e.swatch.x)} {num(mid)} L{num(e.swatch.right)} {num(mid)}", "stroke": colour,
                         "stroke-width": "1.3" if e.kind == "supports" else "2.5",
                         "marker-end": f"url(#{prefix}-{'arrow' if e.kind == 'supports' else 'arrow-hl'})"})
    _text(g, e.text)


def svg_element(lay: Layout) -> ET.Element:
    view = lay.view
    prefix = "kgbp-" + hashlib.sha256(str(view.iri).encode()).hexdigest()[:8]
    title = view.title or view.id
    svg = ET.Element("svg", {
        "xmlns": SVG_NS, "width": num(lay.width), "height": num(lay.height),
        "viewBox": f"0 0 {num(lay.width)} {num(lay.height)}", "class": "kgbp-diagram", "role": "group",
        "aria-label": title, "font-family": CSS_FONT_FAMILY, "data-blueprint": str(view.iri), "data-id": view.id,
        "data-lang": view.lang,
    })
    if lay.highlight is not None:
        svg.set("data-highlight", lay.highlight.label)
    _sub(svg, "title", text=title)
    _defs(svg, prefix)
    _rect(svg, Rect(0, 0, lay.width, lay.height), fill="#ffffff", **{"class": "background"})

    lanes = _sub(svg, "g", {"class": "lanes"})
    for n, lane in enumerate(lay.lanes):
        g = _sub(lanes, "g", {"class": "lane", "data-lane": lane.key, "data-lane-iri": str(lane.iri)})
        _rect(g, lane.rect, fill="#f7f8fa" if n % 2 == 0 else "#eef1f5", **{"class": "lane-band"})
        _rect(g, lane.header, fill="#e2e7ee" if n % 2 == 0 else "#d8dee7", **{"class": "lane-header"})
        for t in lane.label:
            _text(g, t, **{"data-lane": lane.key})
    lines = _sub(svg, "g", {"class": "lines"})
    for line in lay.lines:
        g = _sub(lines, "g", {"class": "line", "data-line": line.key, "data-line-iri": str(line.iri)})
        _sub(g, "line", {"x1": num(line.x1), "x2": num(line.x2), "y1": num(line.y), "y2": num(line.y),
                         "stroke": "#5a6b82", "stroke-width": "1.2", "stroke-dasharray": "9 5"})
        _rect(g, line.label_bg, rx="3", fill="#ffffff", stroke="#5a6b82", **{"stroke-width": "0.8",
                                                                             "class": "line-label-bg"})
        _text(g, line.label, **{"data-line": line.key})
    heading = _sub(svg, "g", {"class": "heading"})
    for t in lay.title:
        _text(heading, t)

    dim = lay.highlight is not None and lay.highlight.dims
    steps = _sub(svg, "g", {"class": "steps"})
    for box in lay.boxes:
        _step(steps, box, dim and not box.highlighted)
    arrows = _sub(svg, "g", {"class": "arrows"})
    for arrow in lay.arrows:
        _arrow(arrows, arrow, prefix, dim and not arrow.highlighted)
    legend = _sub(svg, "g", {"class": "legend"})
    for entry in lay.legend:
        _legend(legend, entry, prefix)
    return svg


def svg_bytes(lay: Layout) -> bytes:
    svg = svg_element(lay)
    ET.indent(svg, space="")
    return ET.tostring(svg, encoding="utf-8", xml_declaration=True)
