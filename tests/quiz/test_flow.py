"""The quiz through the test client: every mode end to end, fragments, integrity and bad input."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import fsrs
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.quiz import engine
from cloudquiz.quiz.store import clock as store_clock
from cloudquiz.quiz.store import review
from cloudquiz.quiz.types import KINDS
from tests.support.app import HtmxClient, make_app
from tests.support.html import Html, page_text
from tests.support.queries import QueryCounter
from tests.support.quiz import answer_form, press, submit

EXAMS = ("aws-clf-c02", "aws-saa-c03", "azure-az-900", "azure-az-104", "gcp-cdl", "gcp-ace")


# ----------------------------------------------------------------------------- helpers


def start_practice(client: FlaskClient, **form: object) -> str:
    data = {"count": "10", **form}
    response = client.post("/quiz/practice", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    match = re.fullmatch(r"/quiz/attempts/([0-9a-f]{32})/1", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def start_exam(client: FlaskClient, slug: str) -> str:
    response = client.post(f"/quiz/exams/{slug}")
    assert response.status_code == 303
    return response.headers["Location"].split("/")[3]


def start_review(client: FlaskClient) -> str:
    response = client.post("/quiz/review")
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].split("/")[3]


def attempt_row(app: Flask, public_id: str) -> m.Attempt:
    with app.app_context():
        attempt = db.session.scalar(sa.select(m.Attempt).where(m.Attempt.public_id == public_id))
        assert attempt is not None
        db.session.expunge(attempt)
        return attempt


def questions(app: Flask, public_id: str) -> list[m.AttemptQuestion]:
    with app.app_context():
        rows = list(db.session.scalars(
            sa.select(m.AttemptQuestion).join(m.Attempt)
            .where(m.Attempt.public_id == public_id).order_by(m.AttemptQuestion.position)))
        for row in rows:
            db.session.expunge(row)
        return rows


def right(q: m.AttemptQuestion) -> list[str]:
    return [str(i) for i in q.correct]


def wrong(q: m.AttemptQuestion) -> list[str]:
    others = [i for i in range(len(q.options)) if i not in q.correct]
    return [str(i) for i in (others + list(q.correct))[:len(q.correct)]]


def expire(app: Flask, public_id: str, seconds: int = 1) -> None:
    with app.app_context():
        db.session.execute(sa.update(m.Attempt).where(m.Attempt.public_id == public_id)
                           .values(deadline=m.utcnow() - dt.timedelta(seconds=seconds)))
        db.session.commit()


def version_of(app: Flask, public_id: str, n: int) -> str:
    """The answer version question ``n`` is at now: what its form would carry."""
    with app.app_context():
        version = db.session.scalar(
            sa.select(m.AttemptQuestion.version).join(m.Attempt)
            .where(m.Attempt.public_id == public_id, m.AttemptQuestion.position == n))
    return str(version or 0)


def answer(client: FlaskClient, public_id: str, n: int, choice: list[str],
           version: str | None = None, **kw):
    """Post an answer as the question's form would, with the version it is at now (exams)."""
    if version is None:
        version = version_of(client.application, public_id, n)
    return client.post(f"/quiz/attempts/{public_id}/{n}",
                       data={"choice": choice, "version": version}, **kw)


def panel_of(html: str) -> str:
    start = html.index('<div id="question-panel"')
    return html[start:]


def data_correct(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip()
            for t in re.findall(r"<li data-correct>(.*?)</li>", html, re.DOTALL)]


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


# ----------------------------------------------------------------------------- start pages


def test_quiz_index_offers_practice_exams_and_review(client: FlaskClient) -> None:
    response = client.get("/quiz")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'action="/quiz/practice"' in html and 'name="providers"' in html
    assert 'name="categories"' in html and 'name="kinds"' in html
    for count in ("10", "20", "30", "50"):
        assert f'name="count" type="radio" value="{count}"' in html
    for slug in EXAMS:
        assert f'href="/quiz/exams/{slug}"' in html
    for code in ("CLF-C02", "SAA-C03", "AZ-900", "AZ-104"):
        assert code in html
    assert "Not published" in html and "our readiness threshold" in html
    assert "Review mistakes" in html and "Nothing to review right now" in html
    assert "HX-Request" in response.headers["Vary"]


def test_quiz_index_prefills_the_practice_form_from_the_query_string(client: FlaskClient) -> None:
    html = client.get("/quiz?providers=aws&count=20&kinds=equivalence").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="providers"[^>]*value="aws"|'
                     r'<input[^>]*name="providers"[^>]*value="aws"[^>]*checked', html)
    assert re.search(r'<input[^>]*checked[^>]*value="20"|value="20"[^>]*checked', html)
    assert not re.search(r'value="azure"[^>]*checked', html)


@pytest.mark.parametrize("slug", EXAMS)
def test_exam_page_states_the_official_format_and_that_questions_are_ours(
        app: Flask, client: FlaskClient, slug: str) -> None:
    with app.app_context():
        exam = db.session.scalar(sa.select(m.Exam).where(m.Exam.slug == slug))
        assert exam is not None
        expected = (exam.guide_version, exam.guide_date.isoformat(), exam.source_url,
                    str(exam.question_count), f"{exam.duration_minutes} minutes", exam.pass_mark,
                    exam.readiness_mark)
    html = unescape(client.get(f"/quiz/exams/{slug}").get_data(as_text=True))
    assert "The format follows the official exam guide" in html
    assert "not the exam's own questions" in html
    for text in expected[:5]:
        assert text in html
    if expected[5] is None:
        assert "does not publish a pass mark" in html
        assert f"our own readiness threshold of {expected[6]}" in html
    else:
        assert f"{expected[5]} on a" in html
    assert f'action="/quiz/exams/{slug}"' in html


def test_unknown_exam_is_a_404(client: FlaskClient) -> None:
    assert client.get("/quiz/exams/nope").status_code == 404
    assert client.post("/quiz/exams/nope").status_code == 404


@pytest.mark.parametrize("data", [
    {"count": "7"}, {"count": "ten"}, {"providers": "mars"}, {"categories": "nope"},
    {"kinds": "trivia"}, {"count": "١٠"}, {"count": "１０"},  # digits, but not ASCII ones
])
def test_invalid_practice_form_is_re_rendered_with_422(client: FlaskClient, data: dict) -> None:
    response = client.post("/quiz/practice", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and 'id="practice-form"' in html


def test_practice_filters_that_match_nothing_are_422_not_500(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "practice_questions", lambda *a, **k: [])
    response = client.post("/quiz/practice", data={"count": "10"})
    assert response.status_code == 422
    assert "No questions match these filters" in response.get_data(as_text=True)


def test_first_post_creates_an_anonymous_learner_in_a_permanent_cookie(
        app: Flask, client: FlaskClient) -> None:
    client.get("/quiz")
    with client.session_transaction() as sess:
        assert "learner_id" not in sess  # browsing creates nothing
    response = client.post("/quiz/practice", data={"count": "10"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    with client.session_transaction() as sess:
        lid = sess["learner_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", lid)
    with app.app_context():
        assert db.session.get(m.Learner, lid) is not None


# ----------------------------------------------------------------------------- practice


def test_practice_end_to_end_with_feedback_after_each_answer(
        app: Flask, client: FlaskClient) -> None:
    pid = start_practice(client, providers=["aws", "gcp"], count="10")
    rows = questions(app, pid)
    assert len(rows) == 10
    expected_points = 0
    for q in rows:
        page = client.get(f"/quiz/attempts/{pid}/{q.position}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'<progress id="quiz-progress" max="10" value="{q.position}"' in html
        assert 'data-outcome' not in html and "data-correct" not in html
        choice = right(q) if q.position % 3 else wrong(q)
        expected_points += q.position % 3 != 0
        response = answer(client, pid, q.position, choice)
        assert response.status_code == 303
        assert response.headers["Location"] == f"/quiz/attempts/{pid}/{q.position}"
        html = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
        outcome = "correct" if q.position % 3 else "incorrect"
        assert re.search(rf'role="status" data-outcome="{outcome}"', html)
        assert ("Correct" if outcome == "correct" else "Incorrect") in html
        assert data_correct(html) == [q.options[i] for i in q.correct]
        assert q.explanation in html
        assert f'href="{q.hub_url}"' in html
        if q.position < 10:
            assert f'href="/quiz/attempts/{pid}/{q.position + 1}"' in html
            assert "data-next" in html
        else:
            assert f'href="/quiz/attempts/{pid}/results" data-next' in html
    attempt = attempt_row(app, pid)
    assert attempt.finished_at is not None
    assert attempt.score_points == expected_points and attempt.max_points == 10
    results = unescape(client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True))
    assert f"{expected_points * 10}%" in results
    assert "<table" in results and 'class="bar"' in results
    for q in rows:
        assert q.prompt in results and q.explanation in results


def test_practice_questions_are_answered_in_order(app: Flask, client: FlaskClient) -> None:
    pid = start_practice(client)
    rows = questions(app, pid)
    response = client.get(f"/quiz/attempts/{pid}/3")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{pid}/1")
    response = answer(client, pid, 3, right(rows[2]))
    assert response.status_code == 409
    assert "in order" in response.get_data(as_text=True)
    assert questions(app, pid)[2].chosen is None


def test_ending_a_practice_early_scores_what_was_answered(app: Flask, client: FlaskClient) -> None:
    pid = start_practice(client)
    rows = questions(app, pid)
    answer(client, pid, 1, right(rows[0]))
    response = client.post(f"/quiz/attempts/{pid}/finish")
    assert response.status_code == 303 and response.headers["Location"].endswith("/results")
    attempt = attempt_row(app, pid)
    assert attempt.finished_at is not None and attempt.score_points == 1
    assert attempt.max_points == 1  # over the one answered question
    text = page_text(client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True))
    assert "100%" in text and "1 of 10 answered · 9 skipped" in text
    assert client.post(f"/quiz/attempts/{pid}/finish").status_code == 409


def test_an_early_ended_practice_shows_skipped_questions_not_wrong_ones(
        app: Flask, client: FlaskClient) -> None:
    pid = start_practice(client)
    rows = questions(app, pid)
    for q, ok in zip(rows[:3], (True, True, False), strict=True):
        answer(client, pid, q.position, right(q) if ok else wrong(q))
    question_page = page_text(client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True))
    assert "Questions not answered yet are skipped, not counted as wrong" in question_page
    client.post(f"/quiz/attempts/{pid}/finish")

    html = client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True)
    text = page_text(html)
    assert "67%" in text and "2 of 3 answered right" in text
    assert "3 of 10 answered · 7 skipped" in text and "ended early, not scored" in text
    items = Html(html).tree.css(".answer-item")
    badges = [i.css_first(".badge").text() for i in items]
    assert badges == ["Right", "Right", "Wrong"] + ["Skipped"] * 7
    assert "Not answered" not in text
    # The question page of a skipped question says so (and teaches the right answer).
    skipped = client.get(f"/quiz/attempts/{pid}/5").get_data(as_text=True)
    assert 'data-outcome="skipped"' in skipped and "Skipped: not answered" in page_text(skipped)
    assert data_correct(unescape(skipped)) == [rows[4].options[i] for i in rows[4].correct]

    # Progress counts the three answers only; the attempt's score is over them.
    figures = progress_figures(client)["figures"]
    assert "Questions answered 3" in figures and "Accuracy 67%" in figures
    progress = page_text(client.get("/progress").get_data(as_text=True))
    assert "3 / 10 67% (7 skipped)" in progress
    assert "One finished attempt so far (67%): the chart starts with the second." in progress
    assert due_now(client) == 1  # the one mistake; skipped questions are no mistakes

    # Ended before any answer: no score at all, not 0 %.
    empty = start_practice(client)
    client.post(f"/quiz/attempts/{empty}/finish")
    text = page_text(client.get(f"/quiz/attempts/{empty}/results").get_data(as_text=True))
    assert "nothing answered" in text and "10 skipped" in text and "0%" not in text
    assert attempt_row(app, empty).max_points == 0


# ----------------------------------------------------------------------------- htmx


def test_question_page_three_ways(client: FlaskClient, hx: HtmxClient) -> None:
    pid = start_practice(client)
    url = f"/quiz/attempts/{pid}/1"
    plain = client.get(url)
    assert plain.status_code == 200
    html = plain.get_data(as_text=True)
    assert "<html" in html and 'id="question-panel"' in html and 'class="site-header"' in html
    fragment = hx.get(url)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert body.lstrip().startswith('<div id="question-panel"')
    assert "<html" not in body and "site-header" not in body
    assert "HX-Request" in fragment.headers["Vary"]
    boosted = hx.get(url, boosted=True)
    assert "<html" in boosted.get_data(as_text=True)
    assert "HX-Request" in boosted.headers["Vary"]
    restore = hx.get(url, history_restore=True)
    assert "<html" in restore.get_data(as_text=True)


def test_htmx_answer_swaps_in_the_feedback_fragment(app: Flask, client: FlaskClient,
                                                     hx: HtmxClient) -> None:
    pid = start_practice(client)
    q = questions(app, pid)[0]
    response = hx.post(f"/quiz/attempts/{pid}/1", data={"choice": right(q)})
    assert response.status_code == 200
    body = unescape(response.get_data(as_text=True))
    assert body.lstrip().startswith('<div id="question-panel"') and "<html" not in body
    assert 'data-outcome="correct"' in body
    assert data_correct(body) == [q.options[i] for i in q.correct]
    assert f'hx-get="/quiz/attempts/{pid}/2"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_swapped_panel_brings_the_tab_title_and_the_full_page_keeps_one(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = start_practice(client)
    q = questions(app, pid)[0]
    page = client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True)
    assert len(re.findall(r"<title>", page)) == 1  # in <head>, none in the body
    title = re.search(r"<title>([^<]+)</title>", page).group(1)
    assert title.startswith("Question 1 of 10 · Practice")
    hx.post(f"/quiz/attempts/{pid}/1", data={"choice": right(q)})
    for response in (hx.get(f"/quiz/attempts/{pid}/2"),
                     hx.post(f"/quiz/attempts/{pid}/2", data={"choice": []})):  # 422 too
        body = response.get_data(as_text=True)
        # htmx 2 takes a <title> at the root of the response for the tab and drops it from the
        # swap; the fragment still starts with the panel (quiz.js and the swap rely on it).
        assert body.lstrip().startswith('<div id="question-panel"')
        tail = body.rsplit("</div>", 1)[1]
        assert re.fullmatch(r"\s*<title>Question 2 of 10 · Practice[^<]*</title>\s*", tail), tail
        assert body.count("<title>") == 1
    assert client.get(f"/quiz/attempts/{pid}/2").get_data(as_text=True).count("<title>") == 1


def test_htmx_answer_fragment_counts_answers_and_flags_after_the_write(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = start_exam(client, "azure-az-900")
    rows = questions(app, pid)
    answer(client, pid, 1, right(rows[0]))
    client.post(f"/quiz/attempts/{pid}/5/flag", data={"flagged": "1"})
    body = hx.post(f"/quiz/attempts/{pid}/3", data={"choice": wrong(rows[2]), "version": "0"}
                   ).get_data(as_text=True)
    assert "2 answered · 1 flagged" in body
    assert "Your answer is saved" in unescape(body)
    assert 'data-outcome' not in body  # exams: no feedback before the end
    stored = questions(app, pid)[2]
    assert stored.chosen == sorted(int(c) for c in wrong(rows[2])) and stored.points == 0
    first = questions(app, pid)[0]  # a choose-two item is worth two points on Azure exams
    assert first.points > 0 and attempt_row(app, pid).score_points == first.points


@pytest.mark.parametrize("exam", [None, "aws-saa-c03"])
def test_htmx_answer_is_one_transaction_of_a_few_statements_whatever_the_size(
        app: Flask, client: FlaskClient, hx: HtmxClient, exam: str | None) -> None:
    """One read (attempt + question), the content version, the conditional UPDATE of the
    question, the attempt's UPDATE ... RETURNING its tallies, the card's read and upsert for
    a practice mistake; one commit; never all 65 questions of an exam."""
    pid = start_exam(client, exam) if exam else start_practice(client)
    rows = questions(app, pid)
    client.get(f"/quiz/attempts/{pid}/1")  # site texts: read once per content version and app
    for n, choice in ((1, right(rows[0])), (2, wrong(rows[1]))):
        with QueryCounter(app) as log:
            response = hx.post(f"/quiz/attempts/{pid}/{n}",
                               data={"choice": choice, "version": "0"})
        assert response.status_code == 200
        assert log.commits == 1, log.statements
        # A practice mistake also reviews its card (FSRS: read the card's state, then one
        # upsert); an exam's mistakes wait for its submission.
        mistake = n == 2 and exam is None
        expected = 6 if mistake else 4
        assert len(log.statements) == expected, log.statements
        reads = [st for st in log.statements if st.startswith("SELECT")]
        assert len(reads) == 2 + mistake and "content_meta" in reads[1]
        assert all("attempt_question.position = ?" in st or "content_meta" in st
                   for st in reads[:2])
        assert [st.split()[0] for st in log.statements[2:]] == (
            ["UPDATE", "UPDATE"] + (["SELECT", "INSERT"] if mistake else []))
        if mistake:
            assert "FROM review_card" in log.statements[4]
    assert {q.position: q.chosen is not None for q in questions(app, pid)[:3]} == {
        1: True, 2: True, 3: False}
    with QueryCounter(app) as log:
        assert hx.get(f"/quiz/attempts/{pid}/3").status_code == 200
    assert len(log.statements) == 2 and log.commits == 0, log.statements


def test_htmx_answer_is_gzipped_not_brotli_since_nobody_stores_it(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    import gzip

    pid = start_practice(client)
    q = questions(app, pid)[0]
    response = hx.post(f"/quiz/attempts/{pid}/1", data={"choice": right(q)},
                       headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = gzip.decompress(response.get_data()).decode()
    assert body.lstrip().startswith('<div id="question-panel"') and 'data-outcome="correct"' in body
    only_br = hx.get(f"/quiz/attempts/{pid}/2", headers={"Accept-Encoding": "br"})
    assert only_br.headers["Content-Encoding"] == "br"  # the client's choice still rules


def test_answer_form_is_a_real_post_form_with_hx_post_and_csrf(client: FlaskClient) -> None:
    pid = start_practice(client)
    html = client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)" hx-post="([^"]+)"[^>]*data-quiz-form',
                     html)
    assert form and form.group(1) == form.group(2) == f"/quiz/attempts/{pid}/1"
    panel = panel_of(html)
    assert 'name="csrf_token"' in panel
    assert re.search(r"<fieldset[^>]*>\s*<legend", panel)
    inputs = re.findall(r'<input type="(radio|checkbox)" name="choice" value="(\d+)" '
                        r'id="(choice-\d+)"', panel)
    assert len(inputs) >= 3
    for _type, value, ident in inputs:
        assert re.search(rf'<label for="{ident}">[^<]+</label>', panel)


def test_the_correct_answer_is_not_in_the_page_before_answering(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = start_practice(client, count="20")
    rows = questions(app, pid)
    exam_pid = start_exam(client, "azure-az-900")
    exam_rows = questions(app, exam_pid)
    pages = []
    for n in range(1, 21):
        if n > 1:
            answer(client, pid, n - 1, right(rows[n - 2]))
        pages.append(client.get(f"/quiz/attempts/{pid}/{n}").get_data(as_text=True))
        pages.append(hx.get(f"/quiz/attempts/{pid}/{n}").get_data(as_text=True))
    for n in (1, 2):
        answer(client, exam_pid, n, right(exam_rows[n - 1]))  # exams: hidden even once answered
        pages.append(client.get(f"/quiz/attempts/{exam_pid}/{n}").get_data(as_text=True))
        pages.append(hx.get(f"/quiz/attempts/{exam_pid}/{n}").get_data(as_text=True))
    for html in pages:
        panel = panel_of(html)
        for marker in ("data-correct", "data-outcome", "is-correct", "is-wrong", "right answer",
                       "<!--", "explanation"):
            assert marker not in panel, marker
        hidden = re.findall(r'<input type="hidden" name="([^"]+)"', panel)
        assert set(hidden) <= {"csrf_token", "version"}
        # Options differ only by index, text and the learner's own choice.
        shapes = {re.sub(r'value="\d+"|id="choice-\d+"|for="choice-\d+"|>[^<]*</label>|'
                         r' data-autofocus| is-chosen| checked', "", li)
                  for li in re.findall(r'<li class="option[^"]*">.*?</li>', panel, re.DOTALL)}
        assert len(shapes) == 1, shapes


# ----------------------------------------------------------------------------- exam


def test_exam_simulation_with_flags_review_screen_submit_and_results(
        app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "aws-clf-c02")
    attempt = attempt_row(app, pid)
    rows = questions(app, pid)
    assert attempt.mode == "exam" and attempt.exam_slug == "aws-clf-c02"
    assert len(rows) == 65 and attempt.max_points == 65
    assert attempt.deadline is not None
    assert abs((attempt.deadline - attempt.created_at).total_seconds() - 90 * 60) < 1
    html = client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True)
    assert 'role="timer"' in html and "data-deadline=" in html
    assert re.search(r'data-remaining>(1:29:\d\d|1:30:00)<', html)
    assert "Flag for review" in html

    # Any order; flags; answers go unjudged until the end.
    expected = 0.0
    for q in reversed(rows[:40]):
        choice = right(q) if q.position % 4 else wrong(q)
        response = answer(client, pid, q.position, choice)
        assert response.status_code == 303
        expected += engine.score(tuple(q.correct), tuple(int(c) for c in choice), "no_partial")[0]
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "data-outcome" not in html and "Your answer is saved" in html
    for n in (3, 41, 42):
        response = client.post(f"/quiz/attempts/{pid}/{n}/flag", data={"flagged": "1"})
        assert response.status_code == 303
    client.post(f"/quiz/attempts/{pid}/42/flag", data={"flagged": "0"})
    flagged = [q.position for q in questions(app, pid) if q.flagged]
    assert flagged == [3, 41]

    review = client.get(f"/quiz/attempts/{pid}/review")
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    assert "<strong>40</strong> answered" in html
    assert "<strong>25</strong> unanswered" in html
    assert "<strong>2</strong> flagged" in html
    assert html.count("Answered</span>") == 40 and html.count("Unanswered</span>") == 25
    for n in (1, 41, 65):
        assert f'href="/quiz/attempts/{pid}/{n}"' in html
    assert "25 questions are unanswered" in html

    response = client.post(f"/quiz/attempts/{pid}/finish")
    assert response.status_code == 303
    attempt = attempt_row(app, pid)
    assert attempt.finished_at is not None
    assert attempt.score_points == expected
    scaled = engine.scaled_score(expected, 65, 100, 1000)
    assert attempt.scaled_score == scaled and attempt.passed == (scaled >= 700)
    html = unescape(client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True))
    assert f'<span class="score-value">{scaled}</span>' in html
    assert ("Pass" if attempt.passed else "Fail") in html and "official pass mark is 700" in html
    for domain in ("Cloud Concepts", "Security and Compliance", "Cloud Technology and Services",
                   "Billing, Pricing, and Support"):
        assert f'<th scope="row">{domain}</th>' in html
    assert html.count('class="answer-item') == 65
    # Once finished, a question shows its answer; the attempt no longer accepts anything.
    page = client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True)
    assert "data-outcome" in page
    assert answer(client, pid, 50, right(rows[49])).status_code == 409
    assert client.post(f"/quiz/attempts/{pid}/50/flag", data={"flagged": "1"}).status_code == 409
    assert client.get(f"/quiz/attempts/{pid}/review").status_code == 303


def test_microsoft_exams_give_one_point_per_correct_component(
        app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "azure-az-104")
    rows = questions(app, pid)
    with app.app_context():  # make question 1 a "Choose two" item, as Microsoft's multi-select
        q = db.session.scalar(sa.select(m.AttemptQuestion).where(
            m.AttemptQuestion.id == rows[0].id))
        assert q is not None
        q.correct, q.multi = [0, 1], True
        attempt = db.session.scalar(sa.select(m.Attempt).where(m.Attempt.public_id == pid))
        assert attempt is not None
        attempt.max_points = sum(2.0 if r.id == q.id else float(len(r.correct)) for r in rows)
        db.session.commit()
    html = client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True)
    assert 'type="checkbox"' in html and "Choose two." in html
    assert answer(client, pid, 1, ["0", "2"]).status_code == 303
    client.post(f"/quiz/attempts/{pid}/finish")
    assert questions(app, pid)[0].points == 1.0
    html = client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True)
    assert "Partly right" in html


def test_google_exams_say_the_pass_mark_is_not_published_and_label_readiness_as_ours(
        app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "gcp-cdl")
    rows = questions(app, pid)
    for q in rows:
        answer(client, pid, q.position, right(q))
    client.post(f"/quiz/attempts/{pid}/finish")
    attempt = attempt_row(app, pid)
    assert attempt.scaled_score == 100 and attempt.passed is True  # percent: no invented scale
    html = unescape(client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True))
    assert "Ready" in html and "our readiness threshold of 70" in html
    assert "does not publish a pass mark; this threshold is ours" in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "100% of the points: a practice estimate" in text and "on a 0–1000" not in text
    assert "generated practice items, not the real exam's questions" in html
    assert "Pass" not in re.sub(r"<[^>]+>", " ", html).split("Every question")[0].replace(
        "pass mark", "")


def test_answer_after_the_deadline_is_refused_and_the_exam_is_closed(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = start_exam(client, "gcp-ace")
    rows = questions(app, pid)
    answer(client, pid, 1, right(rows[0]))
    with app.app_context():
        db.session.execute(sa.update(m.Attempt).where(m.Attempt.public_id == pid)
                           .values(deadline=m.utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    response = answer(client, pid, 2, right(rows[1]))
    assert response.status_code == 409
    assert "Time is up" in response.get_data(as_text=True)
    attempt = attempt_row(app, pid)
    assert attempt.finished_at is not None and attempt.finished_at <= attempt.deadline
    assert attempt.score_points == 1
    assert attempt.scaled_score == engine.scaled_score(1, len(rows), 0, 100)
    assert questions(app, pid)[1].chosen is None
    assert answer(client, pid, 3, right(rows[2])).status_code == 409
    assert hx.post(f"/quiz/attempts/{pid}/3", data={"choice": right(rows[2])}).status_code == 409


def test_visiting_an_expired_exam_finishes_it_and_shows_the_results(
        app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "aws-saa-c03")
    with app.app_context():
        db.session.execute(sa.update(m.Attempt).where(m.Attempt.public_id == pid)
                           .values(deadline=m.utcnow() - dt.timedelta(minutes=5)))
        db.session.commit()
    response = client.get(f"/quiz/attempts/{pid}/4")
    assert response.status_code == 303 and response.headers["Location"].endswith("/results")
    attempt = attempt_row(app, pid)
    assert attempt.finished_at is not None and attempt.scaled_score == 100
    assert attempt.passed is False
    html = client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True)
    assert "Fail" in html


def test_full_redirect_is_hx_redirect_for_htmx_and_303_otherwise(app: Flask) -> None:
    from cloudquiz.web.htmx import full_redirect

    cases = [({}, 303), ({"HX-Request": "true"}, 204),
             ({"HX-Request": "true", "HX-Boosted": "true"}, 204),
             ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, 303)]
    for headers, status in cases:
        with app.test_request_context("/quiz/attempts/x/1", headers=headers):
            response = full_redirect("/quiz/attempts/x/results")
        assert response.status_code == status, headers
        assert "HX-Request" in response.headers["Vary"]
        if status == 204:
            assert response.headers["HX-Redirect"] == "/quiz/attempts/x/results"
            assert "Location" not in response.headers and response.get_data() == b""
        else:
            assert response.headers["Location"] == "/quiz/attempts/x/results"
            assert "HX-Redirect" not in response.headers


def test_htmx_requests_on_an_expired_exam_go_straight_to_the_results(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    """The three ways an htmx request meets the deadline: answer, swap a question, boosted
    navigation; each closes the attempt and sends the browser to the results page."""
    pid = start_exam(client, "aws-clf-c02")
    rows = questions(app, pid)
    answer(client, pid, 1, right(rows[0]))
    expire(app, pid)
    results = f"/quiz/attempts/{pid}/results"
    response = hx.post(f"/quiz/attempts/{pid}/2", data={"choice": right(rows[1])})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == results
    assert "HX-Request" in response.headers["Vary"]
    attempt = attempt_row(app, pid)
    assert attempt.finished_at == attempt.deadline and attempt.score_points == 1
    assert questions(app, pid)[1].chosen is None  # arrived after the deadline: not recorded
    assert "Time ran out" in client.get(results).get_data(as_text=True)
    for kw in ({}, {"boosted": True}):
        pid = start_exam(client, "gcp-ace")
        expire(app, pid)
        get = hx.get(f"/quiz/attempts/{pid}/4", **kw)
        assert get.status_code == 204, kw
        assert get.headers["HX-Redirect"] == f"/quiz/attempts/{pid}/results"
        assert attempt_row(app, pid).finished_at is not None
    pid = start_exam(client, "gcp-ace")
    expire(app, pid)
    restore = hx.get(f"/quiz/attempts/{pid}/4", history_restore=True)  # a plain XHR: 303
    assert restore.status_code == 303
    assert restore.headers["Location"] == f"/quiz/attempts/{pid}/results"


def test_an_htmx_flag_after_the_deadline_goes_to_the_results(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = start_exam(client, "gcp-cdl")
    expire(app, pid)
    response = hx.post(f"/quiz/attempts/{pid}/3/flag", data={"flagged": "1"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/quiz/attempts/{pid}/results"
    assert not questions(app, pid)[2].flagged
    assert attempt_row(app, pid).finished_at is not None
    plain = client.post(f"/quiz/attempts/{pid}/3/flag", data={"flagged": "1"})
    assert plain.status_code == 409  # already closed: no more "time is up", just finished


def test_results_say_time_ran_out_only_when_it_did(app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "azure-az-900")
    assert client.post(f"/quiz/attempts/{pid}/finish").status_code == 303
    assert "Time ran out" not in client.get(f"/quiz/attempts/{pid}/results").get_data(
        as_text=True)


# ----------------------------------------------------------------------------- exam answers


HX = {"HX-Request": "true"}


def checked(form) -> list[str]:
    """The option values a form would send as it is (what the learner sees selected)."""
    return sorted(v for k, v in form.fields if k == "choice")


def page_form(html: str):
    return next(f for f in Html(html).forms if f.method == "post" and f.choices)


def test_an_exam_answer_can_be_changed_and_cleared_until_submit_and_the_last_one_counts(
        app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "azure-az-900")
    rows = questions(app, pid)
    url1, url2 = f"/quiz/attempts/{pid}/1", f"/quiz/attempts/{pid}/2"
    form = answer_form(client, url1)
    assert dict(form.fields)["version"] == "0"
    assert submit(client, url1, form, choice=wrong(rows[0])).status_code == 303

    # The saved answer stays selected and can be changed: options enabled, Clear offered.
    html = client.get(url1).get_data(as_text=True)
    text = page_text(html)
    assert "You can change or clear it until you submit the exam" in text
    assert "Answers are final" not in text
    assert not re.search(r"<fieldset[^>]*disabled", panel_of(html))
    form = page_form(html)
    assert checked(form) == sorted(wrong(rows[0])) and dict(form.fields)["version"] == "1"
    assert {b.get("data-clear") is not None for b in form.buttons} == {True, False}
    assert submit(client, url1, form, choice=right(rows[0])).status_code == 303
    assert checked(answer_form(client, url1)) == sorted(right(rows[0]))

    # Answered, then cleared: unanswered again.
    submit(client, url2, answer_form(client, url2), choice=right(rows[1]))
    response = press(client, url2, answer_form(client, url2), "data-clear")
    assert response.status_code == 303 and response.headers["Location"] == url2
    form = answer_form(client, url2)
    assert checked(form) == [] and not [b for b in form.buttons if "data-clear" in b]
    press(client, f"/quiz/attempts/{pid}/3", answer_form(client, f"/quiz/attempts/{pid}/3"),
          "data-flag")
    stored = questions(app, pid)
    assert stored[0].chosen == sorted(int(c) for c in right(rows[0])) and stored[0].version == 2
    assert stored[1].chosen is None and stored[1].version == 2 and stored[1].points == 0

    review_page = page_text(client.get(f"/quiz/attempts/{pid}/review").get_data(as_text=True))
    assert "1 answered" in review_page and "49 unanswered" in review_page
    assert "1 flagged" in review_page
    assert "change or clear its answer" in review_page

    client.post(f"/quiz/attempts/{pid}/finish")
    assert attempt_row(app, pid).score_points == 1  # the changed answer, right; the cleared: 0
    results = page_text(client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True))
    first, second = results.split("Every question", 1)[1].split("Your answer")[:2]
    assert "Right" in first.split("1 /")[0]
    assert "Not answered" in second
    # Submitted: final. The question shows its result; a form from before is refused.
    html = client.get(url1).get_data(as_text=True)
    assert re.search(r"<fieldset[^>]*disabled", panel_of(html)) and "data-flag" not in html
    assert press(client, url2, form, "data-flag").status_code == 409
    assert submit(client, url2, form, choice=right(rows[1])).status_code == 409
    assert questions(app, pid)[1].chosen is None


def test_a_stale_exam_form_is_a_409_that_keeps_the_newer_answer_and_links_back(
        app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "gcp-cdl")
    q = questions(app, pid)[0]
    url = f"/quiz/attempts/{pid}/1"
    stale = answer_form(client, url)  # rendered at version 0, as in a second tab
    assert submit(client, url, stale, choice=right(q)).status_code == 303
    for headers in ({}, HX):
        # The same form again (a replay), with another choice or the same one: refused.
        for choice in (wrong(q), right(q)):
            response = submit(client, url, stale, headers=headers, choice=choice)
            assert response.status_code == 409, (headers, choice)
            html = response.get_data(as_text=True)
            text = page_text(html)
            assert "changed after this page was loaded" in text
            assert "the newer answer is kept" in text
            assert re.search(rf'role="alert"[^>]*>[^<]*<a href="{url}">Open question 1 again', html)
            assert checked(page_form(html)) == sorted(right(q))  # the page shows the newer one
            assert ("<html" in html) == (not headers)
    stored = questions(app, pid)[0]
    assert stored.chosen == sorted(int(c) for c in right(q)) and stored.version == 1
    assert attempt_row(app, pid).score_points == 1
    # A made-up future version is just as stale.
    assert answer(client, pid, 1, wrong(q), version="7").status_code == 409
    # A Clear from a tab left open before the latest change does not clear the newer answer.
    old_tab = answer_form(client, url)
    assert submit(client, url, answer_form(client, url), choice=wrong(q)).status_code == 303
    for headers in ({}, HX):
        assert press(client, url, old_tab, "data-clear", headers=headers).status_code == 409
    stored = questions(app, pid)[0]
    assert stored.chosen == sorted(int(c) for c in wrong(q)) and stored.version == 2


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "1.5", "9" * 12])
def test_an_exam_answer_without_a_readable_version_is_a_400(
        app: Flask, client: FlaskClient, version: str | None) -> None:
    pid = start_exam(client, "aws-clf-c02")
    q = questions(app, pid)[0]
    data = {"choice": right(q)} | ({} if version is None else {"version": version})
    for headers in ({}, HX):
        response = client.post(f"/quiz/attempts/{pid}/1", data=data, headers=headers)
        assert response.status_code == 400
        assert "no answer version" in page_text(response.get_data(as_text=True))
    assert questions(app, pid)[0].chosen is None


def test_flagging_keeps_the_selection_without_javascript(app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "aws-saa-c03")
    q = questions(app, pid)[0]
    url = f"/quiz/attempts/{pid}/1"
    pick = right(q)
    # Pick an option, then press "Flag for review" (a button of the answer form).
    response = press(client, url, answer_form(client, url), "data-flag", choice=pick)
    assert response.status_code == 303
    back = response.headers["Location"]
    assert back.startswith(url + "?")
    html = client.get(back).get_data(as_text=True)
    form = page_form(html)
    assert checked(form) == sorted(pick)
    text = page_text(html)
    assert "Flagged for review" in text and "not saved yet" in text
    stored = questions(app, pid)[0]
    assert stored.flagged and stored.chosen is None  # a flag never saves or clears an answer
    # Enter: the form as it is, selection kept, saves the answer.
    assert submit(client, back, form).status_code == 303
    assert questions(app, pid)[0].chosen == sorted(int(c) for c in pick)
    # Unflag an answered question with another option picked: both stay as they are.
    other = wrong(q)
    response = press(client, url, answer_form(client, url), "data-flag", choice=other)
    form = answer_form(client, response.headers["Location"])
    assert checked(form) == sorted(other)
    stored = questions(app, pid)[0]
    assert not stored.flagged and stored.chosen == sorted(int(c) for c in pick)
    # Unchanged selection: the plain question URL.
    response = press(client, url, answer_form(client, url), "data-flag")
    assert response.headers["Location"] == url


def test_flagging_keeps_the_selection_with_htmx(app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "azure-az-104")
    q = questions(app, pid)[0]
    url = f"/quiz/attempts/{pid}/1"
    pick = wrong(q)
    response = press(client, url, answer_form(client, url), "data-flag", headers=HX,
                     choice=pick)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="question-panel"')
    form = page_form(body)
    assert checked(form) == sorted(pick)
    assert re.search(rf'value="{pick[0]}" id="choice-{pick[0]}" checked data-autofocus', body)
    text = page_text(body)
    assert "Flagged for review." in text and "not saved yet" in text
    assert questions(app, pid)[0].chosen is None and questions(app, pid)[0].flagged
    # The next key, Enter, submits that form: the selection is the answer.
    saved = submit(client, url, form, headers=HX)
    assert saved.status_code == 200 and "Your answer is saved" in page_text(
        saved.get_data(as_text=True))
    assert questions(app, pid)[0].chosen == sorted(int(c) for c in pick)


@pytest.mark.parametrize("choice", [["x"], ["99"], ["0", "0"]])
def test_a_flag_with_a_tampered_selection_is_a_400(
        app: Flask, client: FlaskClient, choice: list[str]) -> None:
    pid = start_exam(client, "gcp-ace")
    url = f"/quiz/attempts/{pid}/1"
    response = press(client, url, answer_form(client, url), "data-flag", choice=choice)
    assert response.status_code == 400
    assert not questions(app, pid)[0].flagged
    assert client.get(f"{url}?choice={choice[0]}").status_code in (200, 400)
    assert client.get(f"{url}?choice=99").status_code == 400


def test_practice_answers_stay_final_and_cannot_be_cleared(
        app: Flask, client: FlaskClient) -> None:
    pid = start_practice(client)
    q = questions(app, pid)[0]
    url = f"/quiz/attempts/{pid}/1"
    form = answer_form(client, url)
    assert "version" not in dict(form.fields) and len(form.buttons) == 1  # "Check answer"
    assert submit(client, url, form, choice=wrong(q)).status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert re.search(r"<fieldset[^>]*disabled", panel_of(html))  # feedback, no second try
    response = client.post(f"{url}/clear", data={"version": "1"})
    assert response.status_code == 409 and "final" in page_text(response.get_data(as_text=True))
    assert answer(client, pid, 1, right(q)).status_code == 409
    assert questions(app, pid)[0].chosen == sorted(int(c) for c in wrong(q))


# ----------------------------------------------------------------------------- running exams


def progress_figures(client: FlaskClient) -> dict[str, str]:
    """What /progress says about accuracy: the summary figures, the three accuracy tables and
    the weakest areas, as a reader sees them."""
    html = client.get("/progress").get_data(as_text=True)
    tree = Html(html).tree
    part = {name: " ".join((n.text(separator=" ") for n in tree.css(css)))
            for name, css in (("figures", "dl.summary-figures"), ("accuracy", ".tally-grid"),
                              ("weak", ".weak-list"))}
    part["figures"] = re.sub(r"^\s*Attempts\s+\d+", "", part["figures"])  # it exists, sure
    return {k: re.sub(r"\s+", " ", v).strip() for k, v in part.items()}


def due_now(client: FlaskClient) -> int:
    text = page_text(client.get("/quiz").get_data(as_text=True))
    return int(re.search(r"(\d+) due now", text).group(1))


def test_a_running_exam_reaches_progress_and_the_review_queue_only_when_submitted(
        app: Flask, client: FlaskClient) -> None:
    pid = start_practice(client)
    for q in questions(app, pid):
        answer(client, pid, q.position, wrong(q) if q.position <= 2 else right(q))
    before = progress_figures(client)
    assert "Questions answered 10" in before["figures"] and "Accuracy 80%" in before["figures"]
    assert due_now(client) == 2

    exam = start_exam(client, "aws-clf-c02")
    rows = questions(app, exam)
    for q in rows[:12]:
        answer(client, exam, q.position, wrong(q))
    answer(client, exam, 1, right(rows[0]))  # a changed answer, still unjudged
    assert progress_figures(client) == before  # nothing of the running exam counts yet
    page = page_text(client.get("/progress").get_data(as_text=True))
    assert "1 exam in progress: its answers count here once submitted" in page
    assert due_now(client) == 2
    with app.app_context():
        assert {c.card_key for c in db.session.scalars(sa.select(m.ReviewCard))} == {
            q.card_key for q in questions(app, pid)[:2]}
    review_pid = start_review(client)
    assert {q.card_key for q in questions(app, review_pid)} == {
        q.card_key for q in questions(app, pid)[:2]}

    assert client.post(f"/quiz/attempts/{exam}/finish").status_code == 303
    after = progress_figures(client)
    assert "Questions answered 22" in after["figures"]  # 10 + the 12 answered in the exam
    assert "Accuracy 41%" in after["figures"]  # (8 + 1) of 22
    assert after["accuracy"] != before["accuracy"]
    with app.app_context():  # the exam's 11 mistakes (its last answers) are review cards now
        keys = {c.card_key for c in db.session.scalars(sa.select(m.ReviewCard))}
    assert keys >= {q.card_key for q in rows[1:12]} and rows[0].card_key not in keys
    assert due_now(client) == 13  # the practice's two (that review is unanswered) + 11


def test_an_exam_that_ran_out_of_time_counts_once_closed(app: Flask, client: FlaskClient) -> None:
    exam = start_exam(client, "gcp-cdl")
    rows = questions(app, exam)
    for q in rows[:3]:
        answer(client, exam, q.position, wrong(q))
    assert "Questions answered 0" in progress_figures(client)["figures"]
    expire(app, exam)
    assert "Questions answered 3" in progress_figures(client)["figures"]  # closed, counted
    assert attempt_row(app, exam).finished_at is not None
    assert due_now(client) == 3


def test_review_never_draws_a_card_a_running_exam_asks(app: Flask, client: FlaskClient) -> None:
    exam = start_exam(client, "azure-az-900")
    asked = questions(app, exam)[0]
    with client.session_transaction() as sess:
        lid = sess["learner_id"]
    with app.app_context():  # a mistake made before the exam began, on a question it asks
        db.session.add(m.ReviewCard(learner_id=lid, card_key=asked.card_key,
                                    due_at=store_clock.now(), snapshot=review._card_snapshot(
                                        asked)))
        db.session.commit()
    text = page_text(client.get("/quiz").get_data(as_text=True))
    assert "0 due now" in text and "1 held back until you submit your exam in progress" in text
    response = client.post("/quiz/review")
    assert response.status_code == 409 and "Nothing to review" in page_text(
        response.get_data(as_text=True))
    client.post(f"/quiz/attempts/{exam}/finish")
    assert due_now(client) == 1
    review_pid = start_review(client)
    assert [q.card_key for q in questions(app, review_pid)] == [asked.card_key]


def test_no_page_shows_the_right_answer_of_a_running_exams_question(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    practice = start_practice(client)  # started before the exam
    prows = questions(app, practice)
    exam = start_exam(client, "gcp-ace")
    with app.app_context():  # the exam happens to ask practice question 2 too
        exam_id = attempt_row(app, exam).id
        # ... and not question 1 (a random draw may ask it: give that copy another identity)
        db.session.execute(sa.update(m.AttemptQuestion).where(
            m.AttemptQuestion.attempt_id == exam_id,
            m.AttemptQuestion.card_key == prows[0].card_key).values(card_key="not-practice-1"))
        db.session.execute(sa.update(m.AttemptQuestion).where(
            m.AttemptQuestion.attempt_id == exam_id,
            m.AttemptQuestion.position == 1).values(card_key=prows[1].card_key))
        db.session.commit()
    held = prows[1]
    right_texts = [held.options[i] for i in held.correct]
    answer(client, practice, 1, right(prows[0]))
    assert 'data-outcome="correct"' in client.get(f"/quiz/attempts/{practice}/1").get_data(
        as_text=True)  # not asked by the exam: feedback as usual
    fragment = hx.post(f"/quiz/attempts/{practice}/2", data={"choice": wrong(held)})
    for html in (fragment.get_data(as_text=True),
                 client.get(f"/quiz/attempts/{practice}/2").get_data(as_text=True)):
        panel = panel_of(html)
        assert "data-correct" not in panel and "data-outcome" not in panel
        assert "is-correct" not in panel and held.explanation not in unescape(panel)
        assert "also in an exam you have not submitted yet" in page_text(panel)
    for q in prows[2:]:
        answer(client, practice, q.position, right(q))
    results = client.get(f"/quiz/attempts/{practice}/results").get_data(as_text=True)
    items = Html(results).tree.css(".answer-item")
    hidden = [i for i in items if "data-held" in i.attributes]
    # question 2, and any other the exam happens to ask as well (a random draw may)
    asked = {q.card_key for q in questions(app, exam)}
    assert len(hidden) == sum(q.card_key in asked for q in prows)
    assert all("Hidden for now" in i.text() for i in hidden)
    mine = next(i for i in hidden if unescape(held.prompt)[:60] in unescape(i.text()))
    # The learner's own (wrong) choices are shown; a right option must not be. ("Amazon VPC"
    # is right and "Amazon VPC Lattice" was chosen: compare with the chosen texts taken out.)
    chosen = [held.options[int(c)] for c in wrong(held)]
    shown = mine.text()
    for text in sorted(chosen, key=len, reverse=True):
        shown = shown.replace(text, "")
    for text in right_texts:
        if text not in chosen:
            assert text not in shown
    # New practice never asks what the running exam asks.
    exam_keys = {q.card_key for q in questions(app, exam)}
    fresh = start_practice(client, count="50")
    assert not {q.card_key for q in questions(app, fresh)} & exam_keys

    client.post(f"/quiz/attempts/{exam}/finish")
    results = client.get(f"/quiz/attempts/{practice}/results").get_data(as_text=True)
    assert "data-held" not in results
    html = client.get(f"/quiz/attempts/{practice}/2").get_data(as_text=True)
    assert data_correct(unescape(html)) == right_texts


# ----------------------------------------------------------------------------- review (FSRS)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 26, 9, 0)

    def today(self) -> dt.date:
        return self.now.date()

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(store_clock, "now", lambda: c.now)
    monkeypatch.setattr(store_clock, "today", c.today)
    return c


def cards(app: Flask) -> dict[str, m.ReviewCard]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(m.ReviewCard)))
        db.session.expunge_all()
        return {c.card_key: c for c in rows}


def answer_review(app: Flask, client: FlaskClient, outcomes: dict[str, bool]) -> None:
    pid = start_review(client)
    asked = questions(app, pid)
    assert {q.card_key for q in asked} == set(outcomes)  # exactly the cards due now
    for q in asked:
        ok = outcomes[q.card_key]
        response = answer(client, pid, q.position, right(q) if ok else wrong(q))
        assert response.status_code == 303
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert f'data-outcome="{"correct" if ok else "incorrect"}"' in html
    assert attempt_row(app, pid).finished_at is not None


class Oracle:
    """The schedule the ``fsrs`` package itself gives the same ratings at the same times."""

    def __init__(self, clock: Clock) -> None:
        self.clock, self.cards = clock, {}

    def rate(self, key: str, right: bool) -> None:
        at = self.clock.now.replace(tzinfo=dt.timezone.utc)
        card = self.cards.get(key) or fsrs.Card(card_id=0, due=at)
        self.cards[key], _ = review.scheduler().review_card(
            card, fsrs.Rating.Good if right else fsrs.Rating.Again, at)

    def assert_matches(self, stored: dict[str, m.ReviewCard]) -> None:
        assert set(stored) == set(self.cards)
        for key, card in self.cards.items():
            row = stored[key]
            assert (row.state, row.step) == (int(card.state), card.step), key
            assert row.due_at == card.due.replace(tzinfo=None), key
            assert row.stability == pytest.approx(card.stability), key
            assert row.difficulty == pytest.approx(card.difficulty), key


def test_review_mistakes_are_scheduled_by_fsrs_over_days(
        app: Flask, client: FlaskClient, clock: Clock) -> None:
    oracle = Oracle(clock)
    pid = start_practice(client)
    rows = questions(app, pid)
    for q in rows:
        answer(client, pid, q.position, wrong(q) if q.position <= 2 else right(q))
    a, b = rows[0].card_key, rows[1].card_key
    oracle.rate(a, False)
    oracle.rate(b, False)
    oracle.assert_matches(cards(app))  # a mistake is rated Again, and due at once
    assert "<strong class=\"queue-due\">2</strong>" in client.get("/quiz").get_data(as_text=True)

    # The review attempt holds exactly the two cards, options reshuffled but the same.
    review_pid = start_review(client)
    review_rows = questions(app, review_pid)
    assert sorted(q.card_key for q in review_rows) == sorted([a, b])
    for rq in review_rows:
        orig = next(q for q in rows if q.card_key == rq.card_key)
        assert sorted(rq.options) == sorted(orig.options)
        assert {rq.options[i] for i in rq.correct} == {orig.options[i] for i in orig.correct}
        ok = rq.card_key == a
        answer(client, review_pid, rq.position, right(rq) if ok else wrong(rq))
        oracle.rate(rq.card_key, ok)
    stored = cards(app)
    oracle.assert_matches(stored)
    assert stored[a].due_at == clock.now + dt.timedelta(minutes=10)  # the next learning step
    assert stored[b].due_at == clock.now  # wrong again: due at once

    answer_review(app, client, {b: True})  # only b is due now
    oracle.rate(b, True)
    clock.advance(minutes=11)  # both learning steps are over: both due, both right
    answer_review(app, client, {a: True, b: True})
    oracle.rate(a, True)
    oracle.rate(b, True)
    stored = cards(app)
    oracle.assert_matches(stored)
    first = stored[a].due_at - clock.now
    assert stored[a].state == fsrs.State.Review and first >= dt.timedelta(days=1)
    assert client.post("/quiz/review").status_code == 409  # nothing due until then

    # The /progress forecast shows when they come back.
    html = Html(client.get("/progress").get_data(as_text=True))
    forecast = {row[0]: row[1] for row in html.table_rows("[data-forecast]")}
    due_day = stored[a].due_at.date()
    assert sum(int(n) for n in forecast.values()) == 2  # both within the next 7 days
    assert int(forecast[due_day.strftime("%a %d %b")]) >= 1
    assert "recall now of the 2 cards past the learning steps: 100 %" in html.text
    clock.advance(days=3)  # recall fades until the next review
    later = page_text(client.get("/progress").get_data(as_text=True))
    recall = int(re.search(r"past the learning steps: (\d+) %", later).group(1))
    assert 50 < recall < 100
    clock.advance(days=-3)

    clock.now = stored[a].due_at  # a comes due: right again, and the interval grows
    answer_review(app, client, {a: True, b: True} if stored[b].due_at <= clock.now else {a: True})
    for key in ([a, b] if stored[b].due_at <= clock.now else [a]):
        oracle.rate(key, True)
    stored = cards(app)
    oracle.assert_matches(stored)
    assert stored[a].due_at - clock.now > first

    # A mistake on a card in review state is a lapse: relearning, due again after the
    # package's 10-minute relearning step (docs/quiz.md).
    clock.now = max(stored[a].due_at, stored[b].due_at)
    answer_review(app, client, {a: False, b: True})
    oracle.rate(a, False)
    oracle.rate(b, True)
    stored = cards(app)
    oracle.assert_matches(stored)
    assert (stored[a].state, stored[a].lapses) == (fsrs.State.Relearning, 1)
    assert stored[a].due_at == clock.now + dt.timedelta(minutes=10)


def test_review_with_an_empty_queue_is_a_409(client: FlaskClient) -> None:
    response = client.post("/quiz/review")
    assert response.status_code == 409
    assert "Nothing to review" in response.get_data(as_text=True)


# ----------------------------------------------------------------------------- integrity


def test_answering_twice_is_a_409_and_keeps_the_first_answer(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = start_practice(client)
    q = questions(app, pid)[0]
    assert answer(client, pid, 1, wrong(q)).status_code == 303
    before = attempt_row(app, pid).score_points
    response = answer(client, pid, 1, right(q))
    assert response.status_code == 409
    assert "already answered" in response.get_data(as_text=True)
    fragment = hx.post(f"/quiz/attempts/{pid}/1", data={"choice": right(q)})
    assert fragment.status_code == 409
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="question-panel"')
    assert questions(app, pid)[0].chosen == [int(c) for c in wrong(q)]
    assert attempt_row(app, pid).score_points == before == 0


def test_another_learners_attempt_is_a_404_and_unchanged(
        app: Flask, client: FlaskClient) -> None:
    pid = start_practice(client)
    q = questions(app, pid)[0]
    stranger = app.test_client()
    for response in (
        stranger.get(f"/quiz/attempts/{pid}"),
        stranger.get(f"/quiz/attempts/{pid}/1"),
        stranger.post(f"/quiz/attempts/{pid}/1", data={"choice": right(q)}),
        stranger.post(f"/quiz/attempts/{pid}/1/flag", data={"flagged": "1"}),
        stranger.get(f"/quiz/attempts/{pid}/review"),
        stranger.post(f"/quiz/attempts/{pid}/finish"),
        stranger.get(f"/quiz/attempts/{pid}/results"),
    ):
        assert response.status_code == 404
        assert pid not in response.get_data(as_text=True)
    stranger.post("/quiz/practice", data={"count": "10"})  # a learner, but not this one
    assert stranger.post(f"/quiz/attempts/{pid}/1", data={"choice": right(q)}).status_code == 404
    assert questions(app, pid)[0].chosen is None
    assert attempt_row(app, pid).finished_at is None


@pytest.mark.parametrize("url", [
    "/quiz/attempts/{pid}/0", "/quiz/attempts/{pid}/11", "/quiz/attempts/{pid}/999999999",
    "/quiz/attempts/{pid}x/1", "/quiz/attempts/" + "f" * 300 + "/1", "/quiz/attempts/nope",
])
def test_unknown_attempts_and_questions_are_404(client: FlaskClient, url: str) -> None:
    pid = start_practice(client)
    assert client.get(url.format(pid=pid)).status_code == 404
    assert client.post(url.format(pid=pid), data={"choice": "0"}).status_code in (404, 405)


def test_answering_a_finished_attempt_is_a_409(app: Flask, client: FlaskClient) -> None:
    pid = start_practice(client)
    rows = questions(app, pid)
    for q in rows:
        answer(client, pid, q.position, right(q))
    with app.app_context():  # even a question left open by tampering with the database
        db.session.execute(sa.update(m.AttemptQuestion)
                           .where(m.AttemptQuestion.id == rows[9].id).values(chosen=sa.null()))
        db.session.commit()
    response = answer(client, pid, 10, right(rows[9]))
    assert response.status_code == 409
    assert "finished" in response.get_data(as_text=True)
    assert questions(app, pid)[9].chosen is None


BAD_SINGLE = [(["abc"], 400), (["-1"], 400), (["99"], 400), (["0", "1"], 400), (["1.0"], 400),
              (["0", "0"], 400), ([""], 422), ([], 422), (["9" * 40], 400),
              (["١"], 400), (["０"], 400), (["²"], 400)]  # non-ASCII digits int() would read


@pytest.mark.parametrize(("choice", "status"), BAD_SINGLE)
def test_tampered_single_answers_are_rejected(app: Flask, client: FlaskClient, hx: HtmxClient,
                                              choice: list[str], status: int) -> None:
    # Only equivalence and scenario-multi questions can be "Choose two", where ["0", "1"] may
    # be a fine answer: leave them out so question 1 takes one answer whatever the seed.
    pid = start_practice(client, kinds=[k for k in KINDS
                                        if k not in ("equivalence", "scenario-multi")])
    assert len(questions(app, pid)[0].correct) == 1
    response = answer(client, pid, 1, choice)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "<html" in html
    fragment = hx.post(f"/quiz/attempts/{pid}/1", data={"choice": choice})
    assert fragment.status_code == status
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="question-panel"') and 'role="alert"' in body
    assert "data-outcome" not in body
    assert questions(app, pid)[0].chosen is None


@pytest.mark.parametrize(("choice", "status"), [
    (["0"], 400), (["0", "1", "2"], 400), (["0", "0"], 400), (["x", "1"], 400), ([], 422),
])
def test_tampered_choose_two_answers_are_rejected(app: Flask, client: FlaskClient,
                                                  choice: list[str], status: int) -> None:
    pid = start_practice(client)
    rows = questions(app, pid)
    with app.app_context():
        db.session.execute(sa.update(m.AttemptQuestion).where(m.AttemptQuestion.id == rows[0].id)
                           .values(correct=[0, 1], multi=True))
        db.session.commit()
    response = answer(client, pid, 1, choice)
    assert response.status_code == status
    assert questions(app, pid)[0].chosen is None
    assert answer(client, pid, 1, ["1", "0"]).status_code == 303
    assert questions(app, pid)[0].is_correct is True


@pytest.mark.parametrize("flagged", ["2", "yes", ""])
def test_tampered_flag_is_400(app: Flask, client: FlaskClient, flagged: str) -> None:
    pid = start_exam(client, "azure-az-900")
    response = client.post(f"/quiz/attempts/{pid}/1/flag", data={"flagged": flagged})
    assert response.status_code == 400
    assert not questions(app, pid)[0].flagged


def test_results_of_an_unfinished_attempt_send_the_learner_back(client: FlaskClient) -> None:
    pid = start_practice(client)
    response = client.get(f"/quiz/attempts/{pid}/results")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/quiz/attempts/{pid}"
    assert client.get(f"/quiz/attempts/{pid}").headers["Location"] == f"/quiz/attempts/{pid}/1"


# ----------------------------------------------------------------------------- CSRF


@pytest.fixture
def csrf_app(seeded_db_file: Path, tmp_path: Path) -> Iterator[Flask]:
    import shutil

    path = tmp_path / "csrf.db"
    shutil.copy(seeded_db_file, path)
    application = make_app(path, WTF_CSRF_ENABLED=True)
    yield application
    with application.app_context():
        db.engine.dispose()


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_every_quiz_post_needs_a_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    start = client.get("/quiz").get_data(as_text=True)
    response = client.post("/quiz/practice", data={"count": "10"})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    response = client.post("/quiz/practice", data={"count": "10", "csrf_token": token(start)})
    assert response.status_code == 303
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    pid = url.split("/")[3]
    for post_url, data in ((url, {"choice": "0"}), (f"{url}/flag", {"flagged": "1"}),
                           (f"/quiz/attempts/{pid}/finish", {}), ("/quiz/review", {}),
                           ("/quiz/exams/gcp-cdl", {})):
        assert client.post(post_url, data=data).status_code == 400, post_url
        assert client.post(post_url, data={**data, "csrf_token": "forged"}).status_code == 400
    first = questions(csrf_app, pid)[0]
    assert first.chosen is None
    # As many choices as the question takes (a random "Choose two" would make "0" a 400).
    assert client.post(url, data={"choice": right(first), "csrf_token": token(page)}
                       ).status_code == 303


# ----------------------------------------------------------------------------- progress


def test_progress_is_empty_for_a_new_browser(client: FlaskClient) -> None:
    response = client.get("/progress")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No attempts yet" in html and "HX-Request" in response.headers["Vary"]


def test_progress_shows_scores_accuracy_weak_areas_and_queue(
        app: Flask, client: FlaskClient) -> None:
    for i in range(3):
        pid = start_practice(client)
        for q in questions(app, pid):
            answer(client, pid, q.position, right(q) if (q.position + i) % 2 else wrong(q))
    exam = start_exam(client, "aws-clf-c02")
    answer(client, exam, 1, right(questions(app, exam)[0]))
    response = client.get("/progress")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert html.count('<circle class="dot"') == 3
    assert 'role="img"' in html and "<title id=\"chart-svg-title\">" in html
    assert "Score per finished attempt" in html
    for caption in ("Accuracy per provider", "Accuracy per category",
                    "Accuracy per question kind"):
        assert caption in html
    assert "In progress" in html and f'href="/quiz/attempts/{exam}"' in html
    assert "Practise these" in html
    forms = re.findall(r'<form method="post" action="/quiz/practice">(.*?)</form>', html, re.DOTALL)
    assert forms
    field, value = re.search(r'<input type="hidden" name="(providers|categories|kinds)" '
                             r'value="([^"]+)">', forms[0]).groups()
    response = client.post("/quiz/practice", data={field: value, "count": "10"})
    assert response.status_code == 303
    pid = response.headers["Location"].split("/")[3]
    assert attempt_row(app, pid).config[field] == [value]
    assert re.search(r"<dt>Review queue</dt><dd>\d+</dd>", html)


def test_progress_runs_a_bounded_number_of_queries(app: Flask, client: FlaskClient) -> None:
    for _ in range(4):
        pid = start_practice(client)
        for q in questions(app, pid):
            answer(client, pid, q.position, right(q))
    with QueryCounter(app) as log:
        assert client.get("/progress").status_code == 200
    assert len(log.statements) <= 10, log.statements


@pytest.mark.parametrize("data", [{"categories": ""}, {"providers": ""}, {"kinds": ""},
                                  {"providers": ["aws", ""]}, {"count": ""}])
def test_empty_tampered_practice_filters_are_422(client: FlaskClient, data: dict) -> None:
    response = client.post("/quiz/practice", data=data)
    # an emptied field is a tampered form: refused with the form again, nothing started
    assert response.status_code == 422
    assert "Location" not in response.headers
    assert 'action="/quiz/practice"' in response.get_data(as_text=True)


def test_progress_of_a_new_browser_shows_no_accuracy_instead_of_zero(client) -> None:
    html = client.get("/progress").get_data(as_text=True)
    assert "<dt>Accuracy</dt><dd>—</dd>" in html
    assert "No attempts yet" in html


def test_results_tabs_show_incorrect_skipped_and_flagged_with_counts(
        app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "aws-clf-c02")
    rows = questions(app, pid)
    for q in rows[:6]:
        answer(client, pid, q.position, right(q) if q.position % 2 else wrong(q))
    client.post(f"/quiz/attempts/{pid}/2/flag", data={"flagged": "1"})
    client.post(f"/quiz/attempts/{pid}/finish")
    page = Html(client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True))
    tabs = {a.attributes["data-tab"]: a for a in page.tree.css(".result-tabs a")}
    assert list(tabs) == ["all", "incorrect", "flagged"]  # an exam skips nothing; no empty tab
    assert tabs["all"].attributes["aria-current"] == "page"
    wrong_count = 65 - 3  # three right of six answered; the rest unanswered count as wrong
    assert tabs["incorrect"].css_first(".tab-count").text() == str(wrong_count)
    only = Html(client.get(tabs["incorrect"].attributes["href"].split("#")[0]).get_data(
        as_text=True))
    items = only.tree.css("li.answer-item")
    assert len(items) == wrong_count and all("is-wrong" in i.attributes["class"] for i in items)
    flagged = Html(client.get(f"/quiz/attempts/{pid}/results?show=flagged").get_data(
        as_text=True)).tree.css("li.answer-item")
    assert [i.attributes["id"] for i in flagged] == ["answer-2"]
    assert "Flagged" in flagged[0].text()
    # the explanations are folded away; an odd tab is the whole list
    assert page.tree.css("li.answer-item details.answer-more")
    odd = Html(client.get(f"/quiz/attempts/{pid}/results?show=<x>").get_data(as_text=True))
    assert len(odd.tree.css("li.answer-item")) == 65


def test_progress_shows_each_exams_readiness_against_its_pass_line_with_a_trend(
        app: Flask, client: FlaskClient) -> None:
    for share in (0, 3):  # the first simulation all wrong, the second right every third
        pid = start_exam(client, "aws-clf-c02")
        for q in questions(app, pid):
            answer(client, pid, q.position, right(q) if share and q.position % share == 0
                   else wrong(q))
        client.post(f"/quiz/attempts/{pid}/finish")
    page = Html(client.get("/progress").get_data(as_text=True))
    cards = page.tree.css(".readiness-card")
    assert len(cards) == 1
    card = cards[0]
    text = " ".join(card.text().split())
    last = attempt_row(app, pid)
    assert f"{last.scaled_score}" in text and "Fail" in text and "pass mark 700" in text
    assert "last of 2 simulations" in text
    trend = card.css_first("[data-trend]").text()
    assert trend.startswith("+") and trend.endswith("points since the previous one")
    assert [r.css_first(".bar-label").text() for r in card.css(".bar-row")] == [
        d["name"] for d in last.config["domains"]]
    assert card.css_first("a").attributes["href"] == f"/quiz/attempts/{pid}/results"
