"""Portable progress: download a browser's history, import it into another, idempotently; a
tampered or broken file is refused with a clear message and changes nothing."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.quiz.store import portable
from tests.quiz.test_flow import (
    answer,
    questions,
    right,
    start_exam,
    start_practice,
    wrong,
)
from tests.support.app import make_app
from tests.support.html import page_text, parse_page


def history(client: FlaskClient) -> list[list[str]]:
    """The attempts table of /progress, without the start time (an import keeps it anyway)."""
    page = parse_page(client.get("/progress").get_data(as_text=True))
    return page.table_rows("#attempts-title + div table")


def counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (m.Attempt, m.AttemptQuestion, m.ReviewCard))


def some_history(app: Flask, client: FlaskClient) -> None:
    """A practice ended with two mistakes, a submitted exam, and an exam still running."""
    pid = start_practice(client)
    for q in questions(app, pid)[:5]:
        answer(client, pid, q.position, right(q) if q.position > 2 else wrong(q))
    client.post(f"/quiz/attempts/{pid}/finish")
    exam = start_exam(client, "azure-az-900")
    for q in questions(app, exam)[:10]:
        answer(client, exam, q.position, right(q))
    client.post(f"/quiz/attempts/{exam}/finish")
    start_exam(client, "gcp-cdl")  # running: stays behind


def download(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/progress/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="cloudquiz-progress-')
    assert "no-store" in response.headers["Cache-Control"]
    return json.loads(response.get_data(as_text=True))


def upload(client: FlaskClient, data: bytes | dict, name: str = "progress.json"):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post("/progress/import", data={"file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def signed(app: Flask, payload: dict[str, Any]) -> dict[str, Any]:
    payload = {k: v for k, v in payload.items() if k != "signature"}
    key = str(app.config["SECRET_KEY"]).encode()
    return {**payload, "signature": portable._signature(payload, key)}


def test_the_download_holds_the_finished_history_signed(app: Flask, client: FlaskClient) -> None:
    some_history(app, client)
    data = download(client)
    assert (data["format"], data["version"]) == ("cloudquiz-progress", 1)
    assert [a["mode"] for a in data["attempts"]] == ["practice", "exam"]  # not the running one
    practice, exam = data["attempts"]
    assert len(practice["questions"]) == 10 and len(exam["questions"]) == exam["question_count"]
    assert sum(q["chosen"] is not None for q in practice["questions"]) == 5
    assert len(data["review_cards"]) >= 2  # the two mistakes (and the exam's unanswered)
    assert len(data["signature"]) == 64
    empty = download(app.test_client())  # a browser that never started a quiz
    assert empty["attempts"] == [] and empty["review_cards"] == []


def test_another_browser_imports_it_once_and_shows_the_same_history(
        app: Flask, client: FlaskClient) -> None:
    some_history(app, client)
    before = history(client)
    data = download(client)
    other = app.test_client()
    assert "Import your progress" in page_text(other.get("/progress/import").get_data(
        as_text=True))
    response = upload(other, data)
    assert response.status_code == 200
    text = page_text(response.get_data(as_text=True))
    cards = len(data["review_cards"])
    assert f"2 attempts and {cards} review cards added" in text
    assert history(other) == [row for row in before if "In progress" not in row[-1]]
    # The same questions, answers and review queue as in the first browser.
    with app.app_context():
        imported = db.session.scalars(sa.select(m.Attempt).where(
            m.Attempt.learner_id == _learner_of(app, other)).order_by(m.Attempt.id)).all()
        assert [a.config["imported_from"] for a in imported] == [
            a["public_id"] for a in data["attempts"]]
        assert all(a.public_id not in {x["public_id"] for x in data["attempts"]}
                   for a in imported)
    results = other.get(f"/quiz/attempts/{imported[0].public_id}/results")
    assert results.status_code == 200
    # Twice: nothing new, nothing changed.
    after_first = counts(app)
    again = upload(other, data)
    assert again.status_code == 200
    assert "Nothing new" in page_text(again.get_data(as_text=True))
    assert "2 attempts were already here" in page_text(again.get_data(as_text=True))
    assert counts(app) == after_first
    # Into the browser it came from, or back from the copy: nothing new either.
    assert "Nothing new" in page_text(upload(client, data).get_data(as_text=True))
    assert "Nothing new" in page_text(upload(client, download(other)).get_data(as_text=True))
    assert counts(app) == after_first


def test_review_cards_keep_the_copy_reviewed_last(app: Flask, client: FlaskClient) -> None:
    some_history(app, client)
    data = download(client)
    other = app.test_client()
    upload(other, data)
    newer = json.loads(json.dumps(data))
    card = newer["review_cards"][0]
    card.update(last_review="2030-01-01T00:00:00", due_at="2030-01-02T00:00:00", reps=9)
    older = json.loads(json.dumps(data))
    older["review_cards"][1].update(last_review="2000-01-01T00:00:00", reps=7)
    text = page_text(upload(other, signed(app, newer)).get_data(as_text=True))
    assert "1 review card added" in text
    upload(other, signed(app, older))
    with app.app_context():
        reps = {c.card_key: c.reps for c in db.session.scalars(sa.select(m.ReviewCard))
                if c.learner_id != _learner_of(app, client)}
    assert reps[card["card_key"]] == 9
    assert reps[data["review_cards"][1]["card_key"]] == data["review_cards"][1]["reps"]


def _learner_of(app: Flask, client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return session["learner_id"]


def tamper_score(data: dict) -> None:
    data["attempts"][1]["score_points"] += 5


def tamper_pass(data: dict) -> None:
    data["attempts"][1]["passed"] = True
    data["attempts"][1]["scaled_score"] = 1000


def drop_signature(data: dict) -> None:
    del data["signature"]


@pytest.mark.parametrize("tamper", [tamper_score, tamper_pass, drop_signature])
def test_an_edited_file_is_refused_and_changes_nothing(
        app: Flask, client: FlaskClient, tamper) -> None:
    some_history(app, client)
    data = download(client)
    tamper(data)
    other = app.test_client()
    before = counts(app)
    response = upload(other, data)
    assert response.status_code == 422
    text = page_text(response.get_data(as_text=True))
    assert "changed after it was exported" in text and "Nothing was imported" in text
    assert counts(app) == before


@pytest.mark.parametrize(("body", "message"), [
    (b"not json at all", "it is not JSON"),
    (b"\xff\xfe\x00garbage", "it is not JSON"),
    (b"[1, 2, 3]", "not a progress file exported from"),
    (b'{"format": "something-else"}', "not a progress file exported from"),
    (b'{"format": "cloudquiz-progress", "version": 2}', "format version 2"),
    (b"[" * 100000, "it is not JSON"),
])
def test_a_file_that_is_not_ours_is_refused_with_a_clear_message(
        app: Flask, client: FlaskClient, body: bytes, message: str) -> None:
    response = upload(client, body)
    assert response.status_code == 422
    assert message in page_text(response.get_data(as_text=True))
    assert counts(app) == (0, 0, 0)


def test_a_signed_file_with_invalid_data_is_refused_whole(app: Flask, client: FlaskClient
                                                          ) -> None:
    some_history(app, client)
    data = download(client)
    data["attempts"][1]["questions"][3]["chosen"] = [99]  # no such option
    other = app.test_client()
    before = counts(app)
    response = upload(other, signed(app, data))
    assert response.status_code == 422
    text = page_text(response.get_data(as_text=True))
    assert "does not hold valid data" in text and "option 99 does not exist" in text
    assert counts(app) == before  # the first, valid attempt was not imported either


def test_no_file_is_a_422_and_a_missing_csrf_token_a_400(
        seeded_db_file: Path, tmp_path: Path, client: FlaskClient) -> None:
    response = client.post("/progress/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose the progress file" in page_text(response.get_data(as_text=True))
    path = tmp_path / "csrf.db"
    shutil.copy(seeded_db_file, path)
    guarded = make_app(path, shared_content=True, WTF_CSRF_ENABLED=True).test_client()
    assert upload(guarded, b"{}").status_code == 400


def test_uploads_have_their_own_size_limit_and_other_forms_keep_64_kib(
        seeded_db_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "limit.db"
    shutil.copy(seeded_db_file, path)
    app = make_app(path, shared_content=True, IMPORT_MAX_BYTES=200 * 1024)
    client = app.test_client()
    big = upload(client, b" " * (100 * 1024) + b"{}")  # above 64 KiB, below the upload limit
    assert big.status_code == 422  # read and refused as a file, not as a body
    assert upload(client, b" " * (300 * 1024)).status_code == 413
    assert client.post("/quiz/practice", data={"count": "10", "x": "y" * (100 * 1024)}
                       ).status_code == 413


def test_progress_links_to_download_and_import(app: Flask, client: FlaskClient) -> None:
    html = client.get("/progress").get_data(as_text=True)
    anchors = parse_page(html).anchors
    assert "/progress/export" in anchors and "/progress/import" in anchors
