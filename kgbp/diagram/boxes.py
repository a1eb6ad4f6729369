"""The box a step is drawn in, and its badges: made by the layout, read by the router (arrows
start and end on boxes) and by the SVG and slide writers. A module of its own, so the
layout and the router both import it and not each other both ways."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..repository.blueprint_view import StepView
from .geometry import Rect, TextLine

# sizes in SVG user units (px); the layout sizes everything else around them
BOX_W = 168.0
BOX_MIN_H = 44.0


@dataclass
class Badge:
    kind: str  # "F" or "W"
    cx: float
    cy: float
    r: float
    fill: str
    text: TextLine


@dataclass
class StepBox:
    step: StepView
    column: int
    stack: int  # place in its cell's stack, 0 = top
    stack_size: int
    rect: Rect = field(default_factory=lambda: Rect(0, 0, BOX_W, BOX_MIN_H))
    fill: str = "#ffffff"
    stroke: str = "#4a4a4a"
    dashed: bool = False
    label: list[TextLine] = field(default_factory=list)
    systems: list[TextLine] = field(default_factory=list)
    separator: float | None = None
    badges: list[Badge] = field(default_factory=list)
    highlighted: bool = False
    mark: str = ""  # diff status, see Highlight.marks
    # content measured before placement: label lines, system lines, height
    _label: list[str] = field(default_factory=list)
    _systems: list[str] = field(default_factory=list)

    @property
    def is_top(self) -> bool:
        return self.stack == 0

    @property
    def is_bottom(self) -> bool:
        return self.stack == self.stack_size - 1
