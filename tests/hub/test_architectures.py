"""Architecture pages: the grouped index, every architecture with its seed content, and the
interactive diagram (provider switch, node details) as full pages and htmx fragments."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from tests.support.html import page_text
from tests.support.pages import ODD_VALUES, assert_three_ways
from tests.support.queries import assert_bounded_queries


def architectures(app: Flask) -> list[m.Architecture]:
    with app.app_context():
        rows = db.session.scalars(sa.select(m.Architecture).order_by(m.Architecture.position))
        return [r for r in rows]


def capability_services(app: Flask) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """capability slug → provider slug → [(service name, service slug)] of the services that
    meet the need today (legacy products are never offered), from the database."""
    out: dict[str, dict[str, list[tuple[str, str]]]] = {}
    with app.app_context():
        links = db.session.scalars(sa.select(m.CapabilityService).where(
            m.CapabilityService.legacy.is_(False)).order_by(m.CapabilityService.position)).all()
        for link in links:
            out.setdefault(link.capability.slug, {}).setdefault(
                link.service.provider.slug, []).append((link.service.name, link.service.slug))
    return out


def provider_slugs(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(m.Provider.slug).order_by(m.Provider.position)))


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


def node_links(svg: str) -> dict[str, dict[str, str]]:
    """data-node → attributes of each node link in one SVG."""
    out = {}
    for tag in re.findall(r"<a\b[^>]*data-node=[^>]*>", svg):
        attrs = {k: htmllib.unescape(v) for k, v in re.findall(r'([\w:-]+)="([^"]*)"', tag)}
        out[attrs["data-node"]] = attrs
    return out


def node_title(svg: str, node_id: str) -> str:
    """The visible title lines of one node, joined."""
    match = re.search(r'<a\b[^>]*data-node="%s"[^>]*>(.*?)</a>' % re.escape(node_id), svg, re.DOTALL)
    assert match, node_id
    title = re.search(r'class="diagram-node__title".*?</text>', match.group(1), re.DOTALL)
    assert title
    return htmllib.unescape(" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", title.group(0))))


# ----------------------------------------------------------------------------- index


def test_index_lists_every_architecture_grouped_in_seed_order(app: Flask,
                                                              client: FlaskClient) -> None:
    archs = architectures(app)
    response = client.get("/architectures")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(html)
    groups = list(dict.fromkeys(a.group for a in archs))
    positions = [html.index(f">{htmllib.escape(g)}</h2>") for g in groups]
    assert positions == sorted(positions), "groups appear in the seed's order"
    for a in archs:
        assert f'href="/architectures/{a.slug}"' in html
        assert a.title in text and a.lead in text
        for badge in a.badges:
            assert badge in text
        # Each card sits under its own group's heading.
        group_at = html.index(f">{htmllib.escape(a.group)}</h2>")
        assert html.index(f'href="/architectures/{a.slug}"') > group_at
    assert "HX-Request" in response.headers["Vary"]


def test_index_title_and_description_come_from_the_site_texts(client: FlaskClient) -> None:
    html = client.get("/architectures").get_data(as_text=True)
    assert re.search(r"<title>Cloud Architecture Patterns · ", html)
    assert '<meta name="description" content="Twelve reference architectures' in html


# ----------------------------------------------------------------------------- detail


def test_every_architecture_page_shows_all_its_seed_content(app: Flask,
                                                             client: FlaskClient) -> None:
    for a in architectures(app):
        response = client.get(f"/architectures/{a.slug}")
        assert response.status_code == 200, a.slug
        html = response.get_data(as_text=True)
        text = page_text(html)
        for fact in (a.group, a.title, a.lead, a.heading, a.tagline, a.summary,
                     *a.badges, *a.advantages, *a.limitations, *a.use_cases):
            assert fact in text, (a.slug, fact)
        if a.components_title:
            assert a.components_title in text
        for c in a.components:
            assert c["title"] in text and c["text"] in text, (a.slug, c["title"])
        if a.cards_title:
            assert a.cards_title in text
        for card in a.cards:
            assert card["title"] in text and card["text"] in text
            for tag in card["tags"]:
                assert tag in text
        for node in a.diagram["nodes"]:
            assert node["label"] in text and node["text"] in text, (a.slug, node["id"])
        for flow in a.diagram["flows"]:
            if flow["label"]:
                assert flow["label"] in text
        assert f"<title>{htmllib.escape(a.title)} · " in html
        assert f'<meta name="description" content="{htmllib.escape(a.lead)}' in html


def test_diagram_is_inline_svg_with_title_desc_and_a_focusable_link_per_node(
        app: Flask, client: FlaskClient) -> None:
    for a in architectures(app):
        html = client.get(f"/architectures/{a.slug}").get_data(as_text=True)
        wide, tall = svgs(html)
        assert 'class="diagram-svg diagram-svg--wide' in wide
        assert 'class="diagram-svg diagram-svg--tall' in tall
        for svg in (wide, tall):
            assert "<title" in svg and "<desc" in svg and 'aria-labelledby="' in svg
            links = node_links(svg)
            assert set(links) == {n["id"] for n in a.diagram["nodes"]}
            for node_id, attrs in links.items():
                # without JavaScript the link comes back to the diagram, not the page top
                assert attrs["href"] == f"/architectures/{a.slug}?node={node_id}#diagram"
                assert attrs["hx-get"] == f"/architectures/{a.slug}/nodes/{node_id}"
                assert attrs["hx-target"] == "#node-panel"
                assert attrs["hx-push-url"] + "#diagram" == attrs["href"]
                assert attrs["aria-label"]
            assert svg.count('class="diagram-flow"') == len(a.diagram["flows"])
            assert 'marker-end="url(#' in svg
        # The ids of the two drawings never clash.
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids))


def test_pages_need_no_inline_style_or_script(app: Flask, client: FlaskClient) -> None:
    for url in ["/architectures", "/architectures/b2c?provider=aws&node=cdn"]:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<style[\s>]", html)
        assert not re.search(r'\sstyle\s*=\s*["\']', html)
        assert not re.search(r"<script(?![^>]*\ssrc=)", html)
        assert "/static/css/diagrams." in html


def test_translate_table_maps_every_capability_node_to_each_providers_services(
        app: Flask, client: FlaskClient) -> None:
    services = capability_services(app)
    for a in architectures(app):
        html = client.get(f"/architectures/{a.slug}").get_data(as_text=True)
        table = re.search(r'<div class="translate-table">.*?</table>', html, re.DOTALL).group(0)
        for node in a.diagram["nodes"]:
            if not node.get("capability"):
                continue
            assert htmllib.escape(node["label"]) in table
            for provider, refs in services.get(node["capability"], {}).items():
                for name, slug in refs:
                    assert f'href="/services/{provider}/{slug}">{htmllib.escape(name)}</a>' \
                        in table, (a.slug, node["id"], name)


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_provider_switch_relabels_every_capability_node_with_that_providers_service(
        app: Flask, client: FlaskClient, provider: str) -> None:
    services = capability_services(app)
    for a in architectures(app):
        response = client.get(f"/architectures/{a.slug}?provider={provider}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        wide = svgs(html)[0]
        assert f'data-provider="{provider}"' in wide
        for node in a.diagram["nodes"]:
            links = node_links(wide)[node["id"]]
            assert links["href"] == (
                f"/architectures/{a.slug}?provider={provider}&node={node['id']}#diagram")
            title = node_title(wide, node["id"])
            refs = services.get(node.get("capability") or "", {}).get(provider, [])
            if not node.get("capability"):
                assert title.replace(" ", "") == node["label"].replace(" ", "")
            elif refs:
                assert any(name in links["aria-label"] for name, _ in refs)
                assert title != "No native service"
            else:
                assert title == "No native service", (a.slug, node["id"])


def test_cdn_node_reads_cloudfront_on_aws_and_front_door_on_azure(client: FlaskClient) -> None:
    aws = svgs(client.get("/architectures/b2c?provider=aws").get_data(as_text=True))[0]
    azure = svgs(client.get("/architectures/b2c?provider=azure").get_data(as_text=True))[0]
    generic = svgs(client.get("/architectures/b2c").get_data(as_text=True))[0]
    assert node_title(generic, "cdn") == "Global CDN"
    assert node_title(aws, "cdn") == "Amazon CloudFront"
    assert "Front Door" in node_title(azure, "cdn")


def test_provider_switch_links_keep_the_open_node(client: FlaskClient) -> None:
    html = client.get("/architectures/b2b?node=api-gateway&provider=gcp").get_data(as_text=True)
    switch = re.search(r'<nav class="provider-switch".*?</nav>', html, re.DOTALL).group(0)
    hrefs = [htmllib.unescape(h) for h in re.findall(r'href="([^"]+)"', switch)]
    assert [parse_qs(urlsplit(h).query) for h in hrefs] == [
        {"node": ["api-gateway"]},
        {"provider": ["aws"], "node": ["api-gateway"]},
        {"provider": ["azure"], "node": ["api-gateway"]},
        {"provider": ["gcp"], "node": ["api-gateway"]},
    ]
    assert re.search(r'id="provider-switch-gcp"[^>]*aria-current="true"', switch)
    assert 'hx-target="#diagram"' in switch and 'hx-push-url="true"' in switch
    # With htmx the node comes from the panel at click time (a node click swaps only the panel).
    hx_gets = [htmllib.unescape(h) for h in re.findall(r'hx-get="([^"]+)"', switch)]
    assert hx_gets == ["/architectures/b2b", "/architectures/b2b?provider=aws",
                       "/architectures/b2b?provider=azure", "/architectures/b2b?provider=gcp"]
    assert switch.count("hx-include=\"#node-panel [name='node']\"") == 4
    assert '<input type="hidden" name="node" value="api-gateway">' in html


def test_node_panel_shows_text_capability_and_each_providers_service(
        app: Flask, client: FlaskClient) -> None:
    html = client.get("/architectures/b2c?node=cdn&provider=azure").get_data(as_text=True)
    panel = re.search(r'<div id="node-panel".*?</div>\s*</div>\s*</div>', html, re.DOTALL).group(0)
    a = next(x for x in architectures(app) if x.slug == "b2c")
    node = next(n for n in a.diagram["nodes"] if n["id"] == "cdn")
    text = page_text(panel)
    assert node["label"] in text and node["text"] in text
    with app.app_context():
        cap = db.session.scalar(sa.select(m.Capability).where(m.Capability.slug == "cdn"))
        assert cap.name in text
    for provider, refs in capability_services(app)["cdn"].items():
        for name, slug in refs:
            assert f'href="/services/{provider}/{slug}"' in panel
    assert "(shown)" in text
    # The selected node is marked in both drawings.
    assert len(re.findall(r'data-node="cdn"[^>]*aria-current="true"', html)) == 2


def test_plain_detail_and_diagram_fragment_three_ways(client: FlaskClient, hx) -> None:
    for url in ["/architectures/b2b", "/architectures/b2b?provider=aws",
                "/architectures/payments?provider=gcp&node=ledger"]:
        page, fragment = assert_three_ways(client, hx, url, "diagram")
        assert 'id="node-panel"' in fragment and "<svg" in fragment
        # the page carries the same diagram, node for node, as the fragment htmx swaps in
        assert re.findall(r'data-node="([^"]+)"', fragment) == re.findall(
            r'data-node="([^"]+)"', page[page.index('id="diagram"'):])[:len(
                re.findall(r'data-node="([^"]+)"', fragment))]


def test_node_fragment_three_ways(client: FlaskClient, hx) -> None:
    url = "/architectures/b2c/nodes/cdn?provider=aws"
    page, fragment = assert_three_ways(client, hx, url, "node-panel")
    assert "Amazon CloudFront" in fragment and "<svg" not in fragment
    # Without htmx the node URL is a full page with the node open, pointing at its canonical URL.
    assert '<link rel="canonical" href="http://localhost/architectures/b2c?provider=aws&amp;node=cdn">' in page
    assert len(re.findall(r'data-node="cdn"[^>]*aria-current="true"', page)) == 2


def test_every_node_of_every_architecture_has_a_details_page(app: Flask,
                                                            client: FlaskClient) -> None:
    for a in architectures(app):
        for node in a.diagram["nodes"]:
            response = client.get(f"/architectures/{a.slug}/nodes/{node['id']}")
            assert response.status_code == 200, (a.slug, node["id"])
            assert node["text"] in page_text(response.get_data(as_text=True))


def test_unknown_architecture_is_a_styled_404(client: FlaskClient, hx) -> None:
    for url in ["/architectures/nope", "/architectures/nope/nodes/cdn",
                "/architectures/b2b/nodes/nope", "/architectures/b2b/nodes/cdn?provider=aws"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert 'class="site-header"' in response.get_data(as_text=True)
    assert hx.get("/architectures/b2b/nodes/nope").status_code == 404


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_provider_and_node_values_give_a_notice_never_an_error(reader: FlaskClient, reader_hx,
                                                                   value: str) -> None:
    for params in ({"provider": value}, {"node": value}, {"provider": value, "node": value}):
        for get in (reader.get, reader_hx.get):
            response = get("/architectures/b2b", query_string=params)
            assert response.status_code == 200, params
            html = response.get_data(as_text=True)
            assert "<script>alert" not in html
            if value.strip() and value.strip() != "generic":
                assert 'class="notice" role="status"' in html


def test_repeated_and_generic_provider_values_are_handled(client: FlaskClient) -> None:
    html = client.get("/architectures/b2c?provider=aws&provider=gcp").get_data(as_text=True)
    assert node_title(svgs(html)[0], "cdn") == "Amazon CloudFront"
    generic = client.get("/architectures/b2c?provider=generic").get_data(as_text=True)
    assert node_title(svgs(generic)[0], "cdn") == "Global CDN"
    assert 'class="notice"' not in generic


def test_odd_slugs_are_404_not_500(client: FlaskClient) -> None:
    for value in ODD_VALUES:
        if not value.strip() or "/" in value:
            continue
        response = client.get("/architectures/" + value.replace("%", "%25"))
        assert response.status_code == 404, value


def test_pages_run_a_bounded_number_of_queries(app: Flask, client: FlaskClient) -> None:
    assert_bounded_queries(app, client, "/architectures", "/architectures/b2c?provider=aws",
                           "/architectures/payments/nodes/ledger", limit=12)
