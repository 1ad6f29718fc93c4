"""Learning resources: certifications, documentation hubs and labs, per provider."""

from __future__ import annotations

import html as htmllib
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from tests.support.html import page_text
from tests.support.pages import ODD_VALUES, assert_three_ways
from tests.support.queries import assert_bounded_queries


def resources(app: Flask) -> list[m.LearningResource]:
    with app.app_context():
        rows = db.session.scalars(sa.select(m.LearningResource)).all()
        for r in rows:
            _ = r.provider.slug
        db.session.expunge_all()
        return list(rows)


def test_every_resource_is_listed_with_its_link_code_and_level(app: Flask,
                                                                client: FlaskClient) -> None:
    html = client.get("/learn").get_data(as_text=True)
    text = page_text(html)
    all_resources = resources(app)
    assert {r.kind for r in all_resources} == {"certification", "docs", "lab"}
    for r in all_resources:
        assert r.title in text
        assert f'href="{htmllib.escape(r.url)}"' in html
        for fact in (r.code, r.level, r.text):
            assert fact in text


def test_certifications_with_a_blueprint_link_to_a_working_exam_simulation(
        app: Flask, client: FlaskClient) -> None:
    html = client.get("/learn").get_data(as_text=True)
    exam_slugs = {r.exam_slug for r in resources(app) if r.exam_slug}
    links = set(re.findall(r'href="(/quiz/exams/[a-z0-9-]+)"', html))
    assert {link.rsplit("/", 1)[-1] for link in links} == exam_slugs and len(exam_slugs) == 6
    for link in links:
        assert client.get(link).status_code == 200, link


def test_provider_filter_three_ways(app: Flask, client: FlaskClient, hx) -> None:
    page, fragment = assert_three_ways(client, hx, "/learn?provider=gcp", "resource-list")
    titles = {r.provider.slug: [] for r in resources(app)}
    for r in resources(app):
        titles[r.provider.slug].append(r.title)
    fragment_text = page_text(fragment)
    assert all(t in fragment_text for t in titles["gcp"])
    assert not any(t in fragment_text for t in titles["aws"])
    assert re.search(r'id="provider-gcp" name="provider" value="gcp" checked', page)


def test_filter_is_a_get_form(client: FlaskClient) -> None:
    html = client.get("/learn").get_data(as_text=True)
    form = re.search(r"<form[^>]*hx-target=\"#resource-list\"[^>]*>", html).group(0)
    assert 'method="get"' in form and 'action="/learn"' in form and 'hx-push-url="true"' in form
    assert "<noscript><button" in html


def test_unknown_provider_gets_a_notice(client: FlaskClient) -> None:
    response = client.get("/learn?provider=ibm")
    assert response.status_code == 200
    assert "There is no provider “ibm”" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_provider_values_never_fail(reader: FlaskClient, reader_hx, value: str) -> None:
    assert reader.get("/learn", query_string={"provider": value}).status_code == 200
    assert reader_hx.get("/learn", query_string={"provider": value}).status_code == 200


def test_learn_runs_a_bounded_number_of_queries(app: Flask, client: FlaskClient) -> None:
    assert_bounded_queries(app, client, "/learn", "/learn?provider=aws")


def test_title_and_description_come_from_site_texts(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        texts = dict(db.session.execute(sa.select(m.SiteText.key, m.SiteText.value)).all())
    head = client.get("/learn").get_data(as_text=True).split("</head>")[0]
    assert htmllib.escape(texts["learn_title"]) in head
    assert htmllib.escape(texts["learn_lead"]) in head
