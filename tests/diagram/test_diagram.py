"""Blueprint diagrams: layout invariants read back from the SVG, wrapping with the real font,
the impact view, PNG, the HTTP routes and `kgbp draw`.

The layout checks parse the SVG and work in its coordinates only: every step is there;
no two boxes, and no two texts, overlap; texts stay inside their own box and out of
the others; every support arrow is there, leaves its supporting step, ends on the
supported one, points up (or across one lane), never passes through a box and never
runs along another arrow. They run on every example in both languages and on a
generated 60-step blueprint.
"""

from __future__ import annotations

import itertools
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS
from typer.testing import CliRunner

from kgbp.cli import app as cli_app
from kgbp.config import Settings
from kgbp.diagram import Highlight, draw_png, draw_svg, impact, resolve_system
from kgbp.diagram import text as fonts
from kgbp.diagram.geometry import Rect
from kgbp.errors import NotFound
from kgbp.i18n import pick
from kgbp.ingest.yaml_reader import read_yaml
from kgbp.model import iris
from kgbp.repository import save as repository
from kgbp.repository.blueprint_view import LANE_ORDER, BlueprintView, build_view, load_view
from kgbp.store import Store
from kgbp.web.app import create_app
from kgbp.web.deps import app_store

from ..conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLE_IDS = ["arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
               "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"]
TV = "mobile-tv-subscription/as-is"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# -- reading an SVG back -----------------------------------------------------------------


def _classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def _rect(el: ET.Element) -> Rect:
    return Rect(*(float(el.get(k, "0")) for k in ("x", "y", "width", "height")))


def _text_box(el: ET.Element) -> Rect:
    size = float(el.get("font-size", "0"))
    bold = el.get("font-weight") == "bold"
    face = fonts.face(bold)
    w = fonts.width(el.text or "", size, bold)
    x = float(el.get("x", "0")) - (w / 2 if el.get("text-anchor") == "middle" else 0)
    return Rect(x, float(el.get("y", "0")) - face.ascent * size, w, (face.ascent + face.descent) * size)


def _points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML]\s*(-?[\d.]+)\s+(-?[\d.]+)", d)]


def _on_border(p: tuple[float, float], r: Rect) -> bool:
    x, y = p
    on_x = abs(x - r.x) < 0.02 or abs(x - r.right) < 0.02
    on_y = abs(y - r.y) < 0.02 or abs(y - r.bottom) < 0.02
    return (on_x and r.y - 0.02 <= y <= r.bottom + 0.02) or (on_y and r.x - 0.02 <= x <= r.right + 0.02)


def _collinear_overlap(a: tuple, b: tuple) -> bool:
    (ax1, ay1), (ax2, ay2) = a
    (bx1, by1), (bx2, by2) = b
    if ay1 == ay2 == by1 == by2:  # both horizontal on one line
        return min(max(ax1, ax2), max(bx1, bx2)) - max(min(ax1, ax2), min(bx1, bx2)) > 0.01
    if ax1 == ax2 == bx1 == bx2:
        return min(max(ay1, ay2), max(by1, by2)) - max(min(ay1, ay2), min(by1, by2)) > 0.01
    return False


def check_diagram(svg: bytes, view: BlueprintView) -> dict[str, Any]:
    """Assert the layout invariants; return what was found, for further checks."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert "Noto Sans CJK SC" in root.get("font-family", "")
    groups = [g for g in root.iter(f"{SVG}g") if "step" in _classes(g)]
    by_iri = {g.get("data-step"): g for g in groups}
    assert len(groups) == len(by_iri) == len(view.steps)
    assert set(by_iri) == {str(s.iri) for s in view.steps}
    lane_of = {str(s.iri): LANE_ORDER.index(s.lane) for s in view.steps}

    boxes: dict[str, Rect] = {}
    for iri, g in by_iri.items():
        rects = [r for r in g.iter(f"{SVG}rect") if "step-box" in _classes(r)]
        assert len(rects) == 1 and rects[0].get("data-step") == iri
        boxes[iri] = _rect(rects[0])
        step = next(s for s in view.steps if str(s.iri) == iri)
        assert g.get("data-id") == step.id and g.get("data-markers") == step.markers
        assert {b.get("data-marker") for b in g.iter(f"{SVG}g") if "badge" in _classes(b)} == set(step.markers)
        # the label is all there, line by line, in order
        label_lines = [t.text or "" for t in g.iter(f"{SVG}text") if "step-label" in _classes(t)]
        assert "".join(label_lines).replace(" ", "") == step.label.replace(" ", "")
    items = sorted(boxes.items())
    for n, (a, ra) in enumerate(items):
        for b, rb in items[n + 1:]:
            assert not ra.overlaps(rb), f"boxes overlap: {a} {b}"

    texts: list[tuple[Rect, str | None, str]] = []
    for t in root.iter(f"{SVG}text"):
        texts.append((_text_box(t), t.get("data-step"), t.text or ""))
    for n, (ra, sa, ta) in enumerate(texts):
        for rb, _sb, tb in texts[n + 1:]:
            assert not ra.overlaps(rb), f"texts overlap: {ta!r} {tb!r}"
        for iri, box in boxes.items():
            if iri == sa:
                assert box.x <= ra.x and ra.right <= box.right and box.y <= ra.y and ra.bottom <= box.bottom, \
                    f"text {ta!r} leaves its box"
            else:
                assert not ra.overlaps(box), f"text {ta!r} over the box of {iri}"

    arrows = [p for p in root.iter(f"{SVG}path") if p.get("data-from")]
    supports = [p for p in arrows if "supports" in _classes(p)]
    by_id = view.by_id()
    expected = {(str(s.iri), str(by_id[t].iri)) for s in view.steps for t in s.supports if t in by_id}
    found = [(p.get("data-from"), p.get("data-to")) for p in supports]
    assert sorted(found) == sorted(expected)  # every arrow, once
    segments = []
    for p in arrows:
        pts = _points(p.get("d", ""))
        src, dst = boxes[p.get("data-from") or ""], boxes[p.get("data-to") or ""]
        assert len(pts) >= 2
        assert _on_border(pts[0], src) and _on_border(pts[-1], dst), p.get("d")
        if "supports" in _classes(p):
            assert lane_of[p.get("data-to") or ""] <= lane_of[p.get("data-from") or ""], "a support points down"
        for a, b in itertools.pairwise(pts):
            assert a[0] == b[0] or a[1] == b[1], f"not orthogonal: {p.get('d')}"
            for iri, box in boxes.items():
                assert not box.crossed_by(a, b), f"arrow {p.get('data-from-id')}->{p.get('data-to-id')} crosses {iri}"
            segments.append((p, (a, b)))
    for n, (pa, sa_) in enumerate(segments):
        for pb, sb_ in segments[n + 1:]:
            if pa is not pb:
                assert not _collinear_overlap(sa_, sb_), f"arrows share a track: {pa.get('d')} / {pb.get('d')}"
    return {"root": root, "groups": by_iri, "boxes": boxes, "supports": supports, "texts": texts}


# -- the examples ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_views(examples_store: Store) -> dict[tuple[str, str], BlueprintView]:
    return {(bid, lang): load_view(examples_store, iris.blueprint_iri(*bid.split("/")), lang)
            for bid in EXAMPLE_IDS for lang in ("en", "zh")}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("bid", EXAMPLE_IDS)
def test_example_layout(example_views: dict, bid: str, lang: str) -> None:
    view = example_views[(bid, lang)]
    svg = draw_svg(view)
    check_diagram(svg, view)
    assert draw_svg(view) == svg  # same input, same bytes


def test_lanes_and_lines_are_named_from_the_ontology(example_views: dict) -> None:
    for lang, lanes, lines in (
        ("en", ["Physical evidence", "Customer actions", "Frontstage", "Backstage", "Support processes"],
         ["line of interaction", "line of visibility", "line of internal interaction"]),
        ("zh", ["有形展示", "客户行为", "前台服务", "后台支撑", "支撑系统"], ["互动线", "可视线", "内部互动线"]),
    ):
        root = ET.fromstring(draw_svg(example_views[(TV, lang)]))
        names = [" ".join(t.text or "" for t in g.iter(f"{SVG}text")) for g in root.iter(f"{SVG}g")
                 if "lane" in _classes(g)]
        assert names == lanes
        drawn = {g.get("data-line"): next(g.iter(f"{SVG}text")).text for g in root.iter(f"{SVG}g")
                 if "line" in _classes(g)}
        assert drawn == dict(zip(["interaction", "visibility", "internal-interaction"], lines, strict=True))
        # each line lies between the two lanes it separates
        bands = {g.get("data-lane"): _rect(next(g.iter(f"{SVG}rect"))) for g in root.iter(f"{SVG}g")
                 if "lane" in _classes(g)}
        ys = {g.get("data-line"): float(next(g.iter(f"{SVG}line")).get("y1", "0")) for g in root.iter(f"{SVG}g")
              if "line" in _classes(g)}
        assert ys["interaction"] == bands["customer"].bottom == bands["frontstage"].y
        assert ys["visibility"] == bands["frontstage"].bottom == bands["backstage"].y
        assert ys["internal-interaction"] == bands["backstage"].bottom == bands["support"].y


def test_mobile_tv_picture(example_views: dict) -> None:
    """Lanes top to bottom, time left to right, badges, evidence over its action, department colours."""
    view = example_views[(TV, "en")]
    found = check_diagram(draw_svg(view), view)
    boxes, groups = found["boxes"], found["groups"]
    step = {s.id: str(s.iri) for s in view.steps}
    lanes = {k: [boxes[str(s.iri)] for s in view.lane(k)] for k in LANE_ORDER}
    for upper, lower in itertools.pairwise(LANE_ORDER):
        if lanes[upper] and lanes[lower]:
            assert max(r.bottom for r in lanes[upper]) < min(r.y for r in lanes[lower])
    customer = [boxes[step[i]] for i in ("apply-to-subscribe", "reply-confirmation-sms", "order-failed-notice",
                                         "call-complaint-hotline", "problem-solved-subscribed", "use-normally")]
    assert [r.x for r in customer] == sorted(r.x for r in customer) and len({r.x for r in customer}) == 6
    # evidence sits straight above the customer action it belongs to
    assert boxes[step["sms-please-confirm"]].x == boxes[step["reply-confirmation-sms"]].x
    assert boxes[step["sms-order-failed"]].bottom < boxes[step["order-failed-notice"]].y
    badges = {g.get("data-id"): g.get("data-markers") for g in groups.values() if g.get("data-markers")}
    assert badges == {"send-confirmation-sms": "F", "send-order-failed-notice": "F", "handle-complaint": "W",
                      "call-complaint-hotline": "W", "user-authentication-encryption": "F",
                      "data-sync-between-systems": "F", "service-activation-failed": "F",
                      "ticket-system-data-sync": "F"}
    # systems are named under the label
    systems = [t.text for t in groups[step["data-sync-between-systems"]].iter(f"{SVG}text")
               if "step-systems" in _classes(t)]
    assert " ".join(systems) == "Home-location BOSS, MBBMS service platform, Partner service system"
    # one colour per department, the same on every step of it, and a legend entry with that colour
    root = found["root"]
    fills: dict[str, set[str]] = {}
    for s in view.steps:
        if s.department_iri is not None:
            rect = next(r for r in groups[str(s.iri)].iter(f"{SVG}rect"))
            fills.setdefault(str(s.department_iri), set()).add(rect.get("fill", ""))
    assert all(len(f) == 1 for f in fills.values()) and len({next(iter(f)) for f in fills.values()}) == len(fills) == 5
    legend = {g.get("data-department"): next(g.iter(f"{SVG}rect")).get("fill") for g in root.iter(f"{SVG}g")
              if "legend-department" in _classes(g)}
    assert legend == {d: next(iter(f)) for d, f in fills.items()}


def test_chinese_labels_wrap_by_character(example_views: dict) -> None:
    view = example_views[("restaurant-checkout/as-is", "zh")]
    root = ET.fromstring(draw_svg(view))
    lines = {}
    for g in root.iter(f"{SVG}g"):
        if "step" in _classes(g):
            lines[g.get("data-id")] = [t.text for t in g.iter(f"{SVG}text") if "step-systems" in _classes(t)]
    # 客户记录系统、点单与结账系统 is 14 characters of 10 px: 15 fit in the 152 px inside a box
    assert lines["prepare-bill"] == ["客户记录系统、点单与结账系统"]


# -- text measuring and wrapping ---------------------------------------------------------


def test_the_real_cjk_font_is_used() -> None:
    face = fonts.face()
    assert face.path.endswith((".ttc", ".otf", ".ttf")), "install fonts-noto-cjk (scripts/system-deps.sh)"
    from fontTools.ttLib import TTFont

    assert TTFont(face.path, fontNumber=face.index, lazy=True)["name"].getDebugName(1) == "Noto Sans CJK SC"
    assert fonts.width("服务蓝图", 12) == 48.0  # CJK advances are one em
    assert fonts.width("BOSS", 10) == 25.91  # 657 + 742 + 596 + 596 font units
    assert fonts.width("W", 10, bold=True) > fonts.width("W", 10)


def test_wrap_cjk_by_character_and_latin_by_word() -> None:
    assert fonts.wrap("申请订购手机电视业务", 12, 60) == ["申请订购手", "机电视业务"]
    assert fonts.wrap("申请订购手机电视业务", 12, 59.9) == ["申请订购", "手机电视", "业务"]
    assert fonts.wrap("Apply to subscribe to mobile TV", 12, 110) == ["Apply to subscribe", "to mobile TV"]
    assert fonts.wrap("Apply to subscribe to mobile TV", 12, 100) == ["Apply to", "subscribe to", "mobile TV"]
    # no line starts with closing punctuation; mixed scripts break between them
    assert fonts.wrap("问题解决，订购成功", 12, 48) == ["问题解", "决，订购", "成功"]
    assert fonts.wrap("MBBMS业务平台", 12, 60) == ["MBBMS业", "务平台"]
    # a word longer than the line is cut by characters
    assert fonts.wrap("Supercalifragilistic", 12, 50) == ["Supercal", "ifragilisti", "c"]
    for line in fonts.wrap("Move complaint handling forward into stores, 投诉处理前移至营业厅", 12, 80):
        assert fonts.width(line, 12) <= 80


# -- a generated 60-step blueprint -------------------------------------------------------


def generated_yaml(n_steps: int = 60, seed: int = 6) -> bytes:
    rnd = random.Random(seed)
    lanes = {"customer": 12, "frontstage": 14, "backstage": 14, "support": n_steps - 40}
    cols = 14
    words = ["handle", "the", "customer's", "request", "and", "check", "records", "in", "the", "billing", "system"]
    doc: dict[str, Any] = {
        "format": "kgbp/1", "service": {"id": "generated", "label": {"en": "Generated", "zh": "生成的服务"}},
        "version": "as-is", "status": "as-is", "title": {"en": "A generated blueprint of sixty steps",
                                                        "zh": "自动生成的六十步服务蓝图"},
        "departments": [{"id": f"d{n}", "label": {"en": f"Department {n}", "zh": f"第{n}部门"}} for n in range(8)],
        "systems": [{"id": f"s{n}", "label": {"en": f"System number {n}", "zh": f"第{n}号业务支撑系统"}}
                    for n in range(6)],
        "evidence": [], "steps": {k: [] for k in lanes},
    }
    placed: dict[str, list[str]] = {k: [] for k in lanes}
    for lane, count in lanes.items():
        for n in range(count):
            sid = f"{lane}-{n}"
            label = " ".join(rnd.choice(words) for _ in range(rnd.randint(2, 9)))
            step: dict[str, Any] = {"id": sid, "position": rnd.randint(1, cols),
                                    "label": {"en": f"{sid}: {label}",
                                              "zh": f"第{n}步" + "办理客户业务并查询计费系统记录"[: rnd.randint(3, 15)]}}
            if lane != "customer":
                step["department"] = f"d{rnd.randrange(8)}"
                step["systems"] = [f"s{x}" for x in sorted(rnd.sample(range(6), rnd.randint(0, 3)))]
                upper = [x for k in LANE_ORDER[1:LANE_ORDER.index(lane) + 1] for x in placed.get(k, [])]
                if upper:
                    step["supports"] = sorted(set(rnd.sample(upper, min(len(upper), rnd.randint(1, 2)))))
                if rnd.random() < 0.3:
                    step["fail"] = True
            if rnd.random() < 0.2:
                step["wait"] = True
            doc["steps"][lane].append(step)
            placed[lane].append(sid)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()


def generated_view(lang: str, n_evidence: int = 0) -> BlueprintView:
    doc = yaml.safe_load(generated_yaml())
    rnd = random.Random(7)
    customers = [s["id"] for s in doc["steps"]["customer"]]
    for n in range(n_evidence):
        doc["evidence"].append({"id": f"evidence-{n}", "label": {"en": f"Printed receipt number {n}", "zh": f"第{n}号收据"},
                                "for": sorted(rnd.sample(customers, rnd.randint(1, 2))), "position": rnd.randint(1, 14)})
    bp = read_yaml(yaml.safe_dump(doc, allow_unicode=True).encode(), "generated.yaml")
    shared = {s: pick([o for o in bp.shared.objects(s, RDFS.label) if isinstance(o, Literal)], lang)
              for s in set(bp.shared.subjects(RDFS.label, None)) if isinstance(s, URIRef)}
    return build_view(bp.graph, bp.iri, lang, shared)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sixty_generated_steps(lang: str) -> None:
    view = generated_view(lang, n_evidence=6)
    assert len(view.steps) == 66
    stacked = {(s.lane, s.position) for s in view.steps}
    assert len(stacked) < len(view.steps)  # several steps share a lane and a position
    svg = draw_svg(view)
    found = check_diagram(svg, view)
    assert len(found["supports"]) > 60
    assert draw_svg(generated_view(lang, n_evidence=6)) == svg  # deterministic across rebuilds


def small_view(steps: dict[str, list[dict[str, Any]]]) -> BlueprintView:
    doc = {"format": "kgbp/1", "service": {"id": "small", "label": {"en": "Small"}}, "version": "as-is",
           "title": {"en": "Small"}, "departments": [{"id": "d", "label": {"en": "D"}}], "steps": steps}
    bp = read_yaml(yaml.safe_dump(doc).encode(), "small.yaml")
    return build_view(bp.graph, bp.iri, "en", {})


def test_a_blueprint_without_steps_still_shows_its_lanes() -> None:
    view = small_view({})
    root = ET.fromstring(draw_svg(view))
    assert [g.get("data-lane") for g in root.iter(f"{SVG}g") if "lane" in _classes(g)] == list(LANE_ORDER)
    assert not [g for g in root.iter(f"{SVG}g") if "step" in _classes(g)]


def test_stacked_steps_and_arrows_between_them() -> None:
    """Three steps at one position in one lane, supporting each other and the lanes above."""
    d = {"department": "d"}
    view = small_view({
        "customer": [{"id": "c", "label": {"en": "Customer"}, "position": 1}],
        "frontstage": [{"id": "f1", "label": {"en": "Front one"}, "position": 1, "supports": ["c"], **d},
                       {"id": "f2", "label": {"en": "Front two"}, "position": 1, "supports": ["c", "f1"], **d},
                       {"id": "f3", "label": {"en": "Front three"}, "position": 1, "supports": ["f1", "f2", "c"], **d}],
        "backstage": [{"id": "b", "label": {"en": "Back"}, "position": 1, "supports": ["f3", "f2", "c"], **d}],
    })
    found = check_diagram(draw_svg(view), view)
    boxes = {g.get("data-id"): found["boxes"][iri] for iri, g in found["groups"].items()}
    assert boxes["f1"].x == boxes["f2"].x == boxes["f3"].x
    assert boxes["f1"].bottom < boxes["f2"].y and boxes["f2"].bottom < boxes["f3"].y
    assert len(found["supports"]) == 9


def test_a_downward_support_keeps_its_head_on_the_supported_step() -> None:
    # the rules reject it, but a draft may hold it: draw it rather than fail
    view = small_view({
        "frontstage": [{"id": "f", "label": {"en": "Front"}, "position": 1, "supports": ["b"], "department": "d"}],
        "backstage": [{"id": "b", "label": {"en": "Back"}, "position": 2, "department": "d"}],
    })
    root = ET.fromstring(draw_svg(view))
    boxes = {r.get("data-id"): _rect(r) for r in root.iter(f"{SVG}rect") if "step-box" in _classes(r)}
    (arrow,) = [p for p in root.iter(f"{SVG}path") if "supports" in _classes(p)]
    pts = _points(arrow.get("d", ""))
    assert (arrow.get("data-from-id"), arrow.get("data-to-id")) == ("f", "b")
    assert _on_border(pts[0], boxes["f"]) and _on_border(pts[-1], boxes["b"])


# -- impact view -------------------------------------------------------------------------


def test_resolve_system(examples_store: Store) -> None:
    boss = iris.system_iri("boss")
    assert resolve_system(examples_store, "boss") == boss
    assert resolve_system(examples_store, "BOSS") == boss
    assert resolve_system(examples_store, str(boss)) == boss
    assert resolve_system(examples_store, "归属地BOSS") == iris.system_iri("home-boss")
    with pytest.raises(NotFound) as err:
        resolve_system(examples_store, "no-such-system")
    assert err.value.where == "no-such-system"
    with pytest.raises(NotFound):
        resolve_system(examples_store, "https://w3id.org/kgbp/id/department/marketing")


def test_impact_of_boss_on_mobile_tv(examples_store: Store, example_views: dict) -> None:
    bp = iris.blueprint_iri("mobile-tv-subscription", "as-is")
    hl = impact(examples_store, bp, resolve_system(examples_store, "boss"), "zh")
    step = {s.id: s.iri for s in example_views[(TV, "en")].steps}
    # home-location BOSS is part of BOSS: its two users, and what they underlie
    assert hl.steps == {step[i] for i in ("data-sync-between-systems", "service-activation-failed",
                                          "send-order-failed-notice", "order-failed-notice")}
    assert hl.arrows == {(step["data-sync-between-systems"], step["service-activation-failed"]),
                         (step["service-activation-failed"], step["send-order-failed-notice"]),
                         (step["send-order-failed-notice"], step["order-failed-notice"])}
    assert hl.label == "BOSS"
    view = example_views[(TV, "en")]
    found = check_diagram(draw_svg(view, hl), view)
    marked = {g.get("data-id") for g in found["groups"].values() if "highlighted" in _classes(g)}
    assert marked == {"data-sync-between-systems", "service-activation-failed", "send-order-failed-notice",
                      "order-failed-notice"}
    drawn = {(p.get("data-from-id"), p.get("data-to-id")) for p in found["supports"] if "highlighted" in _classes(p)}
    assert drawn == {("data-sync-between-systems", "service-activation-failed"),
                     ("service-activation-failed", "send-order-failed-notice"),
                     ("send-order-failed-notice", "order-failed-notice")}
    dimmed = {g.get("data-id") for g in found["groups"].values() if g.get("opacity")}
    assert dimmed == {s.id for s in view.steps} - marked


def test_impact_of_a_system_a_blueprint_does_not_use(examples_store: Store, example_views: dict) -> None:
    bp = iris.blueprint_iri("restaurant-checkout", "as-is")
    hl = impact(examples_store, bp, resolve_system(examples_store, "boss"))
    assert hl == Highlight(frozenset(), frozenset(), "BOSS")


# -- PNG, HTTP, CLI ----------------------------------------------------------------------


def test_png(example_views: dict) -> None:
    view = example_views[(TV, "zh")]
    png = draw_png(view, scale=1.0)
    assert png.startswith(PNG_SIGNATURE)
    root = ET.fromstring(draw_svg(view))
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (round(float(root.get("width", "0"))), round(float(root.get("height", "0"))))


@pytest.fixture()
def client(examples_store: Store, tmp_path: Path) -> Any:
    app = create_app(Settings(store=str(tmp_path / "store")))
    app.dependency_overrides[app_store] = lambda: examples_store
    with TestClient(app) as c:
        yield c


def test_diagram_routes(client: TestClient, example_views: dict) -> None:
    r = client.get("/blueprints/mobile-tv-subscription/as-is/diagram.svg?lang=zh")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.content == draw_svg(example_views[(TV, "zh")])
    r = client.get("/blueprints/mobile-tv-subscription/as-is/diagram.png", params={"lang": "en"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content.startswith(PNG_SIGNATURE)
    r = client.get("/blueprints/mobile-tv-subscription/as-is/diagram.svg", params={"highlight_system": "BOSS"})
    marked = {g.get("data-id") for g in ET.fromstring(r.content).iter(f"{SVG}g")
              if "highlighted" in _classes(g)}
    assert marked == {"data-sync-between-systems", "service-activation-failed", "send-order-failed-notice",
                      "order-failed-notice"}
    by_iri = client.get("/blueprints/mobile-tv-subscription/as-is/diagram.svg",
                        params={"highlight_system": str(iris.system_iri("boss"))})
    assert by_iri.content == r.content


def test_diagram_routes_bad_input(client: TestClient) -> None:
    r = client.get("/blueprints/no-such-service/as-is/diagram.svg")
    assert r.status_code == 404 and r.json()["error"] == "not-found"
    r = client.get("/blueprints/mobile-tv-subscription/as-is/diagram.png", params={"highlight_system": "nothing"})
    assert r.status_code == 404 and r.json()["where"] == "nothing"


def test_cli_draw(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    runner = CliRunner()
    r = runner.invoke(cli_app, ["load", str(ROOT / "examples" / "restaurant-checkout.yaml"), "--store", store])
    assert r.exit_code == 0, r.output
    out = tmp_path / "restaurant.svg"
    r = runner.invoke(cli_app, ["draw", "restaurant-checkout", "-o", str(out), "--store", store, "--lang", "zh",
                                "--highlight-system", "点单与结账系统"])
    assert r.exit_code == 0, r.output
    root = ET.fromstring(out.read_bytes())
    assert root.get("data-lang") == "zh" and root.get("data-highlight") == "点单与结账系统"
    marked = {g.get("data-id") for g in root.iter(f"{SVG}g") if "highlighted" in _classes(g)}
    assert marked == {"accept-card-or-cash", "deliver-bill", "look-at-bill", "maintain-billing-system", "pay-bill",
                      "prepare-bill", "verify-credit-card"}
    png = tmp_path / "restaurant.png"
    r = runner.invoke(cli_app, ["draw", "restaurant-checkout/as-is", "-o", str(png), "--store", store])
    assert r.exit_code == 0, r.output
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    r = runner.invoke(cli_app, ["draw", "restaurant-checkout", "-o", str(tmp_path / "x.gif"), "--store", store])
    assert r.exit_code == 2 and "x.gif" in r.output
    r = runner.invoke(cli_app, ["draw", "restaurant-checkout", "-o", str(out), "--store", store,
                                "--highlight-system", "no-such-system"])
    assert r.exit_code == 2 and "no system 'no-such-system'" in r.output  # the one resolver's words


def test_examples_store_is_unchanged_by_drawing(examples_store: Store) -> None:
    assert {b.id for b in repository.list_blueprints(examples_store)} == set(EXAMPLE_IDS)
