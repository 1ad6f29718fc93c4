"""Diagram boundaries (cloudquiz.diagrams.zones): regions, networks and subnets drawn around
their nodes in both layouts, never over a node outside them, nested inside their parents, and
relabelled (not moved) by the provider switch. Checked on a sample and on every seeded diagram."""

from __future__ import annotations

import pytest

from cloudquiz import diagrams as d
from cloudquiz.diagrams import Box, ProviderRef, zones
from cloudquiz.seeding import read_seed
from cloudquiz.seeding.loader import _diagram
from tests.support.paths import SEED_DIR

PROVIDERS = (ProviderRef("aws", "Amazon Web Services", "AWS"),
             ProviderRef("azure", "Microsoft Azure", "Azure"),
             ProviderRef("gcp", "Google Cloud", "GCP"))


def node(nid: str, x: int, y: int) -> dict:
    return {"id": nid, "label": nid.title(), "x": x, "y": y, "text": "."}


NET = {"label": "Virtual network", "short": "Network",
       "labels": {"aws": {"label": "VPC (Virtual Private Cloud)", "short": "VPC"},
                  "azure": {"label": "Virtual network (VNet)", "short": "VNet"}}}
SAMPLE = {
    "nodes": [node("users", 165, 80), node("lb", 355, 80), node("app", 545, 80),
              node("db", 545, 190), node("bucket", 735, 80)],
    "flows": [{"from": "users", "to": "lb", "label": "HTTPS"}, {"from": "lb", "to": "app"},
              {"from": "app", "to": "db", "label": "SQL"}],
    "boundaries": [
        {"id": "region", "kind": "region", "nodes": ["lb", "app", "db", "bucket"],
         "label": "Cloud region", "short": "Region"},
        {"id": "vpc", "kind": "network", "parent": "region", "nodes": ["lb", "app", "db"],
         **NET},
        {"id": "public", "kind": "public-subnet", "parent": "vpc", "nodes": ["lb"],
         "label": "Public subnet"},
        {"id": "private", "kind": "private-subnet", "parent": "vpc", "nodes": ["app", "db"],
         "label": "Private subnet"},
    ],
}


def inside(inner: Box, outer: Box) -> bool:
    return (outer.left <= inner.left and inner.right <= outer.right
            and outer.top <= inner.top and inner.bottom <= outer.bottom)


def problems(view: d.DiagramView) -> list[str]:
    """What a reader would see as wrong: a boundary over a node it does not hold, two sibling
    boundaries overlapping, a child sticking out of its parent, a label cut short."""
    out = []
    by_id = {z.id: z for z in view.zones}
    for z in view.zones:
        for n in view.nodes:
            if n.id in z.nodes:
                if not inside(n.box, z.box):
                    out.append(f"{z.id} does not enclose its node {n.id}")
            elif z.box.overlaps(n.box):
                out.append(f"{z.id} covers {n.id}, which is not in it")
        if z.truncated:
            out.append(f"{z.id}'s label is cut: {z.label!r}")
        if z.width > z.box.w - 10:
            out.append(f"{z.id}'s label is wider than its border")
        if z.text_y > z.box.top + (d.ZONE_PAD_WIDE.top if view.layout == d.WIDE
                                   else d.ZONE_PAD_TALL.top):
            out.append(f"{z.id}'s label is below its band")
    for z, text in zip([z for z in view.zones if z.label], zones.label_rects(view.zones),
                       strict=True):
        for f in view.numbered_flows:  # the badge's disc against the label's text box
            near_x = min(max(f.badge.x, text.left), text.right)
            near_y = min(max(f.badge.y, text.top), text.bottom)
            if (near_x - f.badge.x) ** 2 + (near_y - f.badge.y) ** 2 < d.BADGE_RADIUS ** 2:
                out.append(f"flow {f.number}'s badge covers {z.id}'s label")
    for z in view.zones:
        for o in view.zones:
            if z.id < o.id and not set(z.nodes) & set(o.nodes) and z.box.overlaps(o.box):
                out.append(f"{z.id} and {o.id} overlap")
    for z in view.zones:
        parents = [p for p in view.zones if p.id != z.id and set(z.nodes) < set(p.nodes)
                   or p.id != z.id and set(z.nodes) == set(p.nodes) and p.depth < z.depth]
        for p in parents:
            if not inside(z.box, p.box):
                out.append(f"{z.id} sticks out of {p.id}")
    assert set(by_id) == {z.id for z in view.zones}
    return out


@pytest.mark.parametrize("layout", d.LAYOUTS)
def test_sample_boundaries_nest_and_keep_clear_of_other_nodes(layout: str) -> None:
    view = d.build(SAMPLE, {}, PROVIDERS, layout=layout)
    assert [z.id for z in view.zones] == ["region", "vpc", "public", "private"]
    assert [z.depth for z in view.zones] == [0, 1, 2, 2]
    assert problems(view) == []
    # the canvas holds the outermost border
    region = view.zones[0]
    assert view.min_y <= region.box.top
    assert view.min_x <= region.box.left


def test_the_provider_switch_relabels_boundaries_and_keeps_them_in_place() -> None:
    generic = d.build(SAMPLE, {}, PROVIDERS)
    aws = d.build(SAMPLE, {}, PROVIDERS, "aws")
    azure = d.build(SAMPLE, {}, PROVIDERS, "azure")
    gcp = d.build(SAMPLE, {}, PROVIDERS, "gcp")
    labels = [v.zones[1].label for v in (generic, aws, azure, gcp)]
    assert labels == ["Virtual network", "VPC (Virtual Private Cloud)", "Virtual network (VNet)",
                      "Virtual network"]  # no GCP entry: the generic name
    assert [z.box for z in generic.zones] == [z.box for z in aws.zones] == [
        z.box for z in azure.zones]


def test_tall_layout_uses_short_labels_and_fits_a_phone() -> None:
    tall = d.build(SAMPLE, {}, PROVIDERS, "aws", layout=d.TALL)
    assert tall.zones[1].label == "VPC"
    assert tall.width <= d.TALL_TARGET_WIDTH + 1


def test_gaps_open_only_where_boundary_edges_fall() -> None:
    plain = d.build({**SAMPLE, "boundaries": []}, {}, PROVIDERS)
    zoned = d.build(SAMPLE, {}, PROVIDERS)
    x = {n.id: n.box.cx for n in plain.nodes}
    zx = {n.id: n.box.cx for n in zoned.nodes}
    # users | region > vpc > subnet: three sides between the users and the load balancer
    assert zx["lb"] - zx["users"] >= 150 + 3 * d.ZONE_PAD_WIDE.side + d.ZONE_SEP
    assert zx == x  # the authored gaps (40 px) already hold three sides and the separation
    # Nodes closer together: the gaps with boundary sides in them widen, the others do not.
    tight = {**SAMPLE, "nodes": [{**n, "x": {165: 165, 355: 330, 545: 495, 735: 660}[n["x"]]}
                                 for n in SAMPLE["nodes"]]}
    tx = {n.id: n.box.cx for n in d.build(tight, {}, PROVIDERS).nodes}
    assert tx["lb"] - tx["users"] >= 150 + 3 * d.ZONE_PAD_WIDE.side + d.ZONE_SEP  # was 165
    assert tx["app"] - tx["lb"] >= 150 + 2 * d.ZONE_PAD_WIDE.side + d.ZONE_SEP  # subnets
    # the app and the bucket: only the VPC's side lies between them
    assert tx["bucket"] - tx["app"] < tx["lb"] - tx["users"]
    assert zoned.zones_of("db") == (zoned.zones[0], zoned.zones[1], zoned.zones[3])


def test_a_boundary_with_unknown_nodes_or_parent_is_dropped_or_lifted() -> None:
    broken = {**SAMPLE, "boundaries": [
        {"id": "ghost", "kind": "region", "nodes": ["nobody"]},
        {"id": "orphan", "kind": "network", "parent": "missing", "nodes": ["lb"]},
        "not a boundary", {"kind": "region", "nodes": ["db"]}]}
    view = d.build(broken, {}, PROVIDERS)
    assert [(z.id, z.depth) for z in view.zones] == [("orphan", 0), ("boundary-3", 0)]
    assert view.zones[1].label == "region"  # no label stored: the kind


# ----------------------------------------------------------------------------- the seed


def _seeded():
    seed = read_seed(SEED_DIR)
    kinds = {b.slug: b for b in seed.boundary_kinds}
    return [(a.slug, _diagram(a.diagram, kinds)) for a in seed.architectures]


SEEDED = _seeded()


@pytest.mark.parametrize("layout", d.LAYOUTS)
@pytest.mark.parametrize("provider", [None, "aws", "azure", "gcp"])
@pytest.mark.parametrize("slug,diagram", SEEDED, ids=[s for s, _ in SEEDED])
def test_every_seeded_diagram_draws_its_boundaries_cleanly(slug, diagram, provider,
                                                           layout) -> None:
    view = d.build(diagram, {}, PROVIDERS, provider, layout=layout)
    assert problems(view) == []
    if layout == d.TALL:  # at most ~10 % wider than a phone: the browser scales it that little
        assert view.width <= d.TALL_TARGET_WIDTH * 1.1, view.width


def test_every_architecture_draws_where_it_runs() -> None:
    """Each diagram shows where it runs (a region, a network or an on-premises site); the
    tiered and web ones show the network and its subnets, three-tier its zones too."""
    kinds = {slug: {b["kind"] for b in diagram["boundaries"]} for slug, diagram in SEEDED}
    assert all(k & {"region", "network", "on-premises"} for k in kinds.values()), kinds
    for slug in ("three-tier", "b2c", "one-tier"):
        assert {"network", "public-subnet"} <= kinds[slug], slug
    for slug in ("three-tier", "n-tier", "b2c", "e-commerce", "payments", "two-tier"):
        assert {"network", "private-subnet"} <= kinds[slug], slug
    assert "zones" in kinds["three-tier"]
    assert "edge" in kinds["three-tier"] and "on-premises" in kinds["hybrid-multicloud"]
