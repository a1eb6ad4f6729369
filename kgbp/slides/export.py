"""Blueprints as editable PowerPoint slides, drawn from the diagram's own layout.

One slide per blueprint version, in native shapes a person can move and retype: lane
bands with their names, the three lines, one rounded box per step at its layout
position, F and W badges, support arrows, department colours with a legend, and the
title in the slide's title placeholder.

The slide is 16:9 (13.333 x 7.5 in, PowerPoint's default), the whole blueprint scaled
to fit it and centred, so it projects and prints as it is; zooming in keeps it sharp,
as every shape is native. Each arrow keeps the diagram's route, which gives every arrow
a track of its own. A straight arrow is a connector glued to both boxes; a bent one is
a path (freeform) drawn point by point, naming the boxes it joins in its alt text:
LibreOffice re-routes glued elbow connectors when it opens a deck, and the re-routed
arrows ran along one another so it was unclear who supports whom.

Each box's alt text (see alt_text.py) carries the step's id, department and systems, so
`import_slide` reads the slide back to the same blueprint.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from urllib.parse import unquote

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationT
from pptx.shapes.autoshape import Shape
from pptx.shapes.base import BaseShape
from pptx.shapes.connector import Connector
from pptx.shapes.shapetree import GroupShapes, SlideShapes
from pptx.slide import Slide
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu
from rdflib import URIRef

from ..diagram.geometry import Rect, TextLine
from ..diagram.layout import (
    ARROW_COLOUR,
    BOX_PAD,
    LABEL_LH,
    SYSTEM_LH,
    Highlight,
    Layout,
    LegendEntry,
    StepBox,
    layout,
)
from ..errors import BadInput, NotFound
from ..i18n import say
from ..model import iris
from ..repository import save as repository
from ..repository.blueprint_view import BlueprintView, load_view
from ..store import Store
from . import alt_text, fonts
from .connectors import fit, simplify

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
EMU_PER_PX = 9525  # 96 dpi
EMU_PER_PT = 12700
SLIDE_W, SLIDE_H = 12_192_000, 6_858_000  # 13.333 x 7.5 in: 16:9, PowerPoint's default
MIN_LINE_PT = 0.75  # lines stay visible however far the blueprint is scaled down
TITLE_ONLY_LAYOUT = 5  # in python-pptx's default template
SIDE_SITE = {"top": 0, "left": 1, "bottom": 2, "right": 3}  # connection sites of a (rounded) rectangle
LANE_FILLS = (("f7f8fa", "e2e7ee"), ("eef1f5", "d8dee7"))  # band, header: as the SVG
LINE_COLOUR = "5a6b82"


def _rgb(colour: str) -> RGBColor:
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return RGBColor.from_string(text.upper())


def local_id(iri: URIRef | str) -> str:
    """The id a department or system IRI was minted from."""
    return unquote(str(iri).rstrip("/").rsplit("/", 1)[-1])


class _Painter:
    """Draws one layout on one slide; `s` converts layout pixels to EMU, `ox`, `oy` place its origin."""

    def __init__(self, slide: Slide, scale: float, origin: tuple[float, float] = (0.0, 0.0)) -> None:
        self.slide = slide
        self.s = scale
        self.ox, self.oy = origin
        self.lang = "en"
        self.shape_of: dict[str, Shape] = {}  # step id -> its box

    def emu(self, v: float) -> Emu:
        """A length."""
        return Emu(round(v * self.s))

    def at(self, x: float, y: float) -> tuple[Emu, Emu]:
        """A layout point on the slide."""
        return Emu(round(self.ox + x * self.s)), Emu(round(self.oy + y * self.s))

    def line_width(self, px: float) -> Emu:
        return Emu(round(max(px * self.s, MIN_LINE_PT * EMU_PER_PT)))

    def pt(self, px: float) -> float:
        return px * self.s / EMU_PER_PT

    # -- primitives ------------------------------------------------------------------
    def shape(self, kind: MSO_SHAPE, r: Rect, name: str, fill: str | None, line: str | None,
              line_px: float = 1.0, dashed: bool = False, tree: SlideShapes | GroupShapes | None = None) -> Shape:
        shapes = tree if tree is not None else self.slide.shapes
        sh = shapes.add_shape(kind, *self.at(r.x, r.y), self.emu(r.w), self.emu(r.h))
        _plain(sh)
        sh.name = name
        if fill is None:
            sh.fill.background()
        else:
            sh.fill.solid()
            sh.fill.fore_color.rgb = _rgb(fill)
        if line is None:
            sh.line.fill.background()
        else:
            sh.line.color.rgb = _rgb(line)
            sh.line.width = self.line_width(line_px)
            if dashed:
                sh.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        return sh

    def text(self, frame: TextFrame, lines: Sequence[TextLine], *, inset: tuple[float, float, float, float] = (0, 0, 0, 0),
             anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, line_height: float | None = None, align: PP_ALIGN | None = None,
             first: _Paragraph | None = None, space_before: float = 0.0) -> _Paragraph:
        """The lines as the layout wrapped them, one paragraph each.

        Paragraphs rather than line breaks: a renderer whose text runs a little wider
        (LibreOffice spaces CJK next to Latin) wraps a full line before its break and
        leaves an empty line; a paragraph end takes no room.
        """
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = anchor
        frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom = (self.emu(v) for v in inset)
        para = first if first is not None else frame.paragraphs[0]
        for n, line in enumerate(lines):
            if n:
                para = frame.add_paragraph()
            if align is not None:
                para.alignment = align
            if line_height is not None:
                para.line_spacing = Emu(round(line_height * self.s))
            if space_before and n == 0:
                para.space_before = Emu(round(space_before * self.s))
            run = para.add_run()
            run.text = line.text
            _font(run, self.pt(line.size), line.bold, line.fill, self.lang)
        return para

    def textbox(self, line: TextLine, name: str, tree: SlideShapes | GroupShapes | None = None,
                fill: str | None = None, stroke: str | None = None, pad: float = 0.0) -> Shape:
        box = line.bbox
        r = Rect(box.x - pad, box.y - 1 - pad, box.w + 4 + 2 * pad, box.h + 2 + 2 * pad)
        shapes = tree if tree is not None else self.slide.shapes
        tb = shapes.add_textbox(*self.at(r.x, r.y), self.emu(r.w), self.emu(r.h))
        tb.name = name
        if fill is not None:
            tb.fill.solid()
            tb.fill.fore_color.rgb = _rgb(fill)
        if stroke is not None:
            tb.line.color.rgb = _rgb(stroke)
            tb.line.width = self.line_width(0.8)
        self.text(tb.text_frame, [line], inset=(pad, pad, 0, 0), anchor=MSO_ANCHOR.MIDDLE)
        tb.text_frame.word_wrap = False
        return tb

    def connector(self, points: list[tuple[float, float]], name: str, colour: str, width_px: float,
                  head: bool, dash: MSO_LINE_DASH_STYLE | None = None, begin: tuple[Shape, int] | None = None,
                  end: tuple[Shape, int] | None = None, tree: SlideShapes | GroupShapes | None = None) -> Connector:
        """A connector drawing the polyline exactly; glued to `begin` / `end` (shape, site) when given."""
        shapes = tree if tree is not None else self.slide.shapes
        (x1, y1), (x2, y2) = points[0], points[-1]
        cx = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, *self.at(x1, y1), *self.at(x2, y2))
        _plain(cx)
        cx.name = name
        if begin is not None:
            cx.begin_connect(*begin)
        if end is not None:
            cx.end_connect(*end)
        # glue first (python-pptx moves the ends to the sites), then the exact route
        fitted = fit([self.at(x, y) for x, y in points], min_extent=2000)
        t = fitted.transform
        xfrm = cx._element.spPr.find(qn("a:xfrm"))
        for attr in ("rot", "flipH", "flipV"):
            xfrm.attrib.pop(attr, None)
        if t.rot:
            xfrm.set("rot", str(round(t.rot * 60000)))
        if t.flip_h:
            xfrm.set("flipH", "1")
        if t.flip_v:
            xfrm.set("flipV", "1")
        xfrm.find(qn("a:off")).set("x", str(round(t.x)))
        xfrm.find(qn("a:off")).set("y", str(round(t.y)))
        xfrm.find(qn("a:ext")).set("cx", str(round(t.w)))
        xfrm.find(qn("a:ext")).set("cy", str(round(t.h)))
        geom = cx._element.spPr.find(qn("a:prstGeom"))
        geom.set("prst", fitted.preset)
        av = geom.find(qn("a:avLst"))
        for child in list(av):
            av.remove(child)
        for n, value in enumerate(fitted.adjust, start=1):
            etree.SubElement(av, qn("a:gd"), name=f"adj{n}", fmla=f"val {value}")
        cx.line.color.rgb = _rgb(colour)
        _stroke(cx, colour, self.line_width(width_px), head, dash)
        return cx

    def path(self, points: list[tuple[float, float]], name: str, colour: str, width_px: float, head: bool,
             begin: Shape, end: Shape, dash: MSO_LINE_DASH_STYLE | None = None) -> Shape:
        """A bent arrow as a freeform drawn point by point: every renderer draws it exactly as routed.

        Its alt text names the boxes it joins (their shape ids), as a connector's glue would.
        """
        pts = [self.at(x, y) for x, y in simplify(points)]
        builder = self.slide.shapes.build_freeform(*pts[0], scale=1.0)
        builder.add_line_segments(pts[1:], close=False)
        sh = builder.convert_to_shape()
        _plain(sh)
        sh.name = name
        sh.fill.background()
        _stroke(sh, colour, self.line_width(width_px), head, dash)
        _describe(sh, alt_text.dump("path", {"begin": begin.shape_id, "end": end.shape_id}))
        return sh

    # -- the blueprint ---------------------------------------------------------------
    def lanes(self, lay: Layout) -> None:
        for n, lane in enumerate(lay.lanes):
            band_fill, header_fill = LANE_FILLS[n % 2]
            self.shape(MSO_SHAPE.RECTANGLE, lane.rect, f"Lane {lane.key}", band_fill, None)
            header = self.shape(MSO_SHAPE.RECTANGLE, lane.header, f"Lane title {lane.key}", header_fill, None)
            self.text(header.text_frame, lane.label, inset=(BOX_PAD + 2, 0, 4, 0), anchor=MSO_ANCHOR.MIDDLE)
        for line in lay.lines:
            self.connector([(line.x1, line.y), (line.x2, line.y)], f"Line {line.key}", LINE_COLOUR, 1.2, head=False,
                           dash=MSO_LINE_DASH_STYLE.DASH)
            self.textbox(line.label, f"Line label {line.key}", fill="#ffffff", stroke="#" + LINE_COLOUR, pad=3)

    def title(self, lay: Layout) -> None:
        view = lay.view
        placeholder = self.slide.shapes.title
        top = min(t.bbox.y for t in lay.title) - 2
        bottom = max(t.bbox.bottom for t in lay.title) + 2
        width = max(t.x + t.width for t in lay.title) - lay.title[0].x + 40
        if placeholder is None:  # pragma: no cover - the default template has one
            return
        placeholder.left, placeholder.top = self.at(lay.title[0].x, top)
        placeholder.width, placeholder.height = self.emu(width), self.emu(bottom - top)
        heading = [t for t in lay.title if t.cls == "title"]
        sub = [t for t in lay.title if t.cls != "title"]
        frame = placeholder.text_frame
        self.text(frame, heading, align=PP_ALIGN.LEFT)
        if sub:
            self.text(frame, sub, first=frame.add_paragraph(), align=PP_ALIGN.LEFT, space_before=2)
        service, _, version = view.id.partition("/")
        refines = None
        if view.refines is not None:
            parent, _, step = str(view.refines).partition("/step/")
            refines = {"blueprint": iris.blueprint_id(parent), "step": unquote(step)}
        _describe(placeholder, alt_text.dump("blueprint", {
            "service": {"id": service, "label": view.service}, "version": version, "status": view.status,
            "level": view.level, "lang": view.lang, "title": view.title,
            "revision_of": (iris.blueprint_id(str(view.revision_of)) or "").partition("/")[2] or None,
            "refines": refines,
        }))

    def step(self, box: StepBox) -> None:
        step = box.step
        evidence = step.lane == "evidence"
        sh = self.shape(MSO_SHAPE.ROUNDED_RECTANGLE, box.rect, f"{'Evidence' if evidence else 'Step'} {step.id}",
                        box.fill, box.stroke, 1.4, dashed=box.dashed)
        sh.adjustments[0] = (2 if evidence else 6) / min(box.rect.w, box.rect.h)
        inset = (BOX_PAD, BOX_PAD - 2, 0, 0)  # slack on the right: renderers space CJK next to Latin wider
        self.text(sh.text_frame, box.label, inset=inset, line_height=LABEL_LH, align=PP_ALIGN.LEFT)
        if box.systems:
            self.text(sh.text_frame, box.systems, first=sh.text_frame.add_paragraph(), line_height=SYSTEM_LH,
                      inset=inset, space_before=5, align=PP_ALIGN.LEFT)
        fields: dict[str, object] = {"id": step.id, "label": step.label}
        if not evidence:
            fields["performer"] = step.performer
            if step.department_iri is not None:
                fields["department"] = {"id": local_id(step.department_iri), "label": step.department}
            fields["systems"] = [{"id": local_id(i), "label": label}
                                 for i, label in zip(step.system_iris, step.systems, strict=True)]
            if step.fail:
                fields["fail"] = {"mode": step.failure_mode, "consequence": step.consequence}
        _describe(sh, alt_text.dump("evidence" if evidence else "step", fields))
        self.shape_of[step.id] = sh
        for badge in box.badges:
            r = Rect(badge.cx - badge.r, badge.cy - badge.r, 2 * badge.r, 2 * badge.r)
            dot = self.shape(MSO_SHAPE.OVAL, r, f"Marker {badge.kind} {step.id}", badge.fill, "#ffffff", 1.0)
            self.text(dot.text_frame, [badge.text], align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE)

    def arrows(self, lay: Layout) -> None:
        boxes = {b.step.id: b.rect for b in lay.boxes}
        for arrow in lay.arrows:
            src, dst = self.shape_of[arrow.source.id], self.shape_of[arrow.target.id]
            pts = arrow.path.points
            supports = arrow.kind == "supports"
            name = f"{'Supports' if supports else 'Evidence'} {arrow.source.id} -> {arrow.target.id}"
            colour, width = (ARROW_COLOUR, 1.3) if supports else ("#9a9a9a", 1.0)
            dash = None if supports else MSO_LINE_DASH_STYLE.ROUND_DOT
            if len(simplify(pts)) > 2:
                self.path(pts, name, colour, width, supports, src, dst, dash)
                continue
            begin = (src, SIDE_SITE[_side(pts[0], boxes[arrow.source.id])])
            end = (dst, SIDE_SITE[_side(pts[-1], boxes[arrow.target.id])])
            self.connector(pts, name, colour, width, head=supports, dash=dash, begin=begin, end=end)

    def legend(self, entries: list[LegendEntry]) -> None:
        if not entries:
            return
        group = self.slide.shapes.add_group_shape()
        group.name = "Legend"
        tree = group.shapes
        for e in entries:
            mid = e.swatch.y + e.swatch.h / 2
            name = f"Legend {e.kind}"
            if e.kind in ("department", "customer", "evidence", "heat"):
                sw = self.shape(MSO_SHAPE.ROUNDED_RECTANGLE, e.swatch, name, e.fill, e.stroke, 1.4, tree=tree)
                sw.adjustments[0] = 0.2
            elif e.kind in ("fail", "wait"):
                r = e.swatch.w / 2
                dot = self.shape(MSO_SHAPE.OVAL, Rect(e.swatch.x, mid - r, 2 * r, 2 * r), name, e.fill, None, tree=tree)
                letter = TextLine(0, 0, "F" if e.kind == "fail" else "W", 10, bold=True,
                                  fill="#ffffff" if e.kind == "fail" else "#222")
                self.text(dot.text_frame, [letter], align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE)
            elif e.kind in ("supports", "highlight"):
                self.connector([(e.swatch.x, mid), (e.swatch.right, mid)], name, ARROW_COLOUR, 1.3, head=True, tree=tree)
            self.textbox(e.text, f"{name} label", tree=tree)


def _side(p: tuple[float, float], r: Rect) -> str:
    """The edge of `r` that point `p` lies on (the nearest one)."""
    x, y = p
    return min((abs(y - r.y), "top"), (abs(y - r.bottom), "bottom"), (abs(x - r.x), "left"),
               (abs(x - r.right), "right"))[1]


def _plain(shape: BaseShape) -> None:
    """No theme style: colours, lines and shadows are all set explicitly."""
    for style in shape._element.findall(qn("p:style")):
        shape._element.remove(style)


def _describe(shape: BaseShape, text: str) -> None:
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def _stroke(shape: Shape | Connector, colour: str, width: Emu, head: bool, dash: MSO_LINE_DASH_STYLE | None) -> None:
    shape.line.color.rgb = _rgb(colour)
    shape.line.width = width
    if dash is not None:
        shape.line.dash_style = dash
    ln = shape.line._get_or_add_ln()
    ln.set("cap", "flat")
    if head:
        etree.SubElement(ln, qn("a:tailEnd"), type="triangle", w="med", len="med")


def _font(run: object, size_pt: float, bold: bool, colour: str, lang: str) -> None:
    """Office faces for Latin and East Asian text (fonts.py), in the blueprint's language."""
    font = run.font  # type: ignore[attr-defined]
    font.size = Emu(round(size_pt * EMU_PER_PT))
    font.bold = bold
    font.color.rgb = _rgb(colour)
    fonts.declare(run._r.get_or_add_rPr(), lang)  # type: ignore[attr-defined]


def fit_scale(width: float, height: float, slide: tuple[float, float] = (SLIDE_W, SLIDE_H),
              scale: float | None = None) -> tuple[float, tuple[float, float]]:
    """EMU per layout pixel that fits a width x height layout on the slide (unless given), and the centred origin."""
    sw, sh = slide
    scale = scale if scale is not None else min(sw / width, sh / height)
    return scale, ((sw - width * scale) / 2, (sh - height * scale) / 2)


def draw_slide(prs: PresentationT, lay: Layout, scale: float | None = None) -> Slide:
    """The layout on a new slide of `prs`, fitted to the slide (or at `scale` EMU per pixel) and centred."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    size = (float(prs.slide_width or SLIDE_W), float(prs.slide_height or SLIDE_H))
    painter = _Painter(slide, *fit_scale(lay.width, lay.height, size, scale))
    painter.lang = lay.view.lang
    painter.lanes(lay)
    painter.title(lay)
    for box in lay.boxes:
        painter.step(box)
    painter.arrows(lay)
    painter.legend(lay.legend)
    return slide


def deck(views: Sequence[BlueprintView], highlights: Sequence[Highlight | None] = ()) -> bytes:
    """A presentation with one slide per blueprint view, in the views' order (each with its
    highlight, e.g. the evidence heat, when `highlights` gives one)."""
    if not views:
        raise BadInput(say("slides_none"), hint=say("slides_none_hint"))
    marks = list(highlights) + [None] * (len(views) - len(highlights))
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_W), Emu(SLIDE_H)
    fonts.theme(prs)
    for view, mark in zip(views, marks, strict=True):
        draw_slide(prs, layout(view, mark))  # each slide its own scale: a short blueprint is not shrunk for a long one
    prs.core_properties.title = views[0].title if len(views) == 1 else views[0].service
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def resolve_refs(store: Store, refs: Sequence[str]) -> list[URIRef]:
    """'service/version' is one blueprint; a bare service id is all its versions (as-is first)."""
    found: list[URIRef] = []
    listed = None
    for ref in refs:
        if "/" in ref or ref.startswith(("http://", "https://")):
            found.append(repository.resolve_blueprint(store, ref))
            continue
        listed = listed if listed is not None else repository.list_blueprints(store)
        versions = [b for b in listed if b.id.split("/")[0] == ref]
        if not versions:
            raise NotFound(say("slides_no_service", ref=repr(ref)), where=ref, hint=say("slides_no_service_hint"))
        versions.sort(key=lambda b: (b.version != "as-is", b.version))
        found.extend(b.iri for b in versions)
    return list(dict.fromkeys(found))


def blueprint_deck(store: Store, refs: Sequence[str], lang: str) -> bytes:
    """The slides of stored blueprints (one per version) in one language."""
    return deck([load_view(store, iri, lang) for iri in resolve_refs(store, refs)])
