"""The validator and its reports: the shipped examples conform, batches give the same
findings as one blueprint at a time, slices see their parent, reports render."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rich.console import Console

from kgbp.cli.terminal import print_report
from kgbp.config import Settings
from kgbp.ingest import SharedIndex, read_bytes, read_path
from kgbp.model.derive import derive
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import ValidationReport, Validator, report_graph, rules
from kgbp.validation.service import validate_read, validate_repository, validate_stored

from ..conftest import DATA, ROOT

SHAPES = DATA / "shapes"
BP = "https://w3id.org/kgbp/id/service/shape-test/as-is"
sys.path.insert(0, str(ROOT / "bench"))
from generate import documents  # noqa: E402


def authored(name: str):  # type: ignore[no-untyped-def]
    bp = read_path(SHAPES / name)[0]
    derive(bp.graph, repository._channel_kinds())
    return bp


def findings(report: ValidationReport) -> set[tuple[str, str, str, str]]:
    return {(str(r.blueprint), str(r.focus), r.rule, r.value) for r in report.results}


def test_the_shipped_examples_conform_without_a_warning(examples_store: EmbeddedStore) -> None:
    iris = [b.iri for b in repository.list_blueprints(examples_store)]
    assert len(iris) == 5
    report = validate_stored(examples_store, iris, Validator())
    assert [(r.blueprint_id, r.rule, str(r.focus)) for r in report.results] == []
    assert report.conforms and sorted(report.checked) == sorted(iris)


def test_generated_benchmark_blueprints_conform(empty_store: EmbeddedStore) -> None:
    index = SharedIndex()
    blueprints = []
    for name, text in documents(15):
        bp = read_bytes(text.encode(), name, index)[0]
        index.merge(SharedIndex.from_graph(bp.shared))
        blueprints.append(bp)
    result = repository.save(empty_store, blueprints, validator=Validator())
    assert result.report.results == []
    assert sum(1 for line in (ROOT / "bench" / "generate.py").read_text().splitlines() if "refines" in line) >= 1
    assert any(bp.graph.value(bp.iri, repository.SB.refinesStep) for bp in blueprints)  # slices are among them


def test_a_batch_finds_what_one_at_a_time_finds(empty_store: EmbeddedStore) -> None:
    """validate_union (the repository path) == validate (the write path), drafts included."""
    names = ["BackstageReachesFrontstage.fail.yaml", "FrontstageConnected.fail.yaml", "StepLane.fail.ttl",
             "EvidenceVisible.fail.yaml", "TouchpointUsed.fail.yaml", "StandardShare.fail.ttl"]
    one_by_one = set()
    for i, name in enumerate(names):
        text = (SHAPES / name).read_text("utf-8").replace("shape-test", f"shape-test-{i}")
        bp = read_bytes(text.encode(), name.replace(".fail", f"-{i}.fail"), SharedIndex.from_store(empty_store))[0]
        result = repository.save(empty_store, [bp], validator=Validator(), draft=True)
        assert result.saved[0].draft
        one_by_one |= findings(Validator().validate(bp, empty_store))
    stored = [b.iri for b in repository.list_blueprints(empty_store)]
    batch = validate_stored(empty_store, stored, Validator(), batch=4)
    assert findings(batch) == one_by_one
    assert len(one_by_one) == 7
    assert batch.drafts == set(stored) and batch.conforms  # every one a draft: nothing blocks


def test_a_graph_just_read_finds_what_the_store_path_finds(empty_store: EmbeddedStore) -> None:
    """validate_read (the blueprint page, on the graph it read) == validate_stored, for drafts
    with findings of every kind and for the examples (slices refining steps of other blueprints)."""
    names = ["BackstageReachesFrontstage.fail.yaml", "FrontstageConnected.fail.yaml", "StepLane.fail.ttl",
             "EvidenceVisible.fail.yaml", "TouchpointUsed.fail.yaml", "StandardShare.fail.ttl"]
    for i, name in enumerate(names):
        text = (SHAPES / name).read_text("utf-8").replace("shape-test", f"shape-test-{i}")
        bp = read_bytes(text.encode(), name.replace(".fail", f"-{i}.fail"), SharedIndex.from_store(empty_store))[0]
        repository.save(empty_store, [bp], validator=Validator(), draft=True)
    from ..conftest import load_files

    load_files(empty_store, examples())
    seen = 0
    for iri in [b.iri for b in repository.list_blueprints(empty_store)]:
        stored = validate_stored(empty_store, [iri], Validator(lang="zh"))
        read = validate_read(empty_store, iri, empty_store.graph(iri), Validator(lang="zh"))
        assert findings(read) == findings(stored) and read.drafts == stored.drafts, iri
        assert [r.message for r in read.results] == [r.message for r in stored.results]
        seen += len(stored.results)
    assert seen >= 7


def test_a_slice_sees_its_parent_in_the_store_or_in_the_batch(empty_store: EmbeddedStore) -> None:
    repository.save(empty_store, [authored("base.yaml")], validator=Validator())
    assert Validator().validate(authored("SliceRefinesExistingStep.pass.yaml"), empty_store).results == []
    failing = Validator().validate(authored("SliceRefinesExistingStep.fail.yaml"), empty_store)
    assert [(r.rule, r.value) for r in failing.results] == [("SliceRefinesExistingStep", f"{BP}/step/no-such-step")]
    # a parent replaced in the same batch wins over the stored one: here it loses the step `call`
    parent = authored("base.yaml")
    parent.graph.remove((URIRef(f"{BP}/step/call"), None, None))
    batch = Validator().validate(authored("SliceRefinesExistingStep.pass.yaml"), empty_store,
                                 pending=[parent, authored("SliceRefinesExistingStep.pass.yaml")])
    assert [r.rule for r in batch.results] == ["SliceRefinesExistingStep"]


def test_departments_declared_elsewhere_come_from_the_repository(empty_store: EmbeddedStore) -> None:
    repository.save(empty_store, [authored("base.yaml")], validator=Validator())
    text = (SHAPES / "base.yaml").read_text("utf-8").replace("shape-test", "other-service")
    text = text.replace("departments:\n  - {id: front-office, label: {en: Front office, zh: 前台部}}\n", "")
    bp = read_bytes(text.encode(), "other.yaml", SharedIndex.from_store(empty_store))[0]
    assert not list(bp.shared.subjects(RDF.type, repository.SB.Department))
    derive(bp.graph, repository._channel_kinds())
    assert Validator().validate(bp, empty_store).results == []
    assert [r.rule for r in Validator().validate(bp, None).results] == ["StepOneDepartment"] * 3


def test_validation_leaves_the_blueprint_graph_as_it_was() -> None:
    bp = authored("SliceRefinesExistingStep.pass.yaml")
    before = set(bp.graph)
    Validator().validate(bp, None, [authored("base.yaml"), bp])
    assert set(bp.graph) == before


def test_the_json_shape() -> None:
    report = Validator(lang="zh").validate(authored("two-violations.yaml"))
    body = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert list(body) == ["conforms", "lang", "violations", "warnings", "blueprints", "results"]
    assert (body["conforms"], body["lang"], body["violations"], body["warnings"]) == (False, "zh", 2, 0)
    assert body["blueprints"] == [{"blueprint": BP, "id": "shape-test/as-is", "draft": False, "conforms": False,
                                   "violations": 2, "warnings": 0}]
    first = body["results"][0]
    assert list(first) == ["blueprint", "blueprint_id", "draft", "focus", "focus_label", "rule", "rule_title",
                           "severity", "message", "hint", "path", "value", "value_label", "department",
                           "department_label"]
    assert first == {
        "blueprint": BP, "blueprint_id": "shape-test/as-is", "draft": False,
        "focus": f"{BP}/step/audit", "focus_label": "通话审计",
        "rule": "BackstageReachesFrontstage", "rule_title": "后台工作须支撑到前台", "severity": "Violation",
        "message": "该后台步骤没有直接或经由其他后台步骤支撑任何前台步骤：属于无效工作。",
        "hint": "从该步骤（或它所支撑的后台步骤）向其所服务的前台步骤添加支撑箭头，或删除该步骤。",
        "path": "<https://w3id.org/kgbp/ontology#underlies>/<https://w3id.org/kgbp/ontology#inLane>",
        "value": "", "value_label": "",
        "department": "https://w3id.org/kgbp/id/department/front-office", "department_label": "前台部",
    }
    assert body["results"][1]["rule"] == "FailPointDepartment" and body["results"][1]["department"] == ""


def test_values_are_named() -> None:
    result = Validator(lang="zh").validate(authored("EvidenceVisible.fail.yaml")).results[0]
    assert (result.value, result.value_label) == ("https://w3id.org/kgbp/ontology#BackstageLane", "后台支撑")


def test_the_turtle_report_is_a_shacl_validation_report() -> None:
    report = Validator().validate(authored("two-violations.yaml"))
    graph = Graph().parse(data=report_graph(report).serialize(format="turtle"), format="turtle")
    root = graph.value(None, RDF.type, SH.ValidationReport)
    assert root is not None and not graph.value(root, SH.conforms).toPython()
    shapes = {str(graph.value(r, SH.sourceShape)) for r in graph.objects(root, SH.result)}
    assert shapes == {"https://w3id.org/kgbp/shapes#BackstageReachesFrontstage", "https://w3id.org/kgbp/shapes#FailPointDepartment"}
    assert {graph.value(r, SH.resultSeverity) for r in graph.objects(root, SH.result)} == {SH.Violation}


def test_terminal_report_groups_by_blueprint_then_rule() -> None:
    report = Validator().validate(authored("LabelBothLanguages.fail.yaml"))
    console = Console(record=True, width=200)
    print_report(console, report, "en")
    lines = console.export_text().splitlines()
    assert lines[0] == "shape-test/as-is"
    assert lines[1].split() == ["warning", "Labels", "in", "both", "Chinese", "and", "English", "[LabelBothLanguages]"]
    assert [ln.strip().split("  ")[0] for ln in lines if ln.strip().startswith("- ")] == ["- Answer the call", "- 热线"]
    assert lines[-1] == "1 blueprint(s) checked: 0 violation(s), 2 warning(s) (conforms to every rule)"


def test_rules_are_listed_violations_first() -> None:
    listed = rules()
    severities = [r.severity for r in listed]
    assert severities == sorted(severities, key=lambda s: s != "Violation")
    assert len({r.id for r in listed}) == len(listed) == 38


@pytest.mark.slow
def test_the_repository_on_two_processes_gives_what_one_gives(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    index = SharedIndex()
    blueprints = []
    for name, text in documents(60):
        bp = read_bytes(text.encode(), name, index)[0]
        index.merge(SharedIndex.from_graph(bp.shared))
        blueprints.append(bp)
    repository.save(store, blueprints)
    draft = authored("two-violations.yaml")
    repository.save(store, [draft], draft=True)
    store.close()
    settings = Settings(store=str(folder))
    one = validate_repository(settings, workers=1, batch=10)
    two = validate_repository(settings, workers=2, batch=10)
    assert findings(one) == findings(two) == {(BP, f"{BP}/step/audit", "BackstageReachesFrontstage", ""),
                                              (BP, f"{BP}/step/look-up", "FailPointDepartment", "")}
    assert len(one.checked) == len(two.checked) == 61 and one.conforms and two.conforms
