"""Flow routing: the SVG path of a flow from one box's edge to another's.

Straight between the boxes' edges unless that would cross another box; then a gentle curve, or
a route with rounded bends through the gutters between boxes (:class:`Router`, one per diagram,
shared by its flows), or a wider curve.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence

from .geometry import (
    Box,
    FlowGeometry,
    Point,
    crosses,
    exit_point,
    fmt,
    leave_t,
    point_inside,
    quad,
    segment_hits,
    snap_to_edge,
    sub_quad,
)

SMALL_BENDS = (34.0, -34.0, 60.0, -60.0)
LARGE_BENDS = (90.0, -90.0, 125.0, -125.0)
OBSTACLE_PAD = 4.0
CORNER_RADIUS = 8.0
BEND_PENALTY = 24.0


class Router:
    """Routes through the gutters between the boxes of one diagram: waypoints just outside every
    box corner, and for each pair of points the boxes their segment crosses, computed once and
    shared by all the diagram's flows."""

    def __init__(self, boxes: Sequence[Box], gutter: float) -> None:
        self.boxes = list(boxes)
        waypoints = []
        for box in self.boxes:
            for x in (box.left - gutter, box.right + gutter):
                for y in (box.top - gutter, box.bottom + gutter):
                    p = Point(x, y)
                    if not any(point_inside(o, p, OBSTACLE_PAD / 2) for o in self.boxes):
                        waypoints.append(p)
        self.points = [b.centre for b in self.boxes] + waypoints
        self.first_waypoint = len(self.boxes)
        pad = OBSTACLE_PAD / 2
        self._extents = [(b.left - pad, b.top - pad, b.right + pad, b.bottom + pad)
                         for b in self.boxes]
        self._hits: dict[tuple[int, int], frozenset[int]] = {}

    def hits(self, i: int, j: int) -> frozenset[int]:
        key = (i, j) if i < j else (j, i)
        found = self._hits.get(key)
        if found is None:
            p, q = self.points[i], self.points[j]
            x0, x1 = (p.x, q.x) if p.x <= q.x else (q.x, p.x)
            y0, y1 = (p.y, q.y) if p.y <= q.y else (q.y, p.y)
            found = frozenset(
                k for k, (left, top, right, bottom) in enumerate(self._extents)
                # Only boxes that overlap the segment's bounding box can be crossed.
                if left < x1 and x0 < right and top < y1 and y0 < bottom
                and segment_hits(p, q, self.boxes[k], OBSTACLE_PAD / 2))
            self._hits[key] = found
        return found

    def route(self, ai: int, bi: int) -> list[Point] | None:
        """The shortest polyline from box ``ai``'s centre to box ``bi``'s that crosses no other
        box (boxes overlapping either end excepted); None if there is none. Each bend costs a
        little, so a route with fewer bends wins over a slightly shorter one."""
        a, b = self.boxes[ai], self.boxes[bi]
        near = {k for k, box in enumerate(self.boxes) if box.overlaps(a) or box.overlaps(b)}
        candidates = [*range(self.first_waypoint, len(self.points)), bi]

        def clear(i: int, j: int) -> bool:
            allowed = set(near)
            if ai in (i, j):
                allowed.add(ai)
            if bi in (i, j):
                allowed.add(bi)
            return self.hits(i, j) <= allowed

        dist = {ai: 0.0}
        prev: dict[int, int] = {}
        done: set[int] = set()
        heap = [(0.0, ai)]
        while heap:
            d, i = heapq.heappop(heap)
            if i in done:
                continue
            if i == bi:
                path = [bi]
                while path[-1] != ai:
                    path.append(prev[path[-1]])
                return [self.points[k] for k in reversed(path)]
            done.add(i)
            for j in candidates:
                if j in done or j == i or not clear(i, j):
                    continue
                p, q = self.points[i], self.points[j]
                nd = d + math.dist((p.x, p.y), (q.x, q.y)) + (BEND_PENALTY if j != bi else 0.0)
                if nd < dist.get(j, math.inf):
                    dist[j] = nd
                    prev[j] = i
                    heapq.heappush(heap, (nd, j))
        return None


def _polyline_geometry(a: Box, b: Box, route: list[Point]) -> FlowGeometry:
    first, last = route[1], route[-2]
    start = exit_point(a, a.centre, first.x - a.cx, first.y - a.cy)
    end = exit_point(b, b.centre, last.x - b.cx, last.y - b.cy)
    pts = [start, *route[1:-1], end]
    d = [f"M{fmt(start.x)},{fmt(start.y)}"]
    for k in range(1, len(pts) - 1):
        p, v, n = pts[k - 1], pts[k], pts[k + 1]
        r_in = min(CORNER_RADIUS, math.dist((p.x, p.y), (v.x, v.y)) / 2)
        r_out = min(CORNER_RADIUS, math.dist((v.x, v.y), (n.x, n.y)) / 2)
        before = _towards(v, p, r_in)
        after = _towards(v, n, r_out)
        d.append(f"L{fmt(before.x)},{fmt(before.y)} Q{fmt(v.x)},{fmt(v.y)} "
                 f"{fmt(after.x)},{fmt(after.y)}")
    d.append(f"L{fmt(end.x)},{fmt(end.y)}")
    # The badge sits halfway along the path.
    lengths = [math.dist((pts[k].x, pts[k].y), (pts[k + 1].x, pts[k + 1].y))
               for k in range(len(pts) - 1)]
    half = sum(lengths) / 2
    mid = pts[0]
    for k, seg in enumerate(lengths):
        if half <= seg and seg > 0:
            t = half / seg
            mid = Point(pts[k].x + t * (pts[k + 1].x - pts[k].x),
                        pts[k].y + t * (pts[k + 1].y - pts[k].y))
            break
        half -= seg
    return FlowGeometry(start, end, " ".join(d), mid)


def _towards(p: Point, q: Point, r: float) -> Point:
    length = math.dist((p.x, p.y), (q.x, q.y))
    if length < 1e-9:
        return p
    return Point(p.x + (q.x - p.x) * r / length, p.y + (q.y - p.y) * r / length)


def flow_geometry(a: Box, b: Box, offset: float = 0.0, obstacles: Sequence[Box] = (),
                  loop: bool = False, gutter: float = 16.0,
                  route: Callable[[], list[Point] | None] | None = None) -> FlowGeometry:
    """A path from box ``a``'s edge to box ``b``'s edge.

    Straight along the line joining the centres (shifted sideways by ``offset`` so that A→B and
    B→A do not draw on top of each other), unless that line would cross one of ``obstacles``
    (the other boxes). Then, in order, the first that clears them: a gentle curve, a route with
    rounded bends through the gutters between boxes (``gutter`` out from their corners; ``route``
    finds it with a diagram's shared :class:`Router`), a wider curve; else the straight line
    after all. A flow from a box to itself (``loop``) is a small loop on its right side."""
    if loop:
        start = Point(a.right, a.cy - a.h / 6)
        end = Point(a.right, a.cy + a.h / 6)
        reach = 30.0
        d = (f"M{fmt(start.x)},{fmt(start.y)} "
             f"C{fmt(a.right + reach)},{fmt(a.cy - a.h / 2)} "
             f"{fmt(a.right + reach)},{fmt(a.cy + a.h / 2)} {fmt(end.x)},{fmt(end.y)}")
        return FlowGeometry(start, end, d, Point(a.right + reach * 0.75, a.cy))
    dx, dy = b.cx - a.cx, b.cy - a.cy
    length = math.hypot(dx, dy)
    if length < 1e-9:  # two boxes on the same centre: leave to the right, arrive from the right
        dx, dy, length = 1.0, 0.0, 1.0
    ux, uy = dx / length, dy / length
    # Never shift a line out of its boxes.
    limit = max(0.0, min(a.w, a.h, b.w, b.h) / 2 - 1)
    off = max(-limit, min(limit, offset))
    px, py = -uy * off, ux * off
    start = exit_point(a, Point(a.cx + px, a.cy + py), ux, uy)
    end = exit_point(b, Point(b.cx + px, b.cy + py), -ux, -uy)
    straight = FlowGeometry(
        start, end, f"M{fmt(start.x)},{fmt(start.y)} L{fmt(end.x)},{fmt(end.y)}",
        Point((start.x + end.x) / 2, (start.y + end.y) / 2))
    others = [o for o in obstacles if not (o.overlaps(a) or o.overlaps(b))]
    if not others or not crosses([start, end], others, OBSTACLE_PAD) or a.overlaps(b):
        return straight
    p0, p2 = Point(a.cx + px, a.cy + py), Point(b.cx + px, b.cy + py)
    curved = _curve(a, b, p0, p2, ux, uy, SMALL_BENDS, others)
    if curved is not None:
        return curved
    path = route() if route is not None else Router([a, b, *others], gutter).route(0, 1)
    if path is not None and len(path) > 2:
        return _polyline_geometry(a, b, path)
    return _curve(a, b, p0, p2, ux, uy, LARGE_BENDS, others) or straight


def _curve(a: Box, b: Box, p0: Point, p2: Point, ux: float, uy: float,
           bends: Sequence[float], others: Sequence[Box]) -> FlowGeometry | None:
    for bend in bends:
        # The curve passes ``bend`` away from the middle of the straight line: its control
        # point lies twice as far out.
        c = Point((p0.x + p2.x) / 2 - uy * bend * 2, (p0.y + p2.y) / 2 + ux * bend * 2)
        t0 = leave_t(a, p0, c, p2, forward=True)
        t1 = leave_t(b, p0, c, p2, forward=False)
        if t1 <= t0:
            continue
        q0, qc, q2 = sub_quad(p0, c, p2, t0, t1)
        samples = [quad(q0, qc, q2, i / 24) for i in range(25)]
        if crosses(samples, others, OBSTACLE_PAD):
            continue
        s_pt, e_pt = snap_to_edge(a, q0), snap_to_edge(b, q2)
        d = (f"M{fmt(s_pt.x)},{fmt(s_pt.y)} Q{fmt(qc.x)},{fmt(qc.y)} "
             f"{fmt(e_pt.x)},{fmt(e_pt.y)}")
        return FlowGeometry(s_pt, e_pt, d, quad(q0, qc, q2, 0.5))
    return None
