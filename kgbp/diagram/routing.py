"""Orthogonal routing of arrows between step boxes, planned before any coordinate is known.

An arrow leaves a box by a *port* on one of its edges, runs along *tracks* in the
horizontal gaps between lanes and in the vertical channels between columns, and enters
the other box by a port. Planning works on coarse positions (which gap, which channel,
which column); `Router.assign_tracks` then gives every stretch its own track by interval
colouring, so no two arrows share a stretch, and the layout sizes gaps and channels to
the number of tracks they carry. Boxes never sit in gaps or channels, so an arrow
never passes through one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..repository.blueprint_view import StepView

if TYPE_CHECKING:
    from .boxes import StepBox

@dataclass
class Segment:
    """A stretch of an arrow on a shared track: in gap `where` (horizontal) or channel `where` (vertical)."""

    axis: str  # "h" runs in a gap, "v" runs in a channel
    where: int
    lo: float  # coarse interval along the track (see coarse_*)
    hi: float
    order: int
    track: int = 0


@dataclass
class Port:
    box: StepBox
    side: str  # top | bottom | left | right
    key: tuple[float, ...]  # sort key: where the arrow goes next
    straight: bool = False
    frac: float = 0.5


# A route is a list of turn points; each coordinate is resolved once the tracks are known.
X = tuple[Any, ...]  # ("port", Port) | ("chan", Segment)
Y = tuple[Any, ...]  # ("port", Port) | ("gap", Segment) | ("edge", StepBox, "top"|"bottom")


@dataclass
class Route:
    kind: str
    source: StepView
    target: StepView
    head_at_end: bool
    points: list[tuple[X, Y]] = field(default_factory=list)
    highlighted: bool = False


def coarse_chan(c: int) -> float:
    return 2.0 * c


def coarse_col(i: int) -> float:
    return 2.0 * i + 1


def coarse_gap(g: int) -> float:
    return 2.0 * g


def coarse_lane(k: int) -> float:
    return 2.0 * k + 1


class Router:
    """Plans each arrow as turn points on ports and tracks; coordinates come later."""

    def __init__(self, lanes: Sequence[str], cells: dict[tuple[int, int], list[StepBox]], n_cols: int) -> None:
        self.lane_index = {k: n for n, k in enumerate(lanes)}
        self.cells = cells
        self.segments: list[Segment] = []
        self.ports: list[Port] = []
        self.routes: list[Route] = []
        self.chan_load = [0] * (n_cols + 1)

    def clear(self, col: int, lanes: range) -> bool:
        return all(not self.cells.get((k, col)) for k in lanes)

    def h(self, gap: int, a: float, b: float) -> Segment:
        s = Segment("h", gap, min(a, b), max(a, b), len(self.segments))
        self.segments.append(s)
        return s

    def v(self, chan: int, a: float, b: float) -> Segment:
        s = Segment("v", chan, min(a, b), max(a, b), len(self.segments))
        self.segments.append(s)
        self.chan_load[chan] += 1
        return s

    def port(self, box: StepBox, side: str, key: float, straight: bool = False) -> Port:
        p = Port(box, side, (key, float(len(self.ports))), straight)
        self.ports.append(p)
        return p

    def add(self, route: Route, lower: StepBox, upper: StepBox) -> None:
        """Plan `route` from `lower` (in `upper`'s lane or below it) to `upper`."""
        a, b = self.lane_index[lower.step.lane], self.lane_index[upper.step.lane]
        i, j = lower.column, upper.column
        pts = route.points
        self.routes.append(route)

        if i == j and b < a and lower.is_top and upper.is_bottom and self.clear(i, range(b + 1, a)):
            # straight up: both ports sit in the middle of their edges
            p = self.port(lower, "top", coarse_col(i), straight=True)
            self.port(upper, "bottom", coarse_col(j), straight=True)
            pts += [(("port", p), ("edge", lower, "top")), (("port", p), ("edge", upper, "bottom"))]
            return

        if a == b and lower.stack_size == 1 and upper.stack_size == 1 and all(
                not self.cells.get((a, c)) for c in range(min(i, j) + 1, max(i, j))):
            # same lane, nothing in between: straight across (lone boxes share the lane's middle line)
            p0 = self.port(lower, "right" if j > i else "left", coarse_col(j), straight=True)
            p1 = self.port(upper, "left" if j > i else "right", coarse_col(i), straight=True)
            pts += [(("side", p0), ("port", p0)), (("side", p1), ("port", p1))]
            return

        # how the route arrives: from a gap under the upper box (over it, same lane), or from a channel beside it
        t_gap = b + 1 if (b < a and upper.is_bottom) else (a if (b == a and upper.is_top) else -1)
        t_edge = "bottom" if b < a else "top"
        t_side = "" if t_gap >= 0 else ("left" if i < j else "right")
        t_chan = -1 if not t_side else (j if t_side == "left" else j + 1)

        if lower.is_top:  # leave by the top edge into the gap above the lower box's lane
            g = a
            if t_side:
                p0 = self.port(lower, "top", coarse_chan(t_chan))
                h1 = self.h(g, coarse_col(i), coarse_chan(t_chan))
                v1 = self.v(t_chan, coarse_gap(g), coarse_lane(b))
                p1 = self.port(upper, t_side, coarse_gap(g))
                pts += [(("port", p0), ("edge", lower, "top")), (("port", p0), ("gap", h1)),
                        (("chan", v1), ("gap", h1)), (("chan", v1), ("port", p1)), (("side", p1), ("port", p1))]
            elif g == t_gap:
                p0 = self.port(lower, "top", coarse_col(j))
                p1 = self.port(upper, t_edge, coarse_col(i))
                h1 = self.h(g, coarse_col(i), coarse_col(j))
                pts += [(("port", p0), ("edge", lower, "top")), (("port", p0), ("gap", h1)),
                        (("port", p1), ("gap", h1)), (("port", p1), ("edge", upper, t_edge))]
            else:
                c = j if i < j else j + 1 if i > j else (j if self.chan_load[j] < self.chan_load[j + 1] else j + 1)
                p0 = self.port(lower, "top", coarse_chan(c))
                p1 = self.port(upper, t_edge, coarse_chan(c))
                h1 = self.h(g, coarse_col(i), coarse_chan(c))
                v1 = self.v(c, coarse_gap(g), coarse_gap(t_gap))
                h2 = self.h(t_gap, coarse_chan(c), coarse_col(j))
                pts += [(("port", p0), ("edge", lower, "top")), (("port", p0), ("gap", h1)),
                        (("chan", v1), ("gap", h1)), (("chan", v1), ("gap", h2)),
                        (("port", p1), ("gap", h2)), (("port", p1), ("edge", upper, t_edge))]
            return

        # stacked under another box: leave by the side into the channel next to it
        s_side = "right" if j >= i else "left"
        c = i + 1 if s_side == "right" else i
        p0 = self.port(lower, s_side, coarse_lane(a))
        start = (("side", p0), ("port", p0))
        if not t_side:
            v1 = self.v(c, coarse_lane(a), coarse_gap(t_gap))
            h2 = self.h(t_gap, coarse_chan(c), coarse_col(j))
            p1 = self.port(upper, t_edge, coarse_chan(c))
            pts += [start, (("chan", v1), ("port", p0)), (("chan", v1), ("gap", h2)),
                    (("port", p1), ("gap", h2)), (("port", p1), ("edge", upper, t_edge))]
        elif t_chan == c:
            v1 = self.v(c, coarse_lane(a), coarse_lane(b))
            p1 = self.port(upper, t_side, coarse_lane(a))
            pts += [start, (("chan", v1), ("port", p0)), (("chan", v1), ("port", p1)), (("side", p1), ("port", p1))]
        else:
            g = b + 1 if b < a else a
            v1 = self.v(c, coarse_lane(a), coarse_gap(g))
            h1 = self.h(g, coarse_chan(c), coarse_chan(t_chan))
            v2 = self.v(t_chan, coarse_gap(g), coarse_lane(b))
            p1 = self.port(upper, t_side, coarse_gap(g))
            pts += [start, (("chan", v1), ("port", p0)), (("chan", v1), ("gap", h1)), (("chan", v2), ("gap", h1)),
                    (("chan", v2), ("port", p1)), (("side", p1), ("port", p1))]

    def assign_tracks(self) -> tuple[dict[int, int], dict[int, int]]:
        """Interval colouring per gap and per channel; returns how many tracks each needs."""
        groups: dict[tuple[str, int], list[Segment]] = {}
        for s in self.segments:
            groups.setdefault((s.axis, s.where), []).append(s)
        gaps: dict[int, int] = {}
        chans: dict[int, int] = {}
        for (axis, where), segs in groups.items():
            placed: list[Segment] = []
            for s in sorted(segs, key=lambda s: (s.lo, s.hi, s.order)):
                # closed intervals: two segments meeting at one column or gap still get two tracks
                taken = {p.track for p in placed if p.lo <= s.hi and s.lo <= p.hi}
                s.track = next(t for t in range(len(placed) + 1) if t not in taken)
                placed.append(s)
            (gaps if axis == "h" else chans)[where] = max(s.track for s in segs) + 1
        return gaps, chans


def place_ports(ports: list[Port], lane_index: dict[str, int]) -> None:
    """Spread the ports along box edges.

    Top and bottom ports are placed per gap and column, not per box: the box under a gap
    and the box over it share the column's width, so their stubs into the gap never
    share an x. Side ports of one box side are spread along it.
    """
    groups: dict[tuple[str, int, int], list[Port]] = {}
    for p in ports:
        if p.side in ("left", "right"):
            key = (p.side, id(p.box), 0)
        else:
            gap = lane_index[p.box.step.lane] + (1 if p.side == "bottom" else 0)
            key = ("gap", gap, p.box.column)
        groups.setdefault(key, []).append(p)
    for (kind, _, _), group in groups.items():
        if kind in ("left", "right"):
            # the middle belongs to a straight arrow; the others sit above it (left) or below it (right)
            lo, hi = (0.15, 0.45) if kind == "left" else (0.55, 0.85)
            bent = [p for p in group if not p.straight]
            for n, p in enumerate(bent):
                p.frac = lo + (hi - lo) * (n + 1) / (len(bent) + 1)
            for p in group:
                if p.straight:
                    p.frac = 0.5
            continue
        straight = [p for p in group if p.straight]
        others = sorted((p for p in group if not p.straight), key=lambda p: p.key)
        if not straight:
            for n, p in enumerate(others):
                p.frac = (n + 1) / (len(others) + 1)
            continue
        centre = straight[0].key[0]
        left = [p for p in others if p.key[0] < centre]
        right = [p for p in others if p.key[0] >= centre]
        for n, p in enumerate(left):
            p.frac = 0.5 * (n + 1) / (len(left) + 1)
        for n, p in enumerate(right):
            p.frac = 0.5 + 0.5 * (n + 1) / (len(right) + 1)
        for p in straight:
            p.frac = 0.5
