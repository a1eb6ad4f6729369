"""The shared entities people pick from, labelled in the asked language and sorted by label."""

from __future__ import annotations

from kgbp.model import iris
from kgbp.repository.entities import list_entities
from kgbp.store.embedded import EmbeddedStore


def test_entities_are_listed_by_kind_in_the_language_asked(examples_store: EmbeddedStore) -> None:
    systems = list_entities(examples_store, "system", "en")
    assert systems and [e.label.casefold() for e in systems] == sorted(e.label.casefold() for e in systems)
    zh = {e.iri: e.label for e in list_entities(examples_store, "system", "zh")}
    assert set(zh) == {e.iri for e in systems} and any(zh[e.iri] != e.label for e in systems)
    blueprints = {e.id: e for e in list_entities(examples_store, "blueprint", "en")}
    assert blueprints["arrears-reconnect/as-is"].iri == iris.blueprint_iri("arrears-reconnect", "as-is")
    assert " · " in blueprints["arrears-reconnect/as-is"].label
    assert list_entities(examples_store, "action", "en") == []  # named by typing it, not picked
