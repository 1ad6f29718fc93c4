"""Plane geometry of the diagrams: points, axis-aligned boxes (nodes are boxes centred on their
point), where a ray leaves a box, quadratic Bézier curves, and whether a segment crosses a box.

Everything here is a pure function of its arguments; :mod:`.routing` builds flow paths from it.
:func:`fmt` is the one number format of every SVG coordinate the package writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Box:
    cx: float
    cy: float
    w: float
    h: float

    @property
    def left(self) -> float:
        return self.cx - self.w / 2

    @property
    def right(self) -> float:
        return self.cx + self.w / 2

    @property
    def top(self) -> float:
        return self.cy - self.h / 2

    @property
    def bottom(self) -> float:
        return self.cy + self.h / 2

    @property
    def centre(self) -> Point:
        return Point(self.cx, self.cy)

    def on_edge(self, p: Point, tol: float = 1e-6) -> bool:
        """Is ``p`` on the outline of the box (within ``tol``)?"""
        inside = (self.left - tol <= p.x <= self.right + tol
                  and self.top - tol <= p.y <= self.bottom + tol)
        near = min(abs(p.x - self.left), abs(p.x - self.right),
                   abs(p.y - self.top), abs(p.y - self.bottom)) <= tol
        return inside and near

    def overlaps(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)


def exit_point(box: Box, origin: Point, dx: float, dy: float) -> Point:
    """Where a ray from ``origin`` (inside ``box``) in direction (dx, dy) leaves the box."""
    ts = []
    if dx > 0:
        ts.append((box.right - origin.x) / dx)
    elif dx < 0:
        ts.append((box.left - origin.x) / dx)
    if dy > 0:
        ts.append((box.bottom - origin.y) / dy)
    elif dy < 0:
        ts.append((box.top - origin.y) / dy)
    t = max(0.0, min(ts)) if ts else 0.0
    # Snapped onto the outline, so rounding cannot leave the point a hair inside.
    return snap_to_edge(box, Point(origin.x + t * dx, origin.y + t * dy))


def fmt(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class FlowGeometry:
    start: Point
    end: Point
    d: str
    mid: Point


def snap_to_edge(box: Box, p: Point) -> Point:
    """The point of the box's outline nearest to ``p`` (``p`` is on or next to it)."""
    x = min(max(p.x, box.left), box.right)
    y = min(max(p.y, box.top), box.bottom)
    side = min((abs(x - box.left), 0), (abs(x - box.right), 1),
               (abs(y - box.top), 2), (abs(y - box.bottom), 3))[1]
    if side == 0:
        x = box.left
    elif side == 1:
        x = box.right
    elif side == 2:
        y = box.top
    else:
        y = box.bottom
    return Point(x, y)


def point_inside(box: Box, p: Point, pad: float = 0.0) -> bool:
    return (box.left - pad < p.x < box.right + pad) and (box.top - pad < p.y < box.bottom + pad)


def quad(p0: Point, c: Point, p2: Point, t: float) -> Point:
    u = 1 - t
    return Point(u * u * p0.x + 2 * u * t * c.x + t * t * p2.x,
                 u * u * p0.y + 2 * u * t * c.y + t * t * p2.y)


def sub_quad(p0: Point, c: Point, p2: Point, t0: float, t1: float) -> tuple[Point, Point, Point]:
    """The exact control points of the part of a quadratic Bézier between t0 and t1."""
    a, b = quad(p0, c, p2, t0), quad(p0, c, p2, t1)
    # The tangent at t0 runs through the new control point; so does the one at t1.
    d0 = Point(c.x - p0.x + t0 * (p0.x - 2 * c.x + p2.x), c.y - p0.y + t0 * (p0.y - 2 * c.y + p2.y))
    k = t1 - t0
    return a, Point(a.x + k * d0.x, a.y + k * d0.y), b


def leave_t(box: Box, p0: Point, c: Point, p2: Point, forward: bool) -> float:
    """Where the curve leaves ``box``: the last t still inside it counting from t=0 (forward)
    or from t=1 (backward), by bisection."""
    lo, hi = (0.0, 1.0)
    for _ in range(40):
        mid = (lo + hi) / 2
        inside = point_inside(box, quad(p0, c, p2, mid), 1e-9)
        if forward:
            lo, hi = (mid, hi) if inside else (lo, mid)
        else:
            lo, hi = (lo, mid) if inside else (mid, hi)
    return (lo + hi) / 2


def crosses(points: Sequence[Point], obstacles: Sequence[Box], pad: float) -> bool:
    for i in range(len(points) - 1):
        p, q = points[i], points[i + 1]
        for box in obstacles:
            if segment_hits(p, q, box, pad):
                return True
    return False


def segment_hits(p: Point, q: Point, box: Box, pad: float) -> bool:
    """Does the segment p–q pass through ``box`` grown by ``pad`` (Liang–Barsky)?"""
    dx, dy = q.x - p.x, q.y - p.y
    t0, t1 = 0.0, 1.0
    for pp, qq in ((-dx, p.x - (box.left - pad)), (dx, (box.right + pad) - p.x),
                   (-dy, p.y - (box.top - pad)), (dy, (box.bottom + pad) - p.y)):
        if pp == 0:
            if qq < 0:
                return False
            continue
        r = qq / pp
        if pp < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return False
    return t0 < t1
