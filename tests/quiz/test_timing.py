"""Time accommodations of an exam: the start form's limits, the extend button, and what the
results and progress pages say about the time used."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.quiz import timing
from tests.quiz.test_flow import answer, attempt_row, expire, questions, right
from tests.support.app import HtmxClient
from tests.support.html import Form, page_text, parse_page

SLUG = "aws-clf-c02"  # 90 minutes, 65 questions


def start_form(client: FlaskClient, slug: str = SLUG) -> Form:
    html = client.get(f"/quiz/exams/{slug}").get_data(as_text=True)
    forms = [f for f in parse_page(html).forms if f.action == f"/quiz/exams/{slug}"]
    assert len(forms) == 1
    return forms[0]


def start(client: FlaskClient, choice: str = "standard", extend: bool = False) -> str:
    data = start_form(client).data(timing=choice)
    if extend:
        data["extend"] = "y"
    response = client.post(f"/quiz/exams/{SLUG}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"].split("/")[3]


def extend_forms(html: str) -> list[Form]:
    return [f for f in parse_page(html).forms if f.action.endswith("/extend")]


def question_page(client: FlaskClient, pid: str, n: int = 1) -> str:
    response = client.get(f"/quiz/attempts/{pid}/{n}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_start_form_offers_four_limits_with_their_minutes(client: FlaskClient) -> None:
    form = start_form(client)
    assert form.choices["timing"] == ["standard", "extra50", "double", "untimed"]
    assert ("timing", "standard") in form.fields  # standard is preselected
    assert form.choices["extend"] == ["y"] and ("extend", "y") not in form.fields
    text = page_text(client.get(f"/quiz/exams/{SLUG}").get_data(as_text=True))
    for words in ("Standard time — 90 minutes", "time and a half) — 135 minutes",
                  "Double time (×2) — 180 minutes", "Untimed (no limit) — no deadline",
                  "change or clear any answer"):
        assert words in text, words
    assert "An answer is final once saved" not in text


@pytest.mark.parametrize(("choice", "minutes"), [
    ("standard", 90), ("extra50", 135), ("double", 180)])
def test_each_limit_sets_the_deadline_the_server_enforces(
        app: Flask, client: FlaskClient, choice: str, minutes: int) -> None:
    pid = start(client, choice)
    attempt = attempt_row(app, pid)
    assert attempt.deadline is not None
    assert (attempt.deadline - attempt.created_at).total_seconds() == minutes * 60
    assert attempt.config["timing"]["choice"] == choice
    html = question_page(client, pid)
    hours, mins = divmod(minutes - 1, 60)
    assert re.search(rf'data-remaining>({hours}:{mins:02d}:\d\d|{minutes // 60}:'
                     rf'{minutes % 60:02d}:00)<', html), html[:200]
    assert not extend_forms(html)  # extension was not chosen


def test_untimed_has_no_deadline_no_countdown_and_never_times_out(
        app: Flask, client: FlaskClient) -> None:
    pid = start(client, "untimed", extend=True)  # extend means nothing without a limit
    attempt = attempt_row(app, pid)
    assert attempt.deadline is None and attempt.config["timing"]["extendable"] is False
    html = question_page(client, pid)
    assert 'role="timer"' not in html and not extend_forms(html)
    assert answer(client, pid, 1, right(questions(app, pid)[0])).status_code == 303
    review = client.get(f"/quiz/attempts/{pid}/review").get_data(as_text=True)
    assert 'role="timer"' not in review


@pytest.mark.parametrize("value", ["triple", "", "standard\x00", "untimed'--"])
def test_a_tampered_limit_is_a_400_that_starts_nothing(
        app: Flask, client: FlaskClient, value: str) -> None:
    response = client.post(f"/quiz/exams/{SLUG}", data={"timing": value})
    assert response.status_code == 400
    assert "choose one of the time limits" in page_text(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Attempt)) == 0


def test_extend_adds_ten_minutes_once_per_click_and_a_replay_changes_nothing(
        app: Flask, client: FlaskClient) -> None:
    pid = start(client, "extra50", extend=True)
    before = attempt_row(app, pid).deadline
    html = question_page(client, pid, 3)
    forms = extend_forms(html)
    assert len(forms) == 2  # next to the countdown, and in the 20-second warning dialog
    assert "10 extensions left" in page_text(html)
    form = forms[0]
    response = client.post(form.action, data=form.data())
    assert response.status_code == 303
    assert response.headers["Location"] == f"/quiz/attempts/{pid}/3"  # back where it was
    after = attempt_row(app, pid)
    assert after.deadline == before + dt.timedelta(minutes=10)
    assert after.config["timing"]["extensions"] == 1
    # The same form again (a double click, the back button): the deadline it showed is gone.
    replay = client.post(form.action, data=form.data())
    assert replay.status_code == 409
    assert "already extended" in page_text(replay.get_data(as_text=True))
    assert attempt_row(app, pid).deadline == after.deadline
    assert "9 extensions left" in page_text(question_page(client, pid, 3))


def test_htmx_extend_swaps_the_countdown_with_the_new_deadline(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = start(client, "standard", extend=True)
    review = client.get(f"/quiz/attempts/{pid}/review").get_data(as_text=True)
    form = extend_forms(review)[0]
    assert form.data()["back"] == "review"
    response = hx.post(form.action, data=form.data())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div class="timer-box" data-timer-box>')
    deadline = attempt_row(app, pid).deadline
    assert f'data-deadline="{deadline.replace(tzinfo=dt.timezone.utc).isoformat()}"' in html
    assert "Time extended by 10 minutes" in page_text(html)
    assert 'role="status"' in html
    # A stale htmx form is told so inside the countdown, which shows the current deadline.
    stale = hx.post(form.action, data=form.data())
    assert stale.status_code == 200
    assert "already extended" in page_text(stale.get_data(as_text=True))
    assert attempt_row(app, pid).deadline == deadline


def test_extensions_stop_after_ten(app: Flask, client: FlaskClient) -> None:
    pid = start(client, "standard", extend=True)
    for n in range(timing.MAX_EXTENSIONS):
        form = extend_forms(question_page(client, pid))[0]
        assert client.post(form.action, data=form.data()).status_code == 303, n
    attempt = attempt_row(app, pid)
    assert (attempt.deadline - attempt.created_at) == dt.timedelta(minutes=90 + 100)
    html = question_page(client, pid)
    assert 'role="timer"' in html and not extend_forms(html)
    late = client.post(f"/quiz/attempts/{pid}/extend",
                       data={"deadline": attempt.deadline.isoformat(), "back": "1"})
    assert late.status_code == 409
    assert "cannot be extended" in page_text(late.get_data(as_text=True))


def test_an_exam_started_without_extension_refuses_one(app: Flask, client: FlaskClient) -> None:
    pid = start(client, "double")
    attempt = attempt_row(app, pid)
    response = client.post(f"/quiz/attempts/{pid}/extend",
                           data={"deadline": attempt.deadline.isoformat(), "back": "1"})
    assert response.status_code == 409
    assert attempt_row(app, pid).deadline == attempt.deadline


def test_extending_after_the_deadline_closes_the_exam_and_shows_the_results(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = start(client, "standard", extend=True)
    form = extend_forms(question_page(client, pid))[0]
    expire(app, pid)
    response = client.post(form.action, data=form.data())
    assert response.status_code == 303
    assert response.headers["Location"] == f"/quiz/attempts/{pid}/results"
    attempt = attempt_row(app, pid)
    assert attempt.finished_at is not None and attempt.config["timing"]["extensions"] == 0
    # Finished: nothing to extend; htmx goes to the results, a plain form is told why.
    again = hx.post(form.action, data=form.data())
    assert again.headers["HX-Redirect"] == f"/quiz/attempts/{pid}/results"
    assert client.post(form.action, data=form.data()).status_code == 409


@pytest.mark.parametrize("data", [
    {"back": "0"}, {"back": "66"}, {"back": "../x"}, {"back": "١"}, {"back": ""},
    {"deadline": "tomorrow"}, {"deadline": ""}, {"deadline": "2026-13-01T00:00:00"}])
def test_a_tampered_extend_form_is_a_400(app: Flask, client: FlaskClient, data: dict) -> None:
    pid = start(client, "standard", extend=True)
    form = extend_forms(question_page(client, pid))[0]
    before = attempt_row(app, pid).deadline
    response = client.post(form.action, data=form.data(**data))
    assert response.status_code == 400
    assert attempt_row(app, pid).deadline == before


def test_extending_a_practice_or_an_unknown_attempt_is_refused(client: FlaskClient) -> None:
    practice = client.post("/quiz/practice", data={"count": "10"}).headers["Location"]
    pid = practice.split("/")[3]
    response = client.post(f"/quiz/attempts/{pid}/extend",
                           data={"deadline": "2026-01-01T00:00:00", "back": "1"})
    assert response.status_code == 409
    assert client.post("/quiz/attempts/" + "0" * 32 + "/extend",
                       data={"deadline": "", "back": "1"}).status_code == 404


def test_results_and_progress_say_which_limit_was_used(app: Flask, client: FlaskClient) -> None:
    pid = start(client, "extra50", extend=True)
    form = extend_forms(question_page(client, pid))[0]
    client.post(form.action, data=form.data())
    assert client.post(f"/quiz/attempts/{pid}/finish").status_code == 303
    results = page_text(client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True))
    assert ("Time: +50 % (time and a half): 135 minutes (official 90), extended once "
            "(+10 minutes) · took under a minute.") in results
    untimed = start(client, "untimed")
    client.post(f"/quiz/attempts/{untimed}/finish")
    text = page_text(client.get(f"/quiz/attempts/{untimed}/results").get_data(as_text=True))
    assert "Time: Untimed (the official limit is 90 minutes)" in text
    rows = parse_page(client.get("/progress").get_data(as_text=True)).table_rows(
        "#attempts-title + div table")
    modes = [r[2] for r in rows if r[1].startswith("CLF-C02")]
    assert modes == ["Exam simulation Time: Untimed",
                     "Exam simulation Time: +50 % · extended once"], rows


# ----------------------------------------------------------------------------- pure rules


def test_limits_round_up_to_whole_minutes() -> None:
    assert timing.limit_minutes(90, "extra50") == 135
    assert timing.limit_minutes(115, "extra50") == 173  # 172.5
    assert timing.limit_minutes(100, "untimed") is None


def test_attempts_from_before_accommodations_read_as_standard_time() -> None:
    old = {"duration_minutes": 130}
    assert timing.of(old)["minutes"] == 130 and not timing.can_extend(old)
    assert timing.describe(old) == "Standard time: 130 minutes"
    assert timing.short({"timing": {"choice": "bogus"}}) == "Standard"


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "under a minute"), (59.9, "under a minute"), (60, "1 min"), (47 * 60 + 59, "47 min"),
    (3900, "1 h 05 min"), (-5, "under a minute")])
def test_time_taken_is_said_in_whole_minutes(seconds: float, text: str) -> None:
    assert timing.taken(seconds) == text
