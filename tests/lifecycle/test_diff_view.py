"""The diagram of a difference: the later version drawn, its added and changed steps marked, removed ones as ghosts."""

from __future__ import annotations

from lxml import etree

from kgbp.lifecycle.diff_view import diff_svg
from kgbp.model import iris
from kgbp.store.embedded import EmbeddedStore


def _marks(svg: bytes) -> set[str]:
    root = etree.fromstring(svg)
    assert root.tag.endswith("svg")
    return {c for el in root.iter() for c in (el.get("class") or "").split() if c.startswith("mark-")}


def test_the_difference_of_two_versions_is_drawn_with_its_marks(examples_store: EmbeddedStore) -> None:
    before = iris.blueprint_iri("mobile-tv-subscription", "as-is")
    after = iris.blueprint_iri("mobile-tv-subscription", "to-be")
    assert _marks(diff_svg(examples_store, before, after, "en")) == {"mark-added", "mark-changed", "mark-removed"}
    assert _marks(diff_svg(examples_store, before, before, "zh")) == set()  # nothing differs: nothing marked
