"""Layout: place a seed diagram's nodes in the ``wide`` (as authored) or ``tall`` (compact grid)
layout, fit their text, route their flows and crop the canvas: :func:`build` and
:func:`build_both` return the render model of :mod:`.model`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from . import zones as zones_
from .geometry import Box, Point
from .model import (
    BADGE_RADIUS,
    BIDIRECTIONAL_OFFSET,
    DEFAULT_STYLE,
    ICON_COLUMN,
    ICON_MIN_BOX_WIDTH,
    LAYOUTS,
    MARGIN,
    TALL_BOX_MAX,
    TALL_BOX_MIN,
    TALL_COL_GAP,
    TALL_GUTTER,
    TALL_MARGIN,
    TALL_ROW_GAP,
    TALL_TARGET_WIDTH,
    TEXT_PADDING,
    WIDE,
    WIDE_GUTTER,
    ZONE_PAD_TALL,
    ZONE_PAD_WIDE,
    ZONE_SEP,
    DiagramView,
    FlowView,
    NodeView,
    ProviderRef,
    Role,
    ServiceRef,
    Style,
    TextBlock,
    Translation,
    ZoneView,
)
from .routing import Router, flow_geometry
from .text import services_label, wrap


def _ranks(values: Sequence[float], tolerance: float) -> tuple[dict[float, int], int]:
    """Group coordinates that lie within ``tolerance`` of a group's first value into one rank."""
    ranks: dict[float, int] = {}
    rank, start = -1, None
    for v in sorted(set(values)):
        if start is None or v - start > tolerance:
            rank += 1
            start = v
        ranks[v] = rank
    return ranks, rank + 1


def tall_grid(points: Sequence[tuple[float, float]], style: Style) -> tuple[
        list[tuple[int, int]], int, int]:
    """Grid cells (column, row) of the compact layout, and its column and row counts.

    Coordinates snap to ranks; the grid turns a quarter when it has more columns than rows (a
    wide diagram becomes a tall one). Two nodes in one cell: the later moves down a row."""
    xs, nx = _ranks([p[0] for p in points], style.box_w / 2)
    ys, ny = _ranks([p[1] for p in points], style.box_h / 2)
    turn = nx > ny
    taken: set[tuple[int, int]] = set()
    cells = []
    for x, y in points:
        col, row = (ys[y], xs[x]) if turn else (xs[x], ys[y])
        while (col, row) in taken:
            row += 1
        taken.add((col, row))
        cells.append((col, row))
    ncols = max(c for c, _ in cells) + 1
    nrows = max(r for _, r in cells) + 1
    return cells, ncols, nrows


def _tall_boxes(points: Sequence[tuple[float, float]], style: Style, badges: bool,
                ids: Sequence[str], zones: Sequence[zones_.ZoneIn]) -> tuple[list[Box], Style]:
    """The compact grid's boxes, with the gaps boundaries need widened."""
    cells, ncols, nrows = tall_grid(points, style)
    row_gap = TALL_ROW_GAP if badges else TALL_ROW_GAP * 0.6
    cols, rows = [c for c, _ in cells], [r for _, r in cells]

    def lay_out(box_w: float) -> tuple[list[Box], Style]:
        tall = style.for_tall(box_w)

        def place(wx: list[float], wy: list[float]) -> list[Box]:
            col_x = [TALL_MARGIN + box_w / 2 + c * (box_w + TALL_COL_GAP) + sum(wx[:c])
                     for c in range(ncols)]
            row_y = [TALL_MARGIN + tall.box_h / 2 + r * (tall.box_h + row_gap) + sum(wy[:r])
                     for r in range(nrows)]
            return [Box(col_x[c], row_y[r], box_w, tall.box_h) for c, r in cells]

        if not zones:
            return place([0.0] * (ncols - 1), [0.0] * (nrows - 1)), tall
        wx, wy = zones_.separate(zones, ids, cols, rows, place, ncols, nrows, ZONE_PAD_TALL,
                                 ZONE_SEP)
        return place(wx, wy), tall

    box_w = (TALL_TARGET_WIDTH - 2 * TALL_MARGIN - (ncols - 1) * TALL_COL_GAP) / ncols
    box_w = float(math.floor(max(TALL_BOX_MIN, min(TALL_BOX_MAX, box_w))))
    # Boundaries take room: wide boxes narrow to keep the phone's width, but never below what a
    # three-column grid gets without boundaries (then the drawing is a little wider and the
    # browser scales it down a little, rather than cutting the labels).
    floor = max(TALL_BOX_MIN, min(box_w, 99.0))
    boxes, tall = lay_out(box_w)
    for _ in range(3 if zones else 0):
        rects = list(zones_.boxes(zones, dict(zip(ids, boxes, strict=True)),
                                  ZONE_PAD_TALL).values()) + boxes
        width = max(b.right for b in rects) - min(b.left for b in rects) + 2 * TALL_MARGIN
        narrower = float(math.floor(max(floor, box_w - (width - TALL_TARGET_WIDTH) / ncols)))
        if width <= TALL_TARGET_WIDTH or narrower >= box_w:
            break
        box_w = narrower
        boxes, tall = lay_out(box_w)
    return boxes, tall


def _wide_points(points: Sequence[tuple[float, float]], style: Style, ids: Sequence[str],
                 zones: Sequence[zones_.ZoneIn]) -> list[tuple[float, float]]:
    """The authored points, with the gaps between rows and columns widened where boundaries
    need the room (never narrowed)."""
    if not zones:
        return list(points)
    xr, nx = _ranks([p[0] for p in points], style.box_w / 2)
    yr, ny = _ranks([p[1] for p in points], style.box_h / 2)
    cols, rows = [xr[p[0]] for p in points], [yr[p[1]] for p in points]

    def moved(wx: list[float], wy: list[float]) -> list[tuple[float, float]]:
        return [(x + sum(wx[:c]), y + sum(wy[:r]))
                for (x, y), c, r in zip(points, cols, rows, strict=True)]

    def place(wx: list[float], wy: list[float]) -> list[Box]:
        return [Box(x, y, style.box_w, style.box_h) for x, y in moved(wx, wy)]

    wx, wy = zones_.separate(zones, ids, cols, rows, place, nx, ny, ZONE_PAD_WIDE, ZONE_SEP)
    return moved(wx, wy)


# ----------------------------------------------------------------------------- building


def _text_block(text: str, x: float, width: float, size: float, max_lines: int,
                bold: bool) -> TextBlock:
    lines, cut = wrap(text, width, size, max_lines, bold)
    return TextBlock(tuple((line, 0.0) for line in lines), x, size, text, cut)


def _place(title: TextBlock, sub: TextBlock | None,
           cy: float) -> tuple[TextBlock, TextBlock | None]:
    """Centre the title and sub lines vertically on ``cy`` (baselines at ~0.8 of the size)."""
    t_lh, s_lh = title.size * 1.2, (sub.size * 1.2 if sub else 0.0)
    gap = 3.0 if sub and sub.lines else 0.0
    total = len(title.lines) * t_lh + gap + (len(sub.lines) * s_lh if sub else 0.0)
    y = cy - total / 2
    t_lines = []
    for text, _ in title.lines:
        t_lines.append((text, round(y + t_lh * 0.78, 1)))
        y += t_lh
    title = replace(title, lines=tuple(t_lines))
    if sub is not None:
        y += gap
        s_lines = []
        for text, _ in sub.lines:
            s_lines.append((text, round(y + s_lh * 0.78, 1)))
            y += s_lh
        sub = replace(sub, lines=tuple(s_lines))
    return title, sub


def _node_view(raw: Mapping[str, Any], box: Box, style: Style, role: Role | None,
               providers: Sequence[ProviderRef], provider: ProviderRef | None,
               selected: bool) -> NodeView:
    label = str(raw["label"])
    icon = str(raw.get("icon") or "")
    show_icon = bool(icon) and box.w >= ICON_MIN_BOX_WIDTH
    pad = TEXT_PADDING if box.w >= 120 else TEXT_PADDING / 2
    left = box.left + (ICON_COLUMN + 2 if show_icon else pad)
    right = box.right - pad
    text_w, text_x = right - left, (left + right) / 2
    translations = tuple(Translation(p, role.services_of(p.slug) if role else ())
                         for p in providers)
    services: tuple[ServiceRef, ...] = ()
    missing = False
    caption = str(raw.get("caption") or "")
    if provider is not None and role is not None:
        services = role.services_of(provider.slug)
        missing = not services
        main = (services_label(services, text_w, style.title_size, style.title_lines)
                if services else "No native service")
        sub_text = label
        name = (f"{label}: {' / '.join(s.name for s in services)}" if services
                else f"{label}: no native {provider.short_name} service")
    else:
        main = label
        sub_text = caption or (role.name if role and role.name != label else "")
        name = f"{label} ({role.name})" if role and role.name != label else label
    title = _text_block(main, text_x, text_w, style.title_size, style.title_lines, bold=True)
    # The sub line gives way when the title needs every line the box has room for.
    room = style.title_lines > 2 and len(title.lines) >= style.title_lines
    sub = (_text_block(sub_text, text_x, text_w, style.sub_size, style.sub_lines, bold=False)
           if sub_text and not room else None)
    title, sub = _place(title, sub, box.cy)
    icon_at = Point(box.left + 6 + ICON_COLUMN / 2 - 2, box.cy) if show_icon else None
    return NodeView(
        id=str(raw["id"]), label=label, text=str(raw.get("text") or ""), icon=icon, box=box,
        role=role, title=title, sub=sub, icon_at=icon_at, services=services, missing=missing,
        selected=selected, translations=translations, name=name,
    )


BADGE_STEPS = tuple(0.5 + k * sign / 20 for k in range(1, 8) for sign in (-1, 1))


def _clearance(p: Point, obstacles: Sequence[Box]) -> float:
    """How far a badge's disc at ``p`` stays from the nearest obstacle (negative: it overlaps)."""
    best = math.inf
    for b in obstacles:
        dx = max(b.left - p.x, 0.0, p.x - b.right)
        dy = max(b.top - p.y, 0.0, p.y - b.bottom)
        inside = dx == 0 and dy == 0
        gap = -min(p.x - b.left, b.right - p.x, p.y - b.top, b.bottom - p.y) if inside \
            else math.hypot(dx, dy)
        best = min(best, gap - BADGE_RADIUS)
    return best


def _clear_badges(flows: list[FlowView], labels: Sequence[Box],
                  boxes: Sequence[Box]) -> list[FlowView]:
    """Flows whose number badge covers (or nearly touches) a boundary's label, with the badge
    moved along its flow to the spot farthest from every label and box, within the middle
    70 % of the flow (the same list when none needs moving)."""
    obstacles = [*labels, *boxes]
    out, changed = [], False
    for f in flows:
        if f.badge is not None and _clearance(f.badge, labels) < 2:
            spots = [p for p in (zones_.path_point(f.d, t) for t in BADGE_STEPS) if p]
            best = max(spots, key=lambda p: _clearance(p, obstacles), default=None)
            if best is not None and _clearance(best, obstacles) > _clearance(f.badge,
                                                                              obstacles):
                f, changed = replace(f, badge=best), True
        out.append(f)
    return out if changed else flows


def build(diagram: Mapping[str, Any], roles: Mapping[str, Role],
          providers: Sequence[ProviderRef], provider: str | None = None, *,
          layout: str = WIDE, selected: str | None = None,
          style: Style = DEFAULT_STYLE) -> DiagramView:
    """The render model of ``diagram`` (``{width, height, nodes, flows}`` as stored).

    ``roles`` maps a node's ``capability`` to what each provider offers for it; ``provider`` (a
    slug of ``providers``) relabels every node that has a role with that provider's service(s).
    An unknown provider slug or selected node id is ignored here: the view reports it."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    nodes_in = list(diagram.get("nodes") or [])
    flows_in = list(diagram.get("flows") or [])
    providers = tuple(providers)
    chosen = next((p for p in providers if p.slug == provider), None)

    points = [(float(n["x"]), float(n["y"])) for n in nodes_in]
    ids = [str(n["id"]) for n in nodes_in]
    zones_in = zones_.read(diagram, ids)
    if layout == WIDE or not points:
        boxes = [Box(x, y, style.box_w, style.box_h)
                 for x, y in _wide_points(points, style, ids, zones_in)]
        used_style = style
    else:
        boxes, used_style = _tall_boxes(points, style, any(f.get("label") for f in flows_in),
                                        ids, zones_in)

    node_views = []
    for raw, box in zip(nodes_in, boxes, strict=True):
        role = roles.get(raw.get("capability") or "") if raw.get("capability") else None
        node_views.append(_node_view(raw, box, used_style, role, providers, chosen,
                                     selected is not None and raw["id"] == selected))
    by_id = {n.id: n for n in node_views}

    pairs = {(f.get("from"), f.get("to")) for f in flows_in}
    index = {n.id: k for k, n in enumerate(node_views)}
    gutter = WIDE_GUTTER if layout == WIDE else TALL_GUTTER
    router: Router | None = None

    def route_between(src_id: str, dst_id: str) -> list[Point] | None:
        nonlocal router
        if router is None:  # only diagrams whose lines cross a box need one
            router = Router([n.box for n in node_views], gutter)
        return router.route(index[src_id], index[dst_id])

    flow_views = []
    number = 0
    for i, f in enumerate(flows_in):
        src, dst = by_id.get(f.get("from")), by_id.get(f.get("to"))
        if src is None or dst is None:
            continue  # the seed schema forbids it; a hand-edited row must not break the page
        two_way = src.id != dst.id and (dst.id, src.id) in pairs
        obstacles = [n.box for n in node_views if n.id not in (src.id, dst.id)]
        geo = flow_geometry(src.box, dst.box, BIDIRECTIONAL_OFFSET if two_way else 0.0,
                            obstacles, loop=src.id == dst.id, gutter=gutter,
                            route=lambda s=src.id, t=dst.id: route_between(s, t))
        label = str(f.get("label") or "")
        num = None
        if label:
            number += 1
            num = number
        flow_views.append(FlowView(
            index=i, number=num, source=src.id, target=dst.id, label=label,
            source_label=src.label, target_label=dst.label, start=geo.start, end=geo.end,
            d=geo.d, badge=geo.mid if num is not None else None,
        ))

    pad = ZONE_PAD_WIDE if layout == WIDE else ZONE_PAD_TALL
    rects = zones_.boxes(zones_in, {n.id: n.box for n in node_views}, pad)

    def draw_zones() -> tuple[ZoneView, ...]:
        return zones_.views(zones_in, rects, providers, chosen, short=layout != WIDE, pad=pad,
                            badges=[f.badge for f in flow_views if f.badge is not None],
                            radius=BADGE_RADIUS)

    zone_views = draw_zones()
    if zone_views:
        moved = _clear_badges(flow_views, zones_.label_rects(zone_views),
                              [n.box for n in node_views])
        if moved is not flow_views:
            flow_views = moved
            zone_views = draw_zones()

    # The canvas is cropped to what is drawn (boxes, boundaries, loops, badges), whatever the
    # authored width and height: the diagram then fills the space the page gives it.
    margin = MARGIN if layout == WIDE else TALL_MARGIN
    min_x = min_y = math.inf
    max_x = max_y = -math.inf
    for z in zone_views:
        min_x, max_x = min(min_x, z.box.left - 1), max(max_x, z.box.right + 1)
        min_y, max_y = min(min_y, z.box.top - 1), max(max_y, z.box.bottom + 1)
    for n in node_views:
        min_x, min_y = min(min_x, n.box.left - margin), min(min_y, n.box.top - margin)
        max_x, max_y = max(max_x, n.box.right + margin), max(max_y, n.box.bottom + margin)
    for fl in flow_views:
        if fl.source == fl.target:
            max_x = max(max_x, by_id[fl.source].box.right + 40)
        if fl.badge is not None:
            min_x = min(min_x, fl.badge.x - BADGE_RADIUS - 2)
            min_y = min(min_y, fl.badge.y - BADGE_RADIUS - 2)
            max_x = max(max_x, fl.badge.x + BADGE_RADIUS + 2)
            max_y = max(max_y, fl.badge.y + BADGE_RADIUS + 2)
    if not node_views:
        min_x = min_y = 0.0
        max_x = float(diagram.get("width") or 100)
        max_y = float(diagram.get("height") or 100)
    return DiagramView(
        layout=layout, min_x=min_x, min_y=min_y, width=max_x - min_x, height=max_y - min_y,
        nodes=tuple(node_views), flows=tuple(flow_views), provider=chosen, providers=providers,
        style=used_style, selected=by_id.get(selected) if selected else None,
        zones=zone_views,
    )


def build_both(diagram: Mapping[str, Any], roles: Mapping[str, Role],
               providers: Sequence[ProviderRef], provider: str | None = None, *,
               selected: str | None = None, style: Style = DEFAULT_STYLE) -> dict[str, DiagramView]:
    """The wide and the tall layout of one diagram (the page draws both; CSS shows one)."""
    return {layout: build(diagram, roles, providers, provider, layout=layout,
                          selected=selected, style=style) for layout in LAYOUTS}


def with_selection(view: DiagramView, selected: str | None) -> DiagramView:
    """``view`` with the node ``selected`` marked (an unknown id marks none): the same as
    building with ``selected``, without laying the diagram out again, so a laid-out view can
    be kept and reused for every selection."""
    if view.selected is not None:
        view = replace(view, nodes=tuple(replace(n, selected=False) if n.selected else n
                                         for n in view.nodes), selected=None)
    if selected is None or not any(n.id == selected for n in view.nodes):
        return view
    nodes = tuple(replace(n, selected=True) if n.id == selected else n for n in view.nodes)
    return replace(view, nodes=nodes, selected=next(n for n in nodes if n.id == selected))
