"""Home page and health check."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from tests.support.app import private_content
from tests.support.html import parse_page


def test_home_shows_figures_counted_in_the_database(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        services = db.session.scalar(sa.select(sa.func.count()).select_from(m.Service))
        architectures = db.session.scalar(
            sa.select(sa.func.count()).select_from(m.Architecture))
    html = client.get("/").get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd><a [^>]*>(\d+)</a></dd>", html))
    assert figures["Cloud Providers"] == "3"
    assert figures["Core Services"] == str(services)
    assert services >= 60
    assert figures["Architecture Patterns"] == str(architectures)


def test_home_figures_follow_the_database(app: Flask, client: FlaskClient) -> None:
    private_content(app)
    with app.app_context():
        db.session.execute(sa.delete(m.ServiceAlias))
        db.session.execute(sa.delete(m.CapabilityService))
        db.session.execute(sa.update(m.ProviderListItem).values(service_id=None))
        db.session.execute(sa.update(m.StageTool).values(service_id=None))
        keep = db.session.scalars(sa.select(m.Service.id).limit(7)).all()
        db.session.execute(sa.delete(m.Service).where(m.Service.id.not_in(keep)))
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert '<dt>Core Services</dt><dd><a class="stretched" href="/compare" aria-label="7 Core Services">7</a></dd>' in html


def test_home_starts_the_three_journeys_and_its_figures_are_links(client: FlaskClient) -> None:
    page = parse_page(client.get("/").get_data(as_text=True))
    actions = page.tree.css_first("nav.hero-actions")
    assert actions is not None and actions.attributes["aria-label"] == "Start here"
    assert [(a.text(), a.attributes["href"]) for a in actions.css("a")] == [
        ("Compare services", "/compare"), ("Translate an architecture", "/architectures"),
        ("Practise for an exam", "/quiz")]
    figures = {a.attributes["aria-label"].split(" ", 1)[1]: a.attributes["href"]
               for a in page.tree.css(".hero-figures a")}
    assert figures == {"Cloud Providers": "#providers-title", "Core Services": "/compare",
                       "Architecture Patterns": "/architectures",
                       "Learning Resources": "/learn"}


def test_home_shows_the_three_provider_cards_with_their_featured_services(
        client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for name in ("Amazon Web Services", "Microsoft Azure", "Google Cloud"):
        assert name in html
    for text in ("CloudFront", "Vertex AI", "Pub/Sub", "OpenAI", "BigQuery", "Firebase"):
        assert text in html
    vary = [v.strip() for v in client.get("/").headers["Vary"].split(",")]
    assert "HX-Request" in vary


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_gone(tmp_path) -> None:
    from tests.support.app import make_app

    app = make_app(tmp_path / "missing" / "nope.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def test_unknown_url_gets_a_styled_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and 'class="site-header"' in html


def test_navigation_marks_exactly_the_current_section(client: FlaskClient) -> None:
    def current(url: str) -> list[str]:
        html = client.get(url).get_data(as_text=True)
        nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
        # The row of links (wide screens) and the same links in the phone menu agree.
        row, menu = nav.split('<details class="nav-menu"', 1)
        marked = re.findall(r'aria-current="page"[^>]*>([^<]+)<', row)
        assert re.findall(r'aria-current="page"[^>]*>([^<]+)<', menu) == marked
        return marked

    assert current("/quiz") == ["Quiz"]
    assert current("/progress") == ["Progress"]
    assert current("/architectures/b2b") == ["Architectures"]
    assert current("/compare?q=storage") == ["Compare"]
    assert current("/") == []
