"""Boundaries: the regions, networks, subnets and edges a diagram's nodes sit in, drawn as nested
rounded rectangles behind the nodes, each with its name in its top-left corner.

A boundary lists the nodes inside it (a child's nodes are its parent's too). Its rectangle is the
union of its nodes' boxes and its children's rectangles, grown by a padding on the sides and the
bottom and by a label band at the top, so nested boundaries step inwards evenly. Before that,
:func:`separate` widens the gaps between the diagram's rows and columns just enough that no
rectangle reaches a node outside it or a sibling's rectangle, in either layout. A flow's number
badge that would cover a label moves along its flow (layout), or the label moves along its band.

The label says what the boundary is on the chosen provider ("VPC", "Virtual network (VNet)",
"VPC network"), so switching provider relabels the boundaries with the nodes and keeps them
where they are. Pure functions of their arguments.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .geometry import Box, Point
from .model import Pad, ProviderRef, ZoneView
from .text import text_width, wrap

LABEL_INSET = 7.0  # from the rectangle's left edge to its label


@dataclass(frozen=True)
class ZoneIn:
    id: str
    kind: str
    nodes: tuple[str, ...]
    parent: str | None
    raw: Mapping[str, Any]

    def label(self, provider: ProviderRef | None, short: bool) -> str:
        """The name on the border for ``provider`` (the generic name without one)."""
        names: Mapping[str, Any] = self.raw.get("labels") or {}
        own = names.get(provider.slug) if provider is not None else None
        source = own or self.raw
        text = source.get("short") if short else None
        return str(text or source.get("label") or self.raw.get("label") or self.kind)


def read(diagram: Mapping[str, Any], node_ids: Sequence[str]) -> list[ZoneIn]:
    """The diagram's boundaries, parents before children; unknown node ids and parents are
    dropped (the seed schema forbids them; a hand-edited row must not break the page)."""
    known = set(node_ids)
    zones = []
    for i, raw in enumerate(diagram.get("boundaries") or []):
        if not isinstance(raw, Mapping):
            continue
        members = tuple(n for n in raw.get("nodes") or [] if n in known)
        if members:
            zones.append(ZoneIn(str(raw.get("id") or f"boundary-{i}"),
                                str(raw.get("kind") or ""), members, raw.get("parent"), raw))
    ids = {z.id for z in zones}
    zones = [z if z.parent in ids else ZoneIn(z.id, z.kind, z.nodes, None, z.raw)
             for z in zones]
    return sorted(zones, key=lambda z: depth(zones, z))


def depth(zones: Sequence[ZoneIn], zone: ZoneIn) -> int:
    by_id = {z.id: z for z in zones}
    d, seen, cur = 0, {zone.id}, zone
    while cur.parent is not None and cur.parent in by_id and cur.parent not in seen:
        cur = by_id[cur.parent]
        seen.add(cur.id)
        d += 1
    return d


def separate(zones: Sequence[ZoneIn], ids: Sequence[str], cols: Sequence[int],
             rows: Sequence[int], place: Callable[[list[float], list[float]], list[Box]],
             ncols: int, nrows: int, pad: Pad, sep: float) -> tuple[
        list[float], list[float]]:
    """How far to widen each gap between columns and between rows so that no boundary reaches
    a node outside it or a sibling boundary: ``place(col_gaps, row_gaps)`` lays the nodes out
    with gaps widened by those amounts. Boundaries hold grid rectangles of nodes, so whatever a
    boundary must keep clear of lies beyond one of its edges; the gap there widens by the
    overlap, and the check runs again until nothing overlaps (each round only widens)."""
    widen_x, widen_y = [0.0] * max(ncols - 1, 0), [0.0] * max(nrows - 1, 0)
    col_of, row_of = dict(zip(ids, cols, strict=True)), dict(zip(ids, rows, strict=True))
    span = {z.id: (min(col_of[i] for i in z.nodes), max(col_of[i] for i in z.nodes),
                   min(row_of[i] for i in z.nodes), max(row_of[i] for i in z.nodes))
            for z in zones}
    for _ in range(4 * (ncols + nrows) + 4):
        node_boxes = dict(zip(ids, place(widen_x, widen_y), strict=True))
        rects = boxes(zones, node_boxes, pad)
        need_x, need_y = [0.0] * len(widen_x), [0.0] * len(widen_y)

        def push(a: tuple[int, int, int, int], b: tuple[int, int, int, int], ra: Box,
                 rb: Box) -> None:
            # a and b overlap on screen; they are apart in the grid along some axis
            options = []
            if b[0] > a[1]:
                options.append(("x", a[1], ra.right + sep - rb.left))
            if a[0] > b[1]:
                options.append(("x", b[1], rb.right + sep - ra.left))
            if b[2] > a[3]:
                options.append(("y", a[3], ra.bottom + sep - rb.top))
            if a[2] > b[3]:
                options.append(("y", b[3], rb.bottom + sep - ra.top))
            if not options:
                return  # not apart in the grid (the seed schema's nesting forbids it)
            axis, gap, amount = min(options, key=lambda o: o[2])
            need = need_x if axis == "x" else need_y
            need[gap] = max(need[gap], amount)

        def clash(ra: Box, rb: Box) -> bool:
            return (ra.left - sep < rb.right and rb.left - sep < ra.right
                    and ra.top - sep < rb.bottom and rb.top - sep < ra.bottom)

        for z in zones:
            rz, sz = rects[z.id], span[z.id]
            for nid in ids:
                if nid not in z.nodes and clash(rz, node_boxes[nid]):
                    c, r = col_of[nid], row_of[nid]
                    push(sz, (c, c, r, r), rz, node_boxes[nid])
            for o in zones:
                if z.id < o.id and not set(z.nodes) & set(o.nodes) and clash(rz, rects[o.id]):
                    push(sz, span[o.id], rz, rects[o.id])
        if not any(need_x) and not any(need_y):
            break
        widen_x = [w + n for w, n in zip(widen_x, need_x, strict=True)]
        widen_y = [w + n for w, n in zip(widen_y, need_y, strict=True)]
    return widen_x, widen_y


def boxes(zones: Sequence[ZoneIn], node_boxes: Mapping[str, Box], pad: Pad) -> dict[str, Box]:
    """Each boundary's rectangle: its nodes and children, grown by the padding (the label band
    at the top)."""
    out: dict[str, Box] = {}
    for z in sorted(zones, key=lambda z: -depth(zones, z)):  # children first
        parts = [node_boxes[i] for i in z.nodes] + [
            out[c.id] for c in zones if c.parent == z.id and c.id in out]
        left = min(b.left for b in parts) - pad.side
        right = max(b.right for b in parts) + pad.side
        top = min(b.top for b in parts) - pad.top
        bottom = max(b.bottom for b in parts) + pad.side
        out[z.id] = Box((left + right) / 2, (top + bottom) / 2, right - left, bottom - top)
    return out


def _label_x(box: Box, width: float, pad: Pad, badges: Sequence[Point], radius: float) -> float:
    """Where a label starts in its band: at the left unless a flow's number badge covers it;
    then just after a badge, or at the right end, whichever is clear (the left if none is)."""
    near = [b for b in badges if box.top - radius < b.y < box.top + pad.top + radius]
    left, right = box.left + LABEL_INSET, box.right - LABEL_INSET - width

    def clear(x: float) -> bool:
        return left - 0.5 <= x <= right + 0.5 and all(
            not (x - radius - 2 < b.x < x + width + radius + 2) for b in near)

    candidates = [left, *sorted(b.x + radius + 4 for b in near), right]
    return next((x for x in candidates if clear(x)), left)


def label_rects(zones: Sequence[ZoneView]) -> list[Box]:
    """The box each drawn label's text takes (for keeping flow badges off it)."""
    return [Box(z.text_x + z.width / 2, z.text_y - z.size * 0.3, z.width + 4, z.size * 1.3)
            for z in zones if z.label]


def path_point(d: str, t: float) -> Point | None:
    """The point at ``t`` (0..1) of the way along a flow path: exact on a straight line or a
    quadratic curve; on a routed path, along its corners (its rounded bends are small)."""
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    pts = [Point(nums[k], nums[k + 1]) for k in range(0, len(nums) - 1, 2)]
    if len(pts) < 2 or "C" in d:
        return None
    if re.fullmatch(r"M[-\d.,]+ Q[-\d.,]+ [-\d.,]+", d):
        (x0, y0), (cx, cy), (x1, y1) = ((p.x, p.y) for p in pts)
        u = 1 - t
        return Point(u * u * x0 + 2 * u * t * cx + t * t * x1,
                     u * u * y0 + 2 * u * t * cy + t * t * y1)
    lengths = [math.dist((a.x, a.y), (b.x, b.y)) for a, b in zip(pts, pts[1:])]
    goal = sum(lengths) * t
    for a, b, seg in zip(pts, pts[1:], lengths):
        if goal <= seg and seg > 0:
            k = goal / seg
            return Point(a.x + (b.x - a.x) * k, a.y + (b.y - a.y) * k)
        goal -= seg
    return pts[-1]


def views(zones: Sequence[ZoneIn], rects: Mapping[str, Box], providers: Sequence[ProviderRef],
          provider: ProviderRef | None, short: bool, pad: Pad, badges: Sequence[Point] = (),
          radius: float = 9.0) -> tuple[ZoneView, ...]:
    """The drawn boundaries, outermost first, each with the label that fits its band (moved
    clear of the flows' number badges)."""
    out = []
    for z in zones:
        box = rects[z.id]
        size = pad.label
        room = box.w - 2 * LABEL_INSET
        full = z.label(provider, short=False)
        label = full
        if short or text_width(label, size, bold=True) > room:
            label = z.label(provider, short=True)
        lines, cut = wrap(label, room, size, 1, bold=True)
        text = lines[0] if lines else ""
        own: Mapping[str, Any] = ((z.raw.get("labels") or {}).get(provider.slug) or {}
                                  if provider is not None else {})
        out.append(ZoneView(
            id=z.id, kind=z.kind, label=text, full=full, truncated=cut,
            description=str(z.raw.get("description") or ""),
            note=str(own.get("note") or ""), source_url=str(own.get("source_url") or ""),
            names=tuple((p, z.label(p, short=False)) for p in providers), box=box,
            depth=depth(zones, z), nodes=z.nodes,
            text_x=_label_x(box, text_width(text, size, bold=True), pad, badges, radius),
            text_y=box.top + pad.top * 0.5 + size * 0.36,
            width=text_width(text, size, bold=True), size=size))
    return tuple(out)
