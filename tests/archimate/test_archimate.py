"""ArchiMate exchange XML and Archi CSV: schema-valid exports, the mapping, layout, import back, hostile XML."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from lxml import etree
from rdflib import URIRef
from typer.testing import CliRunner

from kgbp.archimate.archi_csv import export_archi_csv, to_zip, write_archi_csv
from kgbp.archimate.exchange import export_archimate
from kgbp.archimate.reader import read_archi_csv, read_archi_csv_zip, read_archimate, read_archimate_path
from kgbp.cli import app as cli_app
from kgbp.config import Settings
from kgbp.errors import BadInput, NotFound
from kgbp.model import iris
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore
from kgbp.web.app import create_app
from kgbp.web.http_protocol import HttpProtocol

from ..conftest import ROOT, load_files

XSD_DIR = ROOT.parent / "shared" / "vendor" / "archimate-xsd"
NS = "http://www.opengroup.org/xsd/archimate/3.0/"
A = f"{{{NS}}}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BP = "https://w3id.org/kgbp/id/service/"
TV = f"{BP}mobile-tv-subscription/as-is"
TV_TO_BE = f"{BP}mobile-tv-subscription/to-be"
DEPT = "https://w3id.org/kgbp/id/department/"
SYS = "https://w3id.org/kgbp/id/system/"
SERVICES = ["arrears-reconnect", "customer-lifecycle", "mobile-tv-subscription", "restaurant-checkout"]
LANES = ["evidence", "customer", "frontstage", "backstage", "support"]

# ArchiMate 3.1 relationship table (Appendix B), the rows for the element pairs kgbp writes, as
# Archi's relationships.xml spells them: a access, c composition, g aggregation, i assignment,
# o association, t triggering, v serving (plus f flow, n influence, r realization, s specialization).
ALLOWED = {
    ("ApplicationComponent", "ApplicationComponent"): "cfgorstv",
    ("ApplicationComponent", "ApplicationProcess"): "fiortv",
    ("ApplicationComponent", "BusinessProcess"): "fortv",
    ("ApplicationProcess", "ApplicationProcess"): "cfgostv",
    ("ApplicationProcess", "BusinessInterface"): "fotv",
    ("ApplicationProcess", "BusinessProcess"): "fortv",
    ("ApplicationProcess", "Representation"): "ao",
    ("ApplicationProcess", "Requirement"): "nor",
    ("Assessment", "ApplicationProcess"): "o",
    ("Assessment", "BusinessProcess"): "o",
    ("BusinessActor", "ApplicationProcess"): "fotv",
    ("BusinessActor", "BusinessProcess"): "fiotv",
    ("BusinessInterface", "BusinessRole"): "fotv",
    ("BusinessProcess", "ApplicationProcess"): "fotv",
    ("BusinessProcess", "BusinessInterface"): "fotv",
    ("BusinessProcess", "BusinessProcess"): "cfgostv",
    ("BusinessProcess", "Representation"): "ao",
    ("BusinessProcess", "Requirement"): "nor",
    ("BusinessRole", "BusinessProcess"): "fiotv",
    ("BusinessService", "BusinessRole"): "fotv",
    ("Plateau", "ApplicationComponent"): "cgor",
    ("Plateau", "ApplicationProcess"): "cgor",
    ("Plateau", "BusinessActor"): "cgor",
    ("Plateau", "BusinessInterface"): "cgor",
    ("Plateau", "BusinessProcess"): "cgor",
    ("Plateau", "BusinessService"): "cgor",
    ("Plateau", "Plateau"): "cfgost",
    ("Plateau", "Representation"): "cgor",
    ("Plateau", "Requirement"): "cgnor",
    ("Requirement", "ApplicationProcess"): "o",
    ("Requirement", "BusinessInterface"): "o",
    ("Requirement", "BusinessProcess"): "o",
}
LETTER = {"Access": "a", "Aggregation": "g", "Assignment": "i", "Association": "o", "Composition": "c",
          "Serving": "v", "Triggering": "t"}


# -- schema ----------------------------------------------------------------------------------


class _LocalXmlXsd(etree.Resolver):
    def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
        if url and url.endswith("xml.xsd"):  # archimate3_Model.xsd imports it from w3.org: use the local copy
            return self.resolve_filename(str(XSD_DIR / "xml.xsd"), context)
        return None


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    if not (XSD_DIR / "archimate3_Diagram.xsd").is_file():
        pytest.fail(f"ArchiMate XSDs not found in {XSD_DIR}: clone the shared folder (vendor/archimate-xsd) beside the repository")
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
      <xs:import namespace="{NS}" schemaLocation="{(XSD_DIR / 'archimate3_Diagram.xsd').as_uri()}"/>
      <xs:import namespace="http://purl.org/dc/elements/1.1/" schemaLocation="{(XSD_DIR / 'dc.xsd').as_uri()}"/>
    </xs:schema>"""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXmlXsd())
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser))


def assert_valid(schema: etree.XMLSchema, data: bytes) -> None:
    doc = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    if not schema.validate(doc):
        errors = "\n".join(f"{e.line}: {e.message}" for e in list(schema.error_log)[:5])
        pytest.fail(f"export is not valid against archimate3_Diagram.xsd:\n{errors}")


def test_schema_check_rejects_a_broken_file(schema: etree.XMLSchema, examples_store: EmbeddedStore) -> None:
    data = export_archimate(examples_store, "restaurant-checkout")
    broken = data.replace(b'xsi:type="Plateau"', b'xsi:type="Bogus"', 1)
    assert not schema.validate(etree.fromstring(broken))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("service", [None, *SERVICES])
def test_every_export_of_the_examples_is_valid(schema: etree.XMLSchema, examples_store: EmbeddedStore,
                                               service: str | None, lang: str) -> None:
    assert_valid(schema, export_archimate(examples_store, service, lang))


# -- reading an export back, independently of kgbp's reader -----------------------------------


@dataclass
class Parsed:
    root: etree._Element
    by_id: dict[str, etree._Element]
    props: dict[str, dict[str, str]]  # identifier -> property name -> first value
    key: dict[str, str]  # identifier -> kgbp:iri, or kgbp:kind for the customer, + '#failure-mode'

    def element(self, iri: str, kind: str | None = None) -> etree._Element:
        found = [e for i, e in self.by_id.items() if self.props[i].get("kgbp:iri") == iri
                 and (self.props[i].get("kgbp:kind") == kind if kind else self.props[i].get("kgbp:kind") != "failure-mode")
                 and e.tag == A + "element"]
        assert len(found) == 1, (iri, kind, len(found))
        return found[0]

    def type(self, iri: str, kind: str | None = None) -> str:
        return self.element(iri, kind).get(XSI_TYPE)  # type: ignore[return-value]

    def prop(self, iri: str, name: str, kind: str | None = None) -> str | None:
        return self.props[self.element(iri, kind).get("identifier")].get(name)  # type: ignore[index]

    def names(self, el: etree._Element) -> list[tuple[str | None, str]]:
        return [(n.get(XML_LANG), n.text or "") for n in el.findall(A + "name")]

    def relations(self) -> set[tuple[str, str, str, str]]:
        """(type, source key, target key, kgbp:relation) for every relationship."""
        out = set()
        for rel in self.root.iter(A + "relationship"):
            out.add((rel.get(XSI_TYPE), self.key[rel.get("source")], self.key[rel.get("target")],
                     self.props[rel.get("identifier")].get("kgbp:relation")))
        return out


def parse(data: bytes) -> Parsed:
    root = etree.fromstring(data)
    definitions = {d.get("identifier"): d.findtext(A + "name") for d in root.iter(A + "propertyDefinition")}
    by_id, props, key = {}, {}, {}
    for el in root.iter(A + "element", A + "relationship"):
        ident = el.get("identifier")
        by_id[ident] = el
        props[ident] = {definitions[p.get("propertyDefinitionRef")]: p.findtext(A + "value")
                        for p in el.iterfind(f"{A}properties/{A}property")}
        kind = props[ident].get("kgbp:kind", "")
        key[ident] = props[ident].get("kgbp:iri", kind) + ("#failure-mode" if kind == "failure-mode" else "")
    return Parsed(root, by_id, props, key)


@pytest.fixture(scope="module")
def whole_xml(examples_store: EmbeddedStore) -> bytes:
    return export_archimate(examples_store)


@pytest.fixture(scope="module")
def whole(whole_xml: bytes) -> Parsed:
    return parse(whole_xml)


@pytest.fixture(scope="module")
def tv(examples_store: EmbeddedStore) -> Parsed:
    return parse(export_archimate(examples_store, "mobile-tv-subscription", "zh"))


def step(sid: str, bp: str = TV) -> str:
    return f"{bp}/step/{sid}"


# -- the mapping -----------------------------------------------------------------------------------


def test_steps_map_by_lane_and_performer_with_markers_as_properties(tv: Parsed) -> None:
    assert tv.type(step("apply-to-subscribe")) == "BusinessProcess"  # a customer action
    assert tv.type(step("send-confirmation-sms")) == "ApplicationProcess"  # frontstage, system
    assert tv.type(step("handle-complaint")) == "BusinessProcess"  # frontstage, human
    assert tv.type(step("make-complaint-handling-rules")) == "BusinessProcess"  # backstage, human
    assert tv.type(step("data-sync-between-systems")) == "ApplicationProcess"  # backstage, system
    sms = step("send-confirmation-sms")
    assert tv.prop(sms, "kgbp:lane") == "frontstage"
    assert tv.prop(sms, "kgbp:position") == "2"
    assert tv.prop(sms, "kgbp:performer") == "system"
    assert tv.prop(sms, "kgbp:fail-point") == "true"
    assert tv.prop(sms, "kgbp:wait-point") is None
    assert tv.prop(step("handle-complaint"), "kgbp:wait-point") == "true"
    assert tv.prop(step("handle-complaint"), "kgbp:fail-point") is None
    # language-tagged values, the export language first
    values = [(v.get(XML_LANG), v.text) for v in tv.element(sms).iterfind(f"{A}properties/{A}property/{A}value")
              if v.get(XML_LANG)]
    assert values == [("zh", "待确认短信未下发或下发延迟"), ("en", "The pending-confirmation SMS is not sent or is late"),
                      ("zh", "客户无法及时确认，订购失效"), ("en", "The customer cannot confirm in time and the order lapses")]


def test_a_fail_point_with_a_failure_mode_gets_an_assessment(tv: Parsed) -> None:
    sms = step("send-confirmation-sms")
    assessment = tv.element(sms, "failure-mode")
    assert assessment.get(XSI_TYPE) == "Assessment"
    assert tv.names(assessment) == [("zh", "待确认短信未下发或下发延迟"), ("en", "The pending-confirmation SMS is not sent or is late")]
    assert [d.text for d in assessment.findall(A + "documentation")] == [
        "客户无法及时确认，订购失效", "The customer cannot confirm in time and the order lapses"]
    assert ("Association", f"{sms}#failure-mode", sms, "failure-mode") in tv.relations()


def test_names_carry_both_languages_the_requested_one_first(examples_store: EmbeddedStore) -> None:
    for lang, expected in (("zh", [("zh", "接听处理客户投诉"), ("en", "Answer and handle the complaint")]),
                           ("en", [("en", "Answer and handle the complaint"), ("zh", "接听处理客户投诉")])):
        parsed = parse(export_archimate(examples_store, "mobile-tv-subscription", lang))
        assert parsed.names(parsed.element(step("handle-complaint"))) == expected


def test_relationships_follow_the_documented_mapping(tv: Parsed) -> None:
    rels = tv.relations()
    expected = {
        # customer role performs customer actions; the service serves the customer
        ("Assignment", "customer", step("apply-to-subscribe"), "customer-action"),
        ("Serving", f"{BP}mobile-tv-subscription", "customer", "serves-customer"),
        # departments: Assignment to human steps, Association to system steps (Assignment is not allowed there)
        ("Assignment", f"{DEPT}customer-service-centre", step("handle-complaint"), "responsible-department"),
        ("Association", f"{DEPT}data", step("send-confirmation-sms"), "responsible-department"),
        # systems: Serving a human step, Assignment to a system step; part-of as Composition
        ("Serving", f"{SYS}knowledge-base", step("look-up-knowledge-base"), "uses-system"),
        ("Assignment", f"{SYS}mbbms-platform", step("send-confirmation-sms"), "uses-system"),
        ("Composition", f"{SYS}boss", f"{SYS}home-boss", "part-of"),
        # support arrows, lower step serving upper; timeline within a lane
        ("Serving", step("send-confirmation-sms"), step("reply-confirmation-sms"), "supports"),
        ("Serving", step("make-complaint-handling-rules"), step("handle-complaint"), "supports"),
        ("Triggering", step("apply-to-subscribe"), step("reply-confirmation-sms"), "timeline"),
        # evidence read by the customer step; touchpoints; standards
        ("Access", step("reply-confirmation-sms"), f"{TV}/evidence/sms-please-confirm", "evidence-of"),
        ("Association", step("send-confirmation-sms"), f"{TV}/touchpoint/sms", "at-touchpoint"),
        ("Serving", f"{TV}/touchpoint/sms", "customer", "touchpoint-serves-customer"),
        ("Association", f"{TV}/standard/hotline-answer-gold", f"{TV}/touchpoint/complaint-hotline", "applies-to"),
        ("Association", step("call-complaint-hotline"), f"{TV}/standard/hotline-answer-gold", "bounded-by"),
        # versions: plateaus aggregate their elements; as-is is followed by to-be
        ("Aggregation", TV, step("handle-complaint"), "in-version"),
        ("Aggregation", TV_TO_BE, f"{SYS}boss", "in-version"),
        ("Triggering", TV, TV_TO_BE, "revision-of"),
    }
    assert expected <= rels, expected - rels
    # no timeline across lanes, none in the evidence lane, none backwards
    assert ("Triggering", step("reply-confirmation-sms"), step("apply-to-subscribe"), "timeline") not in rels
    assert not {r for r in rels if r[3] == "timeline" and "/evidence/" in r[1]}
    access = next(r for r in tv.root.iter(A + "relationship") if r.get(XSI_TYPE) == "Access")
    assert access.get("accessType") == "Read"


def test_element_types_match_the_repository(whole: Parsed, examples_store: EmbeddedStore) -> None:
    def count(where: str) -> int:
        return int(examples_store.select(f"""PREFIX sb: <https://w3id.org/kgbp/ontology#>
            SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}""").rows[0][0])  # type: ignore[arg-type]

    types = Counter(e.get(XSI_TYPE) for e in whole.root.iter(A + "element"))
    assert types == Counter({
        "BusinessProcess": count("?x a sb:Step . FILTER NOT EXISTS { ?x sb:performerKind sb:SystemPerformer ; "
                                 "sb:inLane ?l FILTER(?l != sb:CustomerLane) }"),
        "ApplicationProcess": count("?x a sb:Step ; sb:performerKind sb:SystemPerformer ; sb:inLane ?l "
                                    "FILTER(?l != sb:CustomerLane)"),
        "Representation": count("?x a sb:PhysicalEvidence"),
        "BusinessInterface": count("?x a sb:Touchpoint"),
        "Requirement": count("?x a sb:ServiceStandard"),
        "Assessment": count("?x sb:hasMarker sb:FailMarker ; sb:failureMode ?m"),
        "BusinessActor": count("?x a sb:Department"),
        "ApplicationComponent": count("?x a sb:System"),
        "Plateau": count("?x a sb:Blueprint"),
        "BusinessService": count("?x a sb:Service"),
        "BusinessRole": 1,
    })
    assert types["ApplicationComponent"] == 12 and types["Plateau"] == 5  # sanity: the examples are loaded


def test_every_relationship_is_allowed_by_archimate(whole: Parsed) -> None:
    seen = set()
    for rel in whole.root.iter(A + "relationship"):
        src = whole.by_id[rel.get("source")].get(XSI_TYPE)
        tgt = whole.by_id[rel.get("target")].get(XSI_TYPE)
        pair, kind = (src, tgt), rel.get(XSI_TYPE)
        assert pair in ALLOWED, f"{pair}: look the pair up in the ArchiMate 3.1 relationship table, then add it here"
        assert LETTER[kind] in ALLOWED[pair], f"{kind} is not allowed from {src} to {tgt}"
        seen.add(kind)
    assert seen == set(LETTER)


def test_identifiers_are_derived_from_iris_and_stable(examples_store: EmbeddedStore, whole_xml: bytes, whole: Parsed) -> None:
    assert export_archimate(examples_store) == whole_xml
    iri = step("handle-complaint")
    assert whole.element(iri).get("identifier") == "id-" + hashlib.sha256(iri.encode()).hexdigest()[:16]
    # the same element has the same identifier in a one-service export
    one = parse(export_archimate(examples_store, "mobile-tv-subscription", "zh"))
    assert one.element(iri).get("identifier") == whole.element(iri).get("identifier")
    ids = [e.get("identifier") for e in whole.root.iter() if e.get("identifier")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9._-]*", i) for i in ids)  # xs:ID, and Archi CSV's id rule


def test_unknown_service_is_not_found(examples_store: EmbeddedStore) -> None:
    with pytest.raises(NotFound) as err:
        export_archimate(examples_store, "no-such-service")
    assert err.value.where == "no-such-service"


# -- views --------------------------------------------------------------------------------------


def _views(parsed: Parsed) -> dict[str, etree._Element]:
    out = {}
    for view in parsed.root.iter(A + "view"):
        iri = view.findtext(f"{A}properties/{A}property/{A}value")
        out[iri] = view
    return out


def _box(node: etree._Element) -> tuple[int, int, int, int]:
    return int(node.get("x")), int(node.get("y")), int(node.get("w")), int(node.get("h"))  # type: ignore[arg-type]


def test_one_view_per_blueprint(whole: Parsed, tv: Parsed) -> None:
    views = _views(whole)
    assert sorted(views) == sorted(f"{BP}{bp}" for bp in [
        "arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
        "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"])
    assert sorted(_views(tv)) == [TV, TV_TO_BE]
    assert tv.names(_views(tv)[TV]) == [("zh", "手机电视订购故障与处理 [as-is]"),
                                        ("en", "Mobile TV subscription fault and handling [as-is]")]


def test_view_lays_steps_out_in_five_lanes_along_the_timeline(whole: Parsed, examples_store: EmbeddedStore) -> None:
    for bp, view in _views(whole).items():
        lanes = [n for n in view.findall(A + "node") if n.get(XSI_TYPE) == "Container"]
        assert [n.findtext(A + "label") for n in lanes] == ["physical evidence", "customer actions", "frontstage",
                                                            "backstage", "support processes"]
        tops = [_box(n)[1] for n in lanes]
        assert tops == sorted(tops)
        boxes: list[tuple[int, int, int, int]] = []
        shown: set[str] = set()
        for lane_name, lane in zip(LANES, lanes, strict=True):
            lx, ly, lw, lh = _box(lane)
            placed: list[tuple[int, int]] = []
            for node in lane.findall(A + "node"):
                x, y, w, h = _box(node)
                assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, "node outside its lane"
                assert not any(x < bx + bw and bx < x + w and y < by + bh and by < y + h for bx, by, bw, bh in boxes)
                boxes.append((x, y, w, h))
                ident = node.get("elementRef")
                shown.add(whole.key[ident])
                assert whole.props[ident].get("kgbp:kind") != "system", "a system inside a lane"
                assert whole.props[ident]["kgbp:lane"] == lane_name
                placed.append((int(whole.props[ident]["kgbp:position"]), x))
            for (p1, x1) in placed:  # x follows the timeline position
                assert all(x1 < x2 for p2, x2 in placed if p2 > p1)
        rows = examples_store.select("""PREFIX sb: <https://w3id.org/kgbp/ontology#>
            SELECT DISTINCT ?x WHERE { GRAPH ?g { { ?x sb:inLane ?l } UNION { ?x a sb:PhysicalEvidence } } }""",
                                     {"g": URIRef(bp)})
        expected = {str(r[0]) for r in rows.rows}
        assert shown == expected
        # the IT systems: in a row of their own under the support lane, as ArchiMate's application layer
        support_bottom = _box(lanes[-1])[1] + _box(lanes[-1])[3]
        outside = [n for n in view.findall(A + "node") if n.get(XSI_TYPE) == "Element"]
        systems = [n for n in outside if whole.props[n.get("elementRef")].get("kgbp:kind") == "system"]
        used = examples_store.select("""PREFIX sb: <https://w3id.org/kgbp/ontology#>
            SELECT DISTINCT ?s WHERE { GRAPH ?g { ?x sb:usesSystem ?s } }""", {"g": URIRef(bp)})
        assert {str(r[0]) for r in used.rows} <= {whole.key[n.get("elementRef")] for n in systems}
        assert systems and all(_box(n)[1] > support_bottom for n in systems)
        assert len({_box(n)[1] for n in systems}) == 1  # one row
        # drawn: support arrows, evidence links and each use of a system; the rest is in the model only
        shown |= {whole.key[n.get("elementRef")] for n in outside}
        drawn = {c.get("relationshipRef") for c in view.iter(A + "connection")}
        between = {r.get("identifier") for r in whole.root.iter(A + "relationship")
                   if whole.key[r.get("source")] in shown and whole.key[r.get("target")] in shown
                   and whole.props[r.get("identifier")].get("kgbp:relation") in ("supports", "evidence-of", "uses-system")}
        assert drawn == between and drawn


def _labels(view: etree._Element) -> list[tuple[str, tuple[int, int, int, int], etree._Element]]:
    return [(n.findtext(A + "label") or "", _box(n), n) for n in view.iter(A + "node") if n.get(XSI_TYPE) == "Label"]


def _fill(node: etree._Element) -> tuple[str | None, ...] | None:
    fill = node.find(f"{A}style/{A}fillColor")
    return None if fill is None else (fill.get("r"), fill.get("g"), fill.get("b"))


def test_the_three_lines_are_drawn_between_their_lanes(tv: Parsed) -> None:
    view = _views(tv)[TV]
    lanes = {n.findtext(A + "label"): _box(n) for n in view.findall(A + "node") if n.get(XSI_TYPE) == "Container"}
    tops = {k: lanes[name][1] for k, name in zip(LANES, ["有形展示", "客户行为", "前台服务", "后台支撑", "支撑系统"],
                                               strict=True)}
    labels = _labels(view)
    for name, below in (("互动线", "frontstage"), ("可视线", "backstage"), ("内部互动线", "support")):
        bars = [box for text, box, _ in labels if text == name and box[3] <= 3]
        assert len(bars) == 1, name
        _x, y, w, h = bars[0]
        assert abs(y + h / 2 - tops[below]) <= 2, name  # on the lane's top edge
        assert w >= 0.9 * max(b[2] for b in lanes.values())  # across the lanes
        named = [box for text, box, _ in labels if text == name and box[3] > 3]
        assert len(named) == 1 and named[0][1] < tops[below] < named[0][1] + named[0][3], name  # its name on it
    # both languages, the requested one first
    bar = next(n for text, _, n in labels if text == "可视线")
    assert [(e.get(XML_LANG), e.text) for e in bar.findall(A + "label")] == [("zh", "可视线"), ("en", "line of visibility")]


def test_departments_are_shown_in_the_colours_of_their_steps(tv: Parsed, examples_store: EmbeddedStore) -> None:
    view = _views(tv)[TV]
    nodes = {tv.key[n.get("elementRef")]: n for n in view.iter(A + "node") if n.get("elementRef")}
    rows = examples_store.select("""PREFIX sb: <https://w3id.org/kgbp/ontology#>
        SELECT ?step ?dept WHERE { GRAPH ?g { ?step sb:responsibleDepartment ?dept } }""", {"g": URIRef(TV)})
    pairs = {(str(r[0]), str(r[1])) for r in rows.rows}
    assert len({d for _, d in pairs}) >= 3
    for step_iri, dept in pairs:
        assert tv.type(dept) == "BusinessActor"
        assert dept in nodes, dept
        assert _fill(nodes[step_iri]) == _fill(nodes[dept]) is not None, step_iri
    fills = {_fill(nodes[d]) for _, d in pairs}
    assert len(fills) == len({d for _, d in pairs})  # one colour per department
    captions = [text for text, _, _ in _labels(view)]
    assert "责任部门（其步骤的颜色）" in captions and "IT 系统（应用层）" in captions


def test_fail_and_wait_points_carry_their_badges(tv: Parsed) -> None:
    view = _views(tv)[TV]
    nodes = {tv.key[n.get("elementRef")]: _box(n) for n in view.iter(A + "node") if n.get("elementRef")}
    badges = [(text, box, _fill(n)) for text, box, n in _labels(view) if text in ("F", "W")]

    def on(iri: str) -> list[tuple[str, tuple[str | None, ...] | None]]:
        x, y, w, h = nodes[iri]
        return sorted((text, fill) for text, (bx, by, bw, bh), fill in badges
                      if x <= bx and bx + bw <= x + w and y <= by and by + bh <= y + h)

    assert on(step("send-confirmation-sms")) == [("F", ("214", "39", "40"))]
    assert on(step("handle-complaint")) == [("W", ("242", "169", "0"))]
    assert on(step("apply-to-subscribe")) == []


def _crosses(a: tuple[int, int], b: tuple[int, int], box: tuple[int, int, int, int]) -> bool:
    """Whether the axis-parallel segment a-b passes through the inside of a box."""
    x, y, w, h = box
    (x1, y1), (x2, y2) = a, b
    if y1 == y2:
        return y < y1 < y + h and min(x1, x2) < x + w and x < max(x1, x2)
    return x < x1 < x + w and min(y1, y2) < y + h and y < max(y1, y2)


def _on_edge(p: tuple[int, int], box: tuple[int, int, int, int]) -> bool:
    x, y, w, h = box
    px, py = p
    return (x - 1 <= px <= x + w + 1 and py in range(y - 1, y + 2)) or \
        (x - 1 <= px <= x + w + 1 and py in range(y + h - 1, y + h + 2)) or \
        (y - 1 <= py <= y + h + 1 and px in range(x - 1, x + 2)) or \
        (y - 1 <= py <= y + h + 1 and px in range(x + w - 1, x + w + 2))


def test_connections_bend_around_every_box_and_never_share_a_run(whole: Parsed) -> None:
    from kgbp.slides.connectors import shared_runs

    for bp, view in _views(whole).items():
        by_node = {n.get("identifier"): _box(n) for n in view.iter(A + "node") if n.get("elementRef")}
        paths: dict[str, list[tuple[float, float]]] = {}
        for conn in view.iter(A + "connection"):
            start, end = conn.find(A + "sourceAttachment"), conn.find(A + "targetAttachment")
            assert start is not None and end is not None
            pts = [(int(p.get("x")), int(p.get("y"))) for p in (start, *conn.findall(A + "bendpoint"), end)]
            assert len(pts) >= 2
            source, target = by_node[conn.get("source")], by_node[conn.get("target")]
            assert _on_edge(pts[0], source) and _on_edge(pts[-1], target), (bp, conn.get("relationshipRef"))
            for a, b in itertools.pairwise(pts):
                assert a[0] == b[0] or a[1] == b[1], "a slanted stretch"
                for box in by_node.values():
                    assert not _crosses(a, b, box), (bp, conn.get("relationshipRef"), a, b, box)
            paths[conn.get("identifier")] = [(float(x), float(y)) for x, y in pts]
        assert sum(len(p) > 2 for p in paths.values()) > len(paths) / 3  # bent, not straight diagonals
        assert shared_runs(paths, tol=0.5) == [], bp


# -- import back ---------------------------------------------------------------------------------


def _our_iris(examples_store: EmbeddedStore) -> set[URIRef]:
    rows = examples_store.select("""PREFIX sb: <https://w3id.org/kgbp/ontology#>
        SELECT DISTINCT ?x WHERE { VALUES ?c { sb:Step sb:PhysicalEvidence sb:Touchpoint sb:ServiceStandard
          sb:Department sb:System sb:Blueprint sb:Service } ?x a ?c }""")
    return {r[0] for r in rows.rows}  # type: ignore[misc]


def test_import_back_maps_every_element_to_its_iri(examples_store: EmbeddedStore, whole_xml: bytes) -> None:
    result = read_archimate(whole_xml, "kgbp.xml")
    assert result.notes == []
    assert set(result.by_iri()) == _our_iris(examples_store)
    for iri, element in result.by_iri().items():
        assert element.identifier == "id-" + hashlib.sha256(str(iri).encode()).hexdigest()[:16]
    assert result.by_iri()[URIRef(step("handle-complaint"))].kind == "step"
    assert set(result.by_iri("failure-mode")) == {URIRef(s) for s, in examples_store.select(
        "PREFIX sb: <https://w3id.org/kgbp/ontology#> SELECT ?s WHERE { ?s sb:failureMode ?m }").rows}
    assert not result.unknown_elements and not result.unknown_relationships
    assert len(result.views) == 5


def _archi_edit(data: bytes) -> bytes:
    """What a session in Archi does to our file: renumbered property definitions, a renamed
    element, a new element and relationship, a new view."""
    root = etree.fromstring(data)
    defs = list(root.iter(A + "propertyDefinition"))
    renumber = {d.get("identifier"): f"propid-{i}" for i, d in enumerate(defs, start=1)}
    for el in root.iter():
        for attr in ("identifier", "propertyDefinitionRef"):
            if el.get(attr) in renumber:
                el.set(attr, renumber[el.get(attr)])
    elements = root.find(A + "elements")
    target = next(e for e in elements if e.findtext(A + "name") == "Answer and handle the complaint")
    for name in target.findall(A + "name"):
        name.text = "Handle the complaint (renamed in Archi)"
    extra = etree.SubElement(elements, A + "element", identifier="id-4f1c7a9e-archi")
    extra.set(XSI_TYPE, "BusinessObject")
    etree.SubElement(extra, A + "name").text = "Complaint record"
    rel = etree.SubElement(root.find(A + "relationships"), A + "relationship", identifier="id-9d2e-archi",
                           source=target.get("identifier"), target="id-4f1c7a9e-archi")
    rel.set(XSI_TYPE, "Access")
    view = etree.SubElement(root.find(f"{A}views/{A}diagrams"), A + "view", identifier="id-view-archi")
    view.set(XSI_TYPE, "Diagram")
    etree.SubElement(view, A + "name").text = "My sketch"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_file_edited_in_archi_maps_back_and_reports_what_it_added(schema: etree.XMLSchema,
                                                                     examples_store: EmbeddedStore) -> None:
    edited = _archi_edit(export_archimate(examples_store, "mobile-tv-subscription"))
    assert_valid(schema, edited)
    result = read_archimate(edited, "edited.xml")
    original = read_archimate(export_archimate(examples_store, "mobile-tv-subscription"), "kgbp.xml")
    assert set(result.by_iri()) == set(original.by_iri())
    renamed = result.by_iri()[URIRef(step("handle-complaint"))]
    assert renamed.name == "Handle the complaint (renamed in Archi)"
    assert [(e.identifier, e.type, e.name) for e in result.unknown_elements] == [
        ("id-4f1c7a9e-archi", "BusinessObject", "Complaint record")]
    assert [r.identifier for r in result.unknown_relationships] == ["id-9d2e-archi"]
    messages = [n.message for n in result.notes]
    assert messages == [
        "unknown element BusinessObject 'Complaint record' (id-4f1c7a9e-archi): not from kgbp, left out of the mapping",
        "view 'My sketch' is not from kgbp",
        f"unknown relationship Access id-9d2e-archi ({renamed.identifier} -> id-4f1c7a9e-archi): "
        "not from kgbp, left out of the mapping",
    ]
    assert all(re.fullmatch(r"edited\.xml:\d+", n.where) for n in result.notes)


def test_a_copy_made_in_archi_does_not_steal_the_iri(examples_store: EmbeddedStore) -> None:
    root = etree.fromstring(export_archimate(examples_store, "arrears-reconnect"))
    elements = root.find(A + "elements")
    original = next(e for e in elements if e.findtext(A + "name") == "Pay")
    copy = etree.fromstring(etree.tostring(original))
    copy.set("identifier", "id-copy")
    elements.append(copy)
    result = read_archimate(etree.tostring(root), "copy.xml")
    assert result.by_iri()[URIRef(f"{BP}arrears-reconnect/as-is/step/pay")].identifier == original.get("identifier")
    assert [e.identifier for e in result.unknown_elements] == ["id-copy"]
    assert "claims the same kgbp:iri" in result.notes[0].message


# -- bad and hostile XML ---------------------------------------------------------------------------

SECRET = "TOP-SECRET-7f3a"
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE model [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="id-1"><name>&lol9;</name></model>
"""


def _external_entity(secret_file: Path) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE model [ <!ENTITY xxe SYSTEM "{secret_file.as_uri()}"> ]>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="id-1"><name>&xxe;</name></model>
"""


def _hostile(tmp_path: Path) -> dict[str, bytes]:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    model = '<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="id-1"><name>x</name></model>'
    return {
        "billion-laughs.xml": BILLION_LAUGHS.encode(),
        "external-entity.xml": _external_entity(secret).encode(),
        "dtd.xml": f'<?xml version="1.0"?>\n<!DOCTYPE model SYSTEM "{(tmp_path / "x.dtd").as_uri()}">\n{model}'.encode(),
        "parameter-entity.xml": (f'<!DOCTYPE model [ <!ENTITY % p SYSTEM "{secret.as_uri()}"> %p; ]>{model}').encode(),
        "utf16-external-entity.xml": _external_entity(secret).replace('"1.0"?', '"1.0" encoding="UTF-16"?').encode("utf-16"),
    }


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml", "dtd.xml", "parameter-entity.xml",
                                  "utf16-external-entity.xml"])
def test_hostile_xml_is_refused_and_never_expanded(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_hostile(tmp_path)[name])
    started = time.monotonic()
    with pytest.raises(BadInput) as err:
        read_archimate_path(path)
    assert time.monotonic() - started < 1.0
    assert err.value.where == str(path)
    assert "DTD" in err.value.message and "nothing was expanded" in err.value.message
    assert SECRET not in str(err.value) and "lollol" not in str(err.value)


def test_the_parser_itself_neither_loads_dtds_nor_resolves_entities(tmp_path: Path) -> None:
    # beneath the DOCTYPE check: the parser settings alone keep the secret out
    from kgbp.archimate import reader as archimate_reader

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    original = archimate_reader._DTD
    archimate_reader._DTD = re.compile(rb"(?!)")  # disable the byte scan
    try:
        with pytest.raises(BadInput) as err:
            read_archimate(_external_entity(secret).encode(), "evil.xml")
    finally:
        archimate_reader._DTD = original
    assert err.value.where == "evil.xml" and SECRET not in str(err.value)


def test_a_doctype_quoted_in_documentation_is_no_false_alarm(examples_store: EmbeddedStore) -> None:
    data = export_archimate(examples_store, "arrears-reconnect").replace(
        b"<elements>", b"<documentation><![CDATA[<!DOCTYPE html> <!ENTITY x 'y'>]]></documentation>\n  <elements>", 1)
    assert read_archimate(data, "doc.xml").notes == []


@pytest.mark.parametrize(("data", "where", "message"), [
    (b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'><elements>", "broken.xml:1:", "not well-formed XML"),
    (b"<html/>", "broken.xml:1", "not an ArchiMate exchange file"),
    (b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'>\n<elements>\n<element/></elements></model>",
     "broken.xml:3", "<element> without identifier"),
    (b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'><name>&nbsp;</name></model>", "broken.xml:1:",
     "not well-formed XML"),
])
def test_malformed_xml_is_bad_input_with_its_place(data: bytes, where: str, message: str) -> None:
    with pytest.raises(BadInput) as err:
        read_archimate(data, "broken.xml")
    assert err.value.where.startswith(where)
    assert err.value.message.startswith(message)


# -- Archi CSV -----------------------------------------------------------------------------------------


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_archi_csv_has_archis_layout(examples_store: EmbeddedStore, whole: Parsed) -> None:
    files = export_archi_csv(examples_store, None, "zh")
    assert list(files) == ["elements.csv", "relations.csv", "properties.csv"]
    for data in files.values():
        assert data.endswith(b"\r\n") and b'\r\n"' in data and not data.startswith(b"\xef\xbb\xbf")
    elements, relations, properties = (_csv(files[n]) for n in ("elements.csv", "relations.csv", "properties.csv"))
    assert elements[0] == ["ID", "Type", "Name", "Documentation", "Specialization"]
    assert relations[0] == ["ID", "Type", "Name", "Documentation", "Source", "Target", "Specialization"]
    assert properties[0] == ["ID", "Key", "Value"]
    assert all(len(r) == 5 for r in elements) and all(len(r) == 7 for r in relations) and all(len(r) == 3 for r in properties)
    assert elements[1][1:3] == ["ArchimateModel", "kgbp 服务蓝图"]
    ids = {r[0] for r in elements[1:]} | {r[0] for r in relations[1:]}
    assert all(re.fullmatch(r"[a-zA-Z0-9._-]+", i) for i in ids)
    # the same concepts, identifiers and types as the exchange file
    xml_elements = {e.get("identifier"): e.get(XSI_TYPE) for e in whole.root.iter(A + "element")}
    assert {r[0]: r[1] for r in elements[2:]} == xml_elements
    xml_rels = {r.get("identifier"): (r.get(XSI_TYPE) + "Relationship", r.get("source"), r.get("target"))
                for r in whole.root.iter(A + "relationship")}
    assert {r[0]: (r[1], r[4], r[5]) for r in relations[1:]} == xml_rels
    assert {r[0] for r in properties[1:]} <= ids
    handle = whole.element(step("handle-complaint")).get("identifier")
    assert next(r for r in elements if r[0] == handle)[2] == "接听处理客户投诉"
    props = {(r[0], r[1]): r[2] for r in properties}
    assert props[(handle, "kgbp:name@en")] == "Answer and handle the complaint"
    assert props[(handle, "kgbp:iri")] == step("handle-complaint")
    sms = whole.element(step("send-confirmation-sms")).get("identifier")
    assert props[(sms, "kgbp:failure-mode")] == "待确认短信未下发或下发延迟"
    assert props[(sms, "kgbp:failure-mode@en")] == "The pending-confirmation SMS is not sent or is late"
    access = next(r[0] for r in relations if r[1] == "AccessRelationship")
    assert props[(access, "Access_Type")] == "Read"


def test_archi_csv_round_trips_to_the_same_iris(examples_store: EmbeddedStore, whole_xml: bytes, tmp_path: Path) -> None:
    files = export_archi_csv(examples_store)
    zipped = to_zip(files)
    assert zipped == to_zip(files)  # stable bytes (the ids are already pinned by the XML tests)
    from_zip = read_archi_csv_zip(zipped, "kgbp.zip")
    assert from_zip.notes == []
    assert set(from_zip.by_iri()) == _our_iris(examples_store)
    written = write_archi_csv(files, tmp_path / "archi")
    assert [p.name for p in written] == ["elements.csv", "relations.csv", "properties.csv"]
    from_folder = read_archimate_path(tmp_path / "archi")
    assert {e.identifier: e.iri for e in from_folder.elements} == {e.identifier: e.iri for e in from_zip.elements}
    xml = read_archimate(whole_xml, "kgbp.xml")
    assert {e.identifier: e.iri for e in xml.elements} == {e.identifier: e.iri for e in from_zip.elements}


def test_archi_csv_edited_rows_are_reported(examples_store: EmbeddedStore) -> None:
    files = export_archi_csv(examples_store, "restaurant-checkout")
    files["elements.csv"] += b'"id-new-1","BusinessObject","Menu","",""\r\n'
    result = read_archi_csv(files, "edited.zip")
    assert [(e.identifier, e.type, e.name) for e in result.unknown_elements] == [("id-new-1", "BusinessObject", "Menu")]
    assert result.notes[0].where.startswith("edited.zip!elements.csv:")
    with pytest.raises(BadInput) as err:
        read_archi_csv({"elements.csv": b'"Name","Type"\r\n'}, "odd.zip")
    assert err.value.where == "odd.zip!elements.csv:1"


# -- CLI and HTTP ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archimate") / "store"
    store = EmbeddedStore(path)
    try:
        load_files(store, examples())
    finally:
        store.close()
    return path


def test_cli_exports_archimate_and_archi_csv(store_path: Path, tmp_path: Path, schema: etree.XMLSchema) -> None:
    runner = CliRunner()
    out = tmp_path / "tv.xml"
    result = runner.invoke(cli_app, ["export", "--format", "archimate", "--service", "mobile-tv-subscription",
                                     "--lang", "zh", "-o", str(out), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert_valid(schema, out.read_bytes())
    assert sorted(_views(parse(out.read_bytes()))) == [TV, TV_TO_BE]
    result = runner.invoke(cli_app, ["export", "--format", "archi-csv", "-o", str(tmp_path / "csv.zip"),
                                     "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(tmp_path / "csv.zip").namelist() == ["elements.csv", "relations.csv", "properties.csv"]
    result = runner.invoke(cli_app, ["export", "--format", "archi-csv", "-o", str(tmp_path / "folder"),
                                     "--store", str(store_path)])
    assert result.exit_code == 0 and sorted(p.name for p in (tmp_path / "folder").iterdir()) == [
        "elements.csv", "properties.csv", "relations.csv"]
    result = runner.invoke(cli_app, ["export", "--format", "archimate", "--service", "nope", "--store", str(store_path)])
    assert result.exit_code == 2 and "no service 'nope'" in result.output
    result = runner.invoke(cli_app, ["export", "--store", str(store_path)])
    assert result.exit_code == 2 and "exports one blueprint: name it" in result.output


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning",
                                           http=HttpProtocol))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_http_exports(store_path: Path, schema: etree.XMLSchema) -> None:
    with serving(Settings(store=str(store_path))) as base:
        r = httpx.get(f"{base}/export/archimate.xml", params={"service": "restaurant-checkout", "lang": "zh"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
        assert r.headers["content-disposition"] == (
            "attachment; filename=\"restaurant-checkout.archimate.xml\"; filename*=UTF-8''restaurant-checkout.archimate.xml")
        assert_valid(schema, r.content)
        parsed = parse(r.content)
        assert sorted(_views(parsed)) == [f"{BP}restaurant-checkout/as-is"]
        assert parsed.names(parsed.element(f"{BP}restaurant-checkout"))[0] == ("zh", "餐厅结账离店")
        whole = httpx.get(f"{base}/export/archimate.xml")
        assert whole.status_code == 200 and len(_views(parse(whole.content))) == 5
        z = httpx.get(f"{base}/export/archi-csv.zip", params={"service": "arrears-reconnect"})
        assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
        result = read_archi_csv_zip(z.content, "download.zip")
        assert URIRef(iris.blueprint_iri("arrears-reconnect", "as-is")) in result.by_iri()
        missing = httpx.get(f"{base}/export/archimate.xml", params={"service": "nope"})
        assert missing.status_code == 404
        assert missing.json()["error"] == "not-found" and missing.json()["where"] == "nope"
