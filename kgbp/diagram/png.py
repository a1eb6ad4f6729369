"""PNG of a diagram: the SVG rasterised by cairosvg, which finds the same font through fontconfig."""

from __future__ import annotations

from ..errors import RenderUnavailable
from ..i18n import say


def svg_to_png(svg: bytes, scale: float = 2.0) -> bytes:
    """Rasterise at `scale` pixels per SVG unit (2 = sharp on high-density screens and in print)."""
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: the cairo library itself is missing
        raise RenderUnavailable(say("png_unavailable", what=str(exc)), where="cairosvg", hint=say("png_unavailable_hint")) from None
    png = cairosvg.svg2png(bytestring=svg, scale=scale, unsafe=False)
    assert isinstance(png, bytes)
    return png
