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
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudquiz import models as m
from cloudquiz.hub.compare import _csv_safe
from cloudquiz.models import db
from tests.support.html import page_text, parse_page
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
    """The row titles, as read (a search's <mark> around a matched word is not part of it)."""
    return [htmllib.unescape(re.sub(r"</?mark>", "", n))
            for n in re.findall(r'<span class="row-title">(.*?)</span>', html)]


def header_providers(html: str) -> list[str]:
    return re.findall(r'<th scope="col" data-provider="([a-z0-9-]+)"', html)


def test_full_table_has_every_service_row_core_rows_first(app: Flask,
                                                          client: FlaskClient) -> None:
    want = db_rows(app)
    html = client.get("/compare").get_data(as_text=True)
    names = row_names(html)
    assert len(want["core"]) == 12
    assert names[:12] == want["core"]
    assert sorted(names) == sorted(want["core"] + want["other"])
    assert not set(names) & set(want["facts"])  # figures are not service rows
    assert f"{len(names)} of {len(names)} rows" in page_text(html)
    text = page_text(html)
    for labels in want["cells"].values():
        for label in labels:
            assert label in text


def test_provider_figures_form_an_overview_with_a_source_per_figure(
        app: Flask, client: FlaskClient) -> None:
    """Market share and regions are about the providers, not a service: one tile per
    provider, the same figures in each, each figure with its own source and date."""
    want = db_rows(app)
    page = parse_page(client.get("/compare").get_data(as_text=True))
    tiles = page.tree.css(".provider-overview .overview-tile")
    assert [t.attributes["data-provider"] for t in tiles] == ["aws", "azure", "gcp"]
    for tile in tiles:
        figures = tile.css("[data-figure]")
        assert [f.css_first("dt").text().strip().split(" ", 1)[1] for f in figures] == list(
            want["facts"])  # comparable: the same figures in the same order
        for fig, (name, values) in zip(figures, want["facts"].items(), strict=True):
            assert fig.css_first(".figure-value").text() == values[tile.attributes["data-provider"]]
            assert fig.css_first("a[href^='https://']") is not None, name
            assert fig.css_first("time[datetime]") is not None, name
    regions = {t.attributes["data-provider"]: t.css_first("[data-figure='regions'] a")
               .attributes["href"] for t in tiles}
    assert len(set(regions.values())) == 3  # each provider's own page, not one for all
    only_gcp = parse_page(client.get("/compare?show=gcp").get_data(as_text=True))
    assert [t.attributes["data-provider"] for t in only_gcp.tree.css(".overview-tile")] == [
        "gcp"]


def test_every_row_shows_its_source_and_verified_date(app: Flask, client: FlaskClient) -> None:
    html = client.get("/compare").get_data(as_text=True)
    rows = re.findall(r"<tr id=\"cap-[^\"]+\".*?</tr>", html, re.DOTALL)
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
    assert [t["provider"] for t in data["overview"]] == ["aws", "azure"]
    assert data["overview"][0]["figures"][0]["source_url"].startswith("https://")
    assert "attachment" in client.get("/compare.json").headers["Content-Disposition"]
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


def test_the_search_is_marked_in_the_rows_as_whole_words_only(client: FlaskClient) -> None:
    html = client.get("/compare?q=ad").get_data(as_text=True)
    marks = re.findall(r"<mark>([^<]*)</mark>", html)
    assert marks and all(m.casefold() == "ad" for m in marks)
    assert "Trusted <mark>" not in html and "<mark>Ad</mark>visor" not in html
    # no space is added around a mark: the words read as before
    assert re.search(r"\w<mark>|</mark>\w", html) is None
    assert "Entra ID" in page_text(html) or "AD" in marks


@given(st.text(alphabet="ab <>&'\"", max_size=30), st.lists(st.sampled_from(["a", "ab", "b"]),
                                                          max_size=3))
@settings(max_examples=200, deadline=None)
def test_highlight_only_adds_marks_around_whole_words(text: str, terms: list[str]) -> None:
    from cloudquiz.hub.compare import highlight

    out = str(highlight(text, terms))
    assert htmllib.unescape(out.replace("<mark>", "").replace("</mark>", "")) == text
    for word in re.findall(r"<mark>(.*?)</mark>", out):
        assert htmllib.unescape(word).casefold() in {t.casefold() for t in terms}
    assert "<" not in re.sub(r"</?mark>", "", out)  # everything else is escaped


def test_no_match_says_no_services_offers_suggestions_and_clear_and_no_exports(
        client: FlaskClient) -> None:
    html = client.get("/compare?q=azure+sentinal&show=azure").get_data(as_text=True)
    page = parse_page(html)
    empty = page.tree.css_first("[data-empty]")
    assert empty is not None and "No matching services." in empty.text()
    assert "categories" not in empty.text()
    links = [(a.text(), a.attributes["href"]) for a in empty.css("a[data-suggestion]")]
    assert links and links[0][0].startswith("Microsoft Sentinel")
    assert "show=azure" in links[0][1]  # the suggestion keeps the other filters
    assert page.tree.css_first("a[data-clear-filters]").attributes["href"] == "/compare"
    assert "Export this view" not in page_text(html)
    followed = row_names(client.get(links[0][1]).get_data(as_text=True))
    assert followed  # the suggestion finds rows


def test_the_category_index_counts_each_categorys_rows_and_marks_the_current_one(
        client: FlaskClient) -> None:
    page = parse_page(client.get("/compare?category=storage&show=aws").get_data(as_text=True))
    links = page.tree.css("nav.category-index a")
    assert links[0].text().startswith("All")
    current = [a for a in links if "aria-current" in a.attributes]
    assert len(current) == 1 and current[0].text().startswith("Storage")
    counts = {a.text().rsplit(" ", 1)[0]: int(a.text().rsplit(" ", 1)[1]) for a in links}
    assert counts["All"] == sum(v for k, v in counts.items() if k != "All")
    all_link = links[0].attributes["href"]
    assert "show=aws" in all_link and "category" not in all_link  # keeps the columns
    # a search lists its own rows: no index (one per search would multiply the URLs)
    assert "category-index" not in client.get("/compare?q=storage").get_data(as_text=True)


def test_the_overview_is_for_the_unfiltered_view(client: FlaskClient) -> None:
    for url in ("/compare?q=storage", "/compare?category=database"):
        assert "provider-overview" not in client.get(url).get_data(as_text=True), url
    assert "provider-overview" in client.get("/compare?show=aws").get_data(as_text=True)
