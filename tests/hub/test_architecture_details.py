"""An architecture page's teaching beyond the diagram: the boundaries it draws (region, network,
subnets, edge) and their rules per provider, considerations by Well-Architected pillar with
their sources, and capability cards whose chips name the chosen provider's services (swapped
with the diagram by the htmx provider switch)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from tests.support.html import page_text, parse_page

PILLARS = ["Reliability", "Security", "Cost optimisation", "Operational excellence",
           "Performance efficiency"]


def test_boundaries_are_drawn_and_relabelled_by_the_provider_switch(client: FlaskClient) -> None:
    labels = {}
    for provider in ("", "aws", "azure", "gcp"):
        html = client.get(f"/architectures/three-tier?provider={provider}").get_data(as_text=True)
        tree = parse_page(html).tree
        zones = tree.css(".diagram-svg--wide .diagram-zone")
        labels[provider] = {z.attributes["data-zone"]: z.css_first(".diagram-zone__label").text()
                            for z in zones}
        # the tall (phone) drawing has the same boundaries
        assert {z.attributes["data-zone"] for z in tree.css(".diagram-svg--tall .diagram-zone")
                } == set(labels[provider])
    assert set(labels[""]) == {"edge", "region", "network", "zones", "public", "app", "data"}
    assert labels[""]["network"] == "Virtual network"
    assert labels["aws"]["network"] == "VPC (Virtual Private Cloud)"
    assert labels["azure"]["network"] == "Virtual network (VNet)"
    assert labels["gcp"]["network"] == "VPC network (global)"
    assert labels["aws"]["region"] == "AWS Region" and labels["gcp"]["edge"] == "Google edge network"


def test_the_boundary_legend_says_what_each_holds_and_the_providers_rule(
        client: FlaskClient) -> None:
    tree = parse_page(client.get("/architectures/three-tier?provider=azure").get_data(
        as_text=True)).tree
    legend = tree.css_first(".zone-legend")
    text = page_text(legend.html)
    assert "Boundaries on Azure (6)" in text  # two private subnets are one kind
    assert "spans every availability zone of its region" in text
    assert "Holds App servers (Azure Virtual Machines), PostgreSQL" in text
    links = [a.attributes["href"] for a in legend.css("a")]
    assert "https://learn.microsoft.com/en-us/azure/virtual-network/virtual-networks-overview" in links
    generic = page_text(parse_page(client.get("/architectures/three-tier").get_data(
        as_text=True)).tree.css_first(".zone-legend").html)
    assert "AWS: VPC (Virtual Private Cloud) · Azure: Virtual network (VNet) · GCP: VPC network" \
        in generic


def test_every_architecture_has_considerations_for_all_five_pillars_with_sources(
        app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        slugs = list(db.session.scalars(sa.select(m.Architecture.slug)))
    assert len(slugs) == 12
    for slug in slugs:
        tree = parse_page(client.get(f"/architectures/{slug}").get_data(as_text=True)).tree
        section = tree.css_first("section[aria-labelledby=pillars-title]")
        assert section is not None, slug
        cards = section.css(".pillar-card")
        assert [page_text(c.css_first("h3").html).split(" ", 1)[1] for c in cards] == PILLARS, slug
        for card in cards:
            items = card.css(".pillar-card__list > li")
            assert 2 <= len(items) <= 4, slug
            for li in items:
                source = li.css_first("cite a")
                assert source is not None and source.attributes["href"].startswith("https://")
                assert "checked 2026-" in li.text()


def test_every_architecture_has_trade_offs(app: Flask, client: FlaskClient) -> None:
    for slug in ("cloud-security", "e-commerce", "payments"):
        text = page_text(client.get(f"/architectures/{slug}").get_data(as_text=True))
        assert "Advantages" in text and "Limitations" in text, slug


def chips(html: str) -> list[list[str]]:
    cards = parse_page(html).tree.css("#capability-cards .capability-card")
    return [[c.text(strip=True) for c in card.css(".capability-card__services .tag")]
            for card in cards]


def test_capability_chips_translate_with_the_provider(client: FlaskClient) -> None:
    generic = chips(client.get("/architectures/e-commerce").get_data(as_text=True))
    aws = chips(client.get("/architectures/e-commerce?provider=aws").get_data(as_text=True))
    gcp = chips(client.get("/architectures/e-commerce?provider=gcp").get_data(as_text=True))
    assert generic[0] == ["Search Service", "In-Memory Cache", "CDN"]
    # without a provider each chip is its comparison row, a real page
    links = parse_page(client.get("/architectures/e-commerce").get_data(as_text=True)).tree.css(
        "#capability-cards .capability-card__services a")
    assert links[0].attributes["href"] == "/compare/rows/search-service"
    assert client.get(links[0].attributes["href"]).status_code == 200
    assert "Amazon CloudFront" in aws[3] and "Cloud CDN" in gcp[3]
    assert "Amazon Redshift" in aws[5] and "BigQuery" in gcp[5]
    for card in aws:  # a service fills two capabilities of a card: one chip
        assert len(card) == len(set(card))
    # the seed page's own keywords stay, verbatim
    page = page_text(client.get("/architectures/e-commerce?provider=gcp").get_data(as_text=True))
    assert "Keywords: CloudFront, Fastly" in page


def test_the_htmx_provider_switch_swaps_the_cards_out_of_band(client: FlaskClient, hx) -> None:
    fragment = hx.get("/architectures/payments?provider=azure").get_data(as_text=True)
    tree = parse_page(fragment).tree
    cards = tree.css_first("#capability-cards")
    assert cards is not None and cards.attributes.get("hx-swap-oob") == "true"
    assert "Azure Key Vault" in cards.text()
    # a full page carries the cards once, in place, without the out-of-band marker
    page = client.get("/architectures/payments?provider=azure").get_data(as_text=True)
    assert page.count('id="capability-cards"') == 1 and "hx-swap-oob" not in page
    # architectures without cards add nothing to the fragment
    assert "capability-cards" not in hx.get("/architectures/b2b?provider=aws").get_data(
        as_text=True)
