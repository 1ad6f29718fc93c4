"""Provider pages: figures, service cards and their category filter, the four lists, best
practices, highlighted code, and the generated theme stylesheet."""

from __future__ import annotations

import html as htmllib
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudquiz import models as m
from cloudquiz.hub import theme
from cloudquiz.models import db
from tests.support.html import fragment_root, page_text, parse_page
from tests.support.pages import ODD_VALUES, assert_three_ways, varies_on_hx
from tests.support.queries import assert_bounded_queries


def providers(app: Flask) -> list[m.Provider]:
    with app.app_context():
        return list(db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position)))


def provider_content(app: Flask, slug: str) -> dict:
    """What the page must show, read from the database (never typed into the test)."""
    with app.test_request_context():
        p = db.session.scalar(sa.select(m.Provider).where(m.Provider.slug == slug))
        services = db.session.scalars(sa.select(m.Service).where(m.Service.provider_id == p.id)
                                      ).all()
        return {
            "summary_line": p.summary_line,
            "stats": [(s["value"], s["label"]) for s in p.stats],
            "cards": [(s.card_title or s.short_name or s.name, s.card_text or s.summary,
                       s.card_position) for s in services if s.card_position],
            "services": {s.slug: (s.name, s.category.slug) for s in services},
            "sections": {sec.title: [(i.name, i.text, i.service.url if i.service else None)
                                     for i in sec.items]
                         for sec in db.session.scalars(sa.select(m.ProviderSection).where(
                             m.ProviderSection.provider_id == p.id))},
            "practices": [(b.number, b.title, b.text) for b in db.session.scalars(
                sa.select(m.BestPractice).where(m.BestPractice.provider_id == p.id))],
            "samples": [(c.slug, c.title) for c in db.session.scalars(
                sa.select(m.CodeSample).where(m.CodeSample.provider_id == p.id))],
        }


def test_every_provider_page_shows_all_its_content(app: Flask, client: FlaskClient) -> None:
    for p in providers(app):
        want = provider_content(app, p.slug)
        response = client.get(f"/providers/{p.slug}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        text = page_text(html)
        assert want["summary_line"] in text
        for value, label in want["stats"]:
            assert re.search(rf"<dt>{re.escape(htmllib.escape(label))}</dt><dd>"
                             rf"{re.escape(htmllib.escape(value))}(</dd>| <a class=\"stat-source\")",
                             html), (value, label)
        assert len(want["cards"]) == 12
        for title, card_text, _ in want["cards"]:
            assert title in text and card_text in text
        for name in (n for n, _ in want["services"].values()):
            assert name in text  # the cards, then "More … services": every service is linked
        assert len(want["sections"]) == 4
        for title, items in want["sections"].items():
            assert title in text
            for name, item_text, _ in items:
                assert name in text and item_text in text
        assert len(want["practices"]) == 6
        for number, title, practice_text in want["practices"]:
            assert f"{number:02d}" in text and title in text and practice_text in text
        assert f'{len(want["practices"])} Practices' in text
        assert len(want["samples"]) >= 2
        for slug, title in want["samples"]:
            assert title in text
            assert f'id="code-{slug}"' in html
            assert f'data-copy-target="code-{slug}"' in html


def test_cards_keep_the_seed_order(app: Flask, client: FlaskClient) -> None:
    want = provider_content(app, "aws")
    text = page_text(client.get("/providers/aws").get_data(as_text=True))
    positions = [text.index(card_text) for _, card_text, _ in
                 sorted(want["cards"], key=lambda c: c[2])]
    assert positions == sorted(positions)


def test_list_items_that_name_a_service_link_to_its_page(app: Flask, client: FlaskClient) -> None:
    for p in providers(app):
        html = client.get(f"/providers/{p.slug}").get_data(as_text=True)
        linked = [(name, url) for items in provider_content(app, p.slug)["sections"].values()
                  for name, _, url in items if url]
        assert linked, p.slug
        for name, url in linked:
            assert f'<a href="{url}"><strong>{htmllib.escape(name, quote=False)}</strong></a>' \
                in html


def test_category_filter_three_ways(app: Flask, client: FlaskClient, hx) -> None:
    want = provider_content(app, "aws")["services"]
    url = "/providers/aws?category=compute"
    page, fragment = assert_three_ways(client, hx, url, "service-grid")
    compute = [name for name, cat in want.values() if cat == "compute"]
    others = [name for name, cat in want.values() if cat != "compute"]
    fragment_text = page_text(fragment)
    missing = [name for name in compute if name not in fragment_text]
    assert compute and not missing, missing
    for name in others:
        assert f">{htmllib.escape(name, quote=False)}<" not in fragment
    # The page's filter states the view: the chosen category is checked.
    assert re.search(r'id="category-compute" name="category" value="compute" checked', page)


def test_filter_is_a_get_form_that_works_without_javascript(client: FlaskClient) -> None:
    html = client.get("/providers/gcp").get_data(as_text=True)
    form = re.search(r"<form[^>]*hx-target=\"#service-grid\"[^>]*>", html).group(0)
    assert 'method="get"' in form and 'action="/providers/gcp"' in form
    assert 'hx-get="/providers/gcp"' in form and 'hx-push-url="true"' in form
    assert '<noscript><button class="button" type="submit">' in html


def test_all_categories_view_lists_every_service(app: Flask, client: FlaskClient, hx) -> None:
    want = provider_content(app, "azure")["services"]
    fragment = hx.get("/providers/azure?category=").get_data(as_text=True)
    fragment_root(fragment)
    assert f"{len(want)} services" in page_text(fragment)


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_category_values_never_fail(reader: FlaskClient, reader_hx, value: str) -> None:
    for get in (reader.get, reader_hx.get):
        response = get("/providers/aws", query_string={"category": value})
        assert response.status_code == 200
        assert "<script>alert" not in response.get_data(as_text=True)


def test_unknown_category_says_so_and_shows_everything(client: FlaskClient) -> None:
    html = client.get("/providers/aws?category=quantum").get_data(as_text=True)
    assert "no services in a category called “quantum”" in html
    assert 'id="category-all" name="category" value="" checked' in html


@pytest.mark.parametrize("slug", ["nope", "AWS", "aws-", "%00", "a" * 300])
def test_unknown_provider_is_a_styled_404(client: FlaskClient, hx, slug: str) -> None:
    for get in (client.get, hx.get):
        response = get(f"/providers/{slug}")
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)


def test_code_is_highlighted_with_classes_not_inline_styles(client: FlaskClient) -> None:
    html = client.get("/providers/aws").get_data(as_text=True)
    assert '<pre class="highlight"' in html
    assert re.search(r'<span class="(k|kd|kr|nx|s1|c1)">', html)
    assert "style=" not in html and "<style" not in html


def test_copy_button_is_hidden_until_javascript_reveals_it(client: FlaskClient) -> None:
    html = client.get("/providers/azure").get_data(as_text=True)
    buttons = re.findall(r"<button[^>]*copy-button[^>]*>", html)
    assert buttons and all(" hidden" in b and 'type="button"' in b for b in buttons)


def test_provider_page_runs_a_bounded_number_of_queries(app: Flask, client: FlaskClient) -> None:
    assert_bounded_queries(app, client, "/providers/aws?category=compute", "/providers/gcp")


def test_page_titles_and_descriptions_name_the_provider(app: Flask, client: FlaskClient) -> None:
    for p in providers(app):
        html = client.get(f"/providers/{p.slug}").get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
        description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
        assert p.name in htmllib.unescape(title)
        assert p.tagline in htmllib.unescape(description)


# ----------------------------------------------------------------------------- theme.css


def test_theme_css_carries_provider_colours_and_code_styles(app: Flask,
                                                             client: FlaskClient) -> None:
    response = client.get("/theme.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    for p in providers(app):
        assert f'[data-provider="{p.slug}"]' in css and f".provider-{p.slug}" in css
        assert f"--brand: {p.color.lower()}" in css
    assert css.count("@media (prefers-color-scheme: dark)") == 2
    assert ".highlight .k " in css
    assert "\npre " not in css  # Pygments' global rules are left out


def test_theme_css_is_linked_from_every_page_and_revalidates(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="(/theme\.css[^"]*)"', html).group(1)
    first = client.get(htmllib.unescape(href))
    assert first.status_code == 200 and first.headers.get("ETag")
    again = client.get(htmllib.unescape(href), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data  # revalidated: nothing sent again


def test_theme_colours_of_the_seed_providers_reach_aa(app: Flask) -> None:
    for p in providers(app):
        assert_brand_readable(p.color)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_any_brand_colour_gets_readable_variants(color: str) -> None:
    assert_brand_readable(color)


def assert_brand_readable(color: str) -> None:
    c = theme.brand_colors("x", color)
    assert theme.contrast(c.solid, c.ink) >= theme.AA
    assert all(theme.contrast(c.text_light, s) >= theme.AA for s in theme.LIGHT_SURFACES)
    assert all(theme.contrast(c.text_dark, s) >= theme.AA for s in theme.DARK_SURFACES)


def test_code_token_colours_reach_aa_in_both_schemes() -> None:
    from pygments.styles import get_style_by_name

    for name in (theme.LIGHT_CODE_STYLE, theme.DARK_CODE_STYLE):
        style = get_style_by_name(name)
        for token, spec in style:
            if spec["color"]:
                bg = spec["bgcolor"] or style.background_color
                assert theme.contrast("#" + spec["color"], bg) >= theme.AA, (name, token)


@pytest.mark.parametrize("language,lexer", [("python", "Python"), ("bicep", "TypeScript"),
                                            ("no-such-language", "Text only"), ("", "Text only")])
def test_lexer_falls_back_to_a_near_one_or_plain_text(language: str, lexer: str) -> None:
    assert theme.lexer_for(language).name == lexer


def test_highlight_escapes_code() -> None:
    out = str(theme.highlight("<script>alert('x')</script>", "html"))
    assert "<script>" not in out and "&lt;" in out


def test_vary_on_every_provider_response(client: FlaskClient) -> None:
    assert varies_on_hx(client.get("/providers/aws"))
    assert varies_on_hx(client.get("/providers/nope"))


def test_google_is_called_google_cloud_and_gcp_only_as_a_short_label(reader: FlaskClient) -> None:
    """Google's name today in headings and sentences; its former name stays, said as such;
    "GCP" remains in tight labels (the navigation)."""
    page = parse_page(reader.get("/providers/gcp").get_data(as_text=True))
    text = page.text
    assert page.tree.css_first("h1").text().strip().endswith("Google Cloud")
    assert "Formerly Google Cloud Platform; GCP remains a common short label." in text
    assert "Google Cloud documentation ↗" in text and "GCP documentation" not in text
    assert "Google Cloud Well-Architected Best Practices" in text
    nav = page.tree.css_first("nav.site-nav .nav-list")
    assert "GCP" in nav.text()
    exam = page_text(reader.get("/quiz/exams/gcp-cdl").get_data(as_text=True))
    assert "Google Cloud does not publish a pass mark." in exam and "GCP does not" not in exam
    assert page_text(reader.get("/providers/aws").get_data(as_text=True)).count("Formerly") == 0


def test_a_phone_gets_the_categories_as_a_select_in_a_form_of_its_own(reader: FlaskClient
                                                                     ) -> None:
    page = parse_page(reader.get("/providers/aws?category=storage").get_data(as_text=True))
    forms = [f for f in page.forms if f.action == "/providers/aws"]
    chips, select = forms
    assert chips.attrs["class"].endswith("provider-chips") and "category" in chips.choices
    assert select.attrs["class"].endswith("provider-select")
    assert select.data() == {"category": "storage"}  # states the view, like the chips
    assert dict(chips.fields)["category"] == "storage"
    options = page.tree.css("#category-select option")
    assert options[0].text().startswith("All (") and len(options) == len(chips.choices["category"])
    # the strengths under the title are words, not pills that look like filters
    hero = page.tree.css_first(".provider-hero")
    assert hero.css(".tag") == [] and hero.css_first(".strengths") is not None


def test_every_provider_figure_links_its_own_source(reader: FlaskClient) -> None:
    for slug in ("aws", "azure", "gcp"):
        page = parse_page(reader.get(f"/providers/{slug}").get_data(as_text=True))
        chips = page.tree.css(".stat-chips .stat-chip")
        sourced = [c for c in chips if c.css_first("a.stat-source") is not None]
        labels = [c.css_first("dt").text() for c in sourced]
        assert {"Market Share", "Regions"} <= set(labels), (slug, labels)
    aws = page_text(reader.get("/providers/aws").get_data(as_text=True))
    assert "its summary line above says 33" in aws  # the seed page's two counts, explained
