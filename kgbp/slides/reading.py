"""Open a .pptx safely and flatten one slide into plain drawn things in slide coordinates.

Groups are opened (their child coordinates mapped to the slide), connectors and lines
become two end points (rotation and flips applied), and every shape keeps its name,
id, text, alt text and fill so the importer can read it and report about it.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_FILL
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationT
from pptx.shapes.base import BaseShape

from ..diagram.geometry import Rect
from ..errors import BadInput
from ..i18n import say
from . import alt_text
from .connectors import Point, Transform, endpoints

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old binary .ppt both live in OLE files
ZIP_MAGIC = b"PK\x03\x04"
EMU_PER_CM = 360_000
MAX_UNPACKED_BYTES = 300_000_000  # a deck that unpacks to more is refused before it is read (zip bombs)
MAX_PARTS = 20_000
SKIPPED_PLACEHOLDERS = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER,
                        PP_PLACEHOLDER.HEADER}
TITLE_PLACEHOLDERS = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
LINE_PRESETS = ("line", "straightConnector", "bentConnector", "curvedConnector")


@dataclass
class Drawn:
    """One shape of the slide, flattened."""

    id: int
    name: str
    box: Rect  # the shape's bounds, in EMU
    kind: str  # "shape" (autoshape, text box, placeholder), "line" (connector or line), "other" (picture, table ...)
    geometry: str = ""  # preset geometry (roundRect, rect, ellipse, line, bentConnector3 ...); "" for custom or none
    paragraphs: list[list[str]] = field(default_factory=list)  # lines of each paragraph
    sizes: list[float | None] = field(default_factory=list)  # each paragraph's first font size (EMU), if set
    descr: str = ""
    fill: str | None = None  # "rrggbb" when a solid RGB fill is set
    placeholder: str = ""  # "title" for the slide title, else ""
    text_box: bool = False
    begin: Point | None = None  # lines only
    end: Point | None = None
    glued_begin: int | None = None  # shape id the begin is glued to
    glued_end: int | None = None
    head_at_begin: bool = False
    head_at_end: bool = False
    groups: tuple[str, ...] = ()  # names of the enclosing groups, outermost first

    def leading_lines_paragraphs(self) -> list[list[str]]:
        """The first paragraphs set in the first one's font size (a label before smaller notes)."""
        n = 1
        while n < len(self.paragraphs) and self.sizes[n] == self.sizes[0]:
            n += 1
        return self.paragraphs[:n]

    def leading_lines(self) -> list[str]:
        return [line for para in self.leading_lines_paragraphs() for line in para]

    @property
    def text(self) -> str:
        return "\n".join("\n".join(lines) for lines in self.paragraphs).strip()

    def where(self) -> str:
        return f"\"{self.name}\" at ({self.box.x / EMU_PER_CM:.1f} cm, {self.box.y / EMU_PER_CM:.1f} cm)"


@dataclass
class DrawnSlide:
    number: int
    width: float
    height: float
    shapes: list[Drawn]


def open_deck(data: bytes, source: str) -> PresentationT:
    """The presentation, or BadInput saying why the bytes are not a readable .pptx."""
    if data.startswith(OLE_MAGIC):
        raise BadInput(say("pptx_protected"), where=source, hint=say("pptx_protected_hint"))
    if not data.startswith(ZIP_MAGIC):
        raise BadInput(say("pptx_not"), where=source, hint=say("pptx_not_hint"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, ValueError):
        parts = []  # python-pptx below says it is corrupt
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise BadInput(say("pptx_too_large", limit=MAX_UNPACKED_BYTES, parts=MAX_PARTS), where=source, hint=say("pptx_too_large_hint"))
    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises many kinds (zip, XML, missing parts): all mean a broken file
        raise BadInput(say("pptx_corrupt", what=type(exc).__name__), where=source, hint=say("pptx_corrupt_hint")) from None
    return prs


def _affine(parent: tuple[float, float, float, float], x: float, y: float) -> Point:
    ox, oy, sx, sy = parent
    return ox + x * sx, oy + y * sy


def _group_map(grp: BaseShape, parent: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The map from a group's child coordinates to slide coordinates (offset, scale)."""
    xfrm = grp._element.find(qn("p:grpSpPr")).find(qn("a:xfrm"))
    if xfrm is None:
        return parent
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    ch_off, ch_ext = xfrm.find(qn("a:chOff")), xfrm.find(qn("a:chExt"))
    if off is None or ext is None or ch_off is None or ch_ext is None:
        return parent
    sx = int(ext.get("cx")) / int(ch_ext.get("cx")) if int(ch_ext.get("cx")) else 1.0
    sy = int(ext.get("cy")) / int(ch_ext.get("cy")) if int(ch_ext.get("cy")) else 1.0
    # child point c -> group point off + (c - chOff) * s -> slide via the parent's map
    gx = int(off.get("x")) - int(ch_off.get("x")) * sx
    gy = int(off.get("y")) - int(ch_off.get("y")) * sy
    ox, oy = _affine(parent, gx, gy)
    return ox, oy, parent[2] * sx, parent[3] * sy


def _xfrm_flags(el: etree._Element) -> tuple[bool, bool, float]:
    xfrm = el.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
    if xfrm is None:
        return False, False, 0.0
    return xfrm.get("flipH") in ("1", "true"), xfrm.get("flipV") in ("1", "true"), int(xfrm.get("rot", "0")) / 60000


def _paragraphs(shape: BaseShape) -> tuple[list[list[str]], list[float | None]]:
    if not getattr(shape, "has_text_frame", False):
        return [], []
    out, sizes = [], []
    for para in shape.text_frame.paragraphs:  # type: ignore[attr-defined]
        text = unicodedata.normalize("NFC", para.text)
        out.append([line.strip() for line in text.replace("\r", "\n").replace("\v", "\n").split("\n")])
        size = next((r.font.size for r in para.runs if r.font.size is not None), None)
        sizes.append(float(size) if size is not None else None)
    while out and not any(out[-1]):
        out.pop()
        sizes.pop()
    return out, sizes


def _fill(shape: BaseShape) -> str | None:
    try:
        fill = shape.fill  # type: ignore[attr-defined]
        if fill.type == MSO_FILL.SOLID:
            return str(fill.fore_color.rgb).lower()
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        return None  # theme colours and pictures have no RGB to read
    return None


def _heads(el: etree._Element) -> tuple[bool, bool]:
    ln = el.find(f"{qn('p:spPr')}/{qn('a:ln')}")
    if ln is None:
        return False, False

    def has(tag: str) -> bool:
        end = ln.find(qn(tag))
        return end is not None and end.get("type", "none") != "none"

    return has("a:headEnd"), has("a:tailEnd")


def _glue(el: etree._Element) -> tuple[int | None, int | None]:
    props = el.find(f"{qn('p:nvCxnSpPr')}/{qn('p:cNvCxnSpPr')}")
    if props is None:
        return None, None
    st, end = props.find(qn("a:stCxn")), props.find(qn("a:endCxn"))
    return (int(st.get("id")) if st is not None and st.get("id", "").isdigit() else None,
            int(end.get("id")) if end is not None and end.get("id", "").isdigit() else None)


def _freeform_ends(el: etree._Element, t: Transform) -> tuple[Point, Point] | None:
    """First and last point of a freeform's first path (a line drawn point by point), on the slide."""
    path = el.find(f"{qn('p:spPr')}/{qn('a:custGeom')}/{qn('a:pathLst')}/{qn('a:path')}")
    if path is None:
        return None
    pts = path.findall(f".//{qn('a:pt')}")
    if len(pts) < 2:
        return None
    w = float(path.get("w") or t.w or 1)
    h = float(path.get("h") or t.h or 1)

    def place(pt: etree._Element) -> Point:
        return t.apply(float(pt.get("x", 0)) * t.w / (w or 1), float(pt.get("y", 0)) * t.h / (h or 1))

    return place(pts[0]), place(pts[-1])


def _shape_type(shape: BaseShape) -> object:
    try:
        return shape.shape_type
    except NotImplementedError:  # python-pptx knows no type for some elements (content parts, ink)
        return None


def _flatten(shapes: object, parent: tuple[float, float, float, float], groups: tuple[str, ...], out: list[Drawn]) -> None:
    for shape in shapes:  # type: ignore[attr-defined]
        if _shape_type(shape) == MSO_SHAPE_TYPE.GROUP:
            _flatten(shape.shapes, _group_map(shape, parent), (*groups, shape.name), out)
            continue
        el = shape._element
        x0, y0 = _affine(parent, float(shape.left or 0), float(shape.top or 0))
        w, h = float(shape.width or 0) * parent[2], float(shape.height or 0) * parent[3]
        flip_h, flip_v, rot = _xfrm_flags(el)
        t = Transform(x0, y0, w, h, flip_h, flip_v, rot)
        corners = [t.apply(0, 0), t.apply(w, 0), t.apply(0, h), t.apply(w, h)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        box = Rect(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        descr_el = el.find(f"./*[1]/{qn('p:cNvPr')}")
        geom = el.find(f"{qn('p:spPr')}/{qn('a:prstGeom')}")
        drawn = Drawn(id=shape.shape_id, name=shape.name or f"shape {shape.shape_id}", box=box, kind="other",
                      geometry=geom.get("prst", "") if geom is not None else "",
                      descr=descr_el.get("descr", "") if descr_el is not None else "", groups=groups)
        tag = etree.QName(el).localname
        heads = _heads(el)
        joined = alt_text.joined(drawn.descr) if tag == "sp" else None  # a path we drew names the boxes it joins
        freeform = _freeform_ends(el, t) if tag == "sp" and (any(heads) or joined) and not _paragraphs(shape)[0] else None
        is_line = tag == "cxnSp" or (tag == "sp" and drawn.geometry.startswith(LINE_PRESETS)) or freeform is not None
        if is_line:
            drawn.kind = "line"
            drawn.begin, drawn.end = freeform or endpoints(t)
            drawn.glued_begin, drawn.glued_end = joined or _glue(el)
            drawn.head_at_begin, drawn.head_at_end = heads
        elif tag == "sp":
            drawn.kind = "shape"
            if shape.is_placeholder:
                kind = shape.placeholder_format.type
                if kind in SKIPPED_PLACEHOLDERS:
                    continue
                drawn.placeholder = "title" if kind in TITLE_PLACEHOLDERS else "body"
            drawn.paragraphs, drawn.sizes = _paragraphs(shape)
            drawn.fill = _fill(shape)
            nv = el.find(f"{qn('p:nvSpPr')}/{qn('p:cNvSpPr')}")
            drawn.text_box = nv is not None and nv.get("txBox") in ("1", "true")
        out.append(drawn)


def read_slide(prs: PresentationT, number: int, source: str) -> DrawnSlide:
    """Slide `number` (1-based) of the deck, flattened."""
    count = len(prs.slides)
    if count == 0:
        raise BadInput(say("pptx_no_slides"), where=source, hint=say("pptx_no_slides_hint"))
    if not 1 <= number <= count:
        raise BadInput(say("pptx_no_slide", number=number, count=count), where=source, hint=say("pptx_no_slide_hint", count=count))
    slide = prs.slides[number - 1]
    shapes: list[Drawn] = []
    _flatten(slide.shapes, (0.0, 0.0, 1.0, 1.0), (), shapes)
    return DrawnSlide(number, float(prs.slide_width or 0), float(prs.slide_height or 0), shapes)
