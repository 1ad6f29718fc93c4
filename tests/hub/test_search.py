"""Search across services (and their former names), capabilities, practices, architectures."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.hub.search import mark_terms
from cloudquiz.models import db
from tests.support.html import page_text
from tests.support.pages import ODD_VALUES, assert_three_ways
from tests.support.queries import assert_bounded_queries


def group_titles(html: str, key: str) -> list[str]:
    """Result titles of one group, in order (marks removed)."""
    section = re.search(rf'<section class="result-group" id="results-{key}".*?</section>', html,
                        re.DOTALL)
    if not section:
        return []
    titles = re.findall(r'<p class="result-title">.*?<(?:a href="[^"]*"|strong)>(.*?)</(?:a|strong)>',
                        section.group(0), re.DOTALL)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", t)).strip() for t in titles]


def test_search_three_ways(client: FlaskClient, hx) -> None:
    page, fragment = assert_three_ways(client, hx, "/search?q=storage", "search-results")
    assert 'value="storage"' in page
    assert "results for “storage”" in page_text(fragment)


def test_a_former_name_finds_the_current_service_first(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        pairs = [(a.name, a.service.name) for a in db.session.scalars(sa.select(m.ServiceAlias))]
    assert pairs
    for alias, current in pairs:
        html = client.get("/search", query_string={"q": alias}).get_data(as_text=True)
        assert current in group_titles(html, "services")[:3], (alias, current)


def test_azure_ad_finds_entra_id_and_not_every_word_with_ad_inside(client: FlaskClient) -> None:
    html = client.get("/search?q=azure+ad").get_data(as_text=True)
    services = group_titles(html, "services")
    assert services[0] == "Microsoft Entra ID"
    assert "Azure Load Balancer" not in services


def test_each_kind_of_content_is_found_and_linked(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        practice = db.session.scalars(sa.select(m.BestPractice)).first()
        practice_url = f"/providers/{practice.provider.slug}#practice-{practice.slug}"
        capability = db.session.scalars(sa.select(m.Capability).where(m.Capability.core)).first()
        architecture = db.session.scalars(sa.select(m.Architecture)).first()
        arch_slug = architecture.slug
        cases = [(practice.title, "practices"), (capability.name, "capabilities"),
                 (architecture.title, "architectures")]
    for query, group in cases:
        html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert query in group_titles(html, group), (query, group)
    html = client.get("/search", query_string={"q": cases[0][0]}).get_data(as_text=True)
    assert f'href="{practice_url}"' in html
    if "architectures.detail" in app.view_functions:
        html = client.get("/search", query_string={"q": cases[2][0]}).get_data(as_text=True)
        assert f'href="/architectures/{arch_slug}"' in html


def test_every_word_must_match(client: FlaskClient) -> None:
    html = client.get("/search?q=gcp+storage").get_data(as_text=True)
    services = group_titles(html, "services")
    assert "Cloud Storage" in services and "Amazon S3" not in services


def test_empty_query_shows_suggestions_from_the_content(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        aliases = set(db.session.scalars(sa.select(m.ServiceAlias.name)))
    html = client.get("/search").get_data(as_text=True)
    assert "Try a former name" in html
    shown = re.findall(r'href="/search\?q=([^"]+)"', html)
    assert any(unquote_plus(a) in aliases for a in shown)
    assert 'class="result-group"' not in html


def test_no_results_says_so_and_suggests(client: FlaskClient, hx) -> None:
    html = hx.get("/search?q=zzqqxx").get_data(as_text=True)
    assert "No results for “zzqqxx”" in html and "Try a former name" in html


@pytest.mark.parametrize("value", ODD_VALUES + ["100%", "a_b", "c\\d", "   lambda   "])
def test_odd_queries_never_fail(reader: FlaskClient, reader_hx, value: str) -> None:
    for get in (reader.get, reader_hx.get):
        response = get("/search", query_string={"q": value})
        assert response.status_code == 200
        assert "<script>alert" not in response.get_data(as_text=True)


def test_like_wildcards_are_literal(client: FlaskClient) -> None:
    assert "No results for “%”" in client.get("/search?q=%25").get_data(as_text=True)
    assert "No results for “_”" in client.get("/search?q=_").get_data(as_text=True)


def test_matches_are_marked_and_escaped() -> None:
    assert str(mark_terms("Azure AD <b>", ["ad"])) == "Azure <mark>AD</mark> &lt;b&gt;"
    assert str(mark_terms("Load balancer", ["ad"])) == "Load balancer"
    assert str(mark_terms("", ["x"])) == ""


def test_search_form_is_active_search_and_works_without_javascript(client: FlaskClient) -> None:
    html = client.get("/search").get_data(as_text=True)
    form = re.search(r'<form class="search-form"[^>]*>', html, re.DOTALL).group(0)
    assert 'method="get"' in form and 'action="/search"' in form
    field = re.search(r'<input id="search-q"[^>]*>', html, re.DOTALL).group(0)
    assert 'hx-trigger="input changed delay:300ms, search"' in field
    assert 'hx-target="#search-results"' in form
    assert '<button class="button" type="submit">Search</button>' in html


def test_search_runs_a_bounded_number_of_queries(app: Flask, client: FlaskClient) -> None:
    assert_bounded_queries(app, client, "/search", "/search?q=storage", "/search?q=filler+aws")
