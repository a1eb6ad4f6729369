"""Merge, rename and alias on the real store: every blueprint follows, history records it,
and bad input (self-merge, taken id, alias of another, parent cycle) stores nothing."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import SKOS

from kgbp.errors import BadInput, NotFound
from kgbp.model import iris
from kgbp.model.namespaces import REPOSITORY_GRAPH, SB
from kgbp.query import catalogue as query
from kgbp.registry import operations
from kgbp.registry.listing import list_entries
from kgbp.repository import history
from kgbp.store.embedded import EmbeddedStore
from kgbp.validation.engine import Validator


def snapshot(store: EmbeddedStore) -> bytes:
    return store.dump()


def fail_point_ids(store: EmbeddedStore, system: str) -> list[tuple[str, str]]:
    result = query.run(store, "fail_points_by_system", {"system": system})
    return [(str(r["blueprint_id"]), str(r["fail_point_id"])) for r in result.rows.dicts()]


def test_merge_moves_every_blueprint_and_keeps_the_old_names_as_aliases(store: EmbeddedStore) -> None:
    kb, tickets = iris.system_iri("knowledge-base"), iris.system_iri("ticketing-system")
    expected = sorted(set(fail_point_ids(store, "knowledge-base")) | set(fail_point_ids(store, "ticketing-system")))
    change = operations.merge(store, "system", "知识库", "Ticketing system", agent="tester", validator=Validator())
    assert change.message["en"] == "merged system knowledge-base (Knowledge base) into ticketing-system (Ticketing system)"
    assert change.blueprints == ["mobile-tv-subscription/as-is", "mobile-tv-subscription/to-be"]
    assert not store.ask("ASK { GRAPH ?g { ?s ?p ?kb } }", {"kb": kb})
    assert store.ask("ASK { GRAPH ?g { ?s ?p ?t } }", {"p": SB.usesSystem, "t": tickets})
    for old_name in ("knowledge-base", "Knowledge base", "知识库"):
        assert query.resolve_entity(store, "system", old_name) == tickets
    assert fail_point_ids(store, "knowledge-base") == expected == fail_point_ids(store, "ticketing-system")
    recorded = [a for a in history.activities(store) if a.action == "merge"]
    assert {a.blueprint for a in recorded} == {REPOSITORY_GRAPH, iris.blueprint_iri("mobile-tv-subscription", "as-is"),
                                               iris.blueprint_iri("mobile-tv-subscription", "to-be")}
    assert all(a.agent == "tester" for a in recorded)


def test_rename_gives_a_new_id_and_label_that_every_blueprint_follows(store: EmbeddedStore) -> None:
    before = fail_point_ids(store, "ticketing-system")
    change = operations.rename(store, "system", "ticketing-system", "ticket-dispatch",
                               {"en": "Ticket dispatch system"}, validator=Validator())
    assert change.entity == "ticket-dispatch" and len(change.blueprints) == 2
    new = iris.system_iri("ticket-dispatch")
    entry = next(e for e in list_entries(store, "system") if e.id == "ticket-dispatch")
    assert entry.labels == {"en": "Ticket dispatch system", "zh": "工单系统"}
    assert {"ticketing-system", "Ticketing system"} <= set(entry.aliases)
    assert entry.blueprints == 2
    assert query.resolve_entity(store, "system", "ticketing-system") == new
    assert list(fail_point_ids(store, "Ticket dispatch system")) == before
    assert [a.action for a in history.activities(store)][-3:] == ["rename"] * 3


def test_alias_is_added_then_answers_like_the_id(store: EmbeddedStore) -> None:
    operations.alias(store, "system", "boss", "business and operation support system")
    assert (iris.system_iri("boss"), SKOS.altLabel, Literal("business and operation support system", lang="en")) \
        in store.graph(REPOSITORY_GRAPH)
    assert fail_point_ids(store, "business and operation support system") == fail_point_ids(store, "boss") != []
    operations.alias(store, "system", "boss", "business and operation support system", remove=True)
    with pytest.raises(NotFound):
        fail_point_ids(store, "business and operation support system")


@pytest.mark.parametrize(("action", "message", "hint"), [
    (lambda s: operations.merge(s, "system", "knowledge-base", "Knowledge base"),
     "cannot merge knowledge-base (Knowledge base) into itself", "name two different systems"),
    (lambda s: operations.rename(s, "system", "ticketing-system", "boss"),
     "the id 'boss' is taken by boss (BOSS); ticketing-system (Ticketing system) cannot take it",
     "kgbp merge system ticketing-system boss"),
    (lambda s: operations.rename(s, "system", "ticketing-system", None, {"zh": "知识库"}),
     "the label '知识库' already names knowledge-base (Knowledge base)", "choose another name"),
    (lambda s: operations.alias(s, "system", "boss", "Ticketing system"),
     "the alias 'Ticketing system' already names ticketing-system (Ticketing system); boss (BOSS) cannot take it",
     "kgbp merge system boss ticketing-system"),
    (lambda s: operations.merge(s, "system", "boss", "home-boss"),  # home-boss is part of boss
     "", ""),
    (lambda s: operations.merge(s, "channel", "hotline", "ivr"), "the registry cannot change a channel", "ontology terms"),
])
def test_bad_registry_changes_name_both_entities_and_store_nothing(store: EmbeddedStore, action, message, hint) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(store)
    if not message:  # merging a whole into its part is allowed: the part's link to its whole goes
        operations.merge(store, "system", "boss", "home-boss")
        assert not store.ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"o": iris.system_iri("boss")})
        assert not store.ask("ASK { ?s <https://w3id.org/kgbp/ontology#partOf> ?s }")
        return
    with pytest.raises(BadInput) as caught:
        action(store)
    assert message in caught.value.message and hint in caught.value.hint
    assert snapshot(store) == before


def test_a_merge_that_closes_a_parent_cycle_is_refused(store: EmbeddedStore) -> None:
    # x is part of home-boss, home-boss part of boss: merged into x, boss's parts become x's,
    # so home-boss would be part of x and x part of home-boss
    from kgbp.ingest import SharedIndex, read_bytes
    from kgbp.repository import save as repository

    data = b"""service: {id: s, label: {en: S, zh: S}}
systems:
  - {id: x-system, label: {en: X, zh: X}, part_of: home-boss}
steps:
  customer:
    - {id: c, label: {en: C, zh: C}}
"""
    repository.save(store, read_bytes(data, "s.yaml", SharedIndex.from_store(store)))
    before = snapshot(store)
    with pytest.raises(BadInput) as caught:
        operations.merge(store, "system", "boss", "x-system")
    assert "parent cycle" in caught.value.message and "x-system (X)" in caught.value.message
    assert snapshot(store) == before
