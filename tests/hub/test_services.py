"""Service pages: summary, category, documentation, former names and the equivalents."""

from __future__ import annotations

import html as htmllib

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import selectinload

from cloudquiz import models as m
from cloudquiz.models import db
from tests.support.html import is_full_page, page_text
from tests.support.pages import varies_on_hx
from tests.support.queries import assert_bounded_queries


def all_services(app: Flask) -> list[dict]:
    """Every service with what its page must show, from the database."""
    out = []
    with app.test_request_context():
        services = db.session.scalars(sa.select(m.Service).options(
            selectinload(m.Service.provider), selectinload(m.Service.category),
            selectinload(m.Service.aliases),
            selectinload(m.Service.capability_links).selectinload(m.CapabilityService.capability)
            .selectinload(m.Capability.service_links).selectinload(m.CapabilityService.service)
            .selectinload(m.Service.provider),
        )).all()
        for s in services:
            others = {(o.service.url, o.service.name)
                      for link in s.capability_links
                      for o in link.capability.service_links
                      if o.service.provider_id != s.provider_id}
            out.append({
                "url": s.url, "name": s.name, "summary": s.summary, "docs": s.docs_url,
                "category": s.category.name, "aliases": [a.name for a in s.aliases],
                "capabilities": [(c.capability.name, c.capability.verified_on)
                                 for c in s.capability_links],
                "equivalents": others,
            })
    return out


def service_url(app: Flask, provider: str, slug: str) -> str:
    with app.test_request_context():
        s = db.session.scalar(sa.select(m.Service).join(m.Service.provider).where(
            m.Provider.slug == provider, m.Service.slug == slug))
        assert s is not None, (provider, slug)
        return s.url


def test_every_service_page_shows_its_facts_and_links_its_equivalents(
        app: Flask, client: FlaskClient) -> None:
    services = all_services(app)
    assert len(services) >= 60
    with_equivalents = 0
    for s in services:
        response = client.get(s["url"])
        assert response.status_code == 200, s["url"]
        html = response.get_data(as_text=True)
        text = page_text(html)
        for fact in (s["name"], s["summary"], s["category"], *s["aliases"]):
            assert fact in text, (s["url"], fact)
        assert f'href="{htmllib.escape(s["docs"])}"' in html
        for name, verified_on in s["capabilities"]:
            assert name in text
            assert f'datetime="{verified_on.isoformat()}"' in html
        for url, name in s["equivalents"]:
            assert f'href="{url}"' in html, (s["url"], name)
        with_equivalents += bool(s["equivalents"])
    assert with_equivalents >= len(services) // 2


def test_lambda_lists_the_serverless_functions_of_the_other_clouds(app: Flask,
                                                                    client: FlaskClient) -> None:
    with app.app_context():
        cap = db.session.scalar(sa.select(m.Capability).where(
            m.Capability.slug == "serverless-functions"))
        links = [(sl.service.provider.slug, sl.service.slug) for sl in cap.service_links]
    html = client.get(service_url(app, "aws", "lambda")).get_data(as_text=True)
    assert "Equivalents" in html and "Source" in html
    for provider, slug in links:
        if provider != "aws":
            assert f'href="{service_url(app, provider, slug)}"' in html


def test_former_names_are_shown(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        aliased = db.session.scalars(sa.select(m.Service).where(m.Service.aliases.any())).all()
        pairs = [(s.provider.slug, s.slug, [a.name for a in s.aliases]) for s in aliased]
    assert pairs
    for provider, slug, names in pairs:
        text = page_text(client.get(service_url(app, provider, slug)).get_data(as_text=True))
        assert "Also known as" in text
        assert all(n in text for n in names)


@pytest.mark.parametrize("url", [
    "/services/aws/nope", "/services/nope/lambda", "/services/gcp/lambda", "/services/aws/",
    "/services/aws/lambda/extra", "/services/%00/%00", "/services/aws/" + "x" * 400,
])
def test_unknown_service_is_a_styled_404(client: FlaskClient, hx, url: str) -> None:
    for get in (client.get, hx.get):
        response = get(url)
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)


def test_service_page_is_a_full_page_for_every_kind_of_request(app: Flask, client: FlaskClient,
                                                              hx) -> None:
    url = service_url(app, "azure", "entra-id")
    for response in (client.get(url), hx.get(url), hx.get(url, boosted=True)):
        assert response.status_code == 200
        assert is_full_page(response.get_data(as_text=True))
        assert varies_on_hx(response)


def test_breadcrumb_links_to_the_filtered_provider_grid(app: Flask, client: FlaskClient) -> None:
    html = client.get(service_url(app, "gcp", "bigquery")).get_data(as_text=True)
    assert 'href="/providers/gcp?category=analytics"' in html


def test_service_page_runs_a_bounded_number_of_queries(app: Flask, client: FlaskClient) -> None:
    assert_bounded_queries(app, client, service_url(app, "aws", "lambda"),
                           service_url(app, "azure", "entra-id"))


def test_title_and_description_name_the_service(app: Flask, client: FlaskClient) -> None:
    html = client.get(service_url(app, "gcp", "cloud-run")).get_data(as_text=True)
    head = html.split("</head>")[0]
    assert "<title>Cloud Run (Google Cloud)" in head  # Google's name today, not "GCP"
    assert 'name="description" content="Cloud Run on Google Cloud:' in head
