"""Plain geometry the layout produces and the SVG writer draws: rectangles, text lines, paths."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import text as fonts


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def distance(self, p: tuple[float, float]) -> float:
        """0 inside, else the distance from `p` to the nearest point of the rectangle."""
        dx = max(self.x - p[0], 0.0, p[0] - self.right)
        dy = max(self.y - p[1], 0.0, p[1] - self.bottom)
        return float((dx * dx + dy * dy) ** 0.5)

    def overlaps(self, other: Rect, margin: float = 0.0) -> bool:
        """True when the interiors meet (touching edges do not count)."""
        return (self.x < other.right - margin and other.x < self.right - margin
                and self.y < other.bottom - margin and other.y < self.bottom - margin)

    def crossed_by(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """True when the axis-parallel segment a-b passes through the interior."""
        (x1, y1), (x2, y2) = a, b
        lo_x, hi_x, lo_y, hi_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
        return lo_x < self.right and hi_x > self.x and lo_y < self.bottom and hi_y > self.y and (
            (self.x < x1 < self.right) if x1 == x2 else (self.y < y1 < self.bottom))


@dataclass(frozen=True)
class TextLine:
    """One line of text; `y` is the baseline, `x` the start (anchor start) or the centre."""

    x: float
    y: float
    text: str
    size: float
    bold: bool = False
    anchor: str = "start"
    fill: str = "#222"
    cls: str = ""

    @property
    def width(self) -> float:
        return fonts.width(self.text, self.size, self.bold)

    @property
    def bbox(self) -> Rect:
        face = fonts.face(self.bold)
        left = self.x - self.width / 2 if self.anchor == "middle" else self.x
        top = self.y - face.ascent * self.size
        return Rect(left, top, self.width, (face.ascent + face.descent) * self.size)


@dataclass
class Path:
    points: list[tuple[float, float]] = field(default_factory=list)

    def to(self, x: float, y: float) -> None:
        if not self.points or self.points[-1] != (x, y):
            self.points.append((x, y))

    def segments(self) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        return list(zip(self.points, self.points[1:], strict=False))


def baseline(line_top: float, line_height: float, size: float, bold: bool = False) -> float:
    """The baseline that centres the font's em box in a line box."""
    face = fonts.face(bold)
    em = (face.ascent + face.descent) * size
    return line_top + (line_height - em) / 2 + face.ascent * size
