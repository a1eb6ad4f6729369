"""One suite, three stores: the embedded pyoxigraph store, and the remote store on two
independent SPARQL servers, a real Virtuoso 7 and the Oxigraph server (one throwaway
instance of each per session, see the `virtuoso` and `oxigraph` fixtures). Writes, rejected
writes, the BOSS question, listings, views, exports and every named query give the same
answers on all of them.

The Virtuoso instance keeps Virtuoso's shipped row cap (10,000). Servers are cleared
between tests that write (kgbp's graphs only: Virtuoso's own stay).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD
from rdflib.query import Result

from kgbp.config import Settings
from kgbp.errors import NotConformant, NotFound, QueryError, QueryTimeout, StoreUnavailable
from kgbp.export.jsonld_context import inline_contexts
from kgbp.export.rdf import FORMATS, export_blueprint
from kgbp.ingest import SharedIndex, read_many
from kgbp.model import iris
from kgbp.model.namespaces import HISTORY_GRAPH, ONTOLOGY_GRAPH, REPOSITORY_GRAPH, SB
from kgbp.model.vocabulary import ontology_graph
from kgbp.query import catalogue as query
from kgbp.repository import save as repository
from kgbp.repository.blueprint_view import BlueprintView, load_view
from kgbp.resources import examples
from kgbp.sparql.endpoint import apply_update
from kgbp.store import Store, open_store
from kgbp.store.embedded import EmbeddedStore
from kgbp.store.remote import ATOMIC_GRAPHS, STAGING, RemoteStore, bind, query_form
from kgbp.store.sandbox import open_sparql_runner
from kgbp.store.sparql_text import term
from kgbp.validation.engine import Validator

from ..conftest import OxigraphServer, load_files, run_virtuoso_script
from ..repository.test_save import BOSS_QUERY

SERVERS = ["virtuoso", "oxigraph"]
BACKENDS = ["embedded", *(pytest.param(kind, marks=pytest.mark.slow) for kind in SERVERS)]
# one server of each kind for the run: the suite stays on one pytest-xdist worker (`--dist loadfile` or `loadgroup`)
pytestmark = pytest.mark.xdist_group("virtuoso")
EXAMPLE_IDS = ["arrears-reconnect/as-is", "customer-lifecycle/as-is", "mobile-tv-subscription/as-is",
               "mobile-tv-subscription/to-be", "restaurant-checkout/as-is"]
BLUEPRINTS = [iris.blueprint_iri(*ref.split("/")) for ref in EXAMPLE_IDS]
# the two questions Virtuoso 7.2 has answered wrongly on a grown store (docs/virtuoso.md)
CANARY_QUESTIONS = ("fail_points_by_system", "impact_of_system_failure")


# -- fixtures ---------------------------------------------------------------------------------

@dataclass
class Server:
    """One of the session's SPARQL servers and what it holds now (examples, or whatever a test left)."""

    kind: str  # one of SERVERS
    store: RemoteStore
    env: dict[str, str]  # Virtuoso's (scripts/virtuoso.sh)
    oxigraph: OxigraphServer | None = None
    holds_examples: bool = False
    reference: Store | None = None  # the examples on the embedded store, to check Virtuoso's answers against

    def clear(self) -> None:
        names = self.store.graph_names()
        if names:
            self.store.update(" ;\n".join(f"DROP SILENT GRAPH {term(g)}" for g in names))
        self.holds_examples = False

    def restart(self, fresh_database: bool = False) -> None:
        """A new server process (on a new, empty database when `fresh_database`)."""
        if self.oxigraph is not None:
            self.oxigraph.restart(fresh_database)
            self.holds_examples = self.holds_examples and not fresh_database
            return
        if fresh_database:
            run_virtuoso_script("stop", self.env)
            run_virtuoso_script("start", self.env)
            self.holds_examples = False
        else:
            run_virtuoso_script("restart", self.env)

    def with_examples(self, loads: int = 3, restarts: int = 3) -> RemoteStore:
        """The examples, on a Virtuoso restarted once they are loaded: Virtuoso 7.2 can answer
        wrongly once the data it planned queries on (while loading) has grown
        (test_answers_as_the_store_grows). Its examples go into a fresh database (never one that
        held other data and was cleared), and a restart that still answers the BOSS questions
        wrongly is followed by another, as docs/virtuoso.md tells operators to do; when
        `restarts` restarts do not clear it (seen in CI), the examples are loaded afresh again."""
        if self.holds_examples:
            return self.store
        for _ in range(loads):
            if self.kind == "virtuoso":
                self.restart(fresh_database=True)
            else:
                self.clear()
            repository.init(self.store)
            load_files(self.store, examples())
            if self.kind != "virtuoso" or self._restarted_until_right(restarts):
                self.holds_examples = True
                return self.store
        pytest.fail(f"Virtuoso still answers the BOSS questions wrongly after {loads} fresh loads of the examples, "
                    f"each restarted {restarts} times (docs/virtuoso.md, 'Wrong answers after the store grows')",
                    pytrace=False)

    def _restarted_until_right(self, restarts: int) -> bool:
        for _ in range(restarts):
            self.restart()
            if self.reference is None or self._boss_answers(self.store) == self._boss_answers(self.reference):
                return True
        return False

    @staticmethod
    def _boss_answers(store: Store) -> dict[str, set[Any]]:
        return {name: set(query.run(store, name, {"system": "boss"}).rows.rows) for name in CANARY_QUESTIONS}


@pytest.fixture(scope="session")
def virtuoso_server(virtuoso: Settings, virtuoso_env: dict[str, str],
                    examples_store: EmbeddedStore) -> Iterator[Server]:
    store = open_store(virtuoso)
    assert isinstance(store, RemoteStore)
    yield Server("virtuoso", store, virtuoso_env, reference=examples_store)
    store.close()


@pytest.fixture(scope="session")
def oxigraph_server(oxigraph: OxigraphServer) -> Iterator[Server]:
    store = open_store(oxigraph.settings)
    assert isinstance(store, RemoteStore)
    yield Server("oxigraph", store, {}, oxigraph)
    store.close()


@pytest.fixture(params=[pytest.param(kind, marks=pytest.mark.slow) for kind in SERVERS])
def server(request: pytest.FixtureRequest) -> Server:
    """Each SPARQL server in turn (a test on one server only asks for `virtuoso_server`)."""
    found: Server = request.getfixturevalue(f"{request.param}_server")
    return found


@pytest.fixture(params=BACKENDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, initialised store of each kind; tests may write to it."""
    if request.param == "embedded":
        store = EmbeddedStore(tmp_path / "store")
        repository.init(store)
        yield store
        store.close()
        return
    server: Server = request.getfixturevalue(f"{request.param}_server")
    server.clear()
    repository.init(server.store)
    yield server.store
    server.holds_examples = False


@pytest.fixture(params=BACKENDS)
def loaded_store(request: pytest.FixtureRequest) -> Store:
    """A store of each kind with the shipped examples; tests must not write to it."""
    if request.param == "embedded":
        store: Store = request.getfixturevalue("examples_store")
        return store
    server: Server = request.getfixturevalue(f"{request.param}_server")
    return server.with_examples()


def quads(store: Store) -> set[str]:
    return set(store.dump().decode().splitlines())


def sorted_view(view: BlueprintView) -> BlueprintView:
    """Steps in one order: a view lists them in the order its graph yields them."""
    return replace(view, steps=sorted(view.steps, key=lambda s: s.id))


# -- writing ----------------------------------------------------------------------------------

def test_write_stores_every_graph_as_authored(any_store: Store) -> None:
    blueprints, problems = read_many(examples(), SharedIndex.from_store(any_store))
    assert problems == []
    result = repository.save(any_store, blueprints, validator=Validator())
    assert [s.id for s in sorted(result.saved, key=lambda s: s.id)] == EXAMPLE_IDS
    for bp in blueprints:  # save derived the materialised facts into bp.graph
        assert isomorphic(any_store.graph(bp.iri), bp.graph), bp.id
    shared = Graph()
    for bp in blueprints:
        shared += bp.shared
    assert isomorphic(any_store.graph(REPOSITORY_GRAPH), shared)
    assert isomorphic(any_store.graph(ONTOLOGY_GRAPH), ontology_graph())  # blank nodes included
    assert set(any_store.graph(HISTORY_GRAPH).objects(None, SB.changedBlueprint)) == set(BLUEPRINTS)
    assert sorted(any_store.graph_names()) == sorted([*BLUEPRINTS, ONTOLOGY_GRAPH, REPOSITORY_GRAPH, HISTORY_GRAPH])


def test_saving_again_replaces_the_graph(any_store: Store, tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    base = ("service: {id: s, label: S}\ndepartments: [{id: d, label: {en: D, zh: 部门}}]\nsteps:\n"
            "  customer:\n    - {id: a, label: {en: A, zh: 甲}}\n")
    f.write_text(base + "    - {id: b, label: B}\n", encoding="utf-8")
    load_files(any_store, [f])
    f.write_text(base, encoding="utf-8")
    saved = load_files(any_store, [f]).saved[0]
    g = any_store.graph(iris.blueprint_iri("s", "as-is"))
    assert (iris.local_iri("s", "as-is", "step", "b"), None, None) not in g
    assert (iris.local_iri("s", "as-is", "step", "a"), SB.inLane, SB.CustomerLane) in g
    assert saved.removed > 0 and saved.added == 0
    history = any_store.graph(HISTORY_GRAPH)
    assert len(set(history.subjects(SB.changedBlueprint, iris.blueprint_iri("s", "as-is")))) == 2


def test_rejected_write_leaves_the_store_as_it_was(any_store: Store, tmp_path: Path) -> None:
    load_files(any_store, examples())
    before = quads(any_store)
    dead = tmp_path / "dead-work.yaml"
    dead.write_text("service: {id: dead, label: {en: Dead work, zh: 无效工作}}\n"
                    "departments: [{id: d, label: {en: D, zh: 部门}}]\n"
                    "steps:\n"
                    "  customer:\n    - {id: ask, label: {en: Ask, zh: 询问}}\n"
                    "  frontstage:\n    - {id: answer, label: {en: Answer, zh: 回答}, performer: human, department: d,"
                    " supports: [ask]}\n"
                    "  backstage:\n    - {id: busywork, label: {en: Busywork, zh: 无用功}, performer: human,"
                    " department: d}\n", encoding="utf-8")
    changed = tmp_path / "arrears-reconnect.yaml"  # a valid change, in the same batch: all or nothing
    changed.write_text(next(p for p in examples() if p.name.startswith("arrears")).read_text("utf-8")
                       .replace("Suspended for arrears, pay, reconnect", "Changed title"), encoding="utf-8")
    with pytest.raises(NotConformant) as info:
        load_files(any_store, [changed, dead])
    assert iris.local_iri("dead", "as-is", "step", "busywork") in {r.focus for r in info.value.report.violations()}
    assert quads(any_store) == before


def test_sparql_update_goes_through_the_write_path(any_store: Store) -> None:
    load_files(any_store, [p for p in examples() if p.name.startswith(("arrears", "customer-lifecycle"))])
    bp = iris.blueprint_iri("arrears-reconnect", "as-is")
    runner = open_sparql_runner(any_store, 30)
    retitle = ("PREFIX dcterms: <http://purl.org/dc/terms/> "
               f"DELETE {{ GRAPH <{bp}> {{ <{bp}> dcterms:title ?t }} }} "
               f"INSERT {{ GRAPH <{bp}> {{ <{bp}> dcterms:title \"Retitled\"@en }} }} "
               f"WHERE {{ GRAPH <{bp}> {{ <{bp}> dcterms:title ?t FILTER(LANG(?t) = \"en\") }} }}")
    outcome = apply_update(any_store, runner, retitle, validator=Validator(), agent="tester")
    assert [s.id for s in outcome.saved] == ["arrears-reconnect/as-is"]
    assert next(b.title for b in repository.list_blueprints(any_store)) == "Retitled"
    before = quads(any_store)
    unlane = ("PREFIX sb: <https://w3id.org/kgbp/ontology#> "
              f"DELETE WHERE {{ GRAPH <{bp}> {{ ?step sb:inLane ?lane }} }}")
    with pytest.raises(NotConformant):
        apply_update(any_store, runner, unlane, validator=Validator(), agent="tester")
    assert quads(any_store) == before


# -- reading ----------------------------------------------------------------------------------

def test_boss_question(loaded_store: Store) -> None:
    rows = loaded_store.select(BOSS_QUERY, {"system": iris.system_iri("boss")})
    assert sorted((iris.blueprint_id(str(bp)), str(fp)) for bp, fp in rows.rows) == [
        ("arrears-reconnect/as-is", "execute-credit-rules"),
        ("arrears-reconnect/as-is", "send-low-balance-sms"),
        ("mobile-tv-subscription/as-is", "data-sync-between-systems"),
        ("mobile-tv-subscription/as-is", "send-order-failed-notice"),
        ("mobile-tv-subscription/as-is", "service-activation-failed"),
    ]


def test_list_blueprints(loaded_store: Store) -> None:
    listed = [(b.id, b.status, b.level, b.steps, b.fail_points, b.wait_points, b.service_label, b.title)
              for b in repository.list_blueprints(loaded_store)]
    assert listed == [
        ("arrears-reconnect/as-is", "as-is", 1, 10, 3, 0, "Arrears suspension and reconnection",
         "Suspended for arrears, pay, reconnect"),
        ("customer-lifecycle/as-is", "as-is", 0, 23, 0, 1, "Mobile customer lifecycle",
         "Mobile customer contact, level-0 process"),
        ("mobile-tv-subscription/as-is", "as-is", 1, 18, 6, 2, "Mobile TV subscription",
         "Mobile TV subscription fault and handling"),
        ("mobile-tv-subscription/to-be", "to-be", 1, 20, 2, 2, "Mobile TV subscription", "Mobile TV subscription (to-be)"),
        ("restaurant-checkout/as-is", "as-is", 1, 24, 6, 3, "Restaurant checkout and departure",
         "Restaurant — leaving after the meal"),
    ]
    assert next((b.service_label, b.title) for b in repository.list_blueprints(loaded_store, "zh")) == \
        ("欠费停机与复机", "欠费停机后缴费重新开机")


def test_load_view(loaded_store: Store) -> None:
    view = load_view(loaded_store, iris.blueprint_iri("arrears-reconnect", "as-is"), "zh")
    assert (view.title, view.service, view.version, view.status, view.level) == \
        ("欠费停机后缴费重新开机", "欠费停机与复机", "as-is", "as-is", 1)
    assert len(view.steps) == 11
    assert sorted(s.id for s in view.steps if s.fail) == ["execute-credit-rules", "make-credit-rules",
                                                          "send-low-balance-sms"]
    assert sorted(view.departments.values()) == ["业支部", "市场部"]
    execute = view.by_id()["execute-credit-rules"]
    assert (execute.lane, execute.department, execute.systems, execute.supports) == \
        ("backstage", "业支部", ["BOSS"], ["reconnect-service", "send-low-balance-sms", "suspend-service"])


def parse_export(data: bytes, fmt: str) -> Dataset:
    """An export as a dataset; the triples formats land in its default graph."""
    rdflib_format, _, keeps_graphs = FORMATS[fmt]
    text = inline_contexts(data.decode("utf-8"), "export") if fmt == "jsonld" else data.decode("utf-8")
    ds = Dataset()
    if keeps_graphs:
        ds.parse(data=text, format=rdflib_format)
    else:
        ds.default_graph.parse(data=text, format=rdflib_format)
    return ds


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_blueprint(loaded_store: Store, fmt: str) -> None:
    bp = iris.blueprint_iri("arrears-reconnect", "as-is")
    exported = parse_export(export_blueprint(loaded_store, bp, fmt), fmt)
    graph, repository_graph = loaded_store.graph(bp), loaded_store.graph(REPOSITORY_GRAPH)
    if FORMATS[fmt][2]:
        assert isomorphic(exported.graph(bp), graph)
        shared = exported.graph(REPOSITORY_GRAPH)
    else:
        triples = exported.default_graph
        assert set(graph) <= set(triples)
        shared = triples - graph
    assert len(shared) > 0 and set(shared) <= set(repository_graph)
    assert (iris.system_iri("boss"), RDFS.label, Literal("BOSS", lang="en")) in shared


# -- both stores side by side ---------------------------------------------------------------

@pytest.mark.slow
def test_both_stores_give_the_same_answers(examples_store: EmbeddedStore, server: Server) -> None:
    remote = server.with_examples()
    assert repository.list_blueprints(remote) == repository.list_blueprints(examples_store)
    assert repository.list_blueprints(remote, "zh") == repository.list_blueprints(examples_store, "zh")
    assert SharedIndex.from_store(remote) == SharedIndex.from_store(examples_store)
    for name in set(examples_store.graph_names()) - {HISTORY_GRAPH}:  # history: times and ids differ
        assert isomorphic(remote.graph(name), examples_store.graph(name)), name
    for bp in BLUEPRINTS:
        for lang in ("en", "zh"):
            assert sorted_view(load_view(remote, bp, lang)) == sorted_view(load_view(examples_store, bp, lang))
        for fmt in FORMATS if bp == BLUEPRINTS[0] else ["nq"]:  # every format once, every blueprint once
            ours = parse_export(export_blueprint(remote, bp, fmt), fmt)
            theirs = parse_export(export_blueprint(examples_store, bp, fmt), fmt)
            names = {g.identifier for g in theirs.graphs()}
            assert {g.identifier for g in ours.graphs()} == names
            for name in names:
                assert isomorphic(ours.graph(name), theirs.graph(name)), (bp, fmt, name)


# Named queries Virtuoso 7.2 cannot answer as written (docs/virtuoso.md, "Writing queries
# for Virtuoso" says why and what was tried). strict: a fix makes this list fail.
VIRTUOSO_CANNOT = {
    "changes_between_versions": "BIND(… EXISTS {…} AS ?x): Virtuoso fails to compile it (SQ074); the OPTIONAL "
                                "rewrites it compiles are wrong on Virtuoso or take minutes on pyoxigraph",
}
PARAMS = {"system": "boss", "department": "marketing", "service": "mobile-tv-subscription",
          "blueprint": "mobile-tv-subscription/as-is"}


CANNOT = {"virtuoso": VIRTUOSO_CANNOT, "oxigraph": {}}


def _named_queries() -> list[Any]:
    out = []
    for kind in SERVERS:
        for name in sorted(query.load_catalogue()):
            marks = [pytest.mark.slow]
            if name in CANNOT[kind]:
                marks.append(pytest.mark.xfail(reason=CANNOT[kind][name], strict=True, raises=(AssertionError, QueryError)))
            out.append(pytest.param(kind, name, marks=marks, id=f"{kind}-{name}"))
    return out


@pytest.mark.parametrize(("server", "name"), _named_queries(), indirect=["server"])
def test_named_query_same_rows_on_both_stores(examples_store: EmbeddedStore, server: Server, name: str) -> None:
    remote = server.with_examples()
    named = query.get(name)
    runs = [{}]  # every parameter left out (all blueprints), then each one given
    given = {p.name: (p.values[0] if p.values else p.example or PARAMS.get(p.entity or "", "2" if p.kind == "int" else ""))
             for p in named.user_params}
    if given:
        runs.append(given)
    for params in runs:
        if any(p.required and p.name not in params for p in named.user_params):
            continue
        try:  # an example entity the examples lack (an improvement action: no evidence here)
            query.bind(examples_store, named, params)
        except NotFound:
            continue
        for lang in ("en", "zh"):
            ours = query.run(remote, named, params, lang).rows
            theirs = query.run(examples_store, named, params, lang).rows
            assert ours.variables == theirs.variables
            diff = set(ours.rows) ^ set(theirs.rows)
            assert not diff, "\n".join(" ".join(str(t) for t in row) for row in diff)


@pytest.mark.slow
@pytest.mark.parametrize("server", [
    pytest.param("virtuoso", marks=pytest.mark.xfail(
        strict=True, raises=AssertionError,
        reason="Virtuoso 7.2.5 answers wrongly once the data it planned queries on has grown; "
               "a restart clears it (docs/virtuoso.md)")),
    "oxigraph"], indirect=True)
def test_answers_as_the_store_grows(examples_store: EmbeddedStore, server: Server) -> None:
    store = server.store
    server.restart(fresh_database=True)
    repository.init(store)
    load_files(store, [p for p in examples() if p.name.startswith(("arrears", "customer-lifecycle"))])
    before = query.run(store, "fail_points_by_system", {"system": "boss"}).rows
    assert {str(r[-1]) for r in before.rows} != set()  # a question asked on the smaller store ...
    load_files(store, examples())  # ... then the store grows
    ours = query.run(store, "fail_points_by_system", {"system": "boss"}).rows
    theirs = query.run(examples_store, "fail_points_by_system", {"system": "boss"}).rows
    assert set(ours.rows) == set(theirs.rows)


# -- Virtuoso's departures from the standard, handled -----------------------------------------

@pytest.mark.slow
def test_failed_swap_leaves_the_store_as_it_was_and_no_staging(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    store = server.with_examples()
    before = quads(store)
    bp = iris.blueprint_iri("arrears-reconnect", "as-is")
    import kgbp.store.remote as remote

    monkeypatch.setattr(remote, "_swap_update", lambda *_: "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { BROKEN }")
    with pytest.raises(QueryError):
        store.replace_graphs({bp: Graph()}, add={REPOSITORY_GRAPH: store.graph(REPOSITORY_GRAPH)})
    with pytest.raises(QueryError):
        store.replace_graphs({bp: store.graph(bp)})
    assert quads(store) == before
    assert not [g for (g,) in store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
                if str(g).startswith(STAGING)]


@pytest.mark.slow
def test_cut_answers_are_errors_not_short_answers(virtuoso_server: Server) -> None:
    server = virtuoso_server
    store = server.with_examples()  # ~4,000 quads with Virtuoso's own graphs; the cap is 10,000 rows
    assert store.max_rows() == 10_000
    cross = "SELECT ?a ?b WHERE { ?a a ?t1 . ?b a ?t2 }"
    with pytest.raises(QueryError) as info:
        store.select(cross)
    assert "first 10000 results" in info.value.message and "ResultSetMaxRows" in info.value.hint
    with pytest.raises(QueryError):
        store.construct("CONSTRUCT { ?a <urn:x> ?b } WHERE { ?a a ?t1 . ?b a ?t2 }")
    assert len(store.select(cross + " LIMIT 9999")) == 9999  # under the cap: the whole answer


@pytest.mark.slow
def test_literals_round_trip(any_store: Store) -> None:
    if not isinstance(any_store, RemoteStore):
        pytest.skip("the embedded store writes what it is given")
    s = URIRef("https://w3id.org/kgbp/id/test/s")
    graph = Graph()
    values = [Literal("plain"), Literal("中文", lang="zh"), Literal("hans", lang="zh-hans"), Literal(20),
              Literal("0.9", datatype=XSD.decimal), Literal(True), Literal("2025-11-23", datatype=XSD.date),
              Literal("2025-11-23T08:44:00Z", datatype=XSD.dateTime), Literal('line\n"quoted" \\ 😀')]
    for i, value in enumerate(values):
        graph.add((s, URIRef(f"https://w3id.org/kgbp/id/test/p{i}"), value))
    blank = BNode()
    graph.add((s, URIRef("https://w3id.org/kgbp/id/test/b"), blank))
    graph.add((blank, URIRef("https://w3id.org/kgbp/id/test/q"), Literal("in a blank node")))
    name = URIRef("https://w3id.org/kgbp/id/test")
    any_store.replace_graphs({name: graph})
    assert isomorphic(any_store.graph(name), graph)
    rows = any_store.select("SELECT ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": name, "s": s})
    assert {o for _, o in rows.rows if not isinstance(o, BNode)} == set(values)
    assert any_store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": name, "o": Literal(True)})


def test_a_write_of_many_graphs(any_store: Store) -> None:
    """More graphs than one Virtuoso operation takes (ATOMIC_GRAPHS) swap one by one."""
    base = "https://w3id.org/kgbp/id/test/"
    p = URIRef(f"{base}p")

    def content(i: int, tag: str) -> Graph:
        graph = Graph()
        for j in range(30):
            graph.add((URIRef(f"{base}{i}/s{j}"), p, Literal(f"{tag} {j % 3}")))
        return graph

    names = [URIRef(f"{base}g{i}") for i in range(ATOMIC_GRAPHS + 4)]
    added = URIRef(f"{base}added")
    any_store.replace_graphs({n: content(i, "old") for i, n in enumerate(names)}, add={added: content(99, "a")})
    new = {n: content(i, "new" if i % 2 else "old") for i, n in enumerate(names)}
    new[names[0]] = None  # dropped
    any_store.replace_graphs(new, add={added: content(98, "b")})
    for n, graph in new.items():
        assert set(any_store.graph(n)) == set(graph if graph is not None else ()), n
    assert len(any_store.graph(added)) == 60
    every = any_store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
    assert not [g for (g,) in every if str(g).startswith(STAGING)]


@pytest.mark.slow
def test_unreachable_server_and_wrong_password(virtuoso_server: Server) -> None:
    server = virtuoso_server
    closed = RemoteStore("http://127.0.0.1:9/sparql", "dba", "x", timeout=5)
    with pytest.raises(StoreUnavailable) as info:
        closed.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert "cannot reach the SPARQL server" in info.value.message and "KGBP_STORE" in info.value.hint
    wrong = RemoteStore(server.store.url, "dba", "not-the-password")
    assert wrong.ask("ASK { ?s ?p ?o }")  # reads are anonymous
    with pytest.raises(StoreUnavailable) as info:
        wrong.replace_graphs({URIRef("https://w3id.org/kgbp/id/test"): None})
    assert "KGBP_STORE_PASSWORD" in info.value.hint


@pytest.mark.slow
def test_server_errors_say_what_to_do(server: Server) -> None:
    with pytest.raises(QueryError) as info:
        server.store.select("SELEC ?s WHERE { ?s ?p ?o }")
    assert info.value.message.startswith("malformed SPARQL query")
    only_queries = RemoteStore(server.store.url)  # no Graph Store endpoint known (Oxigraph's is not derived)
    if not only_queries.graph_store_url:
        with pytest.raises(StoreUnavailable) as unknown:
            only_queries.replace_graphs({URIRef("https://w3id.org/kgbp/id/test"): Graph()},
                                        add={URIRef("https://w3id.org/kgbp/id/test/g"): Graph().add(
                                            (URIRef("urn:s"), URIRef("urn:p"), Literal(1)))})
        assert "KGBP_STORE_GRAPH_STORE_URL" in unknown.value.hint
        assert URIRef("https://w3id.org/kgbp/id/test/g") not in server.store.graph_names()
    only_queries.close()


@pytest.mark.slow
def test_virtuoso_errors_say_what_to_do(virtuoso_server: Server) -> None:
    server = virtuoso_server
    store = server.store
    with pytest.raises(QueryError) as info:
        store.select("SELEC ?s WHERE { ?s ?p ?o }")
    assert info.value.message.startswith("malformed SPARQL query")
    with pytest.raises(QueryError) as info:
        store.update("INSERT DATA { GRAPH <https://w3id.org/kgbp/id/test> { _:b <urn:p> 1 } }")
    assert "blank nodes" in info.value.hint
    with pytest.raises((QueryError, QueryTimeout)) as info:
        store.select("SELECT ?a ?b WHERE { ?a <https://w3id.org/kgbp/ontology#partOf>+ ?b }")
    assert "transitive" in str(info.value) or "path" in str(info.value)


RESULT_FORMATS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                  "text/tab-separated-values": "tsv"}


def _solutions(body: bytes, media_type: str) -> list[tuple[str | None, ...]]:
    if media_type == "text/csv" or body in (b"true", b"false"):  # no types in CSV; ASK as plain text
        return [tuple(row) for row in csv.reader(io.StringIO(body.decode("utf-8")))]
    result = Result.parse(io.BytesIO(body), format=RESULT_FORMATS[media_type])
    if result.type == "ASK":
        return [(str(result.askAnswer),)]
    return [tuple(None if v is None else v.n3() for v in row) for row in result]  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.parametrize("media_type", [*sorted(RESULT_FORMATS), "text/csv"])
def test_serialized_answers_are_the_embedded_stores(examples_store: EmbeddedStore, server: Server,
                                                     media_type: str) -> None:
    remote = server.with_examples()
    for text in ("PREFIX sb: <https://w3id.org/kgbp/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
                 "SELECT ?bp ?level ?title WHERE { GRAPH ?bp { ?bp sb:level ?level ; dcterms:title ?title } } "
                 "ORDER BY ?bp ?title",
                 "ASK { GRAPH ?g { ?s <https://w3id.org/kgbp/ontology#partOf> ?o } }"):
        ours, theirs = remote.query_serialized(text, media_type), examples_store.query_serialized(text, media_type)
        assert ours.media_type == media_type
        assert _solutions(ours.body, media_type) == _solutions(theirs.body, media_type)
    types = 'CONSTRUCT { ?s a ?t } WHERE { GRAPH ?g { ?s a ?t } FILTER(STRSTARTS(STR(?g), "https://w3id.org/kgbp/id/service/")) }'
    built = remote.query_serialized(types, media_type, graph_media_type="text/turtle")
    expected = examples_store.construct(types)  # Virtuoso's own graphs are in its union too: hence the FILTER
    assert built.media_type == "text/turtle"
    assert isomorphic(Graph().parse(data=built.body, format="turtle"), expected)


# -- binding parameters -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT ?p WHERE { GRAPH ?g { ?s ?p ?o } }",
     'SELECT ?p WHERE { VALUES (?s ?lang) { (<urn:x> "en") }\n GRAPH ?g { <urn:x> ?p ?o } }'),
    ('PREFIX a: <urn:a#> # a { comment\nSELECT (COUNT(*) AS ?n) FROM <urn:g> { ?s ?p "?s }" FILTER(?lang = "zh") }',
     'PREFIX a: <urn:a#> # a { comment\nSELECT (COUNT(*) AS ?n) FROM <urn:g> { VALUES (?s ?lang) { (<urn:x> "en") }\n'
     ' <urn:x> ?p "?s }" FILTER("en" = "zh") }'),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
     'CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s ?lang) { (<urn:x> "en") }\n <urn:x> ?p ?o }'),
    ("CONSTRUCT WHERE { ?s ?p ?o }", 'CONSTRUCT WHERE { ?s ?p ?o }\nVALUES (?s ?lang) { (<urn:x> "en") }'),
    ("SELECT * { { SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } ?x <urn:p>? ?s }",
     'SELECT * { VALUES (?s ?lang) { (<urn:x> "en") }\n { SELECT ?s (COUNT(?o) AS ?n) WHERE { VALUES (?s) { (<urn:x>) }\n'
     ' ?s ?p ?o } GROUP BY ?s } ?x <urn:p>? <urn:x> }'),
])
def test_bind_replaces_the_variables_of_the_where_group(text: str, expected: str) -> None:
    assert bind(text, {"s": URIRef("urn:x"), "lang": Literal("en")}) == expected


def test_query_form() -> None:
    assert query_form("PREFIX select: <urn:x#> # ASK\nCONSTRUCT { ?s ?p 'SELECT' } WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form("ask { ?s ?p ?o }") == "ASK"
