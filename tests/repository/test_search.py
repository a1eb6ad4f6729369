"""Search by what people remember, in either language, the text bound and never pasted into SPARQL."""

from __future__ import annotations

from kgbp.repository.search import search
from kgbp.store.embedded import EmbeddedStore


def test_search_finds_steps_and_blueprints_in_either_language(examples_store: EmbeddedStore) -> None:
    found = search(examples_store, "缴费", "en")  # a zh label found from an en page
    assert not found.empty
    assert any(s.blueprint == "arrears-reconnect/as-is" and s.label == "Pay" for s in found.steps)
    assert any(b.id == "arrears-reconnect/as-is" for b in search(examples_store, "arrears", "zh").blueprints)
    assert search(examples_store, "   ", "en").empty
    hostile = search(examples_store, '") } ; DROP ALL ; #', "en")  # bound as a term: just not found
    assert hostile.empty


def test_an_exact_system_name_is_one_hit(examples_store: EmbeddedStore) -> None:
    found = search(examples_store, "BOSS", "en")
    exact = found.exact("BOSS")
    assert exact is None or exact in found.systems
    assert found.exact("no such system anywhere") is None
