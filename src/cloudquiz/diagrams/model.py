"""The diagram render model's value types: what callers pass in (services, providers, roles, a
style) and what :func:`~cloudquiz.diagrams.layout.build` returns (a :class:`DiagramView` of
nodes, flows and text blocks), with the layout names and the sizes both layouts are drawn with.

Values only: frozen dataclasses and constants, no arithmetic beyond their small properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .geometry import Box, Point, fmt

WIDE = "wide"
TALL = "tall"
LAYOUTS = (WIDE, TALL)

MARGIN = 12.0
BADGE_RADIUS = 9.0
BIDIRECTIONAL_OFFSET = 7.0
TALL_TARGET_WIDTH = 350.0
TALL_MARGIN = 6.0
TALL_COL_GAP = 20.0
TALL_ROW_GAP = 44.0
TALL_BOX_MIN, TALL_BOX_MAX = 96.0, 300.0
ICON_MIN_BOX_WIDTH = 140.0
ICON_COLUMN = 28.0
TEXT_PADDING = 8.0
WIDE_GUTTER = 16.0
TALL_GUTTER = 9.0
ZONE_SEP = 8.0  # between a boundary and what it must keep clear of


@dataclass(frozen=True)
class Pad:
    """A boundary's rectangle around what it holds, per nesting level: ``side`` on the left,
    right and bottom, ``top`` for the band its label (``label`` px) sits in."""

    side: float
    top: float
    label: float


ZONE_PAD_WIDE = Pad(side=10.0, top=21.0, label=11.0)
ZONE_PAD_TALL = Pad(side=6.0, top=17.0, label=10.0)


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class ServiceRef:
    """One provider service that fills a role, with its page (``None`` when it has none)."""

    name: str
    url: str | None = None
    note: str = ""
    short_name: str = ""  # "Front Door" for "Azure Front Door": used when the full name is too long
    status: str = ""  # a lifecycle label when the service is not simply generally available


@dataclass(frozen=True)
class ProviderRef:
    slug: str
    name: str
    short_name: str
    common_name: str = ""  # what running text calls it ("Google Cloud"); short_name if empty


@dataclass(frozen=True)
class Role:
    """What a node does, and what each provider offers for it (a capability, a pipeline stage)."""

    key: str
    name: str
    services: Mapping[str, tuple[ServiceRef, ...]] = field(default_factory=dict)
    description: str = ""
    icon: str = ""

    def services_of(self, provider: str) -> tuple[ServiceRef, ...]:
        return tuple(self.services.get(provider, ()))


@dataclass(frozen=True)
class Style:
    """Box size and type sizes of one diagram (the pipeline's boxes are larger than the seed's)."""

    box_w: float = 150.0
    box_h: float = 60.0
    title_size: float = 13.0
    sub_size: float = 11.0
    title_lines: int = 2
    sub_lines: int = 1

    def for_tall(self, box_w: float) -> Style:
        """The phone layout: narrower boxes drawn near 1:1, so the title may take a third line
        (the sub line then gives way), the sub line may wrap onto a second rather than be cut,
        and the icon is left out when the box is narrow."""
        return replace(self, box_w=box_w, box_h=max(self.box_h, 64.0),
                       title_size=max(12.0, self.title_size - 0.5), sub_size=self.sub_size - 0.5,
                       title_lines=self.title_lines + 1, sub_lines=self.sub_lines + 1)


DEFAULT_STYLE = Style()


# ----------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class TextBlock:
    """Lines of text drawn centred at ``x``; ``full`` is the whole text (lines may be cut)."""

    lines: tuple[tuple[str, float], ...]  # (text, baseline y)
    x: float
    size: float
    full: str
    truncated: bool


@dataclass(frozen=True)
class Translation:
    provider: ProviderRef
    services: tuple[ServiceRef, ...]

    @property
    def missing(self) -> bool:
        return not self.services


@dataclass(frozen=True)
class NodeView:
    id: str
    label: str
    text: str
    icon: str
    box: Box
    role: Role | None
    title: TextBlock
    sub: TextBlock | None
    icon_at: Point | None
    services: tuple[ServiceRef, ...]  # the chosen provider's services for the role
    missing: bool  # a provider is chosen and offers nothing for the role
    selected: bool
    translations: tuple[Translation, ...]
    name: str  # what the node reads as in this view (its accessible name)

    @property
    def external(self) -> bool:
        """Not a cloud service (users, partners, on-premises): no provider relabels it."""
        return self.role is None

    def translation(self, provider: str) -> Translation | None:
        for t in self.translations:
            if t.provider.slug == provider:
                return t
        return None


@dataclass(frozen=True)
class ZoneView:
    """A boundary (region, network, subnet, edge) drawn behind the nodes it holds."""

    id: str
    kind: str
    label: str  # what its border says (may be the short form, or cut)
    full: str  # the chosen provider's full name for it
    truncated: bool
    description: str  # what the boundary is, whatever the provider
    note: str  # the chosen provider's rule for it ("" without a provider)
    source_url: str  # where that rule comes from
    names: tuple[tuple[ProviderRef, str], ...]  # what each provider calls it
    box: Box
    depth: int
    nodes: tuple[str, ...]
    text_x: float  # the label's start and baseline, in the rectangle's top band
    text_y: float
    width: float  # the label's estimated width
    size: float


@dataclass(frozen=True)
class FlowView:
    index: int
    number: int | None  # badge number; only flows with a label get one
    source: str
    target: str
    label: str
    source_label: str
    target_label: str
    start: Point
    end: Point
    d: str
    badge: Point | None


@dataclass(frozen=True)
class DiagramView:
    layout: str
    min_x: float
    min_y: float
    width: float
    height: float
    nodes: tuple[NodeView, ...]
    flows: tuple[FlowView, ...]
    provider: ProviderRef | None
    providers: tuple[ProviderRef, ...]
    style: Style
    selected: NodeView | None
    zones: tuple[ZoneView, ...] = ()

    @property
    def view_box(self) -> str:
        return " ".join(fmt(v) for v in (self.min_x, self.min_y, self.width, self.height))

    @property
    def numbered_flows(self) -> tuple[FlowView, ...]:
        return tuple(f for f in self.flows if f.number is not None)

    def node(self, node_id: str) -> NodeView | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    @property
    def zone_kinds(self) -> tuple[tuple[ZoneView, tuple[str, ...]], ...]:
        """One entry per kind of boundary drawn (two private subnets are one kind): its first
        boundary, and every node the boundaries of that kind hold, outermost kind first."""
        out: dict[str, tuple[ZoneView, list[str]]] = {}
        for z in self.zones:
            first, nodes = out.setdefault(z.kind, (z, []))
            nodes.extend(n for n in z.nodes if n not in nodes)
        return tuple((z, tuple(nodes)) for z, nodes in out.values())

    def zones_of(self, node_id: str) -> tuple[ZoneView, ...]:
        """The boundaries around a node, outermost first."""
        return tuple(z for z in self.zones if node_id in z.nodes)

    def incoming(self, node_id: str) -> tuple[FlowView, ...]:
        return tuple(f for f in self.flows if f.target == node_id)

    def outgoing(self, node_id: str) -> tuple[FlowView, ...]:
        return tuple(f for f in self.flows if f.source == node_id)
