"""Slides in and out: every example exported to an editable slide and imported back unchanged,
slides drawn the way people draw them, bad files, the CLI, the HTTP routes, and (slow) the
exported slide rendered by LibreOffice Impress.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Inches, Pt
from rdflib import URIRef
from typer.testing import CliRunner

from kgbp.cli import app as cli_app
from kgbp.config import Settings
from kgbp.diagram import layout
from kgbp.errors import BadInput, Conflict
from kgbp.ingest import SharedIndex
from kgbp.repository import save as repository
from kgbp.repository.blueprint_view import BlueprintView, build_view, load_view
from kgbp.resources import examples
from kgbp.slides import deck, import_slide, store_draft
from kgbp.slides.connectors import PRESETS, fit, path_of, shared_runs, simplify
from kgbp.slides.export import EMU_PER_PX, SLIDE_H, SLIDE_W, fit_scale
from kgbp.store.embedded import EmbeddedStore

from ..conftest import load_files
from . import drawn

EXAMPLE_IDS = ["arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
               "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"]
ERROR_KEYS = {"error", "message", "where", "hint", "problems"}
ID = "https://w3id.org/kgbp/id/"


def _view(store: EmbeddedStore, ident: str, lang: str) -> BlueprintView:
    return load_view(store, repository.resolve_blueprint(store, ident), lang)


def _dense(values: list[int]) -> list[int]:
    order = sorted(set(values))
    return [order.index(v) for v in values]


def _summary(view: BlueprintView) -> dict[str, tuple]:
    """What a round trip must keep, step by step (columns as ranks: the slide keeps order, not numbers)."""
    steps = sorted(view.steps, key=lambda s: s.id)
    ranks = dict(zip([s.id for s in steps], _dense([s.position for s in steps]), strict=True))
    return {s.id: (s.label, s.lane, s.markers, tuple(sorted(s.supports)), s.department_iri,
                   tuple(sorted(s.system_iris)), tuple(s.evidence_of), ranks[s.id], s.performer) for s in steps}


def _imported_view(store: EmbeddedStore, data: bytes, lang: str, **kwargs: object) -> tuple[BlueprintView, object]:
    imported = import_slide(data, "deck.pptx", index=SharedIndex.from_store(store), **kwargs)  # type: ignore[arg-type]
    return build_view(imported.blueprint.graph, imported.blueprint.iri, lang, {}), imported


# -- round trip --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("ident", EXAMPLE_IDS)
def test_every_example_comes_back_from_its_slide(examples_store: EmbeddedStore, ident: str, lang: str) -> None:
    view = _view(examples_store, ident, lang)
    back, imported = _imported_view(examples_store, deck([view]), lang)
    assert imported.id == ident  # type: ignore[attr-defined]
    assert imported.guesses == []  # type: ignore[attr-defined]
    assert imported.blueprint.draft  # type: ignore[attr-defined]
    assert _summary(back) == _summary(view)
    assert back.title == view.title and back.level == view.level and back.status == "draft"
    assert back.refines == view.refines and back.revision_of == view.revision_of
    # the YAML written out says the same as the blueprint stored
    assert "status: draft" in imported.yaml_text  # type: ignore[attr-defined]


def test_without_alt_text_the_drawing_alone_gives_the_same_structure(examples_store: EmbeddedStore) -> None:
    """Strip what kgbp hid in the alt text: lanes, markers, arrows and systems come from the drawing."""
    view = _view(examples_store, "mobile-tv-subscription/as-is", "zh")
    prs = Presentation(io.BytesIO(deck([view])))
    for el in prs.slides[0].shapes._spTree.iter():
        el.attrib.pop("descr", None)
    out = io.BytesIO()
    prs.save(out)
    back, imported = _imported_view(examples_store, out.getvalue(), "zh", service="mobile-tv-subscription",
                                    version="redrawn")

    def by_label(v: BlueprintView) -> dict[str, tuple]:
        label = {s.id: s.label for s in v.steps}
        return {s.label: (s.lane, s.markers, tuple(sorted(label[t] for t in s.supports)),
                          tuple(label[t] for t in s.evidence_of), tuple(sorted(s.system_iris))) for s in v.steps}

    assert by_label(back) == by_label(view)
    assert any("smaller text read as its systems" in g.message for g in imported.guesses)  # type: ignore[attr-defined]


def test_the_slide_is_native_shapes_drawn_where_the_diagram_draws(examples_store: EmbeddedStore) -> None:
    view = _view(examples_store, "mobile-tv-subscription/as-is", "zh")
    lay = layout(view)
    prs = Presentation(io.BytesIO(deck([view])))
    # 16:9 at PowerPoint's default size, the blueprint scaled to fit and centred
    assert (prs.slide_width, prs.slide_height) == (SLIDE_W, SLIDE_H) == (12_192_000, Inches(7.5))
    assert SLIDE_W * 9 == SLIDE_H * 16
    s, (ox, oy) = fit_scale(lay.width, lay.height)
    assert round(lay.width * s) == SLIDE_W and oy > 0  # the wide blueprint fills the width

    def at(x: float, y: float) -> tuple[float, float]:
        return ox + x * s, oy + y * s

    slide = prs.slides[0]
    assert not [s for s in slide.shapes if s.shape_type == 13]  # no pictures
    shapes = {s.name: s for s in slide.shapes}
    ids = {s.shape_id: s.name for s in slide.shapes}
    # title placeholder: the title and the version
    assert slide.shapes.title.text_frame.text.splitlines()[0] == "手机电视订购故障与处理"
    assert "mobile-tv-subscription/as-is" in slide.shapes.title.text_frame.text
    # boxes at their layout positions, rounded, in the department's colour
    for box in lay.boxes:
        sh = shapes[f"{'Evidence' if box.step.lane == 'evidence' else 'Step'} {box.step.id}"]
        assert (sh.left, sh.top, sh.width) == (*(round(v) for v in at(box.rect.x, box.rect.y)), round(box.rect.w * s))
        assert str(sh.fill.fore_color.rgb) == box.fill.lstrip("#").upper()
        assert sh._element.find(f".//{qn('a:prstGeom')}").get("prst") == "roundRect"
        for badge in box.badges:
            dot = shapes[f"Marker {badge.kind} {box.step.id}"]
            assert dot.text_frame.text == badge.kind
    # lanes with their names, the three lines with theirs
    assert [shapes[f"Lane title {k}"].text_frame.text for k in ("evidence", "customer", "frontstage", "backstage", "support")] \
        == ["有形展示", "客户行为", "前台服务", "后台支撑", "支撑系统"]
    assert {shapes[f"Line label {k}"].text_frame.text for k in ("interaction", "visibility", "internal-interaction")} \
        == {"互动线", "可视线", "内部互动线"}
    # every text run names an office face for Latin and for East Asian text, Chinese declared as GB2312
    runs = list(slide.shapes._spTree.iter(qn("a:rPr")))
    assert runs and all(r.find(qn("a:latin")).get("typeface") == "Arial" for r in runs)
    assert {(r.find(qn("a:ea")).get("typeface"), r.find(qn("a:ea")).get("charset")) for r in runs} \
        == {("Microsoft YaHei", "-122")}
    assert {r.get("lang") for r in runs} == {"zh-CN"}
    theme = next(p for p in prs.part.package.iter_parts() if str(p.partname).startswith("/ppt/theme/"))
    fonts = etree.fromstring(theme.blob).find(f".//{qn('a:fontScheme')}")
    for kind in ("a:majorFont", "a:minorFont"):
        assert fonts.find(f"{qn(kind)}/{qn('a:latin')}").get("typeface") == "Arial"
        assert fonts.find(f"{qn(kind)}/{qn('a:ea')}").get("typeface") == "Microsoft YaHei"
        hans = [f for f in fonts.find(qn(kind)).iter(qn("a:font")) if f.get("script") == "Hans"]
        assert [f.get("typeface") for f in hans] == ["Microsoft YaHei"]  # simplified Chinese's face
    # support arrows draw exactly the diagram's route: straight ones as connectors glued to both boxes,
    # bent ones as paths naming both boxes in their alt text
    paths = drawn.arrows(slide)
    for arrow in (a for a in lay.arrows if a.kind == "supports"):
        sh = shapes[f"Supports {arrow.source.id} -> {arrow.target.id}"]
        ln = sh._element.find(f"{qn('p:spPr')}/{qn('a:ln')}")
        assert ln.find(qn("a:tailEnd")).get("type") == "triangle"
        expected = [at(x, y) for x, y in simplify(arrow.path.points)]
        if len(expected) == 2:
            props = sh._element.find(f"{qn('p:nvCxnSpPr')}/{qn('p:cNvCxnSpPr')}")
            assert ids[int(props.find(qn("a:stCxn")).get("id"))] == f"Step {arrow.source.id}"
            assert ids[int(props.find(qn("a:endCxn")).get("id"))] == f"Step {arrow.target.id}"
        else:
            assert etree.QName(sh._element).localname == "sp"
            assert sh._element.find(f".//{qn('a:custGeom')}") is not None
            descr = sh._element.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}").get("descr")
            assert f"begin: {shapes[f'Step {arrow.source.id}'].shape_id}" in descr
            assert f"end: {shapes[f'Step {arrow.target.id}'].shape_id}" in descr
        got = paths[sh.name]
        assert len(got) == len(expected), sh.name
        assert max(max(abs(a[0] - b[0]), abs(a[1] - b[1])) for a, b in zip(got, expected, strict=True)) < 2000
    assert len(paths) == len(lay.arrows)
    assert shared_runs(paths, tol=EMU_PER_PX / 2) == []
    # the legend: one swatch per department, in the group named Legend
    legend = shapes["Legend"]
    assert [s.text_frame.text for s in legend.shapes if s.name == "Legend department label"] == \
        [e.text.text for e in lay.legend if e.kind == "department"]


def test_connector_fit_draws_every_orthogonal_route_exactly() -> None:
    # one to five segments, starting either way, running either way, and the U-turn with both ends in line
    routes = [
        [(0, 0), (0, -300)], [(0, 0), (200, 0)], [(0, 0), (0, -100), (250, -100)], [(0, 0), (-90, 0), (-90, 40)],
        [(0, 0), (0, -50), (300, -50), (300, -200)], [(0, 0), (0, -50), (-300, -50), (-300, -200)],
        [(0, 0), (0, -50), (120, -50), (120, -150), (400, -150)],
        [(0, 0), (40, 0), (40, -80), (-200, -80), (-200, -160), (-120, -160)],
        [(0, 0), (0, -60), (200, -60), (200, 0)],
    ]
    for route in routes:
        pts = [(x * EMU_PER_PX, y * EMU_PER_PX) for x, y in route]
        fitted = fit(pts, min_extent=2000)
        assert fitted.preset == PRESETS[len(route) - 1]
        drawn = path_of(fitted)
        assert max(max(abs(a[0] - b[0]), abs(a[1] - b[1])) for a, b in zip(drawn, pts, strict=True)) <= 2000, route


def test_shared_runs_finds_arrows_running_along_one_another() -> None:
    up = [(0.0, 100.0), (0.0, 50.0), (200.0, 50.0), (200.0, 0.0)]
    assert shared_runs({"a": up, "b": [(300.0, 100.0), (300.0, 60.0), (400.0, 60.0)]}) == []
    # the same gap but another track: no sharing; crossing or meeting end to end: no sharing
    assert shared_runs({"a": up, "b": [(100.0, 100.0), (100.0, 57.0), (300.0, 57.0)]}) == []
    assert shared_runs({"a": up, "b": [(100.0, 0.0), (100.0, 100.0)], "c": [(200.0, 0.0), (300.0, 0.0)]}) == []
    # merged: one runs on the other's horizontal stretch, or down its vertical one
    assert shared_runs({"a": up, "b": [(150.0, 100.0), (150.0, 50.0), (350.0, 50.0)]}) == [("a", "b")]
    assert shared_runs({"b": [(200.0, 30.0), (200.0, -40.0)], "a": up}) == [("a", "b")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_two_arrows_of_any_example_share_a_run_on_its_slide(examples_store: EmbeddedStore, lang: str) -> None:
    for ident in EXAMPLE_IDS:
        view = _view(examples_store, ident, lang)
        slide = Presentation(io.BytesIO(deck([view]))).slides[0]
        paths = drawn.arrows(slide)
        assert len(paths) == len(layout(view).arrows), ident
        assert shared_runs(paths, tol=EMU_PER_PX / 2) == [], ident
        # and every arrow stays on the slide
        assert all(0 <= x <= SLIDE_W and 0 <= y <= SLIDE_H for pts in paths.values() for x, y in pts), ident


@pytest.mark.parametrize("ident", EXAMPLE_IDS)
def test_every_text_on_a_slide_is_in_the_slides_language(examples_store: EmbeddedStore, ident: str) -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    for lang in ("zh", "en"):
        view = _view(examples_store, ident, lang)
        slide = Presentation(io.BytesIO(deck([view]))).slides[0]
        texts = {t.text for t in slide.shapes._spTree.iter(qn("a:t")) if t.text}
        # the same in both: the markers' letters, the blueprint's id, systems named by a code (BOSS)
        neutral = {"F", "W", ident} | {name for st in view.steps for name in st.systems if name.isascii()}
        words = texts - neutral
        if lang == "zh":
            assert all(han.search(t) for t in words), sorted(t for t in words if not han.search(t))
        else:
            assert not any(han.search(t) for t in words), sorted(t for t in words if han.search(t))
        assert {r.get("lang") for r in slide.shapes._spTree.iter(qn("a:rPr"))} == {"zh-CN" if lang == "zh" else "en-US"}


# -- slides drawn by a person ------------------------------------------------------------


def _text_box(slide: Slide, text: str, x: float, y: float, w: float = 1.3, h: float = 0.4, size: int = 12) -> object:
    tb = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tb.text_frame.text = text
    tb.text_frame.paragraphs[0].runs[0].font.size = Pt(size)
    return tb


def _box(slide: Slide, text: str, x: float, y: float, shape: MSO_SHAPE = MSO_SHAPE.RECTANGLE) -> object:
    sh = slide.shapes.add_shape(shape, Inches(x), Inches(y), Inches(1.4), Inches(0.5))
    sh.text_frame.text = text
    return sh


def _arrow(slide: Slide, x1: float, y1: float, x2: float, y2: float, head: str = "tailEnd") -> object:
    cx = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Inches(x1), Inches(y1), Inches(x2), Inches(y2))
    ln = cx.line._get_or_add_ln()
    if head:
        etree.SubElement(ln, qn(f"a:{head}"), type="triangle")
    return cx


def _line(slide: Slide, y: float) -> None:
    slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Inches(0.1), Inches(y), Inches(9.9), Inches(y))


def drawn_with_lines() -> bytes:
    """A coffee-shop blueprint the usual way: lane names at the left in zh and en, separator lines
    (none between evidence and customer), boxes, F/W as separate text boxes, arrows not glued."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Coffee shop — order and pay"
    slide.shapes.title.top, slide.shapes.title.height = Inches(0.1), Inches(0.7)
    for text, y in (("Physical evidence", 1.1), ("客户行为", 2.2), ("Frontstage", 3.4), ("后台行为", 4.6), ("Support systems", 5.8)):
        _text_box(slide, text, 0.2, y)
    for y in (2.9, 4.1, 5.3):
        _line(slide, y)
    _text_box(slide, "可视线", 0.2, 3.95, 0.8, 0.25, 9)
    _box(slide, "Menu board", 2.0, 1.0)
    _box(slide, "Order a coffee", 2.0, 2.1)
    _box(slide, "Pay", 4.0, 2.1)
    _box(slide, "Wait for the drink", 6.0, 2.1)
    _box(slide, "Take the order", 2.0, 3.3)
    _box(slide, "Take payment", 4.0, 3.3)
    hand_over = _box(slide, "Hand over the drink", 6.3, 3.3)
    make = _box(slide, "Make the drink", 6.0, 4.5)
    _box(slide, "Card terminal (F)", 4.0, 5.7)
    _text_box(slide, "W", 7.45, 2.15, 0.3, 0.3)
    _text_box(slide, "F", 5.45, 3.35, 0.3, 0.3)
    _arrow(slide, 2.7, 3.27, 2.7, 2.65)  # take the order -> order a coffee
    _arrow(slide, 4.7, 2.62, 4.7, 3.28)  # drawn downward: pay -> take payment
    _arrow(slide, 4.7, 3.82, 4.7, 5.68, head="headEnd")  # head at the start: card terminal supports take payment
    elbow = slide.shapes.build_freeform(Inches(7.0), Inches(3.27), scale=1.0)  # hand over -> wait, drawn point by point
    elbow.add_line_segments([(Inches(7.0), Inches(2.9)), (Inches(6.8), Inches(2.9)), (Inches(6.8), Inches(2.63))],
                            close=False)
    etree.SubElement(elbow.convert_to_shape().line._get_or_add_ln(), qn("a:tailEnd"), type="triangle")
    glued = _arrow(slide, 0, 0, 1, 1)
    glued.begin_connect(make, 0)
    glued.end_connect(hand_over, 2)
    _arrow(slide, 2.7, 1.52, 2.7, 2.08, head="")  # evidence link: a plain line
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def test_a_slide_drawn_with_separator_lines(empty_store: EmbeddedStore) -> None:
    imported = import_slide(drawn_with_lines(), "coffee.pptx", index=SharedIndex.from_store(empty_store))
    doc = imported.document
    assert (doc["service"]["id"], doc["version"], doc["status"]) == ("coffee-shop-order-and-pay", "as-is", "draft")

    def lane(key: str) -> list[tuple]:
        return [(s["id"], s["position"], s.get("supports", []), bool(s.get("fail")), bool(s.get("wait")))
                for s in doc["steps"].get(key, [])]

    assert doc["evidence"] == [{"id": "menu-board", "label": {"en": "Menu board"}, "position": 1, "for": ["order-a-coffee"]}]
    assert lane("customer") == [("order-a-coffee", 1, [], False, False), ("pay", 2, [], False, False),
                                ("wait-for-the-drink", 3, [], False, True)]
    assert lane("frontstage") == [("take-the-order", 1, ["order-a-coffee"], False, False),
                                  ("take-payment", 2, ["pay"], True, False),
                                  ("hand-over-the-drink", 3, ["wait-for-the-drink"], False, False)]
    assert lane("backstage") == [("make-the-drink", 3, ["hand-over-the-drink"], False, False)]
    assert lane("support") == [("card-terminal", 2, ["take-payment"], True, False)]
    assert doc["steps"]["support"][0]["label"] == {"en": "Card terminal"}

    report = [str(g) for g in imported.guesses]
    expected = [
        "no line or band between lanes 'evidence' and 'customer'",
        "marker F written in the box's text",
        'marker W attached to the nearest box, "Wait for the drink" (Rectangle',
        'marker F attached to the nearest box, "Take payment" (Rectangle',
        'drawn pointing downward, from "Pay" (Rectangle 13) to "Take payment" (Rectangle 16): '
        'read as "Take payment" (Rectangle 16) supports "Pay" (Rectangle 13)',
        'not glued at its start and end: taken as the line from "Take the order" (Rectangle 15) to "Order a coffee"',
        "boxes not quite aligned taken as one column (position 3)",
        "service id 'coffee-shop-order-and-pay' made from the slide's title",
        "version 'as-is' assumed",
    ]
    for text in expected:
        assert any(text in line for line in report), (text, report)
    # every guess names its shape and where it is on the slide
    assert all(line.startswith('"') and " cm, " in line for line in report)
    downward = next(g for g in imported.guesses if "downward" in g.message)
    assert downward.shape.startswith("Connector") and round(downward.y_cm, 1) == 6.7
    assert any(line.startswith('"Freeform') and 'from "Hand over the drink"' in line for line in report)
    # the glued arrow is taken as it is glued: no guess about it
    assert not any('from "Make the drink"' in line for line in report)
    # the YAML written out lists the guesses and reads back to the same blueprint
    assert imported.yaml_text.count("#   - ") == len(report)


def drawn_with_bands() -> bytes:
    """Lanes as full-width bands with the title written inside, rounded boxes, a W badge overlapping
    a box, glued elbow connectors, and two boxes grouped."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    for n, name in enumerate(("有形展示", "客户行为", "前台服务", "后台支撑", "支撑系统")):
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.1), Inches(0.5 + 1.3 * n), Inches(9.8), Inches(1.3))
        band.text_frame.text = name
    asks = _box(slide, "咨询套餐", 2.0, 1.9, MSO_SHAPE.ROUNDED_RECTANGLE)
    answer = _box(slide, "解答套餐问题", 2.0, 3.2, MSO_SHAPE.ROUNDED_RECTANGLE)
    group = slide.shapes.add_group_shape()
    lookup = group.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(4.0), Inches(4.5), Inches(1.4), Inches(0.5))
    lookup.text_frame.text = "查询资费库"
    rules = group.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(4.0), Inches(5.8), Inches(1.4), Inches(0.5))
    rules.text_frame.text = "维护资费规则"
    badge = slide.shapes.add_shape(MSO_SHAPE.OVAL, Inches(3.25), Inches(1.85), Inches(0.2), Inches(0.2))
    badge.text_frame.text = "W"
    for begin, end, kind in ((answer, asks, MSO_CONNECTOR.STRAIGHT), (lookup, answer, MSO_CONNECTOR.ELBOW),
                             (rules, lookup, MSO_CONNECTOR.STRAIGHT)):
        cx = slide.shapes.add_connector(kind, 0, 0, 1, 1)
        cx.begin_connect(begin, 0)
        cx.end_connect(end, 2)
        etree.SubElement(cx.line._get_or_add_ln(), qn("a:tailEnd"), type="triangle")
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def test_a_slide_drawn_with_bands_groups_and_glued_elbows(empty_store: EmbeddedStore) -> None:
    imported = import_slide(drawn_with_bands(), "资费.pptx", index=SharedIndex.from_store(empty_store),
                            service="tariff-enquiry", version="draft-1")
    doc = imported.document
    steps = {k: [(s["id"], s["position"], s.get("supports", []), bool(s.get("wait"))) for s in v]
             for k, v in doc["steps"].items()}
    assert steps == {
        "customer": [("咨询套餐", 1, [], True)],
        "frontstage": [("解答套餐问题", 1, ["咨询套餐"], False)],
        "backstage": [("查询资费库", 2, ["解答套餐问题"], False)],
        "support": [("维护资费规则", 2, ["查询资费库"], False)],
    }
    assert doc["steps"]["customer"][0]["label"] == {"zh": "咨询套餐"}
    assert imported.id == "tariff-enquiry/draft-1"
    # bands bound the lanes, every arrow is glued, the badge sits on its box: nothing to guess
    assert imported.guesses == []


def test_a_draft_is_stored_and_never_replaces_a_final_version(empty_store: EmbeddedStore) -> None:
    load_files(empty_store, [p for p in examples() if p.name == "arrears-reconnect.yaml"] +
               [p for p in examples() if p.name == "customer-lifecycle.yaml"])
    imported = import_slide(drawn_with_lines(), "coffee.pptx", index=SharedIndex.from_store(empty_store))
    result = store_draft(empty_store, imported, agent="test")
    assert [(s.id, s.draft) for s in result.saved] == [("coffee-shop-order-and-pay/as-is", True)]
    listed = {b.id: b.status for b in repository.list_blueprints(empty_store)}
    assert listed["coffee-shop-order-and-pay/as-is"] == "draft"
    # a slide of a stored as-is comes back as that id: storing it would replace a final version
    view = _view(empty_store, "arrears-reconnect/as-is", "en")
    again = import_slide(deck([view]), "arrears.pptx", index=SharedIndex.from_store(empty_store))
    before = empty_store.graph(URIRef(ID + "service/arrears-reconnect/as-is"))
    with pytest.raises(Conflict) as caught:
        store_draft(empty_store, again, agent="test")
    assert "arrears-reconnect/as-is is stored and is not a draft" in caught.value.message
    assert len(empty_store.graph(URIRef(ID + "service/arrears-reconnect/as-is")) ^ before) == 0
    # under another version it is stored as a draft beside it
    other = import_slide(deck([view]), "arrears.pptx", index=SharedIndex.from_store(empty_store), version="from-slide")
    assert store_draft(empty_store, other, agent="test").saved[0].id == "arrears-reconnect/from-slide"


# -- bad input ---------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _no_lanes() -> bytes:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _box(slide, "Order a coffee", 2.0, 2.0)
    _box(slide, "Take the order", 2.0, 3.0)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"format: kgbp/1\nservice: {id: x}\n", "not a PowerPoint file (.pptx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "password-protected"),
    (b"PK\x03\x04" + b"\x00" * 100, "corrupt"),
    (_zip({"word/document.xml": b"<w:document/>"}), "corrupt"),
    (b"", "not a PowerPoint file"),
])
def test_bad_files_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        import_slide(data, "deck.pptx")
    assert message in caught.value.message
    assert caught.value.where == "deck.pptx" and caught.value.hint


def test_a_deck_that_unpacks_too_large_is_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from kgbp.slides import reading

    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(BadInput) as caught:
        import_slide(drawn_with_lines(), "big.pptx")
    assert caught.value.message == "the .pptx unpacks to more than 10000 bytes or 20000 parts"


def test_a_slide_without_lanes_or_out_of_range() -> None:
    with pytest.raises(BadInput) as caught:
        import_slide(_no_lanes(), "boxes.pptx")
    assert caught.value.message == "no recognisable lanes on boxes.pptx slide 1: no lane titles found"
    assert caught.value.where == "boxes.pptx slide 1"
    assert "customer actions" in caught.value.hint and "客户行为" in caught.value.hint
    with pytest.raises(BadInput) as caught:
        import_slide(_no_lanes(), "boxes.pptx", slide=2)
    assert caught.value.message == "there is no slide 2: the deck has 1"


# -- command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Settings]]:
    """A real server on its own store (these tests write): the examples, and a write token."""
    from kgbp.auth import create_token

    from ..live_server import running_server

    folder = tmp_path_factory.mktemp("slides") / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_files(store, examples())
    store.close()
    settings = Settings(store=str(folder))
    token = create_token(settings, "drawer")
    with running_server(settings) as base:
        yield base, token, settings


def test_cli_exports_and_imports(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    runner = CliRunner()
    loaded = runner.invoke(cli_app, ["load", *[str(p) for p in examples() if "mobile-tv" in p.name], "--store", store])
    assert loaded.exit_code == 0, loaded.output
    pptx = tmp_path / "tv.pptx"
    done = runner.invoke(cli_app, ["slides", "mobile-tv-subscription", "-o", str(pptx), "--store", store, "--lang", "zh"])
    assert done.exit_code == 0, done.output
    assert [s.shapes.title.text_frame.text.splitlines()[0] for s in Presentation(str(pptx)).slides] == \
        ["手机电视订购故障与处理", "手机电视订购（目标蓝图）"]
    assert runner.invoke(cli_app, ["slides", "mobile-tv-subscription", "-o", str(tmp_path / "x.png"),
                                   "--store", store]).exit_code == 2

    yaml_out = tmp_path / "to-be.yaml"
    back = runner.invoke(cli_app, ["import-slide", str(pptx), "--slide", "2", "-o", str(yaml_out)])
    assert back.exit_code == 0, back.output
    assert "id: mobile-tv-subscription" in yaml_out.read_text("utf-8") and "status: draft" in yaml_out.read_text("utf-8")
    refused = runner.invoke(cli_app, ["import-slide", str(pptx), "--slide", "2", "--store", store])
    assert refused.exit_code == 2 and "is stored and is not a draft" in refused.output
    stored = runner.invoke(cli_app, ["import-slide", str(pptx), "--slide", "2", "--version", "from-slide", "--store", store,
                                     "-o", str(yaml_out)])
    assert stored.exit_code == 0, stored.output
    assert "stored mobile-tv-subscription/from-slide (draft)" in stored.output

    coffee = tmp_path / "coffee.pptx"
    coffee.write_bytes(drawn_with_lines())
    printed = runner.invoke(cli_app, ["import-slide", str(coffee)])
    assert printed.exit_code == 0 and "guessed:" in printed.output and "take-payment" in printed.output


def test_cli_bad_input_stores_nothing(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    runner = CliRunner()
    boxes = tmp_path / "boxes.pptx"
    boxes.write_bytes(_no_lanes())
    for args in (["import-slide", str(boxes), "--store", store], ["import-slide", str(tmp_path / "nope.pptx"), "--store", store],
                 ["import-slide", str(boxes), "--slide", "3", "--store", store]):
        result = runner.invoke(cli_app, args)
        assert result.exit_code == 2 and "error:" in result.output and "Traceback" not in result.output
    assert "no recognisable lanes on" in runner.invoke(cli_app, ["import-slide", str(boxes)]).output
    opened = EmbeddedStore(tmp_path / "store")
    try:
        assert repository.list_blueprints(opened) == []
    finally:
        opened.close()


# -- HTTP --------------------------------------------------------------------------------


def test_http_download_of_a_slide(served: tuple[str, str, Settings]) -> None:
    base, _, _ = served
    one = httpx.get(timeout=60, url=base + "/blueprints/mobile-tv-subscription/as-is/slide.pptx", params={"lang": "zh"})
    assert one.status_code == 200
    assert one.headers["content-type"] == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert one.headers["content-disposition"].startswith('attachment; filename="mobile-tv-subscription-as-is.pptx"')
    assert len(Presentation(io.BytesIO(one.content)).slides) == 1
    both = httpx.get(timeout=60, url=base + "/blueprints/mobile-tv-subscription/as-is/slide.pptx", params={"all_versions": "true"})
    assert len(Presentation(io.BytesIO(both.content)).slides) == 2
    page = httpx.get(timeout=60, url=base + "/blueprints/mobile-tv-subscription/as-is", params={"lang": "zh"}).text
    assert '<a href="/blueprints/mobile-tv-subscription/as-is/slide.pptx?lang=zh">PowerPoint</a>' in page
    missing = httpx.get(timeout=60, url=base + "/blueprints/nope/as-is/slide.pptx")
    assert missing.status_code == 404 and set(missing.json()) == ERROR_KEYS


def test_http_upload_of_a_drawn_slide(served: tuple[str, str, Settings]) -> None:
    base, token, _ = served
    files = {"file": ("coffee.pptx", drawn_with_lines())}
    denied = httpx.post(timeout=60, url=base + "/api/slides", files=files)
    assert denied.status_code == 401 and set(denied.json()) == ERROR_KEYS
    auth = {"Authorization": f"Bearer {token}"}
    dry = httpx.post(timeout=60, url=base + "/api/slides", files=files, headers=auth, params={"save": "false"})
    assert dry.status_code == 201 and dry.json()["stored"] is None
    assert httpx.get(timeout=60, url=base + "/api/blueprints/coffee-shop-order-and-pay/as-is").status_code == 404
    stored = httpx.post(timeout=60, url=base + "/api/slides", files=files, headers=auth)
    assert stored.status_code == 201, stored.text
    body = stored.json()
    assert body["stored"]["id"] == "coffee-shop-order-and-pay/as-is" and body["stored"]["draft"] is True
    assert "status: draft" in body["yaml"]
    assert {"shape", "x_cm", "y_cm", "message"} == set(body["guesses"][0])
    in_zh = httpx.post(timeout=60, url=base + "/api/slides", files=files, headers=auth, params={"save": "false", "lang": "zh"})
    assert in_zh.status_code == 201 and len(in_zh.json()["guesses"]) == len(body["guesses"])
    assert all(re.search(r"[\u4e00-\u9fff]", g["message"]) for g in in_zh.json()["guesses"])  # the guesses in Chinese
    listed = {b["id"]: b["status"] for b in httpx.get(timeout=60, url=base + "/api/blueprints").json()}
    assert listed["coffee-shop-order-and-pay/as-is"] == "draft"
    before = httpx.get(timeout=60, url=base + "/api/blueprints").json()
    for name, data in (("boxes.pptx", _no_lanes()), ("x.pptx", b"not a deck"),
                       ("locked.pptx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))):
        bad = httpx.post(timeout=60, url=base + "/api/slides", files={"file": (name, data)}, headers=auth)
        assert bad.status_code == 400 and set(bad.json()) == ERROR_KEYS and name in bad.json()["where"]
    tv = httpx.get(timeout=60, url=base + "/blueprints/mobile-tv-subscription/as-is/slide.pptx").content
    conflict = httpx.post(timeout=60, url=base + "/api/slides", files={"file": ("tv.pptx", tv)}, headers=auth)
    assert conflict.status_code == 409
    assert httpx.get(timeout=60, url=base + "/api/blueprints").json() == before


# -- LibreOffice Impress -----------------------------------------------------------------


def _colour_at(pixels: object, x: float, y: float) -> tuple[int, int, int]:
    return pixels[round(x), round(y)][:3]  # type: ignore[index]


def _close(a: tuple[int, int, int], hexcolour: str, tol: int = 12) -> bool:
    b = tuple(int(hexcolour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return all(abs(p - q) <= tol for p, q in zip(a, b, strict=True))


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="needs LibreOffice and poppler")
def test_libreoffice_impress_draws_the_exported_slide(examples_store: EmbeddedStore, tmp_path: Path) -> None:
    from PIL import Image

    view = _view(examples_store, "mobile-tv-subscription/as-is", "en")
    lay = layout(view)
    pptx = tmp_path / "tv.pptx"
    pptx.write_bytes(deck([view]))
    env_home = tmp_path / "home"  # a private LibreOffice profile: no clash with a running instance
    subprocess.run(["soffice", f"-env:UserInstallation=file://{env_home}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(pptx)], check=True, capture_output=True, timeout=180)
    subprocess.run(["pdftoppm", "-png", "-r", "96", "-singlefile", str(tmp_path / "tv.pdf"), str(tmp_path / "tv")],
                   check=True, capture_output=True, timeout=120)
    image = Image.open(tmp_path / "tv.png").convert("RGB")
    # 96 dpi: the 13.333 x 7.5 in slide is 1280 x 720 pixels; the layout scaled to fit it, centred
    assert abs(image.size[0] - 1280) <= 1 and abs(image.size[1] - 720) <= 1
    scale, (ox, oy) = fit_scale(lay.width, lay.height)
    pixels = image.load()

    def colour_at(x: float, y: float) -> tuple[int, int, int]:
        return _colour_at(pixels, (ox + x * scale) / EMU_PER_PX, (oy + y * scale) / EMU_PER_PX)

    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # not blank
    # lanes: band colours between the boxes
    for lane, band in zip(lay.lanes, ("#f7f8fa", "#eef1f5", "#f7f8fa", "#eef1f5", "#f7f8fa"), strict=True):
        assert _close(colour_at(lane.rect.right - 6, lane.rect.y + 6), band)
    # boxes: each box's fill near its bottom-right corner; badges: F red, W amber at their centres
    for box in lay.boxes:
        assert _close(colour_at(box.rect.right - 5, box.rect.bottom - 4), box.fill), box.step.id
        for badge in box.badges:
            assert _close(colour_at(badge.cx - badge.r / 2, badge.cy + badge.r / 2), badge.fill, 40)
    # arrows: a straight support arrow's shaft is dark between its boxes
    straight = next(a for a in lay.arrows if a.kind == "supports" and len(a.path.points) == 2)
    (x, y1), (_, y2) = straight.path.points
    assert max(colour_at(x, (y1 + y2) / 2)) < 140
