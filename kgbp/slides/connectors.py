"""Connector geometry in DrawingML terms, both ways.

A DrawingML connector is a preset path in its own box (`off`, `ext`), flipped and then
rotated about the box's centre. The elbow presets run from the box's top-left to its
bottom-right corner, horizontal first, turning at fractions of the box (`adj1..adj3`,
in 1/100000):

    straightConnector1  1 segment      bentConnector3  3 segments, turn at adj1 of the width
    bentConnector2      2 segments     bentConnector4  4 segments, adj1 (x), adj2 (y)
                                       bentConnector5  5 segments, adj1 (x), adj2 (y), adj3 (x)

`fit` finds the transform and adjustments that draw an orthogonal polyline exactly (the
export), `endpoints` says where a connector drawn by anyone begins and ends (the import).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise, product

Point = tuple[float, float]

PRESETS = {1: "straightConnector1", 2: "bentConnector2", 3: "bentConnector3", 4: "bentConnector4",
           5: "bentConnector5"}
ROTATIONS = (0, 90, 180, 270)


@dataclass(frozen=True)
class Transform:
    """Where a shape's box sits on the slide: offset, extent, flips and a clockwise rotation in degrees."""

    x: float
    y: float
    w: float
    h: float
    flip_h: bool = False
    flip_v: bool = False
    rot: float = 0.0

    def apply(self, u: float, v: float) -> Point:
        """A point of the box's own geometry (0..w, 0..h) on the slide."""
        if self.flip_h:
            u = self.w - u
        if self.flip_v:
            v = self.h - v
        dx, dy = u - self.w / 2, v - self.h / 2
        cx, cy = self.x + self.w / 2, self.y + self.h / 2
        turns = round(self.rot / 90) % 4
        if abs(self.rot - 90 * round(self.rot / 90)) > 1e-6:
            a = math.radians(self.rot)
            return cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a)
        for _ in range(turns):
            dx, dy = -dy, dx  # 90 degrees clockwise on a y-down page
        return cx + dx, cy + dy


@dataclass(frozen=True)
class Fitted:
    preset: str
    transform: Transform
    adjust: tuple[int, ...]  # adj1, adj2, ... in 1/100000 of the box


def endpoints(t: Transform) -> tuple[Point, Point]:
    """Begin and end of a connector or line shape: its box's top-left and bottom-right, transformed."""
    return t.apply(0, 0), t.apply(t.w, t.h)


def _local_path(n_segments: int, w: float, h: float, adj: list[float]) -> list[Point]:
    if n_segments == 1:
        return [(0, 0), (w, h)]
    if n_segments == 2:
        return [(0, 0), (w, 0), (w, h)]
    if n_segments == 3:
        return [(0, 0), (adj[0], 0), (adj[0], h), (w, h)]
    if n_segments == 4:
        return [(0, 0), (adj[0], 0), (adj[0], adj[1]), (w, adj[1]), (w, h)]
    return [(0, 0), (adj[0], 0), (adj[0], adj[1]), (adj[2], adj[1]), (adj[2], h), (w, h)]


def simplify(points: list[Point], eps: float = 1e-6) -> list[Point]:
    """Drop repeated points and points in the middle of a straight run."""
    out: list[Point] = []
    for p in points:
        if out and abs(p[0] - out[-1][0]) < eps and abs(p[1] - out[-1][1]) < eps:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < eps and abs(b[0] - p[0]) < eps) or (abs(a[1] - b[1]) < eps and abs(b[1] - p[1]) < eps):
                out[-1] = p
                continue
        out.append(p)
    return out


def fit(points: list[Point], min_extent: float = 1.0) -> Fitted:
    """The preset connector, transform and adjustments that draw an orthogonal polyline.

    Polylines of more than five segments (or not orthogonal) are drawn as one elbow
    between their end points.
    """
    pts = simplify(points)
    orthogonal = all(abs(a[0] - b[0]) < 1e-6 or abs(a[1] - b[1]) < 1e-6 for a, b in pairwise(pts))
    if len(pts) < 2:
        pts = [pts[0], pts[0]] if pts else [(0.0, 0.0), (0.0, 0.0)]
    if not orthogonal or len(pts) > 6:
        (sx, sy), (ex, ey) = pts[0], pts[-1]
        pts = [(sx, sy), (sx, (sy + ey) / 2), (ex, (sy + ey) / 2), (ex, ey)]
        pts = simplify(pts)
    n = len(pts) - 1
    (sx, sy), (ex, ey) = pts[0], pts[-1]
    first_vertical = n > 1 and abs(pts[0][0] - pts[1][0]) < 1e-6
    best: Fitted | None = None
    least = min_extent if n > 1 else 0.0  # an elbow's turns are fractions of its box: keep it from collapsing
    for rot, flip_h, flip_v in product(ROTATIONS, (False, True), (False, True)):
        sideways = rot in (90, 270)
        w = max(abs(ey - sy) if sideways else abs(ex - sx), least)
        h = max(abs(ex - sx) if sideways else abs(ey - sy), least)
        t = Transform((sx + ex) / 2 - w / 2, (sy + ey) / 2 - h / 2, w, h, flip_h, flip_v, rot)
        begin, end = t.apply(0, 0), t.apply(w, h)
        if n > 1:
            # the local first segment runs along u: it must run the way the polyline starts
            along_u = t.apply(1, 0)
            if (abs(along_u[0] - begin[0]) < 1e-9) != first_vertical:
                continue
        tol = least + 1e-6
        if abs(begin[0] - sx) > tol or abs(begin[1] - sy) > tol or abs(end[0] - ex) > tol or abs(end[1] - ey) > tol:
            continue
        adjust = _adjustments(t, pts)
        candidate = Fitted(PRESETS[n], t, adjust)
        if best is None or (rot, flip_h, flip_v) < (best.transform.rot, best.transform.flip_h, best.transform.flip_v):
            best = candidate
        if n == 1:
            break
    assert best is not None, "some rotation and flip always fits"
    return best


def _adjustments(t: Transform, pts: list[Point]) -> tuple[int, ...]:
    """adj values that put the polyline's inner turns where they are on the slide."""
    n = len(pts) - 1
    if n < 3:
        return ()
    # local u runs along one slide axis and v along the other, each linearly
    o, u1, v1 = t.apply(0, 0), t.apply(t.w, 0), t.apply(0, t.h)
    u_axis = 0 if abs(u1[0] - o[0]) > abs(u1[1] - o[1]) else 1
    v_axis = 1 - u_axis

    def frac_u(p: Point) -> int:
        return round(100000 * (p[u_axis] - o[u_axis]) / (u1[u_axis] - o[u_axis]))

    def frac_v(p: Point) -> int:
        return round(100000 * (p[v_axis] - o[v_axis]) / (v1[v_axis] - o[v_axis]))

    if n == 3:
        return (frac_u(pts[1]),)
    if n == 4:
        return frac_u(pts[1]), frac_v(pts[2])
    return frac_u(pts[1]), frac_v(pts[2]), frac_u(pts[3])


def path_of(fitted: Fitted) -> list[Point]:
    """The slide polyline a fitted connector draws (for checks)."""
    t = fitted.transform
    adj = [a / 100000 * (t.w if i % 2 == 0 else t.h) for i, a in enumerate(fitted.adjust)]
    n = {v: k for k, v in PRESETS.items()}[fitted.preset]
    return [t.apply(u, v) for u, v in _local_path(n, t.w, t.h, adj)]


def shared_runs(paths: dict[str, list[Point]], tol: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of paths (by name) that run along one another: two segments on one line, overlapping
    by more than `tol`. Touching end to end, or crossing, is not sharing."""
    runs: list[tuple[str, str, float, float, float]] = []  # name, axis, position across, from, to
    for name, pts in paths.items():
        for (x1, y1), (x2, y2) in pairwise(simplify(pts)):
            if abs(y1 - y2) <= tol:
                runs.append((name, "h", (y1 + y2) / 2, min(x1, x2), max(x1, x2)))
            elif abs(x1 - x2) <= tol:
                runs.append((name, "v", (x1 + x2) / 2, min(y1, y2), max(y1, y2)))
            else:  # a slanted segment: compared by its end points' line only when identical
                runs.append((name, f"s{x1},{y1},{x2},{y2}", 0.0, 0.0, math.hypot(x2 - x1, y2 - y1)))
    found: set[tuple[str, str]] = set()
    runs.sort(key=lambda r: (r[1], r[2]))
    for n, (name, axis, at, lo, hi) in enumerate(runs):
        for other, axis2, at2, lo2, hi2 in runs[n + 1:]:
            if axis2 != axis or at2 - at > tol:
                break
            if other != name and min(hi, hi2) - max(lo, lo2) > tol:
                found.add((min(name, other), max(name, other)))
    return sorted(found)
