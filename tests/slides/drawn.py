"""Arrows as drawn on an exported slide, read back from the slide's XML (for checks)."""

from __future__ import annotations

from lxml import etree
from pptx.oxml.ns import qn
from pptx.slide import Slide

from kgbp.slides.connectors import Fitted, Point, Transform, path_of


def _transform(el: etree._Element) -> Transform:
    xfrm = el.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    return Transform(int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy")),
                     xfrm.get("flipH") == "1", xfrm.get("flipV") == "1", int(xfrm.get("rot", "0")) / 60000)


def fitted(el: etree._Element) -> Fitted:
    """A connector's preset, transform and adjustments."""
    geom = el.find(f"{qn('p:spPr')}/{qn('a:prstGeom')}")
    adjust = tuple(int(gd.get("fmla").split()[1]) for gd in geom.find(qn("a:avLst")))
    return Fitted(geom.get("prst"), _transform(el), adjust)


def freeform(el: etree._Element) -> list[Point]:
    """The points of a freeform's first path, on the slide."""
    t = _transform(el)
    path = el.find(f"{qn('p:spPr')}/{qn('a:custGeom')}/{qn('a:pathLst')}/{qn('a:path')}")
    w, h = float(path.get("w") or t.w or 1), float(path.get("h") or t.h or 1)
    return [t.apply(float(pt.get("x")) * t.w / w, float(pt.get("y")) * t.h / h) for pt in path.iter(qn("a:pt"))]


def arrows(slide: Slide, prefixes: tuple[str, ...] = ("Supports ", "Evidence ")) -> dict[str, list[Point]]:
    """Name -> polyline (EMU) of every arrow on the slide: connectors and freeform paths alike."""
    out: dict[str, list[Point]] = {}
    for shape in slide.shapes:
        if not (shape.name.startswith(prefixes) and " -> " in shape.name):  # not the evidence boxes
            continue
        el = shape._element
        out[shape.name] = path_of(fitted(el)) if etree.QName(el).localname == "cxnSp" else freeform(el)
    return out
