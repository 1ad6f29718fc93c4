"""The quiz in a real Chromium: keyboard only, htmx swaps without page loads, axe, layout."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect

from cloudquiz import models as m
from cloudquiz.models import db

pytestmark = pytest.mark.browser

WORDS = {"two": 2, "three": 3, "four": 4}
WIDTHS = (1280, 375)


def check_axe(page: Page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def shoot(page: Page, directory: Path, name: str) -> None:
    """Full-page screenshots at desktop and phone width; no horizontal scroll on the phone."""
    size = page.viewport_size or {"width": 1280, "height": 900}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(directory / f"quiz-{name}-{width}.png"), full_page=True)
        if width < 600:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways at {width}px by {overflow}px"
    page.set_viewport_size(size)


def tab_to(page: Page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def choose(page: Page) -> None:
    """Pick options with the number keys: one, or as many as "Choose two" asks."""
    legend = page.locator("#question-panel legend").inner_text()
    match = re.search(r"Choose (\w+)", legend)
    count = WORDS.get(match.group(1), 1) if match else 1
    for key in range(1, count + 1):
        page.keyboard.press(str(key))


def position(page: Page) -> int:
    return int(page.locator("#quiz-progress").get_attribute("value") or 0)


def start_by_keyboard(page: Page, url: str, kind: str) -> str:
    """Open ``url``, Tab to its Start button, press Enter: the new attempt's public id."""
    page.goto(url)
    tab_to(page, f"button[data-start='{kind}']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quiz/attempts/[0-9a-f]{32}/1$"))
    return page.url.rsplit("/", 2)[1]


def test_practice_quiz_with_the_keyboard_only(live_server, page: Page,
                                              screenshot_dir: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/quiz")
    shoot(page, screenshot_dir, "start")
    check_axe(page)
    tab_to(page, "button[data-start='practice']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quiz/attempts/[0-9a-f]{32}/1$"))
    expect(page.locator("#question-panel legend")).to_be_visible()
    page.evaluate("window.__marker = 1")
    check_axe(page)
    shoot(page, screenshot_dir, "question")

    total = int(page.locator("#quiz-progress").get_attribute("max") or 0)
    assert total == 10
    first_title = page.title()
    assert first_title.startswith(f"Question 1 of {total} · ")
    for n in range(1, total + 1):
        assert position(page) == n
        choose(page)
        page.keyboard.press("Enter")
        feedback = page.locator("#question-panel [data-outcome]")
        expect(feedback).to_be_visible()
        expect(feedback).to_have_attribute("role", "status")
        assert feedback.get_attribute("data-outcome") in ("correct", "incorrect")
        assert page.locator("#question-panel [data-correct]").count() >= 1
        assert page.evaluate("window.__marker") == 1, "the answer caused a full page load"
        if n == 1:
            check_axe(page)
            shoot(page, screenshot_dir, "feedback")
        page.keyboard.press("n")
        if n < total:
            page.wait_for_function(
                "(n) => Number(document.querySelector('#quiz-progress')?.value) === n", arg=n + 1)
            assert page.evaluate("window.__marker") == 1, "Next caused a full page load"
            assert page.url.endswith(f"/{n + 1}")  # hx-push-url keeps the address honest
            # The swapped fragment's <title> renames the tab (htmx 2), as a page load would.
            expect(page).to_have_title(first_title.replace("Question 1 of", f"Question {n + 1} of"))
    page.wait_for_url(re.compile(r"/results$"))
    expect(page.locator(".score-value")).to_be_visible()
    assert page.locator(".answer-item").count() == total
    check_axe(page)
    shoot(page, screenshot_dir, "results")

    page.go_back()  # history: the last question with its feedback
    page.wait_for_url(re.compile(rf"/{total}$"))
    expect(page.locator("#question-panel [data-outcome]")).to_be_visible()


def test_exam_simulation_with_the_keyboard_only(live_server, page: Page,
                                                screenshot_dir: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/quiz/exams/gcp-cdl")
    check_axe(page)
    shoot(page, screenshot_dir, "exam-detail")
    tab_to(page, "button[data-start='exam']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quiz/attempts/[0-9a-f]{32}/1$"))
    page.evaluate("window.__marker = 1")
    timer = page.locator("[role='timer'] [data-remaining]")
    first = timer.inner_text()
    page.wait_for_function(
        "(t) => document.querySelector('[data-remaining]').textContent !== t", arg=first,
        timeout=3000)  # quiz.js counts down
    total = int(page.locator("#quiz-progress").get_attribute("max") or 0)
    assert total == 55
    for n in range(1, total + 1):
        assert position(page) == n
        if n == 5:
            page.keyboard.press("f")  # flag before choosing
            expect(page.locator("#question-panel .flag-badge")).to_be_visible()
        if n == 3:
            pass  # leave one unanswered: skip straight to the next question
        else:
            choose(page)
            if n == 2:  # flag after choosing: the selection stays for Enter to save
                page.keyboard.press("f")
                expect(page.locator("#question-panel .flag-badge")).to_be_visible()
            page.keyboard.press("Enter")
            expect(page.locator("#question-panel .quiz-saved")).to_be_visible()
            assert page.locator("#question-panel [data-outcome]").count() == 0
            assert page.locator("#question-panel [data-correct]").count() == 0
        if n == 1:
            check_axe(page)
        assert page.evaluate("window.__marker") == 1
        page.keyboard.press("n")
        if n < total:
            page.wait_for_function(
                "(n) => Number(document.querySelector('#quiz-progress')?.value) === n", arg=n + 1)
    page.wait_for_url(re.compile(r"/review$"))
    counts = page.locator(".review-counts").inner_text()
    assert "54 answered" in counts and "1 unanswered" in counts and "2 flagged" in counts
    cells = page.locator(".review-grid .grid-cell")
    expect(cells).to_have_count(55)
    expect(page.locator(".review-grid .grid-cell.is-unanswered")).to_have_count(1)
    expect(page.locator(".review-grid .grid-cell.is-flagged")).to_have_count(2)
    check_axe(page)
    shoot(page, screenshot_dir, "exam-review")
    # With a question unanswered, submitting asks for a confirmation first.
    tab_to(page, "button[data-submit-exam]")
    page.keyboard.press("Enter")
    expect(page.locator("#confirm-submit")).to_be_focused()  # the browser points at it
    assert page.evaluate("document.querySelector('#confirm-submit').validity.valueMissing")
    assert page.url.endswith("/review")
    tab_to(page, "#confirm-submit")
    page.keyboard.press("Space")
    tab_to(page, "button[data-submit-exam]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/results$"))
    expect(page.locator(".verdict")).to_contain_text("our readiness threshold")
    check_axe(page)
    shoot(page, screenshot_dir, "exam-results")

    page.goto(live_server.url + "/progress")
    # one finished attempt: no one-dot chart, a sentence instead; the exam's readiness card
    expect(page.locator("[data-one-point]")).to_be_visible()
    expect(page.locator("svg.line-chart")).to_have_count(0)
    card = page.locator(".readiness-card")
    expect(card).to_contain_text("Cloud Digital Leader")
    expect(card.locator(".bar-row")).to_have_count(6)  # the exam's six domains
    expect(page.locator("[data-forecast] caption")).to_have_text("Due in the next 7 days")
    check_axe(page)
    shoot(page, screenshot_dir, "progress")


def test_exam_pick_then_f_keeps_the_option_selected_and_enter_saves_it(
        live_server, live_app: Flask, page: Page, screenshot_dir: Path) -> None:
    """The learner's report: pick an option, press F, and the selection must still be there
    (Enter then saves it, no "Choose an answer"); a saved answer can then be changed."""
    page.set_viewport_size({"width": 1280, "height": 900})
    public_id = start_by_keyboard(page, live_server.url + "/quiz/exams/aws-clf-c02", "exam")
    page.evaluate("window.__marker = 1")
    legend = page.locator("#question-panel legend").inner_text()
    keys = ["1", "2"] if re.search(r"Choose two", legend) else ["2"]
    for key in keys:
        page.keyboard.press(key)
    picked = [str(int(k) - 1) for k in keys]
    page.keyboard.press("f")
    expect(page.locator("#question-panel .flag-badge")).to_be_visible()
    expect(page.locator("#question-panel [role='status']").first).to_contain_text("Flagged")
    for value in picked:
        expect(page.locator(f"#question-panel input[name='choice'][value='{value}']")).to_be_checked()
    expect(page.locator("#question-panel .quiz-unsaved")).to_be_visible()
    assert page.evaluate("document.activeElement.name") == "choice"
    shoot(page, screenshot_dir, "exam-flagged-selection")
    page.keyboard.press("Enter")
    expect(page.locator("#question-panel .quiz-saved")).to_be_visible()
    expect(page.locator("#question-panel [role='alert']")).to_have_count(0)
    for value in picked:
        expect(page.locator(f"#question-panel input[name='choice'][value='{value}']")).to_be_checked()
    assert page.evaluate("window.__marker") == 1, "flag or save caused a full page load"
    with live_app.app_context():
        q = db.session.scalar(sa.select(m.AttemptQuestion).join(m.Attempt).where(
            m.Attempt.public_id == public_id, m.AttemptQuestion.position == 1))
        assert q is not None and q.flagged and q.chosen == [int(v) for v in picked]
    # Change the saved answer with the keyboard, then clear it with its button.
    if len(keys) == 1:
        page.keyboard.press("3")
        page.keyboard.press("Enter")
        expect(page.locator("#question-panel input[name='choice'][value='2']")).to_be_checked()
        expect(page.locator("#question-panel .quiz-saved")).to_be_visible()
    check_axe(page)
    page.locator("#question-panel button[data-clear]").click()
    expect(page.locator("#question-panel .quiz-notice")).to_contain_text("Answer cleared")
    expect(page.locator("#question-panel input[name='choice']:checked")).to_have_count(0)
    shoot(page, screenshot_dir, "exam-cleared")
    with live_app.app_context():
        q = db.session.scalar(sa.select(m.AttemptQuestion).join(m.Attempt).where(
            m.Attempt.public_id == public_id, m.AttemptQuestion.position == 1))
        assert q is not None and q.chosen is None and q.flagged


def test_ending_a_practice_early_shows_the_rest_as_skipped(live_server, page: Page,
                                                            screenshot_dir: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/quiz")
    tab_to(page, "button[data-start='practice']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/1$"))
    for n in (1, 2):
        choose(page)
        page.keyboard.press("Enter")
        expect(page.locator("#question-panel [data-outcome]")).to_be_visible()
        if n == 1:
            page.keyboard.press("n")
            page.wait_for_function(
                "() => Number(document.querySelector('#quiz-progress')?.value) === 2")
    page.get_by_role("button", name="End now and see results").click()
    page.wait_for_url(re.compile(r"/results$"))
    expect(page.locator("[data-skipped]")).to_contain_text("8 skipped")
    assert page.locator(".answer-item .state-skipped").count() == 8
    check_axe(page)
    shoot(page, screenshot_dir, "results-ended-early")


def test_tampered_answer_is_swapped_in_with_its_message(live_server, page: Page) -> None:
    page.goto(live_server.url + "/quiz")
    tab_to(page, "button[data-start='practice']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/1$"))
    page.evaluate("window.__marker = 1")
    page.keyboard.press("Enter")  # nothing chosen: 422, the panel says why
    expect(page.locator("#question-panel [role='alert']")).to_contain_text("Choose")
    assert page.evaluate("window.__marker") == 1
    page.evaluate("""() => {
        const input = document.querySelector("#question-panel input[name='choice']");
        input.value = "99"; input.checked = true; }""")
    page.keyboard.press("Enter")
    expect(page.locator("#question-panel [role='alert']")).to_contain_text("not one of the options")


def test_an_answer_after_the_deadline_opens_the_results_page(
        live_server, live_app: Flask, page: Page, screenshot_dir: Path) -> None:
    """The server says HX-Redirect; htmx leaves the question for the results, a full load."""
    public_id = start_by_keyboard(page, live_server.url + "/quiz/exams/gcp-cdl", "exam")
    with live_app.app_context():
        db.session.execute(sa.update(m.Attempt).where(m.Attempt.public_id == public_id)
                           .values(deadline=m.utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    page.evaluate("window.__marker = 1")
    choose(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/quiz/attempts/{public_id}/results$"))
    expect(page.locator("[data-timed-out]")).to_contain_text("Time ran out")
    assert page.evaluate("window.__marker === undefined"), "expected a full page load"
    check_axe(page)
    shoot(page, screenshot_dir, "results-timed-out")


def test_the_countdown_speaks_at_thresholds_and_warns_before_the_end_with_an_extension(
        live_server, live_app: Flask, page: Page, screenshot_dir: Path) -> None:
    """A faked page clock runs the exam's 90 minutes in jumps: the live region speaks at 10, 5
    and 1 minute left only, and 20 seconds before the end a dialog offers ten more minutes,
    which the server grants and the countdown shows."""
    page.clock.install(time=dt.datetime.now(dt.timezone.utc))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/quiz/exams/gcp-cdl")
    page.get_by_label("Double time (×2)").check()
    page.get_by_label(re.compile("let me add 10 minutes")).check()
    page.get_by_label("Standard time").check()
    shoot(page, screenshot_dir, "exam-start-timing")
    page.locator("button[data-start='exam']").click()
    page.wait_for_url(re.compile(r"/quiz/attempts/[0-9a-f]{32}/1$"))
    public_id = page.url.rsplit("/", 2)[1]
    region = page.locator("[data-timer-announce]")
    expect(region).to_have_attribute("aria-live", "polite")
    assert page.locator("[role='timer']").get_attribute("aria-live") is None
    page.clock.fast_forward(4795000)  # about 10:05 left
    expect(page.locator("[data-remaining]")).to_have_text(re.compile(r"^10:0\d$"))
    assert region.text_content() == ""
    page.clock.fast_forward(10000)
    expect(region).to_have_text("10 minutes left.")
    choose(page)  # an htmx swap re-renders the countdown: nothing is said again
    page.keyboard.press("Enter")
    expect(page.locator("#question-panel .quiz-saved")).to_contain_text("Your answer is saved")
    page.clock.fast_forward(2000)
    assert region.text_content() == ""
    page.clock.fast_forward(240000)
    assert region.text_content() == ""
    page.clock.fast_forward(60000)
    expect(region).to_have_text("5 minutes left.")
    page.clock.fast_forward(240000)
    expect(region).to_have_text("1 minute left.")
    dialog = page.locator("dialog[data-time-warning]")
    expect(dialog).to_be_hidden()
    page.clock.fast_forward(40000)  # about 15 s left
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-extend='dialog']")).to_be_focused()
    expect(dialog).to_contain_text(re.compile(r"closes in 1\d seconds"))
    check_axe(page)
    shoot(page, screenshot_dir, "exam-time-warning")
    page.keyboard.press("Enter")
    expect(page.locator(".timer-note")).to_contain_text("Time extended by 10 minutes")
    expect(page.locator("dialog[data-time-warning]")).to_be_hidden()
    expect(page.locator("[data-extend='bar']")).to_be_focused()
    expect(page.locator("[data-remaining]")).to_have_text(re.compile(r"^10:\d\d$"))
    assert page.url.endswith(f"/{public_id}/1")  # swapped in place, no page load
    with live_app.app_context():
        attempt = db.session.scalar(sa.select(m.Attempt).where(m.Attempt.public_id == public_id))
        assert attempt is not None and attempt.config["timing"]["extensions"] == 1
        assert (attempt.deadline - attempt.created_at) == dt.timedelta(minutes=100)
    check_axe(page)


def test_report_a_problem_in_place_with_the_keyboard(live_server, live_app: Flask, page: Page,
                                                     screenshot_dir: Path) -> None:
    """The link opens the form inside the feedback (no page load), focus lands on the first
    reason, and the sent report turns into its status; the results say so too."""
    page.set_viewport_size({"width": 1280, "height": 900})
    public_id = start_by_keyboard(page, live_server.url + "/quiz", "practice")
    choose(page)
    page.keyboard.press("Enter")
    expect(page.locator("#question-panel [data-outcome]")).to_be_visible()
    page.evaluate("window.__marker = 1")
    tab_to(page, "a.report-link")
    page.keyboard.press("Enter")
    first = page.locator("#report-1-reason-0")
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")  # radios: arrows move and choose
    expect(page.locator("#report-1-reason-1")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#report-1-comment")).to_be_focused()
    page.keyboard.type("Two of the options are listed as equivalents on the provider's page.")
    check_axe(page)
    shoot(page, screenshot_dir, "report-form")
    tab_to(page, "button[data-report-send]")
    page.keyboard.press("Enter")
    status = page.locator("#report-1 [data-reported]")
    expect(status).to_contain_text("Reported — under review")
    expect(status).to_contain_text("More than one answer is right")
    expect(status).to_be_focused()
    assert page.evaluate("window.__marker") == 1, "reporting caused a full page load"
    with live_app.app_context():
        report = db.session.scalar(sa.select(m.ItemReport).join(
            m.Attempt, m.Attempt.id == m.ItemReport.attempt_id).where(
            m.Attempt.public_id == public_id))
        assert report is not None and report.reason == "two_right"
        assert report.comment.startswith("Two of the options")
    check_axe(page)
    page.goto(f"{live_server.url}/quiz/attempts/{public_id}/1")
    page.locator("form.finish-form button").click()
    page.wait_for_url(re.compile(r"/results$"))
    expect(page.locator("#answer-1 [data-reported]")).to_contain_text("Reported — under review")
    expect(page.locator("#answer-2 a.report-link")).to_be_visible()
    page.locator("#answer-2 a.report-link").click()
    expect(page.locator("#report-2-reason-0")).to_be_focused()
    check_axe(page)
    shoot(page, screenshot_dir, "results-report-form")


def test_history_moves_to_another_browser_by_download_and_import(
        live_server, page: Page, browser, screenshot_dir: Path, tmp_path: Path) -> None:
    """Download the file on /progress, open a fresh browser context (another browser: no
    cookie), import it there: the same attempts show on its /progress."""
    page.set_viewport_size({"width": 1280, "height": 900})
    public_id = start_by_keyboard(page, live_server.url + "/quiz", "practice")
    choose(page)
    page.keyboard.press("Enter")
    expect(page.locator("#question-panel [data-outcome]")).to_be_visible()
    page.locator("form.finish-form button").click()
    page.wait_for_url(re.compile(rf"/{public_id}/results$"))
    page.goto(live_server.url + "/progress")
    with page.expect_download() as info:
        page.locator("a[data-export]").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.startswith("cloudquiz-progress-") and saved.suffix == ".json"
    other = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        fresh = other.new_page()
        fresh.goto(live_server.url + "/progress/import")
        check_axe(fresh)
        fresh.get_by_label("Progress file (.json)").set_input_files(str(saved))
        fresh.locator("button[data-import]").click()
        done = fresh.locator("[data-imported]")
        expect(done).to_contain_text("1 attempt and")
        check_axe(fresh)
        fresh.screenshot(path=str(screenshot_dir / "quiz-import-done-375.png"), full_page=True)
        fresh.get_by_role("link", name="See your progress").click()
        expect(fresh.locator("#attempts-title + div table tbody tr")).to_have_count(1)
        expect(fresh.locator("#attempts-title + div table")).to_contain_text("Practice")
    finally:
        other.close()


def test_a_quiz_with_htmx_swaps_leaves_the_console_clean(live_server, page: Page) -> None:
    """Five answers, Next and a flag through htmx: no CSP violation (an inline style injected
    by a script would be one) and no other console error."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI))")
    start_by_keyboard(page, live_server.url + "/quiz", "practice")
    for n in range(1, 6):
        choose(page)
        page.keyboard.press("Enter")
        expect(page.locator("#question-panel [data-outcome]")).to_be_visible()
        page.keyboard.press("n")
        page.wait_for_function(
            "(n) => Number(document.querySelector('#quiz-progress')?.value) === n", arg=n + 1)
    start_by_keyboard(page, live_server.url + "/quiz/exams/aws-clf-c02", "exam")
    choose(page)
    page.keyboard.press("f")
    expect(page.locator("#question-panel button[data-flag]")).to_have_text("Remove flag")
    assert errors == [], errors


def test_dark_mode_choices_look_enabled_and_show_the_pick(live_server, browser,
                                                          screenshot_dir: Path) -> None:
    """In dark mode Chromium draws native radios dark grey on dark grey (they read as
    disabled): ours have an outline that stands out from the card, and the accent when picked.
    Keyboard picks still work; axe has nothing to say."""
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        start_by_keyboard(page, live_server.url + "/quiz", "practice")
        option = page.locator("#question-panel .option input").first
        looks = option.evaluate("""(el) => {
            const s = getComputedStyle(el);
            const card = getComputedStyle(el.closest('.option'));
            return {appearance: s.appearance, border: s.borderTopColor, bg: s.backgroundColor,
                    card: card.backgroundColor};
        }""")
        assert looks["appearance"] == "none"

        def luminance(rgb: str) -> float:
            r, g, b = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])
            lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
            return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

        hi, lo = sorted((luminance(looks["border"]), luminance(looks["card"])), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 3, looks  # WCAG 1.4.11: controls 3:1
        choose(page)
        # the mark grows in over 0.1 s: wait for it to be drawn at full size
        page.wait_for_function("""() => {
            const el = document.querySelector('#question-panel .option input:checked');
            return el && getComputedStyle(el, '::before').transform === 'matrix(1, 0, 0, 1, 0, 0)';
        }""", timeout=5000)
        page.locator("#question-panel").screenshot(path=str(screenshot_dir /
                                                            "quiz-question-dark-1280.png"))
        check_axe(page)
    finally:
        context.close()
