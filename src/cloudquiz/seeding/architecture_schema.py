"""The shape of the architecture files in ``seed/``: ``architectures.yaml`` (pages and their
diagrams, with the boundaries drawn around groups of nodes), ``diagram_boundaries.yaml`` (what
each kind of boundary is called on each provider, and why) and
``architecture_considerations.yaml`` (considerations by Well-Architected pillar, each citing a
provider's page). Checks within one record live here; references across files in
:mod:`.references`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .records import ProviderSlug, Record, Slug, Text, Url

# ----------------------------------------------------------------------------- architectures


class Component(Record):
    icon: str = ""
    title: Text
    text: Text


class CapabilityCard(Record):
    icon: str = ""
    title: Text
    text: Text
    tags: list[Text] = []  # the seed page's keywords, verbatim
    # capability rows whose services the card's chips name, translated by the provider switch
    capabilities: list[Slug] = []


class DiagramNode(Record):
    id: Slug
    label: Text
    x: Annotated[int, Field(ge=0, le=2000)]
    y: Annotated[int, Field(ge=0, le=2000)]
    text: Text
    icon: str = ""
    capability: Slug | None = None


class DiagramFlow(Record):
    source: Slug = Field(alias="from")
    target: Slug = Field(alias="to")
    label: str = ""


class DiagramBoundary(Record):
    """A region, network, subnet or edge drawn around ``nodes`` (a child's nodes are listed in
    its parent too)."""

    id: Slug
    kind: Slug  # a slug of diagram_boundaries.yaml
    nodes: list[Slug] = Field(min_length=1)
    parent: Slug | None = None


class Diagram(Record):
    width: Annotated[int, Field(ge=100, le=2000)] = 800
    height: Annotated[int, Field(ge=100, le=2000)] = 400
    nodes: list[DiagramNode] = Field(min_length=1)
    flows: list[DiagramFlow] = []
    boundaries: list[DiagramBoundary] = []

    @model_validator(mode="after")
    def _flows_join_nodes(self) -> Diagram:
        ids = [n.id for n in self.nodes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate node id {dupes}")
        for flow in self.flows:
            for end in (flow.source, flow.target):
                if end not in ids:
                    raise ValueError(f"flow refers to unknown node '{end}'")
        return self

    @model_validator(mode="after")
    def _boundaries_nest(self) -> Diagram:
        """Boundaries name known nodes, nest (a child inside its parent, no cycles) and
        siblings share no node: the drawing is then a tree of rectangles."""
        ids = {n.id for n in self.nodes}
        by_id = {b.id: b for b in self.boundaries}
        if len(by_id) != len(self.boundaries):
            raise ValueError("duplicate boundary id")
        for b in self.boundaries:
            unknown = sorted(set(b.nodes) - ids)
            if unknown:
                raise ValueError(f"boundary '{b.id}' lists unknown nodes {unknown}")
            if b.parent is None:
                continue
            parent = by_id.get(b.parent)
            if parent is None or parent.id == b.id:
                raise ValueError(f"boundary '{b.id}' has an unknown parent '{b.parent}'")
            outside = sorted(set(b.nodes) - set(parent.nodes))
            if outside:
                raise ValueError(f"boundary '{b.id}' holds {outside}, which its parent "
                                 f"'{parent.id}' does not list")
            seen, cur = {b.id}, parent
            while cur.parent is not None:
                if cur.parent in seen:
                    raise ValueError(f"boundaries '{b.id}' and '{cur.id}' contain each other")
                seen.add(cur.id)
                cur = by_id[cur.parent]
        for b in self.boundaries:
            for c in self.boundaries:
                if b.id < c.id and b.parent == c.parent and set(b.nodes) & set(c.nodes):
                    raise ValueError(f"boundaries '{b.id}' and '{c.id}' overlap: siblings "
                                     "must not share a node")
        return self


class ArchitectureIn(Record):
    slug: Slug
    group: Text
    kind: Literal["audience", "tier", "security", "industry", "pattern"]
    title: Text
    lead: Text
    heading: Text
    tagline: Text
    icon: str = ""
    badges: list[Text] = []
    summary: Text
    components_title: str = ""
    components: list[Component] = []
    advantages: list[Text] = []
    limitations: list[Text] = []
    use_cases: list[Text] = []
    cards_title: str = ""
    cards: list[CapabilityCard] = []
    diagram: Diagram


class ArchitecturesFile(Record):
    architectures: list[ArchitectureIn]


# ----------------------------------------------------------------------------- boundaries


class BoundaryName(Record):
    """What one provider calls a kind of boundary, and its rule in our own words."""

    label: Text  # on the border, wide layout ("Public subnet (one per AZ)")
    short: str = ""  # on the border on a phone ("Public subnet")
    note: Text
    source_url: Url


class BoundaryKind(Record):
    slug: Slug
    label: Text  # the generic name (no provider chosen)
    short: str = ""
    description: Text
    providers: dict[ProviderSlug, BoundaryName] = {}
    verified_on: dt.date


class BoundariesFile(Record):
    boundary_kinds: list[BoundaryKind]


# ----------------------------------------------------------------------------- considerations

PILLARS = ("reliability", "security", "cost_optimization", "operational_excellence",
           "performance_efficiency")
PILLAR_NAMES = {"reliability": "Reliability", "security": "Security",
                "cost_optimization": "Cost optimisation",
                "operational_excellence": "Operational excellence",
                "performance_efficiency": "Performance efficiency"}
Considerations = Annotated[list["Consideration"], Field(min_length=1, max_length=4)]


class ConsiderationSource(Record):
    id: Slug
    provider: ProviderSlug
    title: Text
    url: Url
    checked: dt.date


class Consideration(Record):
    text: Annotated[str, Field(min_length=20, max_length=320)]
    source: Slug  # an id of the file's sources


class Pillars(Record):
    reliability: Considerations
    security: Considerations
    cost_optimization: Considerations
    operational_excellence: Considerations
    performance_efficiency: Considerations


class ArchitectureConsiderations(Record):
    architecture: Slug
    pillars: Pillars


class ConsiderationsFile(Record):
    sources: list[ConsiderationSource]
    considerations: list[ArchitectureConsiderations]

    @model_validator(mode="after")
    def _sources_known(self) -> ConsiderationsFile:
        ids = [s.id for s in self.sources]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate source id")
        for a in self.considerations:
            for pillar in PILLARS:
                for c in getattr(a.pillars, pillar):
                    if c.source not in ids:
                        raise ValueError(f"{a.architecture}: {pillar} cites an unknown source "
                                         f"'{c.source}'")
        return self
