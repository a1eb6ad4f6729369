"""PNG of a diagram: the SVG rasterised by cairosvg, which finds the same font through fontconfig."""

from __future__ import annotations

from ..errors import RenderUnavailable


def svg_to_png(svg: bytes, scale: float = 2.0) -> bytes:
    """Rasterise at `scale` pixels per SVG unit (2 = sharp on high-density screens and in print)."""
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: the cairo library itself is missing
        raise RenderUnavailable(f"PNG rendering is unavailable: {exc}", where="cairosvg",
                                hint="install the system library libcairo2 (scripts/system-deps.sh), or ask for the .svg") from None
    png = cairosvg.svg2png(bytestring=svg, scale=scale, unsafe=False)
    assert isinstance(png, bytes)
    return png
