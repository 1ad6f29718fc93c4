"""The DevOps page: the six-stage pipeline drawn as a diagram with a provider switch, the table of
each provider's native tool per stage, and the third-party tools."""

from __future__ import annotations

import html as htmllib
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.diagrams import LAYOUTS, build
from cloudquiz.hub import devops
from cloudquiz.models import db
from tests.hub.test_architectures import node_links, node_title, svgs
from tests.support.html import page_text
from tests.support.pages import ODD_VALUES, assert_three_ways
from tests.support.queries import assert_bounded_queries


def stages(app: Flask) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(sa.select(m.PipelineStage).order_by(m.PipelineStage.number))
        return [{
            "slug": s.slug, "number": s.number, "name": s.name, "text": s.text,
            "tools": {t.provider.slug: (t.label, t.note,
                                        t.service.slug if t.service else None) for t in s.tools},
        } for s in rows]


def third_party(app: Flask) -> list[m.ThirdPartyTool]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(m.ThirdPartyTool).order_by(m.ThirdPartyTool.position)))


def test_page_shows_the_section_texts_stages_tools_and_third_party_tools(
        app: Flask, client: FlaskClient) -> None:
    response = client.get("/devops")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(html)
    for key in ("devops_eyebrow", "devops_title", "devops_lead", "pipeline_title",
                "pipeline_lead", "third_party_title", "third_party_lead"):
        with app.app_context():
            value = db.session.scalar(sa.select(m.SiteText.value).where(m.SiteText.key == key))
        assert value in text, key
    all_stages = stages(app)
    assert len(all_stages) == 6
    for s in all_stages:
        assert s["name"] in text and s["text"] in text
        for provider, (label, note, service) in s["tools"].items():
            assert label in text and note in text, (s["slug"], provider)
            if service:
                assert f'href="/services/{provider}/{service}"' in html
    for t in third_party(app):
        assert t.name in text and t.text in text and t.description in text
        assert f'href="{htmllib.escape(t.url)}"' in html
    assert "<title>Cloud-Native DevOps Pipelines · " in html


def test_pipeline_is_drawn_as_a_diagram_of_focusable_stage_links(app: Flask,
                                                                  client: FlaskClient) -> None:
    html = client.get("/devops").get_data(as_text=True)
    wide, tall = svgs(html)
    slugs = [s["slug"] for s in stages(app)]
    for svg in (wide, tall):
        links = node_links(svg)
        assert list(links) == slugs
        for slug, attrs in links.items():
            assert attrs["href"] == f"/devops?stage={slug}#diagram"
            assert attrs["hx-get"] == f"/devops/stages/{slug}"
            assert attrs["hx-target"] == "#node-panel"
            assert attrs["hx-push-url"] + "#diagram" == attrs["href"]
        assert svg.count('class="diagram-flow"') == len(slugs) - 1


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_provider_switch_shows_that_providers_tool_on_every_stage(
        app: Flask, client: FlaskClient, provider: str) -> None:
    html = client.get(f"/devops?provider={provider}").get_data(as_text=True)
    wide = svgs(html)[0]
    for s in stages(app):
        label = s["tools"][provider][0]
        assert label in node_links(wide)[s["slug"]]["aria-label"]
        title = node_title(wide, s["slug"])
        # the node shows the tool's name, or its start cut with an ellipsis when it is long
        shown = title.removesuffix("…").replace(" ", "")
        assert shown and shown in label.replace(" ", ""), (title, label)
    assert re.search(rf'id="provider-switch-{provider}"[^>]*aria-current="true"', html)


def test_stage_panel_lists_every_providers_tool_with_note_and_link(
        app: Flask, client: FlaskClient) -> None:
    s = next(x for x in stages(app) if x["slug"] == "build")
    html = client.get("/devops?stage=build&provider=gcp").get_data(as_text=True)
    panel = re.search(r'<div id="node-panel".*?</dl>', html, re.DOTALL).group(0)
    text = page_text(panel)
    assert s["name"] in text and s["text"] in text
    for provider, (label, note, service) in s["tools"].items():
        assert label in text and note in text
        if service:
            assert f'href="/services/{provider}/{service}"' in panel
    assert len(re.findall(r'data-node="build"[^>]*aria-current="true"', html)) == 2
    assert '<input type="hidden" name="stage" value="build">' in html
    assert "hx-include=\"#node-panel [name='stage']\"" in html


def test_diagram_and_stage_fragments_three_ways(client: FlaskClient, hx) -> None:
    for url in ["/devops", "/devops?provider=aws", "/devops?provider=azure&stage=deploy"]:
        _, fragment = assert_three_ways(client, hx, url, "diagram")
        assert "<svg" in fragment and 'id="node-panel"' in fragment
    page, fragment = assert_three_ways(client, hx, "/devops/stages/test?provider=azure",
                                       "node-panel")
    assert "<svg" not in fragment
    assert '<link rel="canonical" href="http://localhost/devops?provider=azure&amp;stage=test">' in page


def test_unknown_stage_path_is_a_styled_404(client: FlaskClient, hx) -> None:
    for url in ["/devops/stages/nope", "/devops/stages/"]:
        response = client.get(url)
        assert response.status_code == 404, url
    assert hx.get("/devops/stages/nope").status_code == 404


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_provider_and_stage_values_give_a_notice_never_an_error(reader: FlaskClient, reader_hx,
                                                                    value: str) -> None:
    for params in ({"provider": value}, {"stage": value}):
        for get in (reader.get, reader_hx.get):
            response = get("/devops", query_string=params)
            assert response.status_code == 200, params
            html = response.get_data(as_text=True)
            assert "<script>alert" not in html
            if value.strip() and value.strip() != "generic":
                assert 'class="notice" role="status"' in html


def test_pipeline_diagram_puts_the_stages_in_a_row_in_order(app: Flask) -> None:
    with app.app_context():
        rows = db.session.scalars(sa.select(m.PipelineStage).order_by(m.PipelineStage.number)
                                  ).all()
        diagram = devops.pipeline_diagram(rows)
    xs = [n["x"] for n in diagram["nodes"]]
    assert xs == sorted(xs) and len(set(n["y"] for n in diagram["nodes"])) == 1
    assert [(f["from"], f["to"]) for f in diagram["flows"]] == [
        (a.slug, b.slug) for a, b in zip(rows, rows[1:])]
    for layout in LAYOUTS:
        view = build(diagram, {}, [], layout=layout, style=devops.PIPELINE_STYLE)
        boxes = [n.box for n in view.nodes]
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_page_runs_a_bounded_number_of_queries(app: Flask, client: FlaskClient) -> None:
    assert_bounded_queries(app, client, "/devops?provider=aws", "/devops/stages/build",
                           limit=12)
