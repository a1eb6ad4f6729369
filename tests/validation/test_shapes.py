"""Every shape: a passing and a failing example (tests/data/shapes), the exact findings of
the failing one, and the metadata a report needs (names, messages, hints in en and zh)."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SH

from kgbp.ingest import AuthoredBlueprint, read_path
from kgbp.model.derive import derive
from kgbp.repository.save import _channel_kinds
from kgbp.validation.engine import KGBPSH, ValidationReport, Validator, rules, shapes_graph

from ..conftest import DATA, ROOT

SHAPES = DATA / "shapes"
BP = "https://w3id.org/kgbp/id/service/shape-test/as-is"
SLICE = "https://w3id.org/kgbp/id/service/shape-slice/as-is"

# failing example -> the exact findings: (focus, rule, severity, value); focus and value
# are local ids of the example (step/x, touchpoint/x ...), a lane, or "" for none
FAILING: dict[str, set[tuple[str, str, str, str]]] = {
    "BackstageReachesFrontstage.fail.yaml": {("step/audit", "BackstageReachesFrontstage", "Violation", "")},
    "SupportStepSupports.fail.yaml": {("step/maintain", "SupportStepSupports", "Violation", "")},
    "SupportsUpwardFromCustomer.fail.yaml": {("step/call", "SupportsUpwardFromCustomer", "Violation", "FrontstageLane")},
    "SupportsUpwardFromFrontstage.fail.yaml": {("step/answer", "SupportsUpwardFromFrontstage", "Violation", "BackstageLane")},
    "SupportsUpwardFromBackstage.fail.yaml": {("step/look-up", "SupportsUpwardFromBackstage", "Violation", "SupportLane")},
    "SupportsSteps.fail.ttl": {("step/maintain", "SupportsSteps", "Violation", "evidence/bill")},
    "SupportsWithoutCycle.fail.ttl": {  # each step of the cycle, once per step on it
        ("step/look-up", "SupportsWithoutCycle", "Violation", "step/look-up"),
        ("step/look-up", "SupportsWithoutCycle", "Violation", "step/check"),
        ("step/check", "SupportsWithoutCycle", "Violation", "step/look-up"),
        ("step/check", "SupportsWithoutCycle", "Violation", "step/check")},
    "FrontstageConnected.fail.yaml": {("step/thank", "FrontstageConnected", "Warning", "step/thank")},
    "FailPointDepartment.fail.yaml": {("step/look-up", "FailPointDepartment", "Violation", "")},
    "FailPointFailureMode.fail.yaml": {("step/look-up", "FailPointFailureMode", "Violation", "")},
    "FailPointConsequence.fail.yaml": {("step/look-up", "FailPointConsequence", "Warning", "")},
    "WaitPointStandard.fail.yaml": {("step/call", "WaitPointStandard", "Warning", "")},
    "WaitPointStandardKnown.fail.ttl": {("step/call", "WaitPointStandardKnown", "Violation", "touchpoint/hotline")},
    "StepLane.fail.ttl": {("step/call", "StepLane", "Violation", ""), ("step/maintain", "StepLane", "Violation", "")},
    "StepLabel.fail.yaml": {("step/answer", "StepLabel", "Violation", "")},
    "StepLabel.fail.ttl": {("step/answer", "StepLabel", "Violation", "Answer the call"),
                           ("step/maintain", "StepLabel", "Violation", "")},
    "CustomerActionNoDepartment.fail.yaml": {("step/call", "CustomerActionNoDepartment", "Violation", "")},
    "SystemStepNamesSystem.fail.yaml": {("step/look-up", "SystemStepNamesSystem", "Violation", "")},
    "StepPerformer.fail.ttl": {("step/answer", "StepPerformer", "Violation", "")},
    "StepOneDepartment.fail.ttl": {("step/answer", "StepOneDepartment", "Violation", ""),
                                   ("step/maintain", "StepOneDepartment", "Violation", "department/nobody")},
    "StepSystemKnown.fail.ttl": {("step/maintain", "StepSystemKnown", "Violation", "system/ghost")},
    "TouchpointOnVisibleStep.fail.yaml": {("step/look-up", "TouchpointOnVisibleStep", "Violation", "BackstageLane")},
    "CompanyStepDepartment.fail.yaml": {("step/maintain", "CompanyStepDepartment", "Warning", "")},
    "LabelBothLanguages.fail.yaml": {("step/answer", "LabelBothLanguages", "Warning", ""),
                                     ("touchpoint/hotline", "LabelBothLanguages", "Warning", "")},
    "TouchpointChannelKind.fail.yaml": {("touchpoint/hotline", "TouchpointChannelKind", "Violation", "")},
    "TouchpointKindMatchesChannel.fail.yaml": {  # sh:equals: one finding per value in one set only
        ("touchpoint/hotline", "TouchpointKindMatchesChannel", "Violation", "Phone"),
        ("touchpoint/hotline", "TouchpointKindMatchesChannel", "Violation", "FaceToFace")},
    "StandardMetric.fail.yaml": {("standard/answer-20s", "StandardMetric", "Violation", "")},
    "StandardThreshold.fail.yaml": {("standard/answer-20s", "StandardThreshold", "Violation", "")},
    "ThresholdUnit.fail.yaml": {("standard/answer-20s", "ThresholdUnit", "Violation", "")},
    "StandardAppliesTo.fail.yaml": {("standard/answer-20s", "StandardAppliesTo", "Violation", "")},
    "StandardShare.fail.ttl": {("standard/answer-20s", "StandardShare", "Violation", "90")},
    "EvidenceAttached.fail.yaml": {("evidence/bill", "EvidenceAttached", "Violation", "")},
    "EvidenceVisible.fail.yaml": {("evidence/bill", "EvidenceVisible", "Violation", "BackstageLane")},
    "NamedThingLabel.fail.yaml": {("touchpoint/hotline", "NamedThingLabel", "Violation", "")},
    "TouchpointUsed.fail.yaml": {("touchpoint/store", "TouchpointUsed", "Warning", "")},
    "SliceRefinesExistingStep.fail.yaml": {("", "SliceRefinesExistingStep", "Violation", "../../shape-test/as-is/step/no-such-step")},
    "SliceLanesLineUp.fail.yaml": {("", "SliceLanesLineUp", "Warning", "")},
    "PositionWholeNumber.fail.ttl": {("step/call", "PositionWholeNumber", "Violation", "one"),
                                     ("evidence/bill", "PositionWholeNumber", "Violation", "0")},
    "BlueprintIdentity.fail.ttl": {("", "BlueprintIdentity", "Violation", ""), ("", "BlueprintIdentity", "Violation", "-1")},
}
# a passing example of each rule: the base blueprint, unless the rule needs something it lacks
PASSING = {rule.id: "base.yaml" for rule in rules()} | {
    path.name.split(".")[0]: path.name for path in SHAPES.glob("*.pass.*")}


def load(name: str) -> AuthoredBlueprint:
    bp = read_path(SHAPES / name)[0]
    derive(bp.graph, _channel_kinds())
    return bp


def validate(name: str, lang: str = "en") -> ValidationReport:
    bp = load(name)
    pending = [load("base.yaml"), bp] if name.startswith("Slice") else []  # slices refine base.yaml
    return Validator(lang=lang).validate(bp, None, pending)


def local(iri: str, blueprint: str) -> str:
    """A node as the table above names it: relative to the blueprint, or a concept's name."""
    if iri == blueprint:
        return ""
    if iri.startswith(blueprint + "/"):
        return iri[len(blueprint) + 1:]
    if iri.startswith("https://w3id.org/kgbp/id/service/"):
        return "../../" + iri[len("https://w3id.org/kgbp/id/service/"):]
    if iri.startswith("https://w3id.org/kgbp/id/"):
        return iri[len("https://w3id.org/kgbp/id/"):]
    return iri.rsplit("#", 1)[-1]


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failing_example(name: str) -> None:
    report = validate(name)
    blueprint = SLICE if name.startswith("Slice") else BP
    found = {(local(str(r.focus), blueprint), r.rule, r.severity, local(r.value, blueprint)) for r in report.results}
    assert found == FAILING[name]
    assert len(report.results) == len(FAILING[name])
    assert {str(r.blueprint) for r in report.results} == {blueprint}


@pytest.mark.parametrize("name", sorted(set(PASSING.values())))
def test_passing_example(name: str) -> None:
    report = validate(name)
    assert [(r.rule, str(r.focus)) for r in report.results] == []


def test_base_in_rdf_passes_like_the_yaml() -> None:
    assert validate("base.ttl").results == []


def test_every_rule_has_a_failing_and_a_passing_example() -> None:
    ids = {rule.id for rule in rules()}
    failed = {rule for expected in FAILING.values() for _, rule, _, _ in expected}
    assert ids == failed
    assert ids <= set(PASSING)
    for name in FAILING:
        assert (SHAPES / name).is_file()
    for rule, name in PASSING.items():
        assert (SHAPES / name).is_file(), rule


def test_each_failing_example_names_its_rule_first() -> None:
    """The file name says which rule it breaks, and its first line says how."""
    for name in FAILING:
        rule = name.split(".")[0]
        assert rule in {r for _, r, _, _ in FAILING[name]}
        first = (SHAPES / name).read_text("utf-8").splitlines()[0]
        assert first.startswith("# ") and rule in first


def test_messages_follow_the_language() -> None:
    zh = validate("FailPointDepartment.fail.yaml", "zh").results[0]
    en = validate("FailPointDepartment.fail.yaml", "en").results[0]
    assert (zh.rule_title, zh.message, zh.focus_label) == ("失败点须有第一责任部门", "该失败点没有指明第一责任部门。", "查询账户")
    assert (en.rule_title, en.message, en.focus_label) == (
        "Fail points have a responsible department", "This fail point names no responsible department.", "Look up the account")
    assert en.hint.startswith("Add `department:`") and zh.hint.startswith("添加 `department:`")


def test_rules_carry_what_a_report_needs() -> None:
    graph = shapes_graph()
    for rule in rules():
        assert set(rule.titles) == {"en", "zh"}, rule.id
        assert set(rule.messages) == {"en", "zh"}, rule.id
        assert set(rule.hints) == {"en", "zh"}, rule.id
        assert rule.reason, rule.id
        assert rule.severity in ("Violation", "Warning"), rule.id
        assert (rule.iri, SH.severity, None) in graph, rule.id
        assert rule.area in {"blueprint", "markers", "slices", "steps", "support", "touchpoints"}, rule.id


def test_shapes_are_core_shacl() -> None:
    """SHACL-SPARQL is ten times slower in pySHACL; the rules need none."""
    graph = shapes_graph()
    assert not list(graph.subject_objects(SH.sparql))
    assert not list(graph.subject_objects(SH.target))


def test_helper_shapes_have_a_comment_and_no_target() -> None:
    graph = shapes_graph()
    named = {r.iri for r in rules()}
    for shape in set(graph.subjects(None, None)):
        if isinstance(shape, URIRef) and str(shape).startswith(str(KGBPSH)) and shape not in named:
            if shape == KGBPSH.hint:
                continue
            assert isinstance(graph.value(shape, RDFS.comment), Literal), shape
            assert not any((shape, p, None) in graph for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetNode)), shape


def test_every_rule_is_documented() -> None:
    text = (ROOT / "docs" / "validation.md").read_text("utf-8")
    for rule in rules():
        assert f"`{rule.id}`" in text, rule.id
