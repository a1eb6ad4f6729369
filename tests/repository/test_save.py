"""The core repository: load, show, remove, export, shared entities, bad input, the BOSS question."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kgbp.cli import app
from kgbp.errors import StoreUnavailable
from kgbp.model import iris
from kgbp.model.namespaces import ID, SB
from kgbp.repository import save as repository
from kgbp.resources import examples
from kgbp.store.embedded import EmbeddedStore

from ..conftest import DATA, ROOT, load_files

runner = CliRunner()
BAD = DATA / "bad"


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def quads(store_path: Path) -> set[str]:
    store = EmbeddedStore(store_path)
    try:
        return set(store.dump().decode().splitlines())
    finally:
        store.close()


@pytest.fixture()
def loaded(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    code, out = cli("load", *map(str, examples()), "--store", str(path))
    assert code == 0, out
    return path


# -- bad input: one clear message with file:line:col, exit 2, store unchanged ------------

BAD_CASES = [
    ("yaml-syntax.yaml", ":6:1", "YAML syntax error"),
    ("unknown-lane.yaml", ":5:3", "unknown lane 'fronstage'"),
    ("unknown-support.yaml", ":8:65", "unknown step id 'aks'"),
    ("duplicate-id.yaml", ":8:7", "duplicate id 'ask'"),
    ("cycle.yaml", ":10:", "supports form a cycle: check -> prepare -> check"),
    ("wrong-encoding.yaml", ":1:34", "not UTF-8"),
    ("empty.yaml", "empty.yaml", "the file is empty"),
    ("duplicate-key.yaml", ":5:3", "duplicate key 'customer'"),
    ("unknown-department.yaml", ":8:47", "unknown department 'marketting'"),
    ("bad-turtle.ttl", "bad-turtle.ttl:4", "turtle syntax error"),
    ("foreign-iri.ttl", "<http://example.org/my-blueprint>", "outside kgbp's namespace"),
]


@pytest.mark.parametrize(("name", "where", "message"), BAD_CASES)
def test_bad_input_is_reported_with_its_place_and_changes_nothing(loaded: Path, name: str, where: str,
                                                                    message: str) -> None:
    before = quads(loaded)
    code, out = cli("load", str(BAD / name), "--store", str(loaded))
    assert code == 2
    assert message in out
    assert f"{name}{where}" in out or where in out
    assert "->" in out  # a hint of what to do
    assert "Traceback" not in out
    assert quads(loaded) == before


def test_one_bad_file_among_good_ones_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store"
    code, out = cli("load", *map(str, examples()), str(BAD / "cycle.yaml"), "--store", str(path))
    assert code == 2
    assert "nothing was stored" in out
    store = EmbeddedStore(path)
    assert repository.list_blueprints(store) == []
    store.close()


def test_unknown_lane_can_be_written_in_chinese(empty_store: EmbeddedStore, tmp_path: Path) -> None:
    f = tmp_path / "zh.yaml"
    f.write_text("service: {id: 查询, label: 话费查询}\n"
                 "departments: [{id: 客服, label: {zh: 客户服务中心, en: Customer service centre}}]\n"
                 "steps:\n  客户行为:\n    - {id: 查询话费, label: 查询话费}\n"
                 "  前台服务:\n    - {id: 播报, label: 语音播报话费, department: 客户服务中心, supports: [查询话费]}\n",
                 encoding="utf-8")
    load_files(empty_store, [f])
    step = iris.local_iri("查询", "as-is", "step", "播报")
    assert str(step) == "https://w3id.org/kgbp/id/service/查询/as-is/step/播报"
    g = empty_store.graph(iris.blueprint_iri("查询", "as-is"))
    assert (step, SB.inLane, SB.FrontstageLane) in g
    assert (step, SB.responsibleDepartment, iris.department_iri("客服")) in g


# -- loading, showing, listing -------------------------------------------------------------

def test_show_mobile_tv_prints_every_step_with_lane_markers_department_and_systems(loaded: Path) -> None:
    code, out = cli("show", "mobile-tv-subscription/as-is", "--format", "table", "--store", str(loaded))
    assert code == 0, out
    store = EmbeddedStore(loaded)
    from kgbp.repository.blueprint_view import load_view

    view = load_view(store, iris.blueprint_iri("mobile-tv-subscription", "as-is"), "en")
    store.close()
    flat = " ".join(out.split())
    for title in ("Customer actions", "Frontstage", "Backstage", "Support processes and systems",
                  "line of interaction", "line of visibility", "line of internal interaction"):
        assert title in flat
    assert len(view.steps) >= 18
    for step in view.steps:
        assert step.id in flat and step.label in flat
        if step.department:
            assert step.department.split()[0] in flat
        for system in step.systems:
            assert system.split()[0] in flat
    fail_points = [s for s in view.steps if s.fail]
    assert len(fail_points) == 6
    for s in fail_points:
        assert f"F {s.id}" in out


def test_list_shows_all_examples_with_counts(loaded: Path) -> None:
    store = EmbeddedStore(loaded)
    rows = {b.id: b for b in repository.list_blueprints(store)}
    store.close()
    assert set(rows) == {"arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
                         "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"}
    assert rows["customer-lifecycle/as-is"].level == 0
    assert (rows["restaurant-checkout/as-is"].fail_points, rows["restaurant-checkout/as-is"].wait_points) == (6, 3)
    assert rows["mobile-tv-subscription/to-be"].status == "to-be"


def test_remove_drops_only_that_blueprint(loaded: Path) -> None:
    code, out = cli("remove", "restaurant-checkout", "--store", str(loaded))
    assert code == 0, out
    store = EmbeddedStore(loaded)
    ids = {b.id for b in repository.list_blueprints(store)}
    store.close()
    assert "restaurant-checkout/as-is" not in ids and len(ids) == 4
    code, out = cli("remove", "restaurant-checkout", "--store", str(loaded))
    assert code == 2 and "no blueprint" in out


def test_saving_again_replaces_the_graph(empty_store: EmbeddedStore, tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    base = ("service: {id: s, label: S}\ndepartments: [{id: d, label: {en: D, zh: 部门}}]\nsteps:\n"
            "  customer:\n    - {id: a, label: A}\n")
    f.write_text(base + "    - {id: b, label: B}\n", encoding="utf-8")
    load_files(empty_store, [f])
    f.write_text(base, encoding="utf-8")
    load_files(empty_store, [f])
    g = empty_store.graph(iris.blueprint_iri("s", "as-is"))
    assert (iris.local_iri("s", "as-is", "step", "b"), None, None) not in g
    assert (iris.local_iri("s", "as-is", "step", "a"), SB.inLane, SB.CustomerLane) in g


@pytest.mark.parametrize("blank", [False, True])
def test_a_save_that_changes_a_few_triples_leaves_exactly_the_new_graph(empty_store: EmbeddedStore, tmp_path: Path,
                                                                         blank: bool) -> None:
    """A re-save writes only what changed (or, with a stored blank node, the whole graph):
    either way the stored graph is the new one and the history counts the change."""
    from rdflib import BNode, Literal
    from rdflib.namespace import RDFS

    from kgbp.ingest import SharedIndex, read_many
    from kgbp.model.derive import derive
    from kgbp.repository.history import activities
    from kgbp.validation.engine import Validator

    f = tmp_path / "s.yaml"
    base = ("service: {id: s, label: S}\ndepartments: [{id: d, label: {en: D, zh: 部门}}]\nsteps:\n"
            "  customer:\n    - {id: a, label: A}\n")
    f.write_text(base + "    - {id: b, label: B}\n", encoding="utf-8")

    def save(extra: list[tuple[object, object, object]]) -> repository.SaveResult:
        blueprints, _ = read_many([f], SharedIndex.from_store(empty_store))
        for triple in extra:
            blueprints[0].graph.add(triple)  # type: ignore[arg-type]
        return repository.save(empty_store, blueprints, validator=Validator())

    iri = iris.blueprint_iri("s", "as-is")
    note = (iri, RDFS.comment, BNode()) if blank else (iri, RDFS.comment, Literal("kept"))
    save([note])
    f.write_text(base + "    - {id: b, label: B2}\n", encoding="utf-8")
    second = save([note])
    stored = set(empty_store.graph(iri))
    blueprints, _ = read_many([f], SharedIndex.from_store(empty_store))
    derive(blueprints[0].graph, repository._channel_kinds())
    expected = set(blueprints[0].graph) | (set() if blank else {note})
    got = {t for t in stored if not isinstance(t[2], BNode)}
    assert got == expected, (got - expected, expected - got)
    assert sum(1 for t in stored if isinstance(t[2], BNode)) == (1 if blank else 0)
    step_b = iris.local_iri("s", "as-is", "step", "b")
    assert (step_b, RDFS.label, Literal("B2", lang="en")) in stored or (step_b, RDFS.label, Literal("B2")) in stored
    saved = second.saved[0]
    # the label changed (1 out, 1 in); a blank node is never the same node again (1 out, 1 in)
    assert (saved.removed, saved.added) == ((2, 2) if blank else (1, 1))
    last = activities(empty_store, iri)[-1]
    assert (last.removed, last.added) == (saved.removed, saved.added)
    assert saved.version is not None and saved.triples == len(stored)


# -- shared entities -----------------------------------------------------------------------

def test_boss_is_one_node_across_services(examples_store: EmbeddedStore) -> None:
    rows = examples_store.select("""
        PREFIX sb: <https://w3id.org/kgbp/ontology#>
        SELECT DISTINCT ?bp WHERE { GRAPH ?bp { ?s sb:usesSystem ?boss } }""", {"boss": iris.system_iri("boss")})
    services = {iris.blueprint_id(str(r[0])).split("/")[0] for r in rows.rows}  # type: ignore[union-attr]
    assert {"arrears-reconnect", "customer-lifecycle"} <= services
    assert examples_store.ask("ASK { GRAPH ?g { ?h <https://w3id.org/kgbp/ontology#partOf> ?b } }",
                              {"h": iris.system_iri("home-boss"), "b": iris.system_iri("boss")})


def test_shared_department_matched_by_label(empty_store: EmbeddedStore, tmp_path: Path) -> None:
    load_files(empty_store, [p for p in examples() if p.name.startswith(("arrears", "customer-lifecycle"))])
    f = tmp_path / "other.yaml"
    f.write_text("service: {id: o, label: O}\n"
                 "departments: [{id: mkt, label: {zh: 市场部}}]\n"
                 "steps:\n  customer:\n    - {id: a, label: A}\n"
                 "  frontstage:\n    - {id: f, label: F, department: mkt, supports: [a]}\n", encoding="utf-8")
    load_files(empty_store, [f])
    g = empty_store.graph(iris.blueprint_iri("o", "as-is"))
    assert (iris.local_iri("o", "as-is", "step", "f"), SB.responsibleDepartment, iris.department_iri("marketing")) in g


# -- the reason the product exists ---------------------------------------------------------

BOSS_QUERY = """
PREFIX sb: <https://w3id.org/kgbp/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?bp ?fpId WHERE {
  ?part sb:partOf* ?system .
  ?s sb:usesSystem ?part .
  ?s sb:underlies? ?fp .
  ?fp a sb:FailPoint ; sb:inBlueprint ?bp ; dcterms:identifier ?fpId .
}"""


def test_fail_points_underlain_by_boss(examples_store: EmbeddedStore) -> None:
    rows = examples_store.select(BOSS_QUERY, {"system": iris.system_iri("boss")})
    found = {(iris.blueprint_id(str(bp)), str(fp)) for bp, fp in rows.rows}
    arrears = {fp for bp, fp in found if bp == "arrears-reconnect/as-is"}
    assert {"execute-credit-rules", "send-low-balance-sms"} <= arrears
    assert "make-credit-rules" not in arrears  # it lies below BOSS, not above it
    mobile_tv = {fp for bp, fp in found if bp == "mobile-tv-subscription/as-is"}
    # what home-location BOSS (part of BOSS) underlies, and the step using it that is itself a fail point
    assert {"service-activation-failed", "send-order-failed-notice"} <= mobile_tv
    assert "user-authentication-encryption" not in mobile_tv


# -- store -----------------------------------------------------------------------------------

def test_second_writer_gets_a_clear_message(loaded: Path) -> None:
    holder = EmbeddedStore(loaded)
    try:
        with pytest.raises(StoreUnavailable) as info:
            EmbeddedStore(loaded)
        assert "in use by another process" in str(info.value)
        code, out = cli("load", str(ROOT / "examples" / "restaurant-checkout.yaml"), "--store", str(loaded))
        assert code == 2 and "in use by another process" in out and "Traceback" not in out
        code, out = cli("list", "--store", str(loaded))  # a read still works, on a read-only view
        assert code == 0 and "restaurant-checkout/as-is" in out
    finally:
        holder.close()


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf", "nt"])
def test_export_round_trips_through_load(loaded: Path, tmp_path: Path, fmt: str) -> None:
    out_file = tmp_path / f"arrears.{ 'jsonld' if fmt == 'jsonld' else fmt}"
    code, out = cli("export", "arrears-reconnect", "--format", fmt, "-o", str(out_file), "--store", str(loaded))
    assert code == 0, out
    store = EmbeddedStore(loaded)
    bp = iris.blueprint_iri("arrears-reconnect", "as-is")
    before = store.graph(bp)
    store.close()
    fresh = tmp_path / "fresh"
    code, out = cli("load", *[str(p) for p in examples() if "lifecycle" in p.name], str(out_file), "--store", str(fresh))
    assert code == 0, out
    store = EmbeddedStore(fresh)
    after = store.graph(bp)
    store.close()
    assert isomorphic(before, after)


def test_trig_export_keeps_named_graphs(loaded: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "a.trig"
    code, _ = cli("export", "arrears-reconnect", "--format", "trig", "-o", str(out_file), "--store", str(loaded))
    assert code == 0
    ds = Dataset()
    ds.parse(out_file, format="trig")
    names = {g.identifier for g in ds.graphs()}
    assert iris.blueprint_iri("arrears-reconnect", "as-is") in names
    assert URIRef(f"{ID}repository") in names


def test_installed_command_exit_codes(tmp_path: Path) -> None:
    exe = str(Path(sys.executable).parent / "kgbp")
    ok = subprocess.run([exe, "load", *map(str, examples()), "--store", str(tmp_path / "s")],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([exe, "load", str(BAD / "cycle.yaml"), "--store", str(tmp_path / "s")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "cycle" in bad.stderr and "Traceback" not in bad.stderr
