"""Each silent merge of issue 20, on the real store: now a link with a report line, or a conflict."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS, SKOS

from kgbp.errors import BadInput
from kgbp.ingest import SharedIndex, read_bytes
from kgbp.model import iris
from kgbp.model.namespaces import REPOSITORY_GRAPH
from kgbp.query import catalogue as query
from kgbp.repository import save as repository
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator

FILE = """service: {{id: ticket-desk, label: {{en: Ticket desk, zh: 工单台}}}}
departments:
  - {{id: customer-service-centre}}
systems:
{systems}
steps:
  customer:
    - {{id: ask, label: {{en: Ask for help, zh: 求助}}}}
  frontstage:
    - {{id: answer, label: {{en: Answer, zh: 答复}}, department: customer-service-centre, supports: ask}}
  backstage:
    - {{id: look-up, label: {{en: Look it up, zh: 查询}}, performer: system, department: customer-service-centre,
        systems: [{uses}], supports: answer,
        fail: {{mode: {{en: Nothing found, zh: 查不到}}, consequence: {{en: No answer, zh: 得不到答复}}}}}}
"""


def save(store: EmbeddedStore, systems: str, uses: str) -> repository.SaveResult:
    data = FILE.format(systems=systems, uses=uses).encode()
    blueprints = read_bytes(data, "ticket-desk.yaml", SharedIndex.from_store(store))
    return repository.save(store, blueprints, validator=Validator())


def test_a_new_label_on_a_known_id_is_kept_as_an_alias_and_reported(store: EmbeddedStore) -> None:
    result = save(store, "  - {id: ticketing-system, label: Ticket dispatch system}", "ticketing-system")
    lines = [n.text("en") for n in result.links]
    assert len(lines) == 1 and "'Ticket dispatch system' is not yet a name of ticketing-system (Ticketing system)" in lines[0]
    assert "kept as its alias" in lines[0] and "kgbp rename system ticketing-system --label en=" in lines[0]
    assert "“Ticket dispatch system”还不是 ticketing-system" in result.links[0].text("zh")
    repo = store.graph(REPOSITORY_GRAPH)
    system = iris.system_iri("ticketing-system")
    assert (system, SKOS.altLabel, Literal("Ticket dispatch system", lang="en")) in repo
    assert (system, RDFS.label, Literal("Ticketing system", lang="en")) in repo  # the label stays
    # the new name now finds the same system everywhere
    assert query.resolve_entity(store, "system", "Ticket dispatch system") == system


def test_a_new_id_with_a_known_label_is_linked_and_its_id_answers(store: EmbeddedStore) -> None:
    result = save(store, "  - {id: knowledge-sharing-system, label: Knowledge base}", "knowledge-sharing-system")
    assert [n.text("en").split(":")[0] for n in result.links] == ["linked 'Knowledge base' to knowledge-base"]
    assert result.links[0].text("zh").startswith("已将“Knowledge base”关联到 knowledge-base")
    assert result.links[0].where.startswith("ticket-desk.yaml:5")
    kb = iris.system_iri("knowledge-base")
    assert not store.ask("ASK { ?s ?p ?o }", {"s": iris.system_iri("knowledge-sharing-system")})  # no second system
    by_id = query.run(store, "fail_points_by_system", {"system": "knowledge-sharing-system"})
    assert {str(r["system"]) for r in by_id.rows.dicts()} == {str(kb)}
    assert "ticket-desk/as-is" in {str(r["blueprint_id"]) for r in by_id.rows.dicts()}


def test_an_id_declared_with_another_entitys_label_is_a_conflict_and_nothing_is_stored(store: EmbeddedStore) -> None:
    before = len(store.graph(REPOSITORY_GRAPH))
    with pytest.raises(BadInput) as caught:
        save(store, "  - {id: ticketing-system, label: Knowledge base}", "ticketing-system")
    problem = caught.value.problems[0]
    assert "conflict: system 'ticketing-system' is declared with the name 'Knowledge base', which names knowledge-base" \
        in problem.message
    assert "use the id 'knowledge-base'" in problem.hint and "kgbp merge system ticketing-system knowledge-base" in problem.hint
    assert len(store.graph(REPOSITORY_GRAPH)) == before
    assert not [b for b in repository.list_blueprints(store) if b.id.startswith("ticket-desk")]


def test_a_declared_alias_that_names_another_entity_is_a_conflict(store: EmbeddedStore) -> None:
    with pytest.raises(BadInput) as caught:
        save(store, "  - {id: ivr, label: IVR, aliases: [telephone voice system, BOSS]}", "ivr")
    assert "the alias 'BOSS' of system 'ivr' already names boss (BOSS)" in caught.value.problems[0].message


def test_two_known_names_in_one_declaration_is_a_conflict(store: EmbeddedStore) -> None:
    with pytest.raises(BadInput) as caught:
        save(store, "  - {id: kb-and-tickets, label: {en: Knowledge base, zh: 工单系统}}", "kb-and-tickets")
    message = caught.value.problems[0].message
    assert "names 2 known systems" in message and "knowledge-base" in message and "ticketing-system" in message


def test_an_alias_declared_in_a_file_finds_the_entity(store: EmbeddedStore) -> None:
    result = save(store, "  - {id: ivr, label: {en: IVR, zh: 自动语音应答}, aliases: [telephone voice system, 电话语音系统]}",
                  "telephone voice system")
    assert result.links == []
    ivr = iris.system_iri("ivr")
    for name in ("ivr", "IVR", "telephone voice system", "电话语音系统", "TELEPHONE VOICE SYSTEM"):
        assert query.resolve_entity(store, "system", name) == ivr


def test_a_parent_cycle_in_a_file_is_refused(store: EmbeddedStore) -> None:
    # boss is stored; making boss part of home-boss (itself part of boss) closes a cycle
    with pytest.raises(BadInput) as caught:
        save(store, "  - {id: boss, part_of: home-boss}", "boss")
    problem = caught.value.problems[0]
    assert "part_of makes a cycle: boss (BOSS) -> home-boss (Home-location BOSS) -> boss (BOSS)" in problem.message
    assert "remove one part_of" in problem.hint


def test_the_examples_load_without_a_link_line(examples_store: EmbeddedStore) -> None:
    """The shipped examples name every shared entity by its id: nothing to report."""
    from kgbp.ingest import read_many
    from kgbp.resources import examples

    blueprints, problems = read_many(examples(), SharedIndex.from_store(examples_store))
    assert not problems and [n for b in blueprints for n in b.links] == []
