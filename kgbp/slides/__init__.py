"""PowerPoint slides in and out: export any blueprint as an editable slide, import a drawn one as a draft.

    data = blueprint_deck(store, ["mobile-tv-subscription"], "zh")   # one slide per version
    imported = import_slide(pptx_bytes, "deck.pptx", slide=1, index=SharedIndex.from_store(store))
    imported.yaml_text, imported.guesses                              # the draft and what was guessed
    store_draft(store, imported, agent="cli")                         # through the one write path
"""

from __future__ import annotations

from rdflib import URIRef

from ..errors import Conflict
from ..ingest.pipeline import ingest
from ..repository.save import SaveResult
from ..resources import internal_query
from ..store import Store
from .export import MEDIA_TYPE, blueprint_deck, deck, resolve_refs
from .importer import Guess, SlideImport, import_slide


def is_stored_final(store: Store, blueprint: URIRef) -> bool:
    """True when the store holds this blueprint version and it is not a draft."""
    return store.ask(internal_query("stored_not_draft"), {"g": blueprint})


def store_draft(store: Store, imported: SlideImport, *, agent: str, lang: str = "en") -> SaveResult:
    """Store an imported slide as a draft; never over a stored version that is not a draft."""
    bp = imported.blueprint
    if is_stored_final(store, bp.iri):
        raise Conflict(f"{bp.id} is stored and is not a draft: a draft from a slide would replace it",
                       where=imported.blueprint.source,
                       hint=f"store the draft as another version (--version NAME, e.g. {bp.id.rsplit('/', 1)[-1]}-from-slide)")
    return ingest(store, [bp], agent=agent, lang=lang, draft=True).accepted()


__all__ = ["MEDIA_TYPE", "Guess", "SlideImport", "blueprint_deck", "deck", "import_slide", "is_stored_final",
           "resolve_refs", "store_draft"]
