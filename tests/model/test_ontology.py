"""The ontology file ontology/kgbp.ttl: labels, SKOS notations, OWL 2 RL, and a HermiT run.

The reasoner tests need Java on PATH (owlready2 runs HermiT in a JVM). They fail,
not skip, when it is missing: the Makefile installs it.
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ..conftest import ROOT

ONTOLOGY = ROOT / "ontology" / "kgbp.ttl"
ALIGN = ROOT / "ontology" / "sb-align.ttl"

SB = Namespace("https://w3id.org/kgbp/ontology#")
# a plain Namespace: pytest probes module globals, and rdflib's closed XSD namespace warns on that
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
VANN = Namespace("http://purl.org/vocab/vann/")
QB = Namespace("http://purl.org/linked-data/cube#")
EX = Namespace("http://example.org/kgbp-test#")
ONTOLOGY_IRI = URIRef("https://w3id.org/kgbp/ontology")

Triple = tuple[Node, Node, Node]

TERM_TYPES = {
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    SKOS.Concept, SKOS.ConceptScheme, QB.DataSet, QB.DataStructureDefinition,
}
LABEL_PREDICATES = (RDFS.label, SKOS.prefLabel, SKOS.definition)

# The concept ids the authoring format (YAML) uses, scheme by scheme. Code depends on them.
EXPECTED_NOTATIONS: dict[URIRef, dict[URIRef, str]] = {
    SB.LaneScheme: {
        SB.PhysicalEvidenceLane: "evidence", SB.CustomerLane: "customer",
        SB.FrontstageLane: "frontstage", SB.BackstageLane: "backstage", SB.SupportLane: "support",
    },
    SB.LineScheme: {
        SB.LineOfInteraction: "interaction", SB.LineOfVisibility: "visibility",
        SB.LineOfInternalInteraction: "internal-interaction",
    },
    SB.ChannelKindScheme: {SB.Remote: "remote", SB.Phone: "phone", SB.FaceToFace: "face-to-face"},
    SB.ChannelScheme: {
        SB.WebHall: "web-hall", SB.AppHall: "app-hall", SB.SelfServiceKiosk: "kiosk", SB.SMS: "sms",
        SB.SocialMedia: "social-media", SB.Hotline: "hotline", SB.IVR: "ivr", SB.StoreStaff: "store",
        SB.OnSiteService: "on-site",
    },
    SB.MarketingPScheme: {
        SB.ProductP: "product", SB.PriceP: "price", SB.PlaceP: "place", SB.PromotionP: "promotion",
        SB.PeopleP: "people", SB.PhysicalEvidenceP: "physical-evidence", SB.ProcessP: "process",
    },
    SB.CustomerTierScheme: {
        SB.DiamondTier: "diamond", SB.GoldTier: "gold", SB.SilverTier: "silver",
        SB.OrdinaryTier: "ordinary",
    },
    SB.MarkerScheme: {SB.FailMarker: "F", SB.WaitMarker: "W"},
    SB.PerformerKindScheme: {SB.HumanPerformer: "human", SB.SystemPerformer: "system"},
    SB.StatusScheme: {SB.AsIs: "as-is", SB.ToBe: "to-be", SB.Draft: "draft", SB.Retired: "retired"},
    SB.ActionStatusScheme: {SB.ActionProposed: "proposed", SB.ActionAgreed: "agreed",
                            SB.ActionInProgress: "in-progress", SB.ActionDone: "done", SB.ActionDropped: "dropped"},
    SB.MetricScheme: {
        SB.AnswerTime: "answer-time", SB.Availability: "availability",
        SB.EffectiveTime: "effective-time", SB.ReplyTime: "reply-time",
        SB.FirstResponseTime: "first-response-time", SB.WaitTime: "wait-time",
    },
}

EXPECTED_CHANNEL_KINDS = {
    SB.WebHall: SB.Remote, SB.AppHall: SB.Remote, SB.SelfServiceKiosk: SB.Remote, SB.SMS: SB.Remote,
    SB.SocialMedia: SB.Remote, SB.Hotline: SB.Phone, SB.IVR: SB.Phone,
    SB.StoreStaff: SB.FaceToFace, SB.OnSiteService: SB.FaceToFace,
}

# Terms the code uses by name.
EXPECTED_CLASSES = {
    "Service", "Blueprint", "Step", "CustomerAction", "FrontstageStep", "BackstageStep",
    "SupportStep", "FailPoint", "WaitPoint", "HumanStep", "SystemStep", "Touchpoint",
    "PhysicalEvidence", "Department", "System", "ServiceStandard", "Lane", "Line", "Channel",
    "ChannelKind", "MarketingP", "CustomerTier", "Marker", "PerformerKind", "BlueprintStatus",
    "Metric",
}
EXPECTED_OBJECT_PROPERTIES = {
    "blueprintOf", "inBlueprint", "refinesStep", "versionStatus", "inLane", "performerKind",
    "responsibleDepartment", "usesSystem", "supports", "underlies", "hasMarker", "atTouchpoint",
    "boundedBy", "channel", "channelKind", "expressesP", "evidenceOf", "partOf", "appliesTo",
    "metric", "customerTier", "threshold", "above", "below",
}
EXPECTED_DATATYPE_PROPERTIES = {
    "position", "level", "failureMode", "customerConsequence", "targetShare", "laneOrder",
}

# Datatypes of the OWL 2 RL profile (OWL 2 Profiles, section 4.2: the OWL 2 datatype map
# without owl:real and owl:rational). rdf:langString is RDF 1.1 and not among them.
RL_DATATYPES = {
    RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal,
    XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.nonPositiveInteger,
    XSD.positiveInteger, XSD.negativeInteger, XSD.long, XSD.int, XSD.short, XSD.byte,
    XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
    XSD.double, XSD.float, XSD.string, XSD.normalizedString, XSD.token, XSD.language,
    XSD.Name, XSD.NCName, XSD.NMTOKEN, XSD.boolean, XSD.hexBinary, XSD.base64Binary,
    XSD.anyURI, XSD.dateTime, XSD.dateTimeStamp,
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _sb(node: Node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(SB))


def _concept_classes(g: Graph) -> set[Node]:
    return {c for c in g.subjects(RDFS.subClassOf, SKOS.Concept) if _sb(c)}


def _concepts(g: Graph) -> set[Node]:
    return {c for c in g.subjects(RDF.type, SKOS.Concept) if _sb(c)}


def _terms(g: Graph) -> set[Node]:
    return {s for s in g.subjects() if _sb(s) and set(g.objects(s, RDF.type)) & TERM_TYPES}


def _fmt(problems: Iterable[str]) -> str:
    return "\n".join(sorted(problems))


# ---------------------------------------------------------------------------
# Header, declarations, labels
# ---------------------------------------------------------------------------

def test_header(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/kgbp/ontology/0.1.0")
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for p in (DCTERMS.title, DCTERMS.description):
        langs = sorted(o.language or "" for o in onto.objects(ONTOLOGY_IRI, p) if isinstance(o, Literal))
        assert langs == ["en", "zh"], p
    assert isinstance(onto.value(ONTOLOGY_IRI, DCTERMS.license), URIRef)
    assert onto.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("sb")
    assert onto.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(str(SB))


def test_every_sb_iri_used_is_a_declared_term(onto: Graph) -> None:
    """Catches typos: any sb: IRI anywhere in the file is a typed class, property, concept or scheme."""
    used = {n for t in onto for n in t if _sb(n)}
    assert _fmt(str(n) for n in used - _terms(onto)) == ""


def test_names_the_code_uses_exist(onto: Graph) -> None:
    def names(kind: URIRef) -> set[str]:
        return {str(s)[len(str(SB)):] for s in onto.subjects(RDF.type, kind) if _sb(s)}
    assert names(OWL.Class) >= EXPECTED_CLASSES
    assert names(OWL.ObjectProperty) >= EXPECTED_OBJECT_PROPERTIES
    assert names(OWL.DatatypeProperty) >= EXPECTED_DATATYPE_PROPERTIES
    assert (SB.underlies, RDF.type, OWL.TransitiveProperty) in onto
    assert (SB.partOf, RDF.type, OWL.TransitiveProperty) in onto
    assert (SB.supports, RDFS.subPropertyOf, SB.underlies) in onto
    for p in (SB.versionStatus, SB.inLane, SB.performerKind):
        assert (p, RDF.type, OWL.FunctionalProperty) in onto, p


def test_every_term_has_one_label_preflabel_and_definition_per_language(onto: Graph) -> None:
    problems = []
    terms = _terms(onto)
    assert len(terms) > 100  # the whole vocabulary, not an empty parse
    for term in terms:
        for p in LABEL_PREDICATES:
            values = list(onto.objects(term, p))
            langs = Counter(v.language for v in values if isinstance(v, Literal))
            if langs != Counter({"en": 1, "zh": 1}) or len(values) != 2:
                problems.append(f"{term} {onto.qname(p)}: {dict(langs)} ({len(values)} values)")
            for v in values:
                if isinstance(v, Literal) and not str(v).strip():
                    problems.append(f"{term} {onto.qname(p)}: empty @{v.language}")
    assert _fmt(problems) == ""


def test_label_and_preflabel_agree(onto: Graph) -> None:
    problems = [
        f"{term}: rdfs:label {set(onto.objects(term, RDFS.label))} != skos:prefLabel "
        f"{set(onto.objects(term, SKOS.prefLabel))}"
        for term in _terms(onto)
        if set(onto.objects(term, RDFS.label)) != set(onto.objects(term, SKOS.prefLabel))
    ]
    assert _fmt(problems) == ""


def test_chinese_labels_are_chinese(onto: Graph) -> None:
    problems = []
    for term in _terms(onto):
        for p in LABEL_PREDICATES:
            for v in onto.objects(term, p):
                is_zh = isinstance(v, Literal) and v.language == "zh"
                if is_zh and not any("\u4e00" <= ch <= "\u9fff" for ch in str(v)):
                    problems.append(f"{term} {onto.qname(p)}@zh has no Han character: {v}")
    assert _fmt(problems) == ""


# ---------------------------------------------------------------------------
# SKOS concepts and schemes
# ---------------------------------------------------------------------------

def test_concepts_are_typed_and_in_exactly_one_scheme(onto: Graph) -> None:
    problems = []
    concept_classes = _concept_classes(onto)
    scheme_class: dict[Node, set[Node]] = defaultdict(set)
    for c in _concepts(onto):
        classes = set(onto.objects(c, RDF.type)) & concept_classes
        if len(classes) != 1:
            problems.append(f"{c}: typed with {len(classes)} sb: concept classes")
        schemes = set(onto.objects(c, SKOS.inScheme))
        tops = set(onto.objects(c, SKOS.topConceptOf))
        if len(schemes) != 1 or schemes != tops:
            problems.append(f"{c}: inScheme {schemes}, topConceptOf {tops}")
        for s in schemes:
            if (s, RDF.type, SKOS.ConceptScheme) not in onto:
                problems.append(f"{c}: scheme {s} is not a skos:ConceptScheme")
            scheme_class[s] |= classes
    for s, classes in scheme_class.items():
        if len(classes) != 1:
            problems.append(f"scheme {s} mixes concept classes {classes}")
    # every individual of a concept class is also a skos:Concept (owlready2 needs individuals)
    for cls in concept_classes:
        for c in onto.subjects(RDF.type, cls):
            if (c, RDF.type, SKOS.Concept) not in onto:
                problems.append(f"{c}: typed {cls} but not skos:Concept")
    assert _fmt(problems) == ""


def test_every_concept_has_one_notation_unique_in_its_scheme(onto: Graph) -> None:
    problems = []
    by_scheme: dict[Node, Counter[str]] = defaultdict(Counter)
    for c in _concepts(onto):
        notations = list(onto.objects(c, SKOS.notation))
        if len(notations) != 1:
            problems.append(f"{c}: {len(notations)} skos:notation")
            continue
        n = notations[0]
        if not isinstance(n, Literal) or n.language is not None or n.datatype not in (None, XSD.string):
            problems.append(f"{c}: notation {n!r} is not a plain string")
        for s in onto.objects(c, SKOS.inScheme):
            by_scheme[s][str(n)] += 1
    for s, counts in by_scheme.items():
        problems += [f"{s}: notation {n!r} used {k} times" for n, k in counts.items() if k > 1]
    assert _fmt(problems) == ""


def test_notations_are_the_authoring_ids(onto: Graph) -> None:
    actual: dict[Node | None, dict[Node, str]] = defaultdict(dict)
    for c in _concepts(onto):
        actual[onto.value(c, SKOS.inScheme)][c] = str(onto.value(c, SKOS.notation))
    assert dict(actual) == EXPECTED_NOTATIONS


def test_names_unambiguous_within_a_scheme(onto: Graph) -> None:
    """Authors refer to a concept by notation or by any label in any language (kgbp.vocabulary
    matches them case-insensitively); within a scheme each such key must name one concept."""
    seen: dict[tuple[Node | None, str], set[Node]] = defaultdict(set)
    for c in _concepts(onto):
        scheme = onto.value(c, SKOS.inScheme)
        for p in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel):
            for name in onto.objects(c, p):
                seen[(scheme, str(name).strip().casefold())].add(c)
    assert _fmt(f"{k}: {sorted(map(str, v))}" for k, v in seen.items() if len(v) > 1) == ""


def test_lane_order_and_lines(onto: Graph) -> None:
    order: dict[Node, int] = {}
    for lane in EXPECTED_NOTATIONS[SB.LaneScheme]:
        value = onto.value(lane, SB.laneOrder)
        assert isinstance(value, Literal) and value.datatype == XSD.integer, lane
        order[lane] = value.toPython()
    assert [str(lane)[len(str(SB)):] for lane in sorted(order, key=order.__getitem__)] == [
        "PhysicalEvidenceLane", "CustomerLane", "FrontstageLane", "BackstageLane", "SupportLane",
    ]
    assert sorted(order.values()) == [1, 2, 3, 4, 5]
    expected = {
        SB.LineOfInteraction: (SB.CustomerLane, SB.FrontstageLane),
        SB.LineOfVisibility: (SB.FrontstageLane, SB.BackstageLane),
        SB.LineOfInternalInteraction: (SB.BackstageLane, SB.SupportLane),
    }
    for line, (above, below) in expected.items():
        assert list(onto.objects(line, SB.above)) == [above], line
        assert list(onto.objects(line, SB.below)) == [below], line


def test_channels_have_their_kind(onto: Graph) -> None:
    actual = {c: list(onto.objects(c, SB.channelKind)) for c in EXPECTED_NOTATIONS[SB.ChannelScheme]}
    assert actual == {c: [k] for c, k in EXPECTED_CHANNEL_KINDS.items()}


def test_alignments_live_in_their_own_file(onto: Graph) -> None:
    assert not list(onto.triples((None, SKOS.closeMatch, None)))
    assert not list(onto.triples((None, SKOS.exactMatch, None)))
    align = Graph().parse(ALIGN, format="turtle")
    terms = _terms(onto)
    problems = []
    for s, p, o in align:
        for n in (s, o):
            if _sb(n) and n not in terms:
                problems.append(f"sb-align.ttl refers to undeclared {n}")
        if _sb(s) and p != SKOS.closeMatch:
            problems.append(f"sb-align.ttl states {p} on {s}: only skos:closeMatch belongs there")
    assert _fmt(problems) == ""
    lss = Namespace("http://genssiz.dei.uc.pt/lss-usdl#")
    assert (SB.CustomerLane, SKOS.closeMatch, lss.CustomerInteraction) in align


# ---------------------------------------------------------------------------
# OWL 2 RL, checked syntactically (the parts we can check cheaply)
# ---------------------------------------------------------------------------

def _list(g: Graph, head: Node) -> list[Node]:
    return list(Collection(g, head))


def _is_named(node: Node) -> bool:
    return isinstance(node, URIRef) and node != OWL.Thing


def _max_card_ok(g: Graph, node: Node) -> bool:
    for p in (OWL.maxCardinality, OWL.maxQualifiedCardinality):
        value = g.value(node, p)
        if value is not None:
            return isinstance(value, Literal) and value.toPython() in (0, 1)
    return False


def _is_sub(g: Graph, node: Node) -> bool:
    """subClassExpression of OWL 2 RL (unionOf left out: we never use it)."""
    if _is_named(node):
        return True
    if not isinstance(node, BNode):
        return False
    if (members := g.value(node, OWL.intersectionOf)) is not None:
        return all(_is_sub(g, m) for m in _list(g, members))
    if g.value(node, OWL.oneOf) is not None or g.value(node, OWL.hasValue) is not None:
        return True
    if (filler := g.value(node, OWL.someValuesFrom)) is not None:
        return filler == OWL.Thing or filler in RL_DATATYPES or _is_sub(g, filler)
    return False


def _is_super(g: Graph, node: Node) -> bool:
    """superClassExpression of OWL 2 RL."""
    if _is_named(node):
        return True
    if not isinstance(node, BNode):
        return False
    if (members := g.value(node, OWL.intersectionOf)) is not None:
        return all(_is_super(g, m) for m in _list(g, members))
    if (negated := g.value(node, OWL.complementOf)) is not None:
        return _is_sub(g, negated)
    if (filler := g.value(node, OWL.allValuesFrom)) is not None:
        return filler in RL_DATATYPES or _is_super(g, filler)
    if g.value(node, OWL.hasValue) is not None:
        return True
    if _max_card_ok(g, node):
        on_class = g.value(node, OWL.onClass)
        return on_class is None or on_class == OWL.Thing or _is_sub(g, on_class)
    return False


def _is_equiv(g: Graph, node: Node) -> bool:
    """equivClassExpression of OWL 2 RL."""
    if _is_named(node):
        return True
    if not isinstance(node, BNode):
        return False
    if (members := g.value(node, OWL.intersectionOf)) is not None:
        return all(_is_equiv(g, m) for m in _list(g, members))
    return g.value(node, OWL.hasValue) is not None


def rl_violations(g: Graph) -> list[str]:
    problems = []
    forbidden_predicates = {
        OWL.unionOf: "owl:unionOf (kept out everywhere)",
        OWL.disjointUnionOf: "owl:disjointUnionOf",
        OWL.hasSelf: "owl:hasSelf",
        OWL.imports: "owl:imports (the file must stand alone)",
        OWL.minCardinality: "owl:minCardinality",
        OWL.cardinality: "owl:cardinality",
        OWL.minQualifiedCardinality: "owl:minQualifiedCardinality",
        OWL.qualifiedCardinality: "owl:qualifiedCardinality",
    }
    for p, why in forbidden_predicates.items():
        problems += [f"{s}: {why}" for s in g.subjects(p, None)]
    problems += [f"{s}: owl:ReflexiveProperty" for s in g.subjects(RDF.type, OWL.ReflexiveProperty)]
    for s, o in g.subject_objects(RDFS.subClassOf):
        if not _is_sub(g, s):
            problems.append(f"rdfs:subClassOf: {s} is not an RL subclass expression")
        if not _is_super(g, o):
            problems.append(f"rdfs:subClassOf {s}: {o} is not an RL superclass expression "
                            "(someValuesFrom, unionOf, oneOf or min cardinality on the right?)")
    for s, o in g.subject_objects(OWL.equivalentClass):
        for n in (s, o):
            if not _is_equiv(g, n):
                problems.append(f"owl:equivalentClass {s}: {n} is not an RL equivalence expression")
    for s, o in g.subject_objects(OWL.disjointWith):
        if not (_is_sub(g, s) and _is_sub(g, o)):
            problems.append(f"owl:disjointWith {s} {o}")
    data_properties = set(g.subjects(RDF.type, OWL.DatatypeProperty))
    for p in (RDFS.domain, RDFS.range):
        for s, o in g.subject_objects(p):
            if p == RDFS.range and s in data_properties:
                if o not in RL_DATATYPES:
                    problems.append(f"{s} rdfs:range {o}: not an OWL 2 RL datatype")
            elif not _is_super(g, o):
                problems.append(f"{s} {g.qname(p)} {o}: not an RL superclass expression")
    for o in g.objects():
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in RL_DATATYPES:
            problems.append(f"literal {o!r}: datatype not in OWL 2 RL")
        if o in (OWL.real, OWL.rational, RDF.langString):
            problems.append(f"{o}: not an OWL 2 RL datatype")
    return problems


def test_stays_in_owl2_rl(onto: Graph) -> None:
    assert _fmt(rl_violations(onto)) == ""


def test_reused_terms_get_no_domain_or_range(onto: Graph) -> None:
    problems = [
        f"{s} {onto.qname(p)}: a reused property gets no domain/range here (put it in SHACL)"
        for p in (RDFS.domain, RDFS.range, RDFS.subPropertyOf)
        for s in onto.subjects(p, None)
        if not _sb(s)
    ]
    assert _fmt(problems) == ""


PREFIXES = """
@prefix sb: <https://w3id.org/kgbp/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""


@pytest.mark.parametrize("snippet", [
    "sb:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty sb:p ; owl:someValuesFrom sb:B ] .",
    "sb:A owl:equivalentClass [ a owl:Restriction ; owl:onProperty sb:p ; owl:someValuesFrom sb:B ] .",
    "sb:p rdfs:range [ owl:unionOf ( sb:A sb:B ) ] .",
    "sb:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty sb:p ; owl:minCardinality 1 ] .",
    "[ a owl:Restriction ; owl:onProperty sb:p ; owl:allValuesFrom sb:B ] rdfs:subClassOf sb:A .",
    "sb:d a owl:DatatypeProperty ; rdfs:range rdf:langString .",
    "<http://example.org/x> owl:imports <http://example.org/y> .",
])
def test_rl_checker_catches_violations(snippet: str) -> None:
    """The checker above is not vacuous."""
    assert rl_violations(Graph().parse(data=PREFIXES + snippet, format="turtle"))


# ---------------------------------------------------------------------------
# HermiT (through owlready2): consistency and the inferences the code relies on
# ---------------------------------------------------------------------------

def _require_java() -> None:
    if shutil.which("java") is None:
        pytest.fail(
            "`java` is not on PATH. The reasoner check runs HermiT (shipped with owlready2) in a "
            "Java 17+ runtime; install one (`make system-deps` does, via scripts/system-deps.sh) "
            "and run the tests again."
        )


def _load_world(onto: Graph, abox: Iterable[Triple], path: Path) -> Any:  # an owlready2.World
    """owlready2 reads RDF/XML, not Turtle: write ontology + ABox as RDF/XML and load it."""
    from owlready2 import World

    g = Graph()
    g += onto
    for t in abox:
        g.add(t)
    g.serialize(path, format="xml")
    world = World()
    world.get_ontology(path.as_uri()).load()
    return world


def _reason(world: Any) -> None:  # owlready2 has no type hints
    from owlready2 import sync_reasoner

    sync_reasoner(world, infer_property_values=True, debug=0)


def _abox() -> list[Triple]:
    t: list[Triple] = [
        # a system-performed customer step with a fail marker, at a touchpoint
        (EX.step, RDF.type, SB.Step),
        (EX.step, SB.inLane, SB.CustomerLane),
        (EX.step, SB.hasMarker, SB.FailMarker),
        (EX.step, SB.performerKind, SB.SystemPerformer),
        (EX.step, SB.atTouchpoint, EX.touchpoint),
        (EX.step, SB.failureMode, Literal("suspended while balance remains", lang="en")),
        (EX.touchpoint, RDF.type, SB.Touchpoint),
        (EX.touchpoint, SB.channel, SB.SMS),
        # systems: A part of B part of C
        (EX.A, RDF.type, SB.System), (EX.B, RDF.type, SB.System), (EX.C, RDF.type, SB.System),
        (EX.A, SB.partOf, EX.B), (EX.B, SB.partOf, EX.C),
        # support arrows: s1 supports s2 supports s3
        (EX.s1, RDF.type, SB.Step), (EX.s2, RDF.type, SB.Step), (EX.s3, RDF.type, SB.Step),
        (EX.s1, SB.supports, EX.s2), (EX.s2, SB.supports, EX.s3),
        (EX.s1, SB.inLane, SB.SupportLane), (EX.s1, SB.performerKind, SB.HumanPerformer),
    ]
    return t


def test_hermit_consistent_and_infers(onto: Graph, tmp_path: Path) -> None:
    _require_java()
    from owlready2 import OwlReadyInconsistentOntologyError

    world = _load_world(onto, _abox(), tmp_path / "kgbp-abox.owl")
    step, a, c, s1, s3 = (world[str(EX[n])] for n in ("step", "A", "C", "s1", "s3"))
    cls = {n: world[str(SB[n])] for n in (
        "FailPoint", "CustomerAction", "SystemStep", "MomentOfTruth", "SupportStep", "HumanStep",
        "FrontstageStep", "WaitPoint",
    )}
    assert all(v is not None for v in cls.values()), cls
    # nothing below is asserted: it must come from the reasoner
    assert not isinstance(step, cls["FailPoint"])
    assert c not in a.partOf
    assert s3 not in s1.underlies

    try:
        _reason(world)
    except OwlReadyInconsistentOntologyError as e:  # pragma: no cover - the failure message
        pytest.fail(f"HermiT finds the ontology with the test ABox inconsistent: {e}")

    for name in ("FailPoint", "CustomerAction", "SystemStep", "MomentOfTruth"):
        assert isinstance(step, cls[name]), f"step is not inferred a {name}: {step.is_a}"
    for name in ("FrontstageStep", "HumanStep", "WaitPoint"):
        assert not isinstance(step, cls[name]), f"step wrongly inferred a {name}"
    assert isinstance(s1, cls["SupportStep"]) and isinstance(s1, cls["HumanStep"])
    assert c in a.partOf, f"A partOf C not inferred: {a.partOf}"
    assert s3 in s1.underlies, f"s1 underlies s3 not inferred: {s1.underlies}"


def test_hermit_rejects_a_step_in_two_lanes(onto: Graph, tmp_path: Path) -> None:
    """sb:inLane is functional and the lanes are owl:AllDifferent."""
    _require_java()
    from owlready2 import OwlReadyInconsistentOntologyError

    abox = [
        (EX.bad, RDF.type, SB.Step),
        (EX.bad, SB.inLane, SB.CustomerLane),
        (EX.bad, SB.inLane, SB.FrontstageLane),
    ]
    world = _load_world(onto, abox, tmp_path / "kgbp-bad.owl")
    with pytest.raises(OwlReadyInconsistentOntologyError):
        _reason(world)
