"""Blueprint diagrams: layout in Python, SVG with ElementTree, PNG with cairosvg.

    view = load_view(store, iri, "zh")
    svg = draw_svg(view)                              # the canonical blueprint
    svg = draw_svg(view, impact(store, iri, boss))    # the impact view of one system
"""

from __future__ import annotations

from rdflib import URIRef

from ..repository.blueprint_view import BlueprintView, load_view
from ..store import Store
from .impact import impact, impact_highlight, resolve_system
from .layout import Highlight, Layout, layout
from .png import svg_to_png
from .svg import svg_bytes


def draw_svg(view: BlueprintView, highlight: Highlight | None = None) -> bytes:
    return svg_bytes(layout(view, highlight))


def blueprint_svg(store: Store, blueprint: URIRef, lang: str, highlight_system: str | None = None) -> bytes:
    """The stored blueprint's diagram; with `highlight_system` (IRI, id or label), its impact view."""
    view = load_view(store, blueprint, lang)
    return draw_svg(view, impact_highlight(store, view, highlight_system) if highlight_system else None)


def draw_png(view: BlueprintView, highlight: Highlight | None = None, scale: float = 2.0) -> bytes:
    return svg_to_png(draw_svg(view, highlight), scale)


__all__ = ["Highlight", "Layout", "blueprint_svg", "draw_png", "draw_svg", "impact", "impact_highlight", "layout",
           "resolve_system", "svg_to_png"]
