"""The interactive diagrams in a real Chromium: node details and the provider switch through
htmx (mouse and keyboard), history, the same without JavaScript, accessibility (axe), layout at
phone width, labels that fit their boxes, and screenshots of every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from cloudquiz import models as m
from cloudquiz.models import db

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)
NODE = ".diagram-svg:visible a[data-node='{}']"  # Playwright's :visible: the drawing on screen
WIDE_NODE = ".diagram-svg--wide a[data-node='{}']"  # plain CSS, for the DOM's own matches()


def check_axe(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def tab_to(page: Page, selector: str, limit: int = 200) -> None:
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def node_title(page: Page, node_id: str) -> str:
    """The visible title of a node in the drawing on screen, its lines joined by spaces."""
    return page.locator(NODE.format(node_id) + " .diagram-node__title").evaluate(
        "t => Array.from(t.querySelectorAll('tspan')).map(s => s.textContent).join(' ')")


def mark_page(page: Page) -> None:
    """A marker that a full page load would wipe: proves a swap happened in place."""
    page.evaluate("window.__noReload = true")


def still_same_page(page: Page) -> bool:
    return page.evaluate("window.__noReload === true")


def overflow(page: Page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


def labels_outside_their_boxes(page: Page) -> list[str]:
    """Nodes of the visible drawing whose text runs outside the node's box."""
    return page.evaluate("""() => {
        const bad = [];
        for (const svg of document.querySelectorAll('.diagram-svg')) {
            if (!svg.checkVisibility()) continue;
            for (const a of svg.querySelectorAll('a[data-node]')) {
                const box = a.querySelector('.diagram-node__box').getBBox();
                for (const t of a.querySelectorAll('text')) {
                    const b = t.getBBox();
                    if (b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5 ||
                        b.y < box.y - 0.5 || b.y + b.height > box.y + box.height + 0.5) {
                        bad.push(a.dataset.node + ': ' + t.textContent.trim());
                    }
                }
            }
        }
        return bad;
    }""")


def architecture_slugs(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(m.Architecture.slug).order_by(m.Architecture.position)))


# ----------------------------------------------------------------------------- node details


def test_clicking_a_node_opens_its_details_and_updates_the_url(live_server, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/architectures/b2c")
    mark_page(page)
    expect(page.locator("#node-panel")).not_to_contain_text("Global CDN")
    page.locator(NODE.format("cdn")).click()
    expect(page).to_have_url(re.compile(r"/architectures/b2c\?node=cdn$"))
    panel = page.locator("#node-panel")
    expect(panel).to_contain_text("Global CDN")
    expect(panel).to_contain_text("Amazon CloudFront")
    expect(panel).to_contain_text("Cloud CDN")
    assert still_same_page(page), "the panel was swapped in place, not by a page load"
    # The picture marks the node whose details are open.
    expect(page.locator(NODE.format("cdn"))).to_have_attribute("aria-current", "true")
    check_axe(page)

    page.locator(NODE.format("cache")).click()
    expect(page).to_have_url(re.compile(r"\?node=cache$"))
    expect(panel).to_contain_text("Redis cache")
    expect(page.locator(NODE.format("cdn"))).not_to_have_attribute("aria-current", "true")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?node=cdn$"))
    expect(panel).to_contain_text("Global CDN")


def test_keyboard_tab_to_a_node_and_enter_opens_its_details(live_server, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/architectures/b2b?provider=azure")
    mark_page(page)
    target = WIDE_NODE.format("api-gateway")
    tab_to(page, target)
    focus_ring = page.locator(target + " .diagram-node__focus")
    assert focus_ring.evaluate("r => getComputedStyle(r).stroke") != "none", \
        "a focused node shows its focus ring"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/architectures/b2b\?provider=azure&node=api-gateway$"))
    expect(page.locator("#node-panel")).to_contain_text("API Gateway")
    expect(page.locator("#node-panel")).to_contain_text("Azure API Management")
    assert still_same_page(page)
    # The focus stays on the node, so the next Tab goes on through the diagram.
    assert page.evaluate("document.activeElement.dataset.node") == "api-gateway"
    check_axe(page)


# ----------------------------------------------------------------------------- provider switch


def test_provider_switch_translates_the_diagram_and_back_restores(live_server,
                                                                   page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/architectures/b2c")
    mark_page(page)
    assert node_title(page, "cdn") == "Global CDN"
    check_axe(page)

    page.locator("#provider-switch-aws").click()
    expect(page).to_have_url(re.compile(r"/architectures/b2c\?provider=aws$"))
    expect(page.locator(NODE.format("cdn"))).to_contain_text("CloudFront")
    assert node_title(page, "cdn") == "Amazon CloudFront"
    expect(page.locator("#provider-switch-aws")).to_have_attribute("aria-current", "true")
    assert page.evaluate("document.activeElement.id") == "provider-switch-aws"
    check_axe(page)

    page.locator("#provider-switch-azure").click()
    expect(page).to_have_url(re.compile(r"\?provider=azure$"))
    assert node_title(page, "cdn") == "Azure Front Door"  # the label may wrap over two lines
    check_axe(page)
    assert still_same_page(page)

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?provider=aws$"))
    expect(page.locator(NODE.format("cdn"))).to_contain_text("CloudFront")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/architectures/b2c$"))
    expect(page.locator(NODE.format("cdn"))).to_contain_text("Global CDN")
    page.go_forward()
    expect(page.locator(NODE.format("cdn"))).to_contain_text("CloudFront")


def test_switch_keeps_the_open_node_and_the_panel_follows(live_server, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/architectures/payments")
    page.locator(NODE.format("fraud-scoring")).click()
    expect(page).to_have_url(re.compile(r"\?node=fraud-scoring$"))
    page.locator("#provider-switch-gcp").click()
    expect(page).to_have_url(re.compile(r"\?provider=gcp&node=fraud-scoring$"))
    expect(page.locator("#node-panel .is-current")).to_contain_text("Google Cloud")
    expect(page.locator(NODE.format("fraud-scoring"))).to_have_attribute("aria-current", "true")
    check_axe(page)


def test_devops_pipeline_switch_and_stage_details(live_server, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/devops")
    mark_page(page)
    check_axe(page)
    page.locator("#provider-switch-gcp").click()
    expect(page).to_have_url(re.compile(r"/devops\?provider=gcp$"))
    expect(page.locator(NODE.format("build"))).to_contain_text("Cloud Build")
    check_axe(page)
    tab_to(page, WIDE_NODE.format("deploy"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/devops\?provider=gcp&stage=deploy$"))
    panel = page.locator("#node-panel")
    expect(panel).to_contain_text("Cloud Deploy")
    expect(panel).to_contain_text("CodeDeploy")
    assert still_same_page(page)
    check_axe(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/devops\?provider=gcp$"))


# ----------------------------------------------------------------------------- no JavaScript


def test_node_links_and_provider_switch_work_without_javascript(live_server,
                                                                browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                         "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/architectures/b2c")
        assert node_title(page, "cdn") == "Global CDN"
        page.locator(NODE.format("cdn")).click()
        # the reload comes back to the diagram, not to the top of the page
        expect(page).to_have_url(re.compile(r"/architectures/b2c\?node=cdn#diagram$"))
        expect(page.locator("#node-panel")).to_contain_text("Amazon CloudFront")
        # in view once the browser has scrolled to the fragment (it may scroll after layout)
        page.wait_for_function("(() => { const t = document.getElementById('diagram')"
                               ".getBoundingClientRect().top; return t > -5 && t < 700; })()")
        assert page.evaluate("window.scrollY") > 0
        page.locator("#provider-switch-aws").click()
        expect(page).to_have_url(re.compile(r"\?provider=aws&node=cdn$"))
        assert node_title(page, "cdn") == "Amazon CloudFront"
        expect(page.locator(NODE.format("cdn"))).to_have_attribute("aria-current", "true")

        page.goto(live_server.url + "/devops")
        page.locator("#provider-switch-azure").click()
        expect(page).to_have_url(re.compile(r"/devops\?provider=azure$"))
        expect(page.locator(NODE.format("source-control"))).to_contain_text("Azure Repos")
        page.locator(NODE.format("monitor")).click()
        expect(page).to_have_url(re.compile(r"/devops\?provider=azure&stage=monitor#diagram$"))
        expect(page.locator("#node-panel")).to_contain_text("Azure Monitor")
    finally:
        context.close()


# ----------------------------------------------------------------------------- every page


def test_every_diagram_page_is_accessible_fits_a_phone_and_is_photographed(
        live_server, live_app: Flask, page: Page, screenshot_dir: Path) -> None:
    urls = {"architectures": "/architectures", "devops": "/devops",
            "devops-aws": "/devops?provider=aws&stage=test"}
    for slug in architecture_slugs(live_app):
        urls[f"architecture-{slug}"] = f"/architectures/{slug}"
    urls["architecture-b2b-azure"] = "/architectures/b2b?provider=azure&node=event-bus"
    problems = []
    for name, url in urls.items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + url)
            page.screenshot(path=str(screenshot_dir / f"diagram-{name}-{width}.png"),
                            full_page=True)
            if width < 600:
                assert overflow(page) <= 0, f"{url} scrolls sideways at {width}px"
            layout = "tall" if width < 600 else "wide"
            if "/architectures/" in url or url.startswith("/devops"):
                visible = page.locator(".diagram-svg:visible")
                expect(visible).to_have_count(1)
                assert layout in (visible.get_attribute("class") or ""), (url, width)
                problems += [f"{url} @{width}: {p}" for p in labels_outside_their_boxes(page)]
            if width == 1280:
                check_axe(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_translated_labels_fit_their_boxes_at_both_widths(live_server, live_app: Flask,
                                                          page: Page, provider: str) -> None:
    problems = []
    for slug in architecture_slugs(live_app):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/architectures/{slug}?provider={provider}")
            problems += [f"{slug} @{width}: {p}" for p in labels_outside_their_boxes(page)]
    page.goto(f"{live_server.url}/devops?provider={provider}")
    problems += [f"devops: {p}" for p in labels_outside_their_boxes(page)]
    assert not problems, "\n".join(problems)


def test_provider_switch_relabels_boundaries_and_swaps_the_capability_cards(
        live_server, page: Page, screenshot_dir: Path) -> None:
    """One htmx click renames the boundaries (drawn where they were) and, out of band, the
    capability cards' chips; Back brings the generic names of both."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/architectures/e-commerce")
    mark_page(page)
    zone = page.locator(".diagram-svg--wide [data-zone='network'] .diagram-zone__label")
    expect(zone).to_have_text("Virtual network")
    where = page.locator(".diagram-svg--wide [data-zone='network'] rect").bounding_box()
    cards = page.locator("#capability-cards")
    expect(cards).to_contain_text("Search Service")

    page.locator("#provider-switch-gcp").click()
    expect(page).to_have_url(re.compile(r"\?provider=gcp$"))
    expect(zone).to_have_text("VPC network (global)")
    assert page.locator(".diagram-svg--wide [data-zone='network'] rect").bounding_box() == where
    expect(cards).to_contain_text("Cloud CDN")
    expect(cards.locator("h2")).to_have_text("Platform Capabilities on Google Cloud")
    assert page.locator("#capability-cards").count() == 1  # replaced, not added
    assert still_same_page(page)
    page.locator(".zone-legend summary").click()
    expect(page.locator(".zone-legend")).to_contain_text("global resource")
    check_axe(page)
    page.screenshot(path=str(screenshot_dir / "diagram-e-commerce-gcp-boundaries-1280.png"),
                    full_page=True)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/architectures/e-commerce$"))
    expect(zone).to_have_text("Virtual network")
    expect(cards).to_contain_text("Search Service")


def test_dark_mode_is_accessible_and_photographed(live_server, browser: Browser,
                                                  screenshot_dir: Path) -> None:
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        for name, url in (("architecture-e-commerce-aws", "/architectures/e-commerce?provider=aws"
                                                          "&node=checkout"),
                          ("architecture-three-tier-azure", "/architectures/three-tier"
                                                            "?provider=azure"),
                          ("devops-gcp", "/devops?provider=gcp&stage=build")):
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(live_server.url + url)
                page.screenshot(path=str(screenshot_dir / f"diagram-{name}-dark-{width}.png"),
                                full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            check_axe(page)
    finally:
        context.close()


def test_phone_tap_on_a_node_brings_the_details_into_view(live_server, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto(live_server.url + "/architectures/n-tier")
    page.locator(NODE.format("event-bus")).click()
    expect(page.locator("#node-panel")).to_contain_text("Event bus")
    expect(page.locator("#node-panel h3")).to_be_in_viewport()
    assert overflow(page) <= 0
