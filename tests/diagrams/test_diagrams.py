"""The diagram render model (cloudquiz.diagrams): geometry, text fitting, translation, layouts."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudquiz import diagrams as d
from cloudquiz.diagrams import Box, Point, ProviderRef, Role, ServiceRef, geometry

PROVIDERS = (ProviderRef("aws", "Amazon Web Services", "AWS"),
             ProviderRef("azure", "Microsoft Azure", "Azure"),
             ProviderRef("gcp", "Google Cloud Platform", "GCP"))

CDN = Role("cdn", "CDN", {
    "aws": (ServiceRef("Amazon CloudFront", "/services/aws/cloudfront", short_name="CloudFront"),),
    "azure": (ServiceRef("Azure Content Delivery Network", "/services/azure/cdn",
                         short_name="Azure CDN"),
              ServiceRef("Azure Front Door", "/services/azure/front-door",
                         short_name="Front Door")),
    "gcp": (ServiceRef("Cloud CDN", "/services/gcp/cloud-cdn", short_name="Cloud CDN"),),
})
SIEM = Role("siem", "SIEM", {"azure": (ServiceRef("Microsoft Sentinel"),)})

SAMPLE = {
    "width": 900, "height": 380,
    "nodes": [
        {"id": "users", "label": "Users", "x": 165, "y": 80, "text": "People.", "icon": "👤"},
        {"id": "cdn", "label": "Global CDN", "x": 355, "y": 80, "text": "Edge.", "icon": "🌍",
         "capability": "cdn"},
        {"id": "siem", "label": "SIEM", "x": 545, "y": 80, "text": "Logs.", "capability": "siem"},
        {"id": "far", "label": "Far away", "x": 165, "y": 300, "text": "Below."},
    ],
    "flows": [
        {"from": "users", "to": "cdn", "label": "HTTPS"},
        {"from": "cdn", "to": "siem", "label": ""},
        {"from": "siem", "to": "far", "label": "alerts"},
    ],
}
ROLES = {"cdn": CDN, "siem": SIEM}


def on_any_edge(box: Box, p: Point) -> bool:
    return box.on_edge(p, 1e-6)


# ----------------------------------------------------------------------------- geometry


def test_horizontal_flow_runs_from_the_right_edge_to_the_left_edge() -> None:
    a, b = Box(100, 100, 150, 60), Box(300, 100, 150, 60)
    geo = d.flow_geometry(a, b)
    assert geo.start == Point(175, 100)
    assert geo.end == Point(225, 100)
    assert geo.d == "M175,100 L225,100"
    assert geo.mid == Point(200, 100)


def test_diagonal_flow_leaves_through_the_side_the_line_crosses() -> None:
    a, b = Box(0, 0, 150, 60), Box(200, 200, 150, 60)
    geo = d.flow_geometry(a, b)
    assert geo.start.y == a.bottom and a.left <= geo.start.x <= a.right
    assert geo.end.y == b.top and b.left <= geo.end.x <= b.right


def test_a_flow_that_would_cross_another_box_goes_around_it() -> None:
    a, mid, b = Box(100, 80, 150, 60), Box(100, 190, 150, 60), Box(100, 300, 150, 60)
    geo = d.flow_geometry(a, b, obstacles=[mid])
    assert "L" in geo.d and ("Q" in geo.d)
    assert on_any_edge(a, geo.start) and on_any_edge(b, geo.end)
    points = [Point(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", geo.d)]
    # Every drawn vertex (and so the whole rounded polyline or curve hull) avoids the box.
    assert not any(mid.left < p.x < mid.right and mid.top < p.y < mid.bottom for p in points)


def test_two_way_flows_are_drawn_apart() -> None:
    a, b = Box(100, 100, 150, 60), Box(300, 100, 150, 60)
    there = d.flow_geometry(a, b, offset=d.BIDIRECTIONAL_OFFSET)
    back = d.flow_geometry(b, a, offset=d.BIDIRECTIONAL_OFFSET)
    assert there.start.y != back.end.y
    assert abs(there.start.y - back.end.y) == pytest.approx(2 * d.BIDIRECTIONAL_OFFSET)


def test_a_flow_to_itself_is_a_loop_on_the_right_side() -> None:
    a = Box(100, 100, 150, 60)
    geo = d.flow_geometry(a, a, loop=True)
    assert geo.start.x == geo.end.x == a.right
    assert geo.mid.x > a.right


def test_boxes_on_the_same_centre_still_get_endpoints_on_their_edges() -> None:
    a, b = Box(100, 100, 150, 60), Box(100, 100, 150, 60)
    geo = d.flow_geometry(a, b)
    assert on_any_edge(a, geo.start) and on_any_edge(b, geo.end)


# ----------------------------------------------------------------------------- text


def test_wrap_breaks_between_words_within_the_width() -> None:
    lines, cut = d.wrap("Azure Container Registry", 110, 13, 3, bold=True)
    assert not cut
    assert " ".join(lines) == "Azure Container Registry"
    assert all(d.text_width(line, 13, True) <= 110 * d.WORD_SLACK for line in lines)


def test_wrap_cuts_the_last_line_with_an_ellipsis() -> None:
    lines, cut = d.wrap("one two three four five six seven eight nine ten", 60, 13, 2)
    assert cut and len(lines) == 2
    assert lines[-1].endswith(d.ELLIPSIS)


def test_wrap_keeps_a_word_that_only_just_misses_whole() -> None:
    width = d.text_width("EventBridge", 12, True) / 1.04
    lines, _ = d.wrap("Amazon EventBridge", width, 12, 3, bold=True)
    assert lines == ("Amazon", "EventBridge")


def test_wrap_breaks_a_long_word_after_its_slashes_first() -> None:
    lines, cut = d.wrap("Web/mobile/partners", 90, 13, 3, bold=True)
    assert not cut and lines == ("Web/mobile/", "partners")


def test_wrap_splits_a_word_far_too_long_for_the_line() -> None:
    lines, _ = d.wrap("Supercalifragilisticexpialidocious", 60, 13, 5)
    assert len(lines) > 1 and "".join(lines) == "Supercalifragilisticexpialidocious"


def test_services_label_prefers_full_names_then_short_names_then_first_plus_count() -> None:
    azure = CDN.services_of("azure")
    assert d.services_label(azure, 500, 13, 2) == \
        "Azure Content Delivery Network / Azure Front Door"
    assert d.services_label(azure, 110, 13, 2) == "Azure CDN / Front Door"
    assert d.services_label(azure, 60, 13, 2).endswith("+1")


# ----------------------------------------------------------------------------- translation


def test_generic_view_shows_each_node_label_and_its_capability() -> None:
    view = d.build(SAMPLE, ROLES, PROVIDERS)
    cdn = view.node("cdn")
    assert view.provider is None
    assert cdn.title.full == "Global CDN"
    assert cdn.sub is not None and cdn.sub.full == "CDN"
    assert cdn.name == "Global CDN (CDN)"
    assert view.node("users").external and not cdn.external


def test_provider_view_relabels_nodes_with_that_providers_services() -> None:
    view = d.build(SAMPLE, ROLES, PROVIDERS, "aws")
    cdn = view.node("cdn")
    assert view.provider == PROVIDERS[0]
    assert cdn.title.full == "Amazon CloudFront"
    assert cdn.sub is not None and cdn.sub.full == "Global CDN"
    assert cdn.services == CDN.services_of("aws")
    assert cdn.name == "Global CDN: Amazon CloudFront"
    # A node outside the cloud keeps its own label.
    assert view.node("users").title.full == "Users"


def test_provider_without_a_service_for_the_role_says_so() -> None:
    view = d.build(SAMPLE, ROLES, PROVIDERS, "aws")
    siem = view.node("siem")
    assert siem.missing and siem.services == ()
    assert siem.title.full == "No native service"
    assert siem.name == "SIEM: no native AWS service"
    assert siem.translation("aws").missing
    assert not siem.translation("azure").missing


def test_switching_provider_changes_the_label() -> None:
    labels = {p.slug: d.build(SAMPLE, ROLES, PROVIDERS, p.slug).node("cdn").title.full
              for p in PROVIDERS}
    assert labels == {"aws": "Amazon CloudFront",
                      "azure": "Azure Content Delivery Network / Azure Front Door"
                      if not d.wrap("Azure Content Delivery Network / Azure Front Door",
                                    150 - d.ICON_COLUMN - 2 - d.TEXT_PADDING, 13, 2, True)[1]
                      else "Azure CDN / Front Door",
                      "gcp": "Cloud CDN"}


def test_unknown_provider_or_node_is_ignored_by_the_model() -> None:
    view = d.build(SAMPLE, ROLES, PROVIDERS, "oracle", selected="nope")
    assert view.provider is None and view.selected is None
    assert not any(n.selected for n in view.nodes)


def test_selected_node_is_marked() -> None:
    view = d.build(SAMPLE, ROLES, PROVIDERS, selected="cdn")
    assert view.selected is view.node("cdn")
    assert [n.id for n in view.nodes if n.selected] == ["cdn"]


def test_only_labelled_flows_get_a_number_in_order() -> None:
    view = d.build(SAMPLE, ROLES, PROVIDERS)
    assert [(f.source, f.number) for f in view.flows] == [("users", 1), ("cdn", None),
                                                          ("siem", 2)]
    assert [f.label for f in view.numbered_flows] == ["HTTPS", "alerts"]
    assert view.flows[1].badge is None
    assert [f.target for f in view.outgoing("cdn")] == ["siem"]
    assert [f.source for f in view.incoming("cdn")] == ["users"]


def test_a_flow_to_an_unknown_node_is_skipped_not_fatal() -> None:
    broken = {**SAMPLE, "flows": [*SAMPLE["flows"], {"from": "users", "to": "ghost"}]}
    assert len(d.build(broken, ROLES, PROVIDERS).flows) == 3


def test_unknown_layout_is_refused() -> None:
    with pytest.raises(ValueError):
        d.build(SAMPLE, ROLES, PROVIDERS, layout="diagonal")


def test_canvas_is_cropped_to_what_is_drawn() -> None:
    view = d.build(SAMPLE, ROLES, PROVIDERS)
    assert view.min_x == pytest.approx(165 - 75 - d.MARGIN)
    assert view.width == pytest.approx(545 + 75 - (165 - 75) + 2 * d.MARGIN)
    assert view.view_box.split()[0] == "78"


# ----------------------------------------------------------------------------- tall layout


def test_tall_layout_turns_a_wide_grid_a_quarter() -> None:
    cells, ncols, nrows = d.tall_grid([(165, 80), (355, 80), (545, 80), (165, 300)],
                                      d.DEFAULT_STYLE)
    # 3 columns × 2 rows become 2 columns × 3 rows; order along each axis is kept.
    assert (ncols, nrows) == (2, 3)
    assert cells == [(0, 0), (0, 1), (0, 2), (1, 0)]


def test_tall_layout_keeps_a_narrow_grid_as_it_is() -> None:
    cells, ncols, nrows = d.tall_grid([(450, 75), (450, 185), (700, 185)], d.DEFAULT_STYLE)
    assert (ncols, nrows) == (2, 2)
    assert cells == [(0, 0), (0, 1), (1, 1)]


def test_tall_layout_moves_a_node_down_when_its_cell_is_taken() -> None:
    cells, _, nrows = d.tall_grid([(100, 100), (110, 105)], d.DEFAULT_STYLE)
    assert cells == [(0, 0), (0, 1)] and nrows == 2


def test_tall_layout_fits_a_phone() -> None:
    grid = {"nodes": [{"id": f"n{x}{y}", "label": "Node", "icon": "🔌", "x": x, "y": y}
                      for x in (165, 355, 545, 735) for y in (80, 190, 300)], "flows": []}
    view = d.build(grid, ROLES, PROVIDERS, layout=d.TALL)
    assert view.width <= d.TALL_TARGET_WIDTH + 1
    assert all(n.icon_at is None for n in view.nodes)  # narrow boxes leave the icon out
    assert d.build(grid, ROLES, PROVIDERS).node("n16580").icon_at is not None


# ----------------------------------------------------------------------------- properties


node_ids = st.lists(st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True), min_size=1,
                    max_size=8, unique=True)
words = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP 🌍/-&."),
                min_size=1, max_size=40).filter(lambda s: s.strip())


@st.composite
def diagrams(draw: st.DrawFn) -> tuple[dict, dict[str, Role]]:
    ids = draw(node_ids)
    caps = draw(st.lists(st.sampled_from(["c1", "c2", "c3"]), min_size=len(ids),
                         max_size=len(ids)))
    with_role = draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)))
    nodes = [{
        "id": i, "label": draw(words), "text": "t", "icon": draw(st.sampled_from(["", "🔌"])),
        "x": draw(st.integers(0, 2000)), "y": draw(st.integers(0, 2000)),
        "capability": cap if has else None,
    } for i, cap, has in zip(ids, caps, with_role, strict=True)]
    flows = draw(st.lists(st.fixed_dictionaries({
        "from": st.sampled_from(ids), "to": st.sampled_from(ids),
        "label": st.sampled_from(["", "call", "publish event"])}), max_size=8))
    roles = {}
    for cap in ("c1", "c2", "c3"):
        services = {}
        for p in PROVIDERS:
            names = draw(st.lists(words, max_size=3))
            services[p.slug] = tuple(ServiceRef(n) for n in names)
        roles[cap] = Role(cap, draw(words), services)
    return {"width": 900, "height": 400, "nodes": nodes, "flows": flows}, roles


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(diagrams(), st.sampled_from([None, "aws", "azure", "gcp"]), st.sampled_from(d.LAYOUTS))
def test_every_flow_starts_and_ends_on_its_nodes_box_edges(data, provider, layout) -> None:
    diagram, roles = data
    view = d.build(diagram, roles, PROVIDERS, provider, layout=layout)
    assert len(view.flows) == len(diagram["flows"])
    for flow in view.flows:
        assert view.node(flow.source).box.on_edge(flow.start, 1e-6)
        assert view.node(flow.target).box.on_edge(flow.end, 1e-6)
        assert flow.d.startswith(f"M{geometry.fmt(flow.start.x)},{geometry.fmt(flow.start.y)}")
        assert flow.d.endswith(f"{geometry.fmt(flow.end.x)},{geometry.fmt(flow.end.y)}")


@PROPERTY_SETTINGS
@given(diagrams(), st.sampled_from(d.LAYOUTS))
def test_every_node_is_translated_for_every_provider(data, layout) -> None:
    diagram, roles = data
    for p in PROVIDERS:
        view = d.build(diagram, roles, PROVIDERS, p.slug, layout=layout)
        assert view.provider == p
        for raw, node in zip(diagram["nodes"], view.nodes, strict=True):
            assert [t.provider for t in node.translations] == list(PROVIDERS)
            assert node.title.lines, "every node shows a label"
            role = roles.get(raw["capability"]) if raw["capability"] else None
            if role is None:
                assert node.external and node.title.full == raw["label"]
                assert not node.missing
            elif role.services_of(p.slug):
                assert node.services == role.services_of(p.slug)
                assert not node.missing
                assert all(s.name in node.name for s in node.services)
                assert node.translation(p.slug).services == node.services
            else:
                assert node.missing and node.title.full == "No native service"
                assert p.short_name in node.name


@PROPERTY_SETTINGS
@given(diagrams(), st.sampled_from([None, "aws"]), st.sampled_from(d.LAYOUTS))
def test_everything_drawn_is_inside_the_view_box_and_text_fits_its_box(data, provider,
                                                                        layout) -> None:
    diagram, roles = data
    view = d.build(diagram, roles, PROVIDERS, provider, layout=layout)
    right, bottom = view.min_x + view.width, view.min_y + view.height
    for n in view.nodes:
        assert view.min_x <= n.box.left and n.box.right <= right
        assert view.min_y <= n.box.top and n.box.bottom <= bottom
        for block in (n.title, n.sub):
            if block is None:
                continue
            for line, y in block.lines:
                assert n.box.top < y < n.box.bottom + 1e-9
                bold = block is n.title
                slack = d.WORD_SLACK if " " not in line else 1.0
                assert d.text_width(line, block.size, bold) <= (n.box.w - 8) * slack + 1e-9 \
                    or len(line) == 1
    for f in view.flows:
        if f.badge is not None:
            assert view.min_x <= f.badge.x - d.BADGE_RADIUS and f.badge.x + d.BADGE_RADIUS <= right
            assert view.min_y <= f.badge.y - d.BADGE_RADIUS
            assert f.badge.y + d.BADGE_RADIUS <= bottom


@PROPERTY_SETTINGS
@given(diagrams())
def test_tall_layout_never_overlaps_boxes(data) -> None:
    diagram, roles = data
    view = d.build(diagram, roles, PROVIDERS, layout=d.TALL)
    boxes = [n.box for n in view.nodes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    assert not math.isnan(view.width)


# ----------------------------------------------------------------------------- the seed's diagrams


def path_points(path: str) -> list[Point]:
    """Points along an SVG path of M/L/Q commands (curves sampled), to check what it crosses."""
    out: list[Point] = []
    for cmd, args in re.findall(r"([MLQ])([^MLQ]*)", path):
        nums = [float(v) for v in re.findall(r"-?[\d.]+", args)]
        if cmd in "ML":
            out.append(Point(nums[0], nums[1]))
        else:
            p0, c, p2 = out[-1], Point(nums[0], nums[1]), Point(nums[2], nums[3])
            out += [geometry.quad(p0, c, p2, i / 16) for i in range(1, 17)]
    return out


def test_no_flow_of_the_seed_diagrams_runs_through_another_box() -> None:
    import yaml

    from tests.support.paths import PROJECT_ROOT

    seed = yaml.safe_load((PROJECT_ROOT / "seed" / "architectures.yaml").read_text("utf-8"))
    crossings = []
    for arch in seed["architectures"]:
        for layout in d.LAYOUTS:
            view = d.build(arch["diagram"], {}, PROVIDERS, layout=layout)
            for flow in view.flows:
                points = path_points(flow.d)
                for node in view.nodes:
                    if node.id in (flow.source, flow.target):
                        continue
                    if any(geometry.segment_hits(p, q, node.box, -1.0)
                           for p, q in zip(points, points[1:])):
                        crossings.append(f"{arch['slug']} {layout}: {flow.source}→"
                                         f"{flow.target} crosses {node.id}")
    assert not crossings, "\n".join(crossings)


def test_router_finds_a_way_around_a_box_in_the_middle() -> None:
    boxes = [Box(100, 80, 150, 60), Box(100, 190, 150, 60), Box(100, 300, 150, 60)]
    path = d.Router(boxes, 16).route(0, 2)
    assert path is not None and path[0] == boxes[0].centre and path[-1] == boxes[2].centre
    assert all(not geometry.segment_hits(p, q, boxes[1], 0) for p, q in zip(path, path[1:]))
    # Boxed in on every side: no route.
    walls = [Box(100, 100, 150, 60)] + [Box(100 + dx, 100 + dy, 150, 60) for dx, dy in
                                        ((-152, 0), (152, 0), (0, -62), (0, 62), (-152, -62),
                                         (152, -62), (-152, 62), (152, 62))]
    far = Box(600, 600, 150, 60)
    assert d.Router([*walls, far], 4).route(0, len(walls)) is None



@PROPERTY_SETTINGS
@given(diagrams(), st.sampled_from([None, "aws", "gcp"]), st.sampled_from(d.LAYOUTS),
       st.data())
def test_marking_a_node_of_a_kept_view_equals_building_with_it(data, provider, layout,
                                                               pick) -> None:
    """The architecture pages lay a diagram out once and mark the selected node per request:
    what they draw must be exactly what building with the selection draws."""
    diagram, roles = data
    ids = [n["id"] for n in diagram["nodes"]]
    selected = pick.draw(st.sampled_from([None, "unknown", *ids]))
    before = pick.draw(st.sampled_from([None, *ids]))
    kept = d.build(diagram, roles, PROVIDERS, provider, layout=layout, selected=before)
    assert d.with_selection(kept, selected) == d.build(diagram, roles, PROVIDERS, provider,
                                                       layout=layout, selected=selected)
