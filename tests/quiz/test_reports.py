"""Report a problem with a question: where the link shows, what is stored, the status the
reporter sees afterwards, bad input, the rate limit, and the maintainers' CLI."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from tests.quiz.test_flow import (
    answer,
    attempt_row,
    questions,
    right,
    start_exam,
    start_practice,
)
from tests.support.app import HtmxClient, make_app
from tests.support.html import Form, page_text, parse_page


def reports(app: Flask) -> list[m.ItemReport]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(m.ItemReport).order_by(m.ItemReport.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def answered_practice(app: Flask, client: FlaskClient, n: int = 1) -> str:
    pid = start_practice(client)
    for q in questions(app, pid)[:n]:
        assert answer(client, pid, q.position, right(q)).status_code == 303
    return pid


def report_form(client: FlaskClient, url: str) -> Form:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    forms = [f for f in parse_page(response.get_data(as_text=True)).forms
             if f.action.endswith("/report")]
    assert len(forms) == 1
    return forms[0]


def send(client: FlaskClient, pid: str, n: int = 1, back: str = "question", **data: str):
    form = report_form(client, f"/quiz/attempts/{pid}/{n}/report?back={back}")
    return client.post(form.action, data=form.data(**data))


def test_the_link_shows_once_the_answer_is_shown_and_not_before(
        app: Flask, client: FlaskClient) -> None:
    pid = answered_practice(app, client)
    html = client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True)
    assert f'href="/quiz/attempts/{pid}/1/report?back=question"' in html
    assert "Report a problem with this question" in page_text(html)
    unanswered = client.get(f"/quiz/attempts/{pid}/2").get_data(as_text=True)
    assert "/report" not in unanswered
    refused = client.get(f"/quiz/attempts/{pid}/2/report")
    assert refused.status_code == 409
    assert "once its right answer is shown" in page_text(refused.get_data(as_text=True))


def test_a_running_exam_cannot_be_reported_until_it_is_submitted(
        app: Flask, client: FlaskClient) -> None:
    pid = start_exam(client, "aws-clf-c02")
    assert answer(client, pid, 1, right(questions(app, pid)[0])).status_code == 303
    assert "/report" not in client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True)
    assert client.get(f"/quiz/attempts/{pid}/1/report").status_code == 409
    assert client.post(f"/quiz/attempts/{pid}/1/report",
                       data={"reason": "unclear", "back": "question"}).status_code == 409
    assert not reports(app)
    client.post(f"/quiz/attempts/{pid}/finish")
    results = client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True)
    links = [a for a in parse_page(results).anchors if a.endswith("/report?back=results")]
    assert len(links) == 65  # every question of the results
    assert client.get(links[40]).status_code == 200


def test_a_report_is_stored_with_the_item_its_versions_and_sources(
        app: Flask, client: FlaskClient) -> None:
    pid = answered_practice(app, client)
    asked = questions(app, pid)[0]
    comment = "  The docs say otherwise: see the 2026 limits page.  "
    response = send(client, pid, reason="wrong_key", comment=comment)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/quiz/attempts/{pid}/1"
    (report,) = reports(app)
    attempt = attempt_row(app, pid)
    assert (report.reason, report.comment, report.status) == (
        "wrong_key", comment.strip(), "open")
    assert report.card_key == asked.card_key and report.kind == asked.kind
    assert report.item["prompt"] == asked.prompt and report.item["options"] == asked.options
    assert report.item["correct"] == asked.correct and report.item["chosen"] == asked.chosen
    assert report.content_version == attempt.content_version != ""
    assert report.reported_version == attempt.content_version  # content unchanged since
    assert report.source["urls"] == asked.sources and report.source["hub_url"] == asked.hub_url
    if asked.tags.get("topic"):
        with app.app_context():
            cap = db.session.scalar(sa.select(m.Capability).where(
                m.Capability.slug == asked.tags["topic"]))
        if cap is not None:
            assert report.source["capability"]["source_url"] == cap.source_url
            assert report.source["capability"]["verified_on"] == cap.verified_on.isoformat()
    # The reporter now sees the status instead of the link, on the question and its results.
    text = page_text(client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True))
    assert "Reported — under review — The marked answer is wrong" in text
    assert "Report a problem with this question" not in text


def test_reporting_twice_keeps_one_report(app: Flask, client: FlaskClient,
                                          hx: HtmxClient) -> None:
    pid = answered_practice(app, client)
    form = report_form(client, f"/quiz/attempts/{pid}/1/report?back=question")
    assert client.post(form.action, data=form.data(reason="unclear")).status_code == 303
    again = hx.post(form.action, data=form.data(reason="outdated"))
    assert again.status_code == 200
    html = again.get_data(as_text=True)
    assert html.lstrip().startswith('<div class="report-box"')
    assert "already reported" in page_text(html) and "The question is unclear" in html
    assert [r.reason for r in reports(app)] == ["unclear"]


def test_htmx_opens_the_form_in_place_and_swaps_in_the_status(
        app: Flask, client: FlaskClient, hx: HtmxClient) -> None:
    pid = answered_practice(app, client, n=2)
    url = f"/quiz/attempts/{pid}/2/report?back=question"
    fragment = hx.get(url).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div class="report-box" id="report-2" data-report-box>')
    assert "<html" not in fragment and 'id="report-2-reason-0"' in fragment
    assert 'for="report-2-comment"' in fragment and 'id="report-2-comment"' in fragment
    form = parse_page(fragment).forms[0]
    sent = hx.post(form.action, data=form.data(reason="two_right"))
    assert sent.status_code == 200
    text = page_text(sent.get_data(as_text=True))
    assert "Reported — under review" in text and "Thank you" in text
    assert 'role="status"' in sent.get_data(as_text=True)


def test_results_show_which_items_were_reported(app: Flask, client: FlaskClient) -> None:
    pid = answered_practice(app, client, n=3)
    assert send(client, pid, 2, back="results", reason="outdated").headers["Location"] == (
        f"/quiz/attempts/{pid}/results#answer-2")
    client.post(f"/quiz/attempts/{pid}/finish")
    page = parse_page(client.get(f"/quiz/attempts/{pid}/results").get_data(as_text=True))
    items = page.tree.css("li.answer-item")
    assert "Reported — under review" in items[1].text()
    assert "Reported" not in items[0].text() and "Report a problem" in items[0].text()


@pytest.mark.parametrize(("data", "status", "message"), [
    ({}, 422, "Choose what is wrong"),
    ({"reason": "boring"}, 422, "Not a valid choice"),
    ({"reason": "unclear", "comment": "x" * 1001}, 422, "under 1000 characters"),
    ({"reason": "unclear", "back": "https://evil.example"}, 400, "tampered"),
])
def test_bad_reports_are_refused_with_a_message_and_store_nothing(
        app: Flask, client: FlaskClient, data: dict, status: int, message: str) -> None:
    pid = answered_practice(app, client)
    response = client.post(f"/quiz/attempts/{pid}/1/report", data={"back": "question", **data})
    assert response.status_code == status
    assert message in page_text(response.get_data(as_text=True))
    assert not reports(app)


def test_a_comment_of_exactly_1000_characters_is_kept(app: Flask, client: FlaskClient) -> None:
    pid = answered_practice(app, client)
    assert send(client, pid, reason="unclear", comment="é" * 1000).status_code == 303
    assert reports(app)[0].comment == "é" * 1000


def test_another_browsers_attempt_and_unknown_questions_are_404(
        app: Flask, client: FlaskClient) -> None:
    pid = answered_practice(app, client)
    other = app.test_client()
    assert other.get(f"/quiz/attempts/{pid}/1/report").status_code == 404
    assert other.post(f"/quiz/attempts/{pid}/1/report",
                      data={"reason": "unclear"}).status_code == 404
    assert client.get(f"/quiz/attempts/{pid}/999/report").status_code == 404
    huge = "9" * 30  # beyond any database integer: still a 404, not a 500
    assert client.get(f"/quiz/attempts/{pid}/{huge}/report").status_code == 404
    assert client.post(f"/quiz/attempts/{pid}/{huge}/report",
                       data={"reason": "unclear", "back": "question"}).status_code == 404
    assert not reports(app)


def app_with(seeded_db_file: Path, tmp_path: Path, **config: object) -> Flask:
    path = tmp_path / "app.db"
    shutil.copy(seeded_db_file, path)
    return make_app(path, shared_content=True, **config)


def test_reports_need_the_csrf_token(seeded_db_file: Path, tmp_path: Path) -> None:
    app = app_with(seeded_db_file, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    html = client.get("/quiz").get_data(as_text=True)
    token = parse_page(html).forms[0].data()["csrf_token"]
    start = client.post("/quiz/practice", data={"count": "10", "csrf_token": token})
    pid = start.headers["Location"].split("/")[3]
    q = questions(app, pid)[0]
    form = [f for f in parse_page(client.get(f"/quiz/attempts/{pid}/1").get_data(
        as_text=True)).forms if f.attrs.get("data-quiz-form") is not None][0]
    assert client.post(form.action, data=form.data(choice=right(q))).status_code == 303
    sent = client.post(f"/quiz/attempts/{pid}/1/report",
                       data={"reason": "unclear", "back": "question"})
    assert sent.status_code == 400
    assert not reports(app)
    assert send(client, pid, reason="unclear").status_code == 303


def test_reports_are_rate_limited_per_learner(seeded_db_file: Path, tmp_path: Path) -> None:
    app = app_with(seeded_db_file, tmp_path, REPORT_RATE_LIMIT="2 per minute")
    client = app.test_client()
    pid = answered_practice(app, client, n=4)
    assert send(client, pid, 1, reason="unclear").status_code == 303
    assert send(client, pid, 2, reason="unclear").status_code == 303
    third = send(client, pid, 3, reason="unclear", comment="kept in the form")
    assert third.status_code == 429
    assert int(third.headers["Retry-After"]) > 0
    assert "Too many reports" in page_text(third.get_data(as_text=True))
    hx = HtmxClient(client)
    fragment = hx.post(f"/quiz/attempts/{pid}/4/report", data={"reason": "unclear",
                                                                "back": "question"})
    assert fragment.status_code == 429
    assert fragment.get_data(as_text=True).lstrip().startswith('<div class="report-box"')
    assert len(reports(app)) == 2
    # Another learner (another browser) has a limit of their own.
    other = app.test_client()
    pid2 = answered_practice(app, other)
    assert send(other, pid2, 1, reason="unclear").status_code == 303


# ----------------------------------------------------------------------------- maintainers


def test_the_cli_lists_exports_and_resolves_reports(app: Flask, client: FlaskClient,
                                                    tmp_path: Path) -> None:
    pid = answered_practice(app, client, n=2)
    send(client, pid, 1, reason="wrong_key", comment='Says "EFS", docs say FSx')
    send(client, pid, 2, reason="outdated")
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["reports", "list"])
    assert listed.exit_code == 0, listed.output
    assert "2 report(s) (open)." in listed.output and 'Says "EFS", docs say FSx' in listed.output
    exported = runner.invoke(args=["reports", "export"])
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    asked = questions(app, pid)
    assert [r["reason"] for r in rows] == ["wrong_key", "outdated"]
    assert rows[0]["prompt"] == asked[0].prompt and rows[0]["exam_or_mode"] == "practice"
    assert rows[0]["comment"] == 'Says "EFS", docs say FSx'
    assert rows[0]["content_version"] == attempt_row(app, pid).content_version
    first_id = rows[0]["id"]
    resolved = runner.invoke(args=["reports", "resolve", first_id, "--note", "Key fixed"])
    assert resolved.exit_code == 0, resolved.output
    out = tmp_path / "open.csv"
    runner.invoke(args=["reports", "export", "--output", str(out)])
    with out.open(encoding="utf-8", newline="") as handle:
        assert [r["reason"] for r in csv.DictReader(handle)] == ["outdated"]
    everything = runner.invoke(args=["reports", "export", "--status", "all"]).output
    assert "Key fixed" in everything
    text = page_text(client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True))
    assert "Reported — reviewed" in text
    missing = runner.invoke(args=["reports", "resolve", "99999"])
    assert missing.exit_code != 0 and "no report #99999" in missing.output


@pytest.mark.postgres
def test_reports_and_portable_progress_on_postgresql(pg_url: str) -> None:
    """The report's savepoint on a duplicate, its status in the question page's one query and
    in the answer's RETURNING, and a history import, on PostgreSQL."""
    import json

    from flask_migrate import upgrade

    from cloudquiz import create_app
    from cloudquiz.seeding import seed_database
    from tests.support.app import SEED_DIR

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": pg_url, "SEED_DIR": str(SEED_DIR)})
    with app.app_context():
        upgrade()
        seed_database(db.session, SEED_DIR)
    try:
        client = app.test_client()
        pid = answered_practice(app, client, n=2)
        assert send(client, pid, 1, reason="wrong_key").status_code == 303
        again = client.post(f"/quiz/attempts/{pid}/1/report",
                            data={"reason": "unclear", "back": "question"})
        assert again.status_code == 303 and [r.reason for r in reports(app)] == ["wrong_key"]
        text = page_text(client.get(f"/quiz/attempts/{pid}/1").get_data(as_text=True))
        assert "Reported — under review" in text
        client.post(f"/quiz/attempts/{pid}/finish")
        exported = client.get("/progress/export").get_data()
        other = app.test_client()
        for expected in ("1 attempt and", "Nothing new"):
            done = other.post("/progress/import",
                              data={"file": (io.BytesIO(exported), "p.json")},
                              content_type="multipart/form-data")
            assert done.status_code == 200 and expected in page_text(done.get_data(as_text=True))
        assert json.loads(exported)["attempts"][0]["questions"][0]["chosen"] is not None
    finally:
        with app.app_context():
            db.engine.dispose()
