"""Blueprint lifecycle: the as-is -> to-be diff, slice roll-ups, change history and restore.

Expected values are derived by hand from examples/mobile-tv-subscription*.yaml,
examples/customer-lifecycle.yaml and examples/arrears-reconnect.yaml.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kgbp.cli import app
from kgbp.config import Settings
from kgbp.errors import BadInput, NotConformant, NotFound
from kgbp.ingest import SharedIndex, read_many
from kgbp.lifecycle import diff
from kgbp.model import iris
from kgbp.model.namespaces import HISTORY_GRAPH, SB
from kgbp.repository import history
from kgbp.repository import save as repository
from kgbp.resources import data_dir, examples
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

from ..conftest import load_files

EXAMPLES = data_dir("examples")
AS_IS = iris.blueprint_iri("mobile-tv-subscription", "as-is")
TO_BE = iris.blueprint_iri("mobile-tv-subscription", "to-be")
ARREARS = iris.blueprint_iri("arrears-reconnect", "as-is")
LIFECYCLE = iris.blueprint_iri("customer-lifecycle", "as-is")
runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def example(name: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / name).read_text("utf-8"))  # type: ignore[no-any-return]


def write(tmp_path: Path, name: str, doc: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def load_parent(store: EmbeddedStore) -> None:
    """The level-0 blueprint that arrears-reconnect refines, stored without the (slow) rule check."""
    blueprints, problems = read_many([EXAMPLES / "customer-lifecycle.yaml"], SharedIndex.from_store(store))
    assert not problems
    repository.save(store, blueprints)


def steps_of(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for lane in doc["steps"].values() for s in lane}


# -- diff: the shipped mobile-TV as-is and to-be --------------------------------------------

@pytest.fixture(scope="module")
def mobile_tv(examples_store: EmbeddedStore) -> diff.BlueprintDiff:
    return diff.compare(examples_store, AS_IS, TO_BE, "en")


def test_mobile_tv_steps_by_status(mobile_tv: diff.BlueprintDiff) -> None:
    by_status = {status: [s.id for s in mobile_tv.with_status(status)] for status in diff.STATUSES}
    # in display order: lane, then position on the timeline
    assert by_status == {
        "added": ["receive-status-sms", "send-proactive-status-sms", "activate-service",
                  "reconcile-service-data", "monitor-and-retry-activation"],
        "removed": ["order-failed-notice", "send-order-failed-notice", "service-activation-failed"],
        "changed": ["call-complaint-hotline", "send-confirmation-sms", "user-authentication-encryption",
                    "data-sync-between-systems"],
        "unchanged": ["apply-to-subscribe", "reply-confirmation-sms", "problem-solved-subscribed", "use-normally",
                      "handle-complaint", "send-success-sms", "make-complaint-handling-rules",
                      "ticket-system-data-sync", "look-up-knowledge-base", "look-up-service-system",
                      "confirm-user-service-status"],
    }
    # the renamed steps changed their labels too, so nothing matches by label here
    assert all(s.matched_by == "id" for s in mobile_tv.steps if s.status in ("changed", "unchanged"))


def test_mobile_tv_what_changed(mobile_tv: diff.BlueprintDiff) -> None:
    changes = {s.id: [c.as_dict() for c in s.changes] for s in mobile_tv.with_status("changed")}
    assert changes == {
        "call-complaint-hotline": [{"field": "label", "before": "Call the complaint hotline",
                                    "after": "Call the hotline if the service still fails"}],
        "send-confirmation-sms": [{"field": "markers", "before": "F", "after": ""}],
        "user-authentication-encryption": [{"field": "supports", "before": ["service-activation-failed"],
                                            "after": ["activate-service"]}],
        "data-sync-between-systems": [{"field": "markers", "before": "F", "after": ""},
                                      {"field": "supports", "before": ["service-activation-failed"],
                                       "after": ["activate-service"]}],
    }


def test_mobile_tv_fail_and_wait_points(mobile_tv: diff.BlueprintDiff) -> None:
    assert [(m.marker, m.step_id, m.how) for m in mobile_tv.fail_points_resolved] == [
        ("F", "send-confirmation-sms", "marker removed"),
        ("F", "send-order-failed-notice", "step removed"),
        ("F", "data-sync-between-systems", "marker removed"),
        ("F", "service-activation-failed", "step removed"),
    ]
    assert mobile_tv.fail_points_resolved[1].failure_mode == "The notice gives no reason and no next step"
    assert mobile_tv.fail_points_introduced == []
    assert mobile_tv.wait_points_resolved == [] and mobile_tv.wait_points_introduced == []


def test_mobile_tv_departments_and_systems(mobile_tv: diff.BlueprintDiff) -> None:
    assert [(d.label, d.trend, d.steps_before, d.steps_after, d.fail_points_before, d.fail_points_after,
             d.gained, d.lost) for d in mobile_tv.departments] == [
        ("Business support department", "grew", 1, 2, 1, 0,
         ["activate-service", "monitor-and-retry-activation"], ["service-activation-failed"]),
        ("Data department", "grew", 4, 5, 3, 0,
         ["send-proactive-status-sms", "reconcile-service-data"], ["send-order-failed-notice"]),
    ]
    # no system is newly depended on or dropped; three carry different steps
    assert mobile_tv.systems_new == [] and mobile_tv.systems_dropped == []
    assert [(s.label, s.status, s.steps_before, s.steps_after, s.gained, s.lost) for s in mobile_tv.systems] == [
        ("Home-location BOSS", "changed", 2, 4,
         ["activate-service", "reconcile-service-data", "monitor-and-retry-activation"], ["service-activation-failed"]),
        ("MBBMS service platform", "changed", 6, 8,
         ["send-proactive-status-sms", "activate-service", "reconcile-service-data", "monitor-and-retry-activation"],
         ["send-order-failed-notice", "service-activation-failed"]),
        ("Partner service system", "changed", 3, 4, ["reconcile-service-data"], []),
    ]


def test_mobile_tv_evidence_and_diagram_statuses(mobile_tv: diff.BlueprintDiff) -> None:
    assert [(e.status, e.id) for e in mobile_tv.evidence] == [
        ("unchanged", "sms-please-confirm"), ("removed", "sms-order-failed"),
        ("added", "sms-order-in-progress"), ("unchanged", "sms-order-succeeded")]
    colours = mobile_tv.status_by_iri()
    assert colours[iris.local_iri("mobile-tv-subscription", "to-be", "step", "activate-service")] == "added"
    assert colours[iris.local_iri("mobile-tv-subscription", "as-is", "step", "service-activation-failed")] == "removed"
    assert colours[iris.local_iri("mobile-tv-subscription", "to-be", "step", "data-sync-between-systems")] == "changed"
    assert colours[iris.local_iri("mobile-tv-subscription", "as-is", "step", "data-sync-between-systems")] == "changed"
    assert len(colours) == 18 + 3 + 20 + 3  # as-is steps and evidence, to-be steps and evidence


def test_mobile_tv_json_form(mobile_tv: diff.BlueprintDiff) -> None:
    data = json.loads(json.dumps(mobile_tv.as_dict()))
    assert data["from"] == "mobile-tv-subscription/as-is" and data["to"] == "mobile-tv-subscription/to-be"
    assert data["summary"] == {"added": 5, "removed": 3, "changed": 4, "unchanged": 11, "matched_by_label": 0,
                               "fail_points_resolved": 4, "fail_points_introduced": 0,
                               "wait_points_resolved": 0, "wait_points_introduced": 0}
    assert len(data["steps"]) == 23 and len(data["evidence"]) == 4
    assert data["departments"][1]["trend"] == "grew" and data["systems"][2]["gained"] == ["reconcile-service-data"]


def test_labels_follow_the_language(examples_store: EmbeddedStore) -> None:
    zh = diff.compare(examples_store, AS_IS, TO_BE, "zh")
    hotline = next(s for s in zh.steps if s.id == "call-complaint-hotline")
    assert hotline.change("label") == diff.FieldChange("label", "拨打投诉电话", "仍有问题时拨打投诉电话")
    assert [d.label for d in zh.departments] == ["业支部", "数据部"]


def test_a_version_against_itself_is_unchanged(examples_store: EmbeddedStore) -> None:
    same = diff.compare(examples_store, AS_IS, AS_IS)
    assert same.identical and same.summary()["unchanged"] == 18
    assert same.departments == [] and same.systems == [] and same.fail_points_resolved == []


def test_unknown_version_is_not_found(examples_store: EmbeddedStore) -> None:
    with pytest.raises(NotFound) as info:
        diff.compare(examples_store, AS_IS, iris.blueprint_iri("mobile-tv-subscription", "to-be-2"))
    assert info.value.where.endswith("/to-be-2") and "kgbp list" in info.value.hint


def test_default_pair_is_the_as_is_and_its_revision(examples_store: EmbeddedStore) -> None:
    assert diff.default_pair(examples_store, "mobile-tv-subscription") == (AS_IS, TO_BE)
    with pytest.raises(NotFound, match="no to-be"):
        diff.default_pair(examples_store, "restaurant-checkout")


# -- diff: steps whose id changed are matched by label ---------------------------------------

def test_renamed_step_is_matched_by_label(empty_store: EmbeddedStore, tmp_path: Path) -> None:
    doc = example("mobile-tv-subscription.to-be.yaml")
    doc["version"] = "to-be-2"
    steps = steps_of(doc)
    steps["confirm-user-service-status"]["id"] = "check-user-service-status"
    steps["look-up-service-system"]["supports"] = ["check-user-service-status"]
    load_files(empty_store, [EXAMPLES / "mobile-tv-subscription.yaml", write(tmp_path, "v2.yaml", doc)])
    result = diff.compare(empty_store, AS_IS, iris.blueprint_iri("mobile-tv-subscription", "to-be-2"))
    renamed = next(s for s in result.steps if s.to_id == "check-user-service-status")
    assert (renamed.status, renamed.matched_by, renamed.from_id) == ("changed", "label", "confirm-user-service-status")
    assert [c.as_dict() for c in renamed.changes] == [
        {"field": "id", "before": "confirm-user-service-status", "after": "check-user-service-status"}]
    # an arrow to the renamed step is no change
    assert next(s for s in result.steps if s.id == "look-up-service-system").status == "unchanged"
    assert result.summary()["matched_by_label"] == 1 and result.summary()["unchanged"] == 10


def test_a_label_shared_by_several_new_steps_matches_none(empty_store: EmbeddedStore, tmp_path: Path) -> None:
    doc = example("mobile-tv-subscription.to-be.yaml")
    doc["version"] = "to-be-3"
    steps = steps_of(doc)
    steps["look-up-knowledge-base"]["id"] = "search-knowledge-base"
    copy = dict(steps["look-up-knowledge-base"], id="search-knowledge-base-2", position=8)
    doc["steps"]["backstage"].append(copy)
    load_files(empty_store, [EXAMPLES / "mobile-tv-subscription.yaml", write(tmp_path, "v3.yaml", doc)])
    result = diff.compare(empty_store, AS_IS, iris.blueprint_iri("mobile-tv-subscription", "to-be-3"))
    kb = {s.id: s.status for s in result.steps if "knowledge-base" in s.id}
    assert kb == {"look-up-knowledge-base": "removed", "search-knowledge-base": "added",
                  "search-knowledge-base-2": "added"}


# -- named query: what changed between the as-is and the to-be of service S ------------------

def query_text(name: str) -> str:
    return (data_dir("queries") / f"{name}.rq").read_text("utf-8")


def header(name: str) -> dict[str, Any]:
    lines = [ln[3:] if ln.startswith("#+ ") else ln[2:] for ln in query_text(name).splitlines() if ln.startswith("#+")]
    return yaml.safe_load("\n".join(lines))  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["changes_between_versions", "slice_fail_points_rollup", "list_slice_fail_points"])
def test_query_headers_name_every_column(examples_store: EmbeddedStore, name: str) -> None:
    meta = header(name)
    assert set(meta["title"]) == {"en", "zh"} and set(meta["description"]) == {"en", "zh"}
    assert all(p["kind"] == "label" and p["entity"] in ("service", "blueprint") for p in meta["params"])
    rows = examples_store.select(query_text(name), {"lang": Literal("en")})
    assert set(rows.variables) == set(meta["columns"])


def test_changes_between_versions_query(examples_store: EmbeddedStore) -> None:
    rows = examples_store.select(query_text("changes_between_versions"),
                                 {"service": iris.service_iri("mobile-tv-subscription"), "lang": Literal("en")})
    found = [(str(r["step_id"]), str(r["change"]), str(r["changes"]), str(r["lane"])) for r in rows.dicts()]
    assert found == [
        ("activate-service", "added", "", "backstage"),
        ("monitor-and-retry-activation", "added", "", "support"),
        ("receive-status-sms", "added", "", "customer"),
        ("reconcile-service-data", "added", "", "support"),
        ("send-proactive-status-sms", "added", "", "frontstage"),
        ("call-complaint-hotline", "changed", "label", "customer"),
        ("data-sync-between-systems", "changed", "F removed, supports", "backstage"),
        ("send-confirmation-sms", "changed", "F removed", "frontstage"),
        ("user-authentication-encryption", "changed", "supports", "backstage"),
        ("order-failed-notice", "removed", "", "customer"),
        ("send-order-failed-notice", "removed", "", "frontstage"),
        ("service-activation-failed", "removed", "", "backstage"),
    ]
    first = next(rows.dicts())
    assert (str(first["as_is_id"]), str(first["to_be_id"])) == ("mobile-tv-subscription/as-is", "mobile-tv-subscription/to-be")
    zh = examples_store.select(query_text("changes_between_versions"),
                               {"service": iris.service_iri("mobile-tv-subscription"), "lang": Literal("zh")})
    assert {str(r["step_id"]): str(r["step_label"]) for r in zh.dicts()}["order-failed-notice"] == "提示订购失败"
    # a service without a to-be has nothing to compare
    assert not examples_store.select(query_text("changes_between_versions"),
                                     {"service": iris.service_iri("restaurant-checkout"), "lang": Literal("en")}).rows


# -- slices: fail points roll up to the refined step ------------------------------------------

def rollup(store: EmbeddedStore, blueprint: URIRef | None = None) -> list[tuple[Any, ...]]:
    bindings: dict[str, Any] = {"lang": Literal("en")}
    if blueprint is not None:
        bindings["blueprint"] = blueprint
    rows = store.select(query_text("slice_fail_points_rollup"), bindings)
    return [(str(r["blueprint_id"]), str(r["step_id"]), str(r["step_label"]), int(r["slices"]),  # type: ignore[arg-type]
             int(r["slice_fail_points"]), r["own_fail_point"].toPython(), int(r["fail_points"]))  # type: ignore[union-attr, arg-type]
            for r in rows.dicts()]


def test_arrears_fail_points_count_toward_pay_top_up(examples_store: EmbeddedStore) -> None:
    assert rollup(examples_store) == [("customer-lifecycle/as-is", "pay-top-up", "Pay / top up", 1, 3, False, 3)]
    assert rollup(examples_store, LIFECYCLE) == rollup(examples_store)
    assert rollup(examples_store, ARREARS) == []


def test_level_0_step_lists_its_slices_and_their_fail_points(examples_store: EmbeddedStore) -> None:
    rows = examples_store.select(query_text("list_slice_fail_points"), {"blueprint": LIFECYCLE, "lang": Literal("zh")})
    assert [(str(r["step_id"]), str(r["slice_id"]), str(r["fail_point_id"]), str(r["department_label"]))
            for r in rows.dicts()] == [
        ("pay-top-up", "arrears-reconnect/as-is", "execute-credit-rules", "业支部"),
        ("pay-top-up", "arrears-reconnect/as-is", "make-credit-rules", "市场部"),
        ("pay-top-up", "arrears-reconnect/as-is", "send-low-balance-sms", "业支部"),
    ]


def test_slices_of_slices_roll_up_to_level_0(empty_store: EmbeddedStore, tmp_path: Path) -> None:
    finer = {  # a slice of the arrears slice: how "pay" happens at a kiosk
        "format": "kgbp/1",
        "service": {"id": "kiosk-payment", "label": {"en": "Paying at a kiosk", "zh": "自助终端缴费"}},
        "version": "as-is", "status": "as-is", "level": 2,
        "refines": {"blueprint": "arrears-reconnect/as-is", "step": "pay"},
        "departments": [{"id": "business-support", "label": {"en": "Business support department", "zh": "业支部"}}],
        "systems": [{"id": "boss", "label": {"en": "BOSS", "zh": "BOSS"}}],
        "steps": {
            "customer": [{"id": "insert-cash", "label": {"en": "Insert cash", "zh": "投入现金"}}],
            "frontstage": [{
                "id": "credit-payment", "label": {"en": "Credit the payment", "zh": "缴费入账"}, "performer": "system",
                "department": "business-support", "systems": ["boss"], "supports": ["insert-cash"],
                "fail": {"mode": {"en": "Payment credited late", "zh": "缴费延迟入账"},
                         "consequence": {"en": "Still suspended after paying", "zh": "缴费后仍处于停机状态"}}}],
        },
    }
    load_files(empty_store, [EXAMPLES / "customer-lifecycle.yaml", EXAMPLES / "arrears-reconnect.yaml",
                             write(tmp_path, "finer.yaml", finer)])
    assert rollup(empty_store) == [
        ("arrears-reconnect/as-is", "pay", "Pay", 1, 1, False, 1),
        ("customer-lifecycle/as-is", "pay-top-up", "Pay / top up", 2, 4, False, 4),
    ]


# -- history: every write recorded, every state kept, any state restorable ----------------------

def arrears_without_rule_fail_point(tmp_path: Path) -> Path:
    doc = example("arrears-reconnect.yaml")
    rules = steps_of(doc)["make-credit-rules"]
    del rules["fail"]  # -6 triples: F marker, derived sb:FailPoint type, mode and consequence in en and zh
    rules["label"]["en"] = "Make the credit rules"  # -1 +1
    return write(tmp_path, "arrears-reconnect.yaml", doc)


@pytest.fixture()
def edited(empty_store: EmbeddedStore, tmp_path: Path) -> Iterator[EmbeddedStore]:
    """arrears-reconnect saved as shipped, then saved again without its rule fail point."""
    load_parent(empty_store)
    load_files(empty_store, [EXAMPLES / "arrears-reconnect.yaml"], agent="Alice Smith")
    load_files(empty_store, [arrears_without_rule_fail_point(tmp_path)], agent="bob")
    yield empty_store


def summary(items: list[history.Activity]) -> list[tuple[str, str, int, int]]:
    return [(a.action, a.agent, a.added, a.removed) for a in items]


def test_every_write_is_recorded_with_who_and_counts(edited: EmbeddedStore) -> None:
    items = history.activities(edited, ARREARS)
    assert summary(items) == [("save", "Alice Smith", 171, 0), ("save", "bob", 1, 7)]
    assert all(a.state is not None for a in items) and items[0].when < items[1].when
    assert len(edited.graph(ARREARS)) == 165


def test_earlier_states_are_kept_out_of_the_union_graph(edited: EmbeddedStore) -> None:
    # the kept states are literals: cross-service questions see only the current content
    count = edited.select("PREFIX sb: <https://w3id.org/kgbp/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?fp a sb:FailPoint }")
    assert int(count.rows[0][0]) == 2  # type: ignore[arg-type]
    first = history.activities(edited, ARREARS)[0]
    kept = history.state(edited, first)
    assert len(kept) == 171 and (iris.local_iri("arrears-reconnect", "as-is", "step", "make-credit-rules"),
                                 SB.hasMarker, SB.FailMarker) in kept
    view = history.state_view(edited, first, "zh")
    assert next(s for s in view.steps if s.id == "make-credit-rules").fail
    assert next(s for s in view.steps if s.id == "make-credit-rules").department == "市场部"


def test_restore_the_first_state(edited: EmbeddedStore) -> None:
    first, second = history.activities(edited, ARREARS)
    before_restore = history.state(edited, first)
    done = history.restore(edited, ARREARS, first.id[:8], agent="carol", validator=Validator())
    assert (done.source.iri, done.saved.added, done.saved.removed, done.saved.triples) == (first.iri, 7, 1, 171)
    items = history.activities(edited, ARREARS)
    assert summary(items) == [("save", "Alice Smith", 171, 0), ("save", "bob", 1, 7), ("restore", "carol", 7, 1)]
    assert items[2].restored == first.iri and items[2].iri == done.saved.activity
    assert isomorphic(edited.graph(ARREARS), before_restore)
    # the diff between the kept states says what the restore undid
    undone = diff.compare_graphs(history.state(edited, second), ARREARS, edited.graph(ARREARS), ARREARS, "en")
    assert [(s.id, [c.field for c in s.changes]) for s in undone.with_status("changed")] == [
        ("make-credit-rules", ["label", "markers"])]
    assert [m.step_id for m in undone.fail_points_introduced] == ["make-credit-rules"]


def test_a_removed_blueprint_comes_back_from_its_last_save(edited: EmbeddedStore) -> None:
    second = history.activities(edited, ARREARS)[1]
    repository.remove(edited, ARREARS, agent="bob")
    removal = history.activities(edited, ARREARS)[-1]
    assert (removal.action, removal.added, removal.removed, removal.state) == ("remove", 0, 165, None)
    with pytest.raises(NotFound, match="left no state"):
        history.restore(edited, ARREARS, removal.id, agent="bob")
    assert history.resolve(edited, "arrears-reconnect/as-is") == ARREARS  # known from the history only
    history.restore(edited, ARREARS, second.id, agent="bob", validator=Validator())
    assert len(edited.graph(ARREARS)) == 165
    assert summary(history.activities(edited))[-2:] == [("remove", "bob", 0, 165), ("restore", "bob", 165, 0)]


def test_restore_is_validated_against_todays_rules(edited: EmbeddedStore) -> None:
    first = history.activities(edited, ARREARS)[0]
    stricter = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix sb: <https://w3id.org/kgbp/ontology#> .
        <urn:rule> a sh:NodeShape ; sh:targetClass sb:FailPoint ; sh:name "no fail points left"@en ;
            sh:property [ sh:path sb:failureMode ; sh:maxCount 0 ] .""", format="turtle")
    with pytest.raises(NotConformant):
        history.restore(edited, ARREARS, first.id, agent="bob", validator=Validator(shapes=stricter))
    assert len(history.activities(edited, ARREARS)) == 2 and len(edited.graph(ARREARS)) == 165


def test_activity_lookup_errors(edited: EmbeddedStore) -> None:
    with pytest.raises(BadInput, match="too short"):
        history.find_activity(edited, "ab", ARREARS)
    with pytest.raises(NotFound) as info:
        history.find_activity(edited, "ffffffff", ARREARS)
    assert info.value.hint == "`kgbp history arrears-reconnect/as-is` lists the activities"
    with pytest.raises(NotFound):
        history.resolve(edited, "nothing/as-is")


def test_the_state_is_one_literal_in_the_history_graph(edited: EmbeddedStore) -> None:
    first = history.activities(edited, ARREARS)[0]
    assert first.state == URIRef(f"{first.iri}/state")
    rows = edited.select("SELECT ?p ?o ?h ?s WHERE { GRAPH ?h { ?s ?p ?o } }", {"h": HISTORY_GRAPH, "s": first.state})
    props = {str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]: o for p, o, *_ in rows.rows}
    assert set(props) == {"type", "specializationOf", "format", "extent", "value"}
    assert str(props["extent"]) == "171" and str(props["format"]) == "application/n-triples"
    assert len(str(props["value"])) < 6000  # 171 triples, compressed


def test_versions_of_a_service(examples_store: EmbeddedStore) -> None:
    found = history.versions(examples_store, "mobile-tv-subscription")
    assert [(v.id, v.status, v.revision_of, v.changes) for v in found] == [
        ("mobile-tv-subscription/as-is", "as-is", "", 1),
        ("mobile-tv-subscription/to-be", "to-be", "mobile-tv-subscription/as-is", 1)]
    assert found[1].title == "Mobile TV subscription (to-be)" and found[1].last_changed
    with pytest.raises(NotFound):
        history.versions(examples_store, "no-such-service")


# -- CLI -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "store"
    store = EmbeddedStore(path)
    repository.init(store)
    load_parent(store)
    store.close()
    code, out = cli("load", *(str(EXAMPLES / n) for n in ("mobile-tv-subscription.yaml",
                                                         "mobile-tv-subscription.to-be.yaml",
                                                         "arrears-reconnect.yaml")), "--store", str(path))
    assert code == 0, out
    return str(path)


def test_cli_diff(cli_store: str) -> None:
    code, out = cli("diff", "mobile-tv-subscription/as-is", "mobile-tv-subscription/to-be", "-f", "json",
                    "--store", cli_store)
    assert code == 0, out
    data = json.loads(out)
    assert (data["summary"]["added"], data["summary"]["removed"], data["summary"]["changed"]) == (5, 3, 4)
    code, out = cli("diff", "mobile-tv-subscription", "--store", cli_store)  # the as-is and its revision
    assert code == 0 and "5 added, 3 removed, 4 changed, 11 unchanged" in out
    assert "service-activation-failed" in out and "apply-to-subscribe" not in out
    code, out = cli("diff", "mobile-tv-subscription", "--all", "--lang", "zh", "--store", cli_store)
    assert code == 0 and "apply-to-subscribe" in out and "新增 5" in out
    assert "未变" in out and "前台服务" in out and "unchanged" not in out  # statuses and lanes in Chinese
    assert cli("diff", "mobile-tv-subscription", "-f", "xml", "--store", cli_store)[0] == 2
    code, out = cli("diff", "mobile-tv-subscription/as-is", "mobile-tv-subscription/to-be-9", "--store", cli_store)
    assert code == 2 and "no blueprint" in out and "Traceback" not in out


def test_cli_history_and_restore(cli_store: str) -> None:
    code, out = cli("history", "arrears-reconnect/as-is", "-f", "json", "--store", cli_store)
    assert code == 0
    first = json.loads(out)[0]
    assert (first["action"], first["agent"], first["added"], first["removed"]) == ("save", "cli", 171, 0)
    code, out = cli("restore-version", "arrears-reconnect/as-is", first["id"][:6], "--store", cli_store)
    assert code == 0 and "+0 -0" in out, out
    code, out = cli("history", "-f", "table", "--store", cli_store)  # without a terminal the default is tsv
    assert code == 0 and out.count("mobile-tv-subscription/") == 2 and "restore <- " + first["id"][:8] in out
    code, out = cli("history", "arrears-reconnect/as-is", "--show", first["id"][:6], "--store", cli_store)
    assert code == 0 and "make-credit-rules" in out
    code, out = cli("restore-version", "arrears-reconnect/as-is", "zzzzzzzz", "--store", cli_store)
    assert code == 2 and "no recorded activity" in out


def test_cli_versions(cli_store: str) -> None:
    code, out = cli("versions", "mobile-tv-subscription", "-f", "json", "--store", cli_store)
    assert code == 0
    assert [(v["version"], v["status"], v["revision_of"]) for v in json.loads(out)] == [
        ("as-is", "as-is", ""), ("to-be", "to-be", "mobile-tv-subscription/as-is")]


# -- JSON API over HTTP ------------------------------------------------------------------------

ERROR_KEYS = {"error", "message", "where", "hint", "problems"}


def test_api_diff(examples_server: tuple[str, str]) -> None:
    base = examples_server[0]
    r = httpx.get(base + "/api/diff", params={"from": "mobile-tv-subscription/as-is", "to": "mobile-tv-subscription/to-be"})
    assert r.status_code == 200
    body = r.json()
    assert body["summary"]["fail_points_resolved"] == 4
    assert [s["id"] for s in body["steps"] if s["status"] == "removed"] == [
        "order-failed-notice", "send-order-failed-notice", "service-activation-failed"]
    zh = httpx.get(base + "/api/diff", params={"from": "mobile-tv-subscription/as-is",
                                               "to": "mobile-tv-subscription/to-be", "lang": "zh"}).json()
    assert zh["departments"][0]["label"] == "业支部"
    missing = httpx.get(base + "/api/diff", params={"from": "mobile-tv-subscription/as-is"})
    assert missing.status_code == 400 and set(missing.json()) >= ERROR_KEYS
    unknown = httpx.get(base + "/api/diff", params={"from": "mobile-tv-subscription/as-is", "to": "nope/as-is"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "not-found"


def test_api_versions(examples_server: tuple[str, str]) -> None:
    r = httpx.get(examples_server[0] + "/api/services/mobile-tv-subscription/versions")
    assert [(v["id"], v["status"]) for v in r.json()] == [
        ("mobile-tv-subscription/as-is", "as-is"), ("mobile-tv-subscription/to-be", "to-be")]


@pytest.fixture()
def own_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A server on its own store (this test writes): arrears saved as shipped, then edited."""
    from kgbp.auth import create_token

    from ..live_server import running_server

    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    repository.init(store)
    load_parent(store)
    load_files(store, [EXAMPLES / "arrears-reconnect.yaml"])
    load_files(store, [arrears_without_rule_fail_point(tmp_path)])
    store.close()
    settings = Settings(store=str(folder))
    token = create_token(settings, "alice")
    with running_server(settings) as base:
        yield base, token


def test_api_history_and_restore(own_server: tuple[str, str]) -> None:
    base, token = own_server
    items = httpx.get(base + "/api/history", params={"blueprint": "arrears-reconnect/as-is"}).json()
    assert [(a["action"], a["added"], a["removed"]) for a in items] == [("save", 171, 0), ("save", 1, 7)]
    one = httpx.get(base + f"/api/history/{items[0]['id']}", params={"lang": "zh"}).json()
    assert one["activity"]["id"] == items[0]["id"]
    assert next(s for s in one["state"]["steps"] if s["id"] == "make-credit-rules")["markers"] == "F"

    url = base + "/api/blueprints/arrears-reconnect/as-is/restore"
    denied = httpx.post(url, params={"activity": items[0]["id"]})
    assert denied.status_code == 401 and set(denied.json()) >= ERROR_KEYS
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.post(url, headers=auth).status_code == 400
    assert httpx.post(url, params={"activity": "ffffffff"}, headers=auth).status_code == 404
    done = httpx.post(url, params={"activity": items[0]["id"][:8]}, headers=auth)
    assert done.status_code == 200, done.text
    assert (done.json()["restored"], done.json()["added"], done.json()["removed"]) == (items[0]["id"], 7, 1)
    after = httpx.get(base + "/api/history", params={"blueprint": "arrears-reconnect/as-is"}).json()
    assert [(a["action"], a["agent"], a["added"], a["removed"], a["restored"]) for a in after][-1] == \
        ("restore", "alice", 7, 1, items[0]["id"])
    assert len(httpx.get(base + "/api/history", params={"limit": 1}).json()) == 1
    steps = httpx.get(base + "/api/blueprints/arrears-reconnect/as-is").json()["steps"]
    assert next(s for s in steps if s["id"] == "make-credit-rules")["markers"] == "F"


def test_shipped_examples_link_versions_and_slices() -> None:
    # the issue's "done when": an as-is/to-be pair and a slice of the level-0 blueprint
    names = {p.name for p in examples()}
    assert {"mobile-tv-subscription.yaml", "mobile-tv-subscription.to-be.yaml", "customer-lifecycle.yaml"} <= names
    assert example("mobile-tv-subscription.to-be.yaml")["revision_of"] == "as-is"
    assert example("arrears-reconnect.yaml")["refines"] == {"blueprint": "customer-lifecycle/as-is", "step": "pay-top-up"}
    assert example("customer-lifecycle.yaml")["level"] == 0
