"""The comparison: rows, filters (category, text, provider columns), empty state, exports."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.hub.compare import _csv_safe
from cloudquiz.models import db
from tests.support.html import page_text
from tests.support.pages import ODD_VALUES, assert_three_ways
from tests.support.queries import assert_bounded_queries


def db_rows(app: Flask) -> dict:
    with app.app_context():
        caps = db.session.scalars(sa.select(m.Capability).order_by(m.Capability.position)).all()
        facts = db.session.scalars(sa.select(m.CompareFact).order_by(m.CompareFact.position)
                                   ).all()
        return {
            "core": [c.name for c in caps if c.core],
            "other": [c.name for c in caps if not c.core],
            "by_category": {c.name: c.category.slug for c in caps},
            "cells": {c.name: [cell.label for cell in c.cells] for c in caps},
            "facts": {f.name: dict(f.values) for f in facts},
            "providers": [(p.slug, p.short_name) for p in db.session.scalars(
                sa.select(m.Provider).order_by(m.Provider.position))],
        }


def row_names(html: str) -> list[str]:
    return [htmllib.unescape(n) for n in re.findall(r'<span class="row-title">(.*?)</span>', html)]


def header_providers(html: str) -> list[str]:
    return re.findall(r'<th scope="col" data-provider="([a-z0-9-]+)"', html)


def test_full_table_has_every_row_core_rows_first_then_figures(app: Flask,
                                                               client: FlaskClient) -> None:
    want = db_rows(app)
    html = client.get("/compare").get_data(as_text=True)
    names = row_names(html)
    assert len(want["core"]) == 12
    assert names[:12] == want["core"]
    assert names[12:12 + len(want["facts"])] == list(want["facts"])
    assert sorted(names) == sorted(want["core"] + want["other"] + list(want["facts"]))
    text = page_text(html)
    for labels in want["cells"].values():
        for label in labels:
            assert label in text
    for values in want["facts"].values():
        for value in values.values():
            assert value in text


def test_every_row_shows_its_source_and_verified_date(app: Flask, client: FlaskClient) -> None:
    html = client.get("/compare").get_data(as_text=True)
    rows = re.findall(r"<tr id=\"(?:cap|fact)-[^\"]+\".*?</tr>", html, re.DOTALL)
    assert len(rows) == len(row_names(html))
    for row in rows:
        assert re.search(r'<a href="https://[^"]+" rel="noopener external">Source</a>', row)
        assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', row)


def test_rows_link_their_services(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context():
        urls = {s.url for s in db.session.scalars(
            sa.select(m.Service).where(m.Service.capability_links.any()))}
    html = client.get("/compare").get_data(as_text=True)
    linked = set(re.findall(r'href="(/services/[^"]+)"', html))
    assert urls == linked


def test_text_search_three_ways(app: Flask, client: FlaskClient, hx) -> None:
    page, fragment = assert_three_ways(client, hx, "/compare?q=storage", "compare-table")
    names = row_names(fragment)
    assert "Object Storage" in names and "Virtual Machines" not in names
    assert 'value="storage"' in page  # the search box states the view


def test_search_matches_services_and_former_names(client: FlaskClient) -> None:
    names = row_names(client.get("/compare?q=azure+ad").get_data(as_text=True))
    assert "Workforce identity directory" in names  # Microsoft Entra ID, formerly Azure AD
    assert row_names(client.get("/compare?q=LAMBDA").get_data(as_text=True))[0] == \
        "Serverless Functions"


def test_category_filter_keeps_only_that_category(app: Flask, client: FlaskClient, hx) -> None:
    want = db_rows(app)
    _, fragment = assert_three_ways(client, hx, "/compare?category=serverless", "compare-table")
    names = row_names(fragment)
    assert names and all(want["by_category"][n] == "serverless" for n in names)
    assert not set(names) & set(want["facts"])  # figure rows have no category


def test_show_chooses_the_provider_columns(app: Flask, client: FlaskClient, hx) -> None:
    _, fragment = assert_three_ways(client, hx, "/compare?show=aws&show=gcp", "compare-table")
    assert header_providers(fragment) == ["aws", "gcp"]
    page = client.get("/compare?show=azure").get_data(as_text=True)
    assert header_providers(page) == ["azure"]
    assert re.search(r'id="show-azure" name="show" value="azure" checked', page)
    assert not re.search(r'id="show-aws" name="show" value="aws" checked', page)


def test_no_show_parameter_means_every_column(app: Flask, client: FlaskClient) -> None:
    html = client.get("/compare").get_data(as_text=True)
    assert header_providers(html) == [slug for slug, _ in db_rows(app)["providers"]]


def test_empty_state_uses_the_site_text(app: Flask, client: FlaskClient, hx) -> None:
    with app.app_context():
        empty = db.session.scalar(sa.select(m.SiteText.value).where(
            m.SiteText.key == "compare_empty"))
    for get in (client.get, hx.get):
        html = get("/compare?q=zzzqqq").get_data(as_text=True)
        assert empty in html and "<table" not in html


def test_unknown_category_and_provider_get_a_notice_not_an_error(client: FlaskClient) -> None:
    response = client.get("/compare?category=quantum&show=ibm&show=aws")
    assert response.status_code == 200
    text = page_text(response.get_data(as_text=True))
    assert "There is no category “quantum”" in text
    assert "Unknown provider “ibm” ignored" in text
    assert header_providers(response.get_data(as_text=True)) == ["aws"]


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize("param", ["q", "category", "show"])
def test_odd_values_never_fail(reader: FlaskClient, reader_hx, param: str, value: str) -> None:
    for url in ("/compare", "/compare.csv", "/compare.json"):
        response = reader.get(url, query_string={param: value})
        assert response.status_code == 200, (url, param, value)
    assert reader_hx.get("/compare", query_string={param: value}).status_code == 200


def test_json_export_is_the_filtered_view(client: FlaskClient) -> None:
    page = client.get("/compare?q=storage&show=aws&show=azure").get_data(as_text=True)
    data = client.get("/compare.json?q=storage&show=aws&show=azure").get_json()
    assert [r["name"] for r in data["rows"]] == row_names(page)
    assert data["filters"] == {"category": None, "q": "storage", "show": ["aws", "azure"]}
    assert data["count"] == len(data["rows"])
    row = data["rows"][0]
    assert set(row["cells"]) == {"aws", "azure"}
    assert row["source_url"].startswith("https://") and re.match(r"\d{4}-\d\d-\d\d$",
                                                                 row["verified_on"])
    assert all(s["url"].startswith("/services/") for c in row["cells"].values()
               for s in c["services"])


def test_csv_export_is_the_filtered_view(client: FlaskClient) -> None:
    page = client.get("/compare?category=database").get_data(as_text=True)
    response = client.get("/compare.csv?category=database")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["kind", "slug", "name", "category"]
    assert rows[0][-2:] == ["source_url", "verified_on"]
    assert [r[2] for r in rows[1:]] == row_names(page)
    assert all(r[3] == "database" for r in rows[1:])


def test_export_links_on_the_page_carry_the_current_filters(client: FlaskClient, hx) -> None:
    fragment = hx.get("/compare?q=cdn&show=gcp").get_data(as_text=True)
    assert 'href="/compare.csv?q=cdn&amp;show=gcp"' in fragment
    assert 'href="/compare.json?q=cdn&amp;show=gcp"' in fragment


def test_filters_are_a_get_form_with_active_search(client: FlaskClient) -> None:
    html = client.get("/compare").get_data(as_text=True)
    form = re.search(r"<form[^>]*compare-filters[^>]*>", html, re.DOTALL).group(0)
    assert 'method="get"' in form and 'action="/compare"' in form
    assert 'hx-target="#compare-table"' in form and 'hx-push-url="true"' in form
    search = re.search(r'<input id="compare-q"[^>]*>', html, re.DOTALL).group(0)
    assert 'hx-trigger="input changed delay:300ms, search"' in search
    assert 'name="q"' in search
    assert "<noscript><button" in html


@pytest.mark.parametrize("value,expected", [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"),
                                            ("-1", "'-1"), ("@x", "'@x"), ("~33%", "~33%"),
                                            ("", "")])
def test_csv_cells_cannot_start_a_formula(value: str, expected: str) -> None:
    assert _csv_safe(value) == expected


def test_comparison_runs_a_bounded_number_of_queries(app: Flask, client: FlaskClient) -> None:
    assert_bounded_queries(app, client, "/compare", "/compare?q=storage&show=aws",
                           "/compare.json", "/compare.csv?category=compute")
