"""The diagram of a difference: the later version, its added and changed steps marked, and the
removed steps drawn as dashed ghosts where they stood in the earlier version."""

from __future__ import annotations

from dataclasses import replace

from rdflib import URIRef

from ..diagram import draw_svg
from ..diagram.layout import Highlight
from ..repository.blueprint_view import load_view
from ..store import Store
from .diff import compare

STATUS_WORDS = {
    "en": {"added": "added", "changed": "changed", "removed": "removed"},
    "zh": {"added": "新增", "changed": "变更", "removed": "删除"},
}


def diff_svg(store: Store, before: URIRef, after: URIRef, lang: str) -> bytes:
    difference = compare(store, before, after, lang)
    old, new = load_view(store, before, lang), load_view(store, after, lang)
    old_steps = {s.iri: s for s in old.steps}
    ghosts = [replace(old_steps[c.from_iri], supports=[], id=f"{c.id}~removed")
              for c in (*difference.steps, *difference.evidence)
              if c.status == "removed" and c.from_iri in old_steps]
    merged = replace(new, steps=[*new.steps, *ghosts])
    marks = {(c.to_iri, c.status) for c in (*difference.steps, *difference.evidence)
             if c.status in ("added", "changed") and c.to_iri is not None}
    marks |= {(g.iri, "removed") for g in ghosts}
    words = STATUS_WORDS.get(lang, STATUS_WORDS["en"])
    present = [s for s in ("added", "changed", "removed") if any(m == s for _, m in marks)]
    highlight = Highlight(steps=frozenset(iri for iri, _ in marks), marks=frozenset(marks),
                          label=f"{difference.from_id} → {difference.to_id}",
                          mark_labels=tuple((s, words[s]) for s in present))
    return draw_svg(merged, highlight)
