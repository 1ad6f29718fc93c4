"""Diagrams: turn a diagram of the seed (nodes on a canvas, flows between them) into a render model
for inline SVG, optionally translated to one provider's services.

The seed draws each node as a box centred at ``(x, y)``; a node may name a *role* (a capability
such as ``cdn``, or a pipeline stage) and each provider offers zero, one or several services for
that role. :func:`build` returns everything a template needs to draw the diagram without doing
arithmetic: box corners, wrapped text lines, flow paths that start and end on the box edges,
numbered badges for the flows' labels, and every node translated to every provider (the chosen
one's service names become the node's label; "No native service" when it offers none).

Two layouts come from the same data:

* ``wide``: the editor's coordinates, as authored (desktop).
* ``tall``: the same grid compacted (and turned a quarter when that makes it narrower) so the
  diagram stays legible on a phone: rows and columns keep their order, so neighbours stay
  neighbours and the flows still read the same way.

Flows are straight lines between the boxes' edges unless that would cross another box; then a
gentle curve, or a route with rounded bends through the gutters between boxes (:class:`Router`).
The canvas is cropped to what is drawn, so a diagram fills the space the page gives it.

Pure: no Flask, no database, nothing of ``cloudquiz`` outside this package. Text widths are
estimated (SVG cannot wrap text by itself), on the wide side (DejaVu Sans, a wide font), so
labels fit in the common sans-serif fonts; the browser tests measure them.

The modules, each importing only those above it:

* :mod:`.geometry`: points, boxes, curves and segment tests;
* :mod:`.model`: the value types in and out, the layout names and sizes;
* :mod:`.routing`: the path of each flow (:func:`flow_geometry`, :class:`Router`);
* :mod:`.text`: text widths, wrapping, the label of a relabelled node;
* :mod:`.zones`: boundaries (region, network, subnets, edge) around groups of nodes, and the
  gaps they need between rows and columns;
* :mod:`.layout`: the two layouts, :func:`build` / :func:`build_both`, and
  :func:`with_selection` (mark a node of a laid-out view).

This module re-exports their public names, so callers import from ``cloudquiz.diagrams``.
"""

from __future__ import annotations

from .geometry import Box, FlowGeometry, Point, exit_point
from .layout import build, build_both, tall_grid, with_selection
from .model import (
    BADGE_RADIUS,
    BIDIRECTIONAL_OFFSET,
    DEFAULT_STYLE,
    ICON_COLUMN,
    ICON_MIN_BOX_WIDTH,
    LAYOUTS,
    MARGIN,
    TALL,
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
    Pad,
    ProviderRef,
    Role,
    ServiceRef,
    Style,
    TextBlock,
    Translation,
    ZoneView,
)
from .routing import (
    BEND_PENALTY,
    CORNER_RADIUS,
    LARGE_BENDS,
    OBSTACLE_PAD,
    SMALL_BENDS,
    Router,
    flow_geometry,
)
from .text import ELLIPSIS, WORD_SLACK, char_width, services_label, text_width, wrap

__all__ = [
    "BADGE_RADIUS",
    "BEND_PENALTY",
    "BIDIRECTIONAL_OFFSET",
    "CORNER_RADIUS",
    "DEFAULT_STYLE",
    "ELLIPSIS",
    "ICON_COLUMN",
    "ICON_MIN_BOX_WIDTH",
    "LARGE_BENDS",
    "LAYOUTS",
    "MARGIN",
    "OBSTACLE_PAD",
    "SMALL_BENDS",
    "TALL",
    "TALL_BOX_MAX",
    "TALL_BOX_MIN",
    "TALL_COL_GAP",
    "TALL_GUTTER",
    "TALL_MARGIN",
    "TALL_ROW_GAP",
    "TALL_TARGET_WIDTH",
    "TEXT_PADDING",
    "WIDE",
    "WIDE_GUTTER",
    "ZONE_PAD_TALL",
    "ZONE_PAD_WIDE",
    "ZONE_SEP",
    "WORD_SLACK",
    "Box",
    "DiagramView",
    "FlowGeometry",
    "FlowView",
    "NodeView",
    "Pad",
    "Point",
    "ProviderRef",
    "Role",
    "Router",
    "ServiceRef",
    "Style",
    "TextBlock",
    "Translation",
    "ZoneView",
    "build",
    "build_both",
    "with_selection",
    "char_width",
    "exit_point",
    "flow_geometry",
    "services_label",
    "tall_grid",
    "text_width",
    "wrap",
]
