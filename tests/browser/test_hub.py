"""What only a browser proves about the hub: htmx swaps and history, active search, the same
filters without JavaScript, layout at phone width, axe accessibility (also after each swap and
in dark mode), no CSP violation, and full-page screenshots of every page (under
``test-results/screenshots``, not committed: look at them).

The pages are found by crawling the live app from the home page, not listed by hand. Every path
of an endpoint with a few instances is visited; endpoints with many instances that share one
template (a page per service, per diagram node) are visited through a sample spread over the
list, so the suite stays a few minutes long.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.support.crawl import crawl, endpoint_of

pytestmark = pytest.mark.browser

SAMPLE = 6  # pages visited per endpoint that has more instances than this
SKIP_ENDPOINTS = {"compare.export_csv", "compare.export_json", "providers.theme_css"}
SWAP_TIMEOUT = 10_000


@pytest.fixture(scope="module")
def site_pages(live_app: Flask) -> list[str]:
    """One URL per distinct page (no filter variants), sampled for large endpoints."""
    result = crawl(live_app, variants_per_path=0)
    by_endpoint: dict[str, list[str]] = defaultdict(list)
    for page in result.html_pages():
        if "?" in page.url:
            continue
        endpoint = endpoint_of(live_app, page.url) or ""
        if endpoint not in SKIP_ENDPOINTS:
            by_endpoint[endpoint].append(page.url)
    urls: list[str] = []
    for _endpoint, found in sorted(by_endpoint.items()):
        found.sort()
        if len(found) > SAMPLE:
            step = len(found) / SAMPLE
            found = [found[int(i * step)] for i in range(SAMPLE)]
        urls.extend(found)
    for required in ("/", "/compare", "/learn", "/search"):
        assert required in urls
    return urls


def shot_name(url: str, width: int, suffix: str = "") -> str:
    slug = quote(url.strip("/") or "home", safe="").replace("%", "_")[:120]
    return f"{slug}{suffix}-{width}.png"


def axe_violations(page: Page) -> str | None:
    results = Axe().run(page)
    return None if results.violations_count == 0 else results.generate_report()


def watch_console(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def wait_for_htmx(page: Page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-request')", timeout=SWAP_TIMEOUT)


# ----------------------------------------------------------------------------- every page


def test_every_page_at_desktop_width_is_accessible_and_csp_clean(
        browser: Browser, live_server, site_pages: list[str], screenshot_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = watch_console(page)
    problems = []
    for url in site_pages:
        errors.clear()
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        page.screenshot(path=screenshot_dir / shot_name(url, 1280), full_page=True)
        report = axe_violations(page)
        if report:
            problems.append(f"{url}:\n{report}")
        if errors:
            problems.append(f"{url}: console errors {errors}")
    context.close()
    assert not problems, "\n\n".join(problems)


def test_every_page_is_accessible_in_dark_mode(browser: Browser, live_server,
                                               site_pages: list[str], screenshot_dir: Path
                                               ) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    problems = []
    for url in site_pages:
        page.goto(live_server.url + url)
        page.screenshot(path=screenshot_dir / shot_name(url, 1280, "-dark"), full_page=True)
        report = axe_violations(page)
        if report:
            problems.append(f"{url}:\n{report}")
    context.close()
    assert not problems, "\n\n".join(problems)


def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, live_server,
                                            site_pages: list[str], screenshot_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True,
                                  has_touch=True, device_scale_factor=1)
    page = context.new_page()
    too_wide = []
    for url in site_pages + ["/compare?q=storage", "/search?q=azure+ad"]:
        page.goto(live_server.url + url)
        page.screenshot(path=screenshot_dir / shot_name(url, 375), full_page=True)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            too_wide.append(f"{url}: {width[0]}px wide in a {width[1]}px viewport")
    context.close()
    assert not too_wide, "\n".join(too_wide)


# ----------------------------------------------------------------------------- htmx filters


def test_category_filter_swaps_the_grid_updates_the_url_and_back_restores_it(
        page: Page, live_server) -> None:
    page.goto(live_server.url + "/providers/aws")
    count = page.locator("#service-grid .result-count")
    everything = count.inner_text()
    page.evaluate("window.__noReload = true")

    page.locator("label[for='category-compute']").click()
    expect(page).to_have_url(re.compile(r"/providers/aws\?category=compute$"),
                             timeout=SWAP_TIMEOUT)
    expect(count).to_contain_text("in Compute", timeout=SWAP_TIMEOUT)
    assert page.evaluate("window.__noReload") is True  # swapped, not reloaded
    assert page.locator("#service-grid .service-card").count() >= 1
    assert page.locator("#service-grid .badge").all_inner_texts()
    assert (report := axe_violations(page)) is None, report

    page.locator("label[for='category-storage']").click()
    expect(page).to_have_url(re.compile(r"category=storage$"), timeout=SWAP_TIMEOUT)
    expect(count).to_contain_text("in Storage", timeout=SWAP_TIMEOUT)

    page.go_back()
    expect(page).to_have_url(re.compile(r"category=compute$"), timeout=SWAP_TIMEOUT)
    expect(count).to_contain_text("in Compute", timeout=SWAP_TIMEOUT)
    expect(page.locator("#category-compute")).to_be_checked()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/providers/aws$"), timeout=SWAP_TIMEOUT)
    expect(count).to_have_text(everything, timeout=SWAP_TIMEOUT)
    expect(page.locator("#category-all")).to_be_checked()
    page.go_forward()
    expect(count).to_contain_text("in Compute", timeout=SWAP_TIMEOUT)


def test_filter_works_from_the_keyboard(page: Page, live_server) -> None:
    page.goto(live_server.url + "/providers/gcp")
    page.locator("#category-all").focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"category=[a-z-]+$"), timeout=SWAP_TIMEOUT)
    focused = page.evaluate("document.activeElement.name")
    assert focused == "category"


def test_comparison_search_as_you_type_and_column_toggles(page: Page, live_server) -> None:
    page.goto(live_server.url + "/compare")
    rows = page.locator("#compare-table .row-title")
    total = rows.count()
    page.locator("#compare-q").press_sequentially("storage", delay=30)
    expect(page).to_have_url(re.compile(r"/compare\?.*q=storage"), timeout=SWAP_TIMEOUT)
    wait_for_htmx(page)
    expect(rows.first).to_be_visible()
    names = rows.all_inner_texts()
    assert 0 < len(names) < total and "Object Storage" in names
    assert "Virtual Machines" not in names
    assert (report := axe_violations(page)) is None, report

    page.locator("label[for='show-azure']").click()
    expect(page).to_have_url(re.compile(r"show=aws&show=gcp"), timeout=SWAP_TIMEOUT)
    wait_for_htmx(page)
    headers = page.locator("#compare-table thead th.provider-col").all_inner_texts()
    assert [h.strip().upper() for h in headers] == ["AWS", "GCP"]
    assert "q=storage" in page.url  # the text filter stays
    assert (report := axe_violations(page)) is None, report

    page.locator("#compare-category").select_option("database")
    expect(page).to_have_url(re.compile(r"category=database"), timeout=SWAP_TIMEOUT)
    wait_for_htmx(page)

    page.locator("#compare-q").fill("")
    page.locator("#compare-category").select_option("")
    page.locator("#compare-q").fill("zzzz no such thing")
    page.locator("#compare-q").press("Enter")
    expect(page.locator("#compare-table .empty-state")).to_be_visible(timeout=SWAP_TIMEOUT)
    assert (report := axe_violations(page)) is None, report


def test_a_pasted_comparison_url_shows_the_same_view(page: Page, live_server) -> None:
    page.goto(live_server.url + "/compare?q=storage&show=aws&show=gcp")
    assert page.locator("#compare-q").input_value() == "storage"
    expect(page.locator("#show-azure")).not_to_be_checked()
    headers = page.locator("#compare-table thead th.provider-col").all_inner_texts()
    assert [h.strip().upper() for h in headers] == ["AWS", "GCP"]


def test_search_results_appear_as_you_type(page: Page, live_server) -> None:
    page.goto(live_server.url + "/search")
    expect(page.locator(".suggestions")).to_be_visible()
    page.locator("#search-q").press_sequentially("azure ad", delay=30)
    expect(page).to_have_url(re.compile(r"/search\?q=azure(\+|%20)ad"), timeout=SWAP_TIMEOUT)
    first = page.locator("#results-services .result-title a").first
    expect(first).to_have_text("Microsoft Entra ID", timeout=SWAP_TIMEOUT)
    assert (report := axe_violations(page)) is None, report
    first.click()
    expect(page).to_have_url(re.compile(r"/services/azure/"))


def test_learn_provider_filter_swaps_the_list(page: Page, live_server) -> None:
    page.goto(live_server.url + "/learn")
    page.locator("label[for='provider-azure']").click()
    expect(page).to_have_url(re.compile(r"/learn\?provider=azure$"), timeout=SWAP_TIMEOUT)
    wait_for_htmx(page)
    headings = page.locator("#resource-list .provider-heading").all_inner_texts()
    assert len(headings) == 1 and "Azure" in headings[0]
    assert (report := axe_violations(page)) is None, report
    page.go_back()
    expect(page.locator("#resource-list .provider-heading")).to_have_count(3,
                                                                          timeout=SWAP_TIMEOUT)


def test_copy_button_copies_the_code(browser: Browser, live_server) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server.url + "/providers/gcp")
    button = page.locator(".copy-button").first
    expect(button).to_be_visible()
    target = button.get_attribute("data-copy-target")
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator(f"#{target}").inner_text()
    context.close()


# ----------------------------------------------------------------------------- without JS


@pytest.fixture
def nojs_page(browser: Browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_filters_work_without_javascript(nojs_page: Page, live_server) -> None:
    page = nojs_page
    page.goto(live_server.url + "/providers/azure")
    expect(page.locator(".copy-button").first).to_be_hidden()
    page.locator("label[for='category-compute']").click()
    page.get_by_role("button", name="Apply filter").click()
    expect(page).to_have_url(re.compile(r"/providers/azure\?category=compute$"))
    expect(page.locator("#service-grid .result-count")).to_contain_text("in Compute")

    page.goto(live_server.url + "/compare")
    page.locator("#compare-q").fill("storage")
    page.locator("label[for='show-azure']").click()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"q=storage"))
    assert "show=aws" in page.url and "show=gcp" in page.url and "show=azure" not in page.url
    names = page.locator("#compare-table .row-title").all_inner_texts()
    assert "Object Storage" in names and "Virtual Machines" not in names
    headers = page.locator("#compare-table thead th.provider-col").all_inner_texts()
    assert [h.strip().upper() for h in headers] == ["AWS", "GCP"]

    page.goto(live_server.url + "/learn")
    page.locator("label[for='provider-gcp']").click()
    page.get_by_role("button", name="Apply filter").click()
    expect(page).to_have_url(re.compile(r"/learn\?provider=gcp$"))
    expect(page.locator("#resource-list .provider-heading")).to_have_count(1)

    page.goto(live_server.url + "/search")
    page.locator("#search-q").fill("cloud functions")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search\?q=cloud\+functions$"))
    expect(page.locator("#results-services")).to_be_visible()


def test_history_and_bookmarks_of_filtered_views_survive_a_reload(page: Page,
                                                                   live_server) -> None:
    page.goto(live_server.url + "/providers/aws")
    page.locator("label[for='category-storage']").click()
    expect(page).to_have_url(re.compile(r"category=storage$"), timeout=SWAP_TIMEOUT)
    page.reload()
    expect(page.locator("#category-storage")).to_be_checked()
    expect(page.locator("#service-grid .result-count")).to_contain_text("in Storage")
    assert urlsplit(page.url).query == "category=storage"


def test_the_phone_header_is_one_row_with_a_menu_that_works_with_and_without_js(
        live_server, browser: Browser, screenshot_dir: Path) -> None:
    """At 375 px the header is the brand and "Menu" (no longer three rows of links); the menu
    opens by click or keyboard, Escape closes it and gives focus back, and without JavaScript
    it still opens (a <details>). At 1280 px the links sit in one row and there is no menu."""
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 375, "height": 800},
                                      color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + "/compare")
        page.screenshot(path=str(screenshot_dir / f"nav-menu-closed-{scheme}-375.png"))
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] <= 72, header
        brand = page.locator(".brand")  # not cut off by the menu button
        assert page.evaluate("(e) => e.scrollWidth <= e.clientWidth", brand.element_handle())
        assert brand.bounding_box()["x"] + brand.bounding_box()["width"] <= \
            page.locator(".nav-menu summary").bounding_box()["x"]
        expect(page.locator(".nav-list")).to_be_hidden()
        summary = page.locator(".nav-menu summary")
        expect(summary).to_be_visible()
        expect(page.locator(".nav-menu-list a", has_text="Quiz")).to_be_hidden()
        summary.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".nav-menu-list a", has_text="Quiz")).to_be_visible()
        expect(page.locator(".nav-menu-list a[aria-current='page']")).to_have_text("Compare")
        result = Axe().run(page)
        assert result.violations_count == 0, result.generate_report()
        page.screenshot(path=str(screenshot_dir / f"nav-menu-open-{scheme}-375.png"))
        page.keyboard.press("Tab")
        expect(page.locator(".nav-menu-list a").first).to_be_focused()
        page.keyboard.press("Escape")
        expect(page.locator(".nav-menu-list a").first).to_be_hidden()
        expect(summary).to_be_focused()
        summary.click()
        page.locator(".nav-menu-list a", has_text="Quiz").click()
        page.wait_for_url(re.compile(r"/quiz$"))
        expect(page.locator(".nav-menu-list a", has_text="Quiz")).to_be_hidden()
        context.close()
    no_js = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = no_js.new_page()
    page.goto(live_server.url + "/")
    page.locator(".nav-menu summary").click()
    page.locator(".nav-menu-list a", has_text="Architectures").click()
    page.wait_for_url(re.compile(r"/architectures$"))
    no_js.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 800})
    page = wide.new_page()
    page.goto(live_server.url + "/")
    expect(page.locator(".nav-menu")).to_be_hidden()
    links = page.locator(".nav-list a")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, tops  # one row
    page.screenshot(path=str(screenshot_dir / "nav-row-1280.png"))
    wide.close()


def open_jump_menu_far_down(page: Page, shot: Path) -> None:
    """Scroll far down the comparison, open the phone's Categories menu (still in view there),
    photograph it and check it with axe."""
    jump = page.locator("details.category-jump")
    page.mouse.wheel(0, 8000)
    page.wait_for_function("() => window.scrollY > 6000")
    expect(jump.locator("summary")).to_be_in_viewport()
    jump.locator("summary").click()
    expect(jump.get_by_role("link", name=re.compile(r"^Storage \d+$"))).to_be_visible()
    page.screenshot(path=str(shot))
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_compare_keeps_its_headers_in_view_and_indexes_its_categories(
        live_server, browser: Browser, screenshot_dir: Path) -> None:
    """1280 px: after scrolling far down the column headers sit under the site header, and the
    category index beside the table stays in view; 375 px: no sidebar, rows as cards, and a
    category menu at the foot of the screen wherever the reader is. Both schemes; axe clean."""
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + "/compare")
        expect(page.locator(".provider-overview .overview-tile")).to_have_count(3)
        page.screenshot(path=str(screenshot_dir / f"compare-top-{scheme}-1280.png"))
        page.mouse.wheel(0, 6000)
        page.wait_for_function("() => window.scrollY > 4000")
        header = page.locator(".site-header").bounding_box()
        th = page.locator(".compare-table thead th").first.bounding_box()
        assert header and th and abs(th["y"] - (header["y"] + header["height"])) <= 4, (
            header, th)
        index = page.locator("nav.category-index")
        expect(index).to_be_visible()
        assert index.bounding_box()["y"] >= header["height"] - 1  # stuck under the header
        page.screenshot(path=str(screenshot_dir / f"compare-scrolled-{scheme}-1280.png"))
        result = Axe().run(page)
        assert result.violations_count == 0, result.generate_report()
        context.close()
    phone = browser.new_context(viewport={"width": 375, "height": 800})
    page = phone.new_page()
    page.goto(live_server.url + "/compare?q=ad")
    expect(page.locator("nav.category-index")).to_be_hidden()
    expect(page.locator(".compare-table mark").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "compare-search-375.png"), full_page=False)
    page.goto(live_server.url + "/compare?q=qqqqzz")
    expect(page.locator("[data-empty]")).to_contain_text("No matching services.")
    expect(page.locator(".exports")).to_have_count(0)
    page.locator("a[data-clear-filters]").click()
    page.wait_for_url(re.compile(r"/compare$"))
    expect(page.locator("#compare-q")).to_have_value("")
    # Far down the table the category menu is still at hand: open, Escape, open, pick one.
    jump = page.locator("details.category-jump")
    expect(jump.locator("summary")).to_be_in_viewport()
    open_jump_menu_far_down(page, screenshot_dir / "compare-jump-menu-375.png")
    page.keyboard.press("Escape")
    expect(jump).not_to_have_attribute("open", "")
    jump.locator("summary").click()
    jump.get_by_role("link", name=re.compile(r"^Storage \d+$")).click()
    page.wait_for_url(re.compile(r"category=storage"))
    expect(page.locator(".result-count")).to_contain_text(re.compile(r"^\d+ of \d+ rows"))
    # (text content: rows far off screen are not rendered, so they have no inner text)
    categories = page.locator(".compare-table tbody tr > th .badge").all_text_contents()
    assert categories and {c.strip() for c in categories} == {"Storage"}, categories
    phone.close()
    dark = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme="dark")
    page = dark.new_page()
    page.goto(live_server.url + "/compare")
    open_jump_menu_far_down(page, screenshot_dir / "compare-jump-menu-dark-375.png")
    dark.close()
    # At desktop width the sidebar is the index: no floating menu.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.goto(live_server.url + "/compare")
    expect(page.locator("details.category-jump")).to_be_hidden()
    desk.close()


def test_provider_page_on_a_phone_select_compact_list_and_a_quiet_copy(
        live_server, browser: Browser, screenshot_dir: Path) -> None:
    """375 px: the categories are a select (no clipped chip row) that swaps the grid in place;
    the "More services" list is two columns; "Copy" turns into "Copied" without moving the
    card header, and a live region says so."""
    context = browser.new_context(viewport={"width": 375, "height": 800},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server.url + "/providers/aws")
    expect(page.locator(".provider-chips")).to_be_hidden()
    select = page.locator("#category-select")
    expect(select).to_be_visible()
    page.evaluate("window.__marker = 1")
    select.select_option("storage")
    page.wait_for_url(re.compile(r"/providers/aws\?category=storage$"))
    expect(page.locator("#service-grid .result-count")).to_contain_text("in Storage")
    assert page.evaluate("window.__marker") == 1, "the select reloaded the page"
    page.goto(live_server.url + "/providers/aws")
    more = page.locator(".more-services li")
    first, second = more.nth(0).bounding_box(), more.nth(1).bounding_box()
    assert first and second and abs(first["y"] - second["y"]) < 2  # side by side
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=str(screenshot_dir / "provider-phone-375.png"), full_page=True)
    assert height < 11000, height
    hidden = page.locator("details[data-more-all] .more-services li").first
    expect(hidden).to_be_hidden()
    page.locator(".more-title").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "provider-phone-more-375.png"))
    page.locator("details[data-more-all] > summary").click()
    expect(hidden).to_be_visible()
    page.locator(".code-sample").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "provider-phone-code-375.png"))
    head = page.locator(".code-sample figcaption").first
    before = head.bounding_box()
    head.locator(".copy-button").click()
    expect(head.locator(".copy-button")).to_have_text("Copied")
    expect(head.locator(".copy-status")).to_have_text("Code copied to the clipboard")
    after = head.bounding_box()
    assert before and after and before["height"] == after["height"], (before, after)
    context.close()
