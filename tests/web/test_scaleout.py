"""Scale-out: two app instances (two ``create_app`` objects, each behind its own threaded werkzeug
server) on one database, one learner answering the same exam through both at once.

Every question is sent several times, with different choices, from several threads spread over
both instances. Exactly one submission per question may win (constraints and transactions, not
luck): the database holds one answer per question, the one whose request succeeded; all others
got 409; the attempt's score is exactly the sum of its questions' points. The same test runs on
SQLite (plain ``make test``) and on PostgreSQL (``make test-postgres``, migrations + seed).
"""

from __future__ import annotations

import random
import shutil
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from cloudquiz import create_app
from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.seeding import seed_database
from tests.support.app import SEED_DIR, LiveServer, make_app
from tests.support.quiz import Browser, answer_form, start_attempt

QUESTIONS = 24  # of the exam, answered concurrently (the rest stay open)
COPIES = 3  # submissions per question, with different choices


def attempt_rows(app: Flask, public_id: str) -> tuple[m.Attempt, list[m.AttemptQuestion]]:
    with app.app_context():
        attempt = db.session.scalar(sa.select(m.Attempt).where(m.Attempt.public_id == public_id))
        questions = db.session.scalars(
            sa.select(m.AttemptQuestion).where(m.AttemptQuestion.attempt_id == attempt.id)
            .order_by(m.AttemptQuestion.position)).all()
        db.session.expunge_all()
        return attempt, list(questions)


def hammer_one_exam(app_a: Flask, app_b: Flask) -> None:
    """Start an exam on A, then answer it through A and B concurrently; check exactly-once."""
    with LiveServer(app_a) as server_a, LiveServer(app_b) as server_b:
        browser = Browser(server_a.url)
        first = start_attempt(browser, kind="exam")
        assert first, "could not start an exam simulation through the real forms"
        public_id = first.split("/")[3]
        token = dict(answer_form(browser, first).fields)["csrf_token"]
        _, questions = attempt_rows(app_a, public_id)
        assert len(questions) >= QUESTIONS

        jobs = []
        rng = random.Random(5)
        for q in questions[:QUESTIONS]:
            k = max(1, len(q.correct))
            for copy in range(COPIES):
                start = (copy * k) % len(q.options)
                choice = [str((start + i) % len(q.options)) for i in range(k)]
                jobs.append((q.position, choice))
        rng.shuffle(jobs)
        servers = [server_a.url, server_b.url]
        results: dict[int, list[tuple[int, list[str]]]] = defaultdict(list)
        lock = threading.Lock()

        def submit(i_job: tuple[int, tuple[int, list[str]]]) -> None:
            i, (position, choice) = i_job
            client = Browser(servers[i % 2], cookies=browser.cookies)
            headers = {"HX-Request": "true"} if i % 3 == 0 else {}
            # Every copy carries the version the question's form was rendered at: only the
            # first write applies, the others are stale forms (409).
            response = client.post(f"/quiz/attempts/{public_id}/{position}",
                                   {"csrf_token": token, "choice": choice, "version": "0"},
                                   headers)
            with lock:
                results[position].append((response.status_code, choice))

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(submit, enumerate(jobs)))

    attempt, stored = attempt_rows(app_b, public_id)
    for q in stored[:QUESTIONS]:
        outcomes = results[q.position]
        assert len(outcomes) == COPIES
        assert all(status < 500 for status, _ in outcomes), outcomes
        won = [choice for status, choice in outcomes if status in (200, 303)]
        assert len(won) == 1, (q.position, outcomes)
        assert sorted(int(c) for c in won[0]) == sorted(q.chosen), (q.position, outcomes)
        assert sum(1 for status, _ in outcomes if status == 409) == COPIES - 1
        assert q.answered_at is not None
    for q in stored[QUESTIONS:]:
        assert q.chosen is None
    assert sum(1 for q in stored if q.chosen is not None) == QUESTIONS
    assert attempt.score_points == pytest.approx(sum(q.points for q in stored), abs=1e-9)
    assert attempt.finished_at is None


@pytest.mark.live
def test_two_instances_on_sqlite_record_each_answer_exactly_once(
        seeded_db_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    shutil.copy(seeded_db_file, path)
    app_a = make_app(path, WTF_CSRF_ENABLED=True)
    app_b = make_app(path, WTF_CSRF_ENABLED=True)
    try:
        hammer_one_exam(app_a, app_b)
    finally:
        for app in (app_a, app_b):
            with app.app_context():
                db.engine.dispose()


def pg_app(url: str) -> Flask:
    return create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": True, "SEED_DIR": str(SEED_DIR),
    })


def migrate_and_seed(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        seed_database(db.session, SEED_DIR)


@pytest.mark.postgres
@pytest.mark.live
def test_two_instances_on_postgresql_record_each_answer_exactly_once(pg_url: str) -> None:
    app_a, app_b = pg_app(pg_url), pg_app(pg_url)
    migrate_and_seed(app_a)
    try:
        hammer_one_exam(app_a, app_b)
    finally:
        for app in (app_a, app_b):
            with app.app_context():
                db.engine.dispose()


@pytest.mark.postgres
def test_everything_works_on_postgresql(pg_url: str) -> None:
    """Migrations, seed (twice: idempotent), every content page, the quiz, /healthz."""
    from tests.support.crawl import crawl_urls

    app = pg_app(pg_url)
    migrate_and_seed(app)
    with app.app_context():
        seed_database(db.session, SEED_DIR)
    client = app.test_client()
    urls = crawl_urls(app, limit=150, with_quiz="quiz.index" in app.view_functions,
                      client=client)
    assert len(urls) > 5
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    with app.app_context():
        db.engine.dispose()


# ----------------------------------------------------------------------------- /healthz


def test_healthz_is_200_with_the_database_and_503_without(seeded_db_file: Path,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "health.db"
    shutil.copy(seeded_db_file, path)
    app = make_app(path)
    assert app.test_client().get("/healthz").status_code == 200
    down = make_app(tmp_path / "no" / "such" / "dir.db")
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_postgresql_is_unreachable() -> None:
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody:x@127.0.0.1:9/none",
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
    })
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_healthz_is_200_on_postgresql(pg_url: str) -> None:
    app = pg_app(pg_url)
    assert app.test_client().get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()
