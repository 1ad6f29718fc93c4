"""Faults: a server restart in the middle of an exam, and seed reloads while requests are served.

Nothing that matters lives in process memory, so stopping one server and starting a new app
object on the same database resumes the exam with its answers and its deadline. A reseed is one
transaction and never touches quiz tables: pages served meanwhile show the old or the new
content, never an error, and the quiz history stays exactly as it was.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask

from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.seeding import seed_database
from tests.support.app import SEED_DIR, LiveServer, make_app
from tests.support.crawl import crawl_urls
from tests.support.quiz import Browser, answer, answer_form, start_attempt
from tests.support.seedfiles import collection_files


def snapshot_history(app: Flask) -> list[tuple]:
    """Every stored question as asked and answered (what a reseed must never change)."""
    with app.app_context():
        rows = db.session.execute(sa.select(
            m.Attempt.public_id, m.Attempt.deadline, m.Attempt.score_points,
            m.AttemptQuestion.position, m.AttemptQuestion.prompt, m.AttemptQuestion.options,
            m.AttemptQuestion.correct, m.AttemptQuestion.chosen, m.AttemptQuestion.points,
        ).join(m.AttemptQuestion).order_by(m.Attempt.id, m.AttemptQuestion.position)).all()
        return [tuple(r) for r in rows]


def deadline_of(html: str) -> str | None:
    match = re.search(r'data-deadline="([^"]+)"', html)
    return match.group(1) if match else None


@pytest.mark.live
def test_restarting_the_server_mid_exam_loses_nothing(seeded_db_file: Path,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "restart.db"
    shutil.copy(seeded_db_file, path)
    first_app = make_app(path, WTF_CSRF_ENABLED=True)
    with LiveServer(first_app) as server:
        browser = Browser(server.url)
        first = start_attempt(browser, kind="exam")
        assert first
        base = first.rsplit("/", 1)[0]
        form_before = answer_form(browser, f"{base}/2")  # a tab left open on question 2
        multi_before = "Choose two" in browser.get(f"{base}/2").get_data(as_text=True)
        for n in range(1, 6):
            response = answer(browser, f"{base}/{n}")
            assert response.status_code in (200, 303), n
        page_before = browser.get(f"{base}/3").get_data(as_text=True)
        deadline = deadline_of(page_before)
    history = snapshot_history(first_app)
    with first_app.app_context():
        db.engine.dispose()

    second_app = make_app(path, WTF_CSRF_ENABLED=True)  # a new process, as far as state goes
    with LiveServer(second_app) as server:
        resumed = Browser(server.url, cookies=browser.cookies)
        landing = resumed.get(base)
        assert landing.status_code == 303
        assert landing.headers["Location"].endswith(f"{base}/6")
        for n in range(1, 6):
            html = resumed.get(f"{base}/{n}").get_data(as_text=True)
            assert "Your answer is saved" in html, n
        page_after = resumed.get(f"{base}/3").get_data(as_text=True)
        assert deadline is not None and deadline_of(page_after) == deadline
        assert answer(resumed, f"{base}/6").status_code in (200, 303)
        # An answer given before the restart is not overwritten by a form from before it.
        assert form_before is not None
        # (as many options as question 2 takes: a wrong count would be a 400 before the check)
        takes = max(1, min(len(form_before.choices["choice"]), 2 if multi_before else 1))
        again = resumed.post(f"{base}/2", dict(form_before.data(
            choice=form_before.choices["choice"][:takes])))
        assert again.status_code == 409
    after = snapshot_history(second_app)
    assert [row[:2] + row[3:] for row in after[:5]] == [row[:2] + row[3:] for row in history[:5]]
    with second_app.app_context():
        attempt = db.session.scalar(sa.select(m.Attempt))
        answered = db.session.scalar(sa.select(sa.func.count()).select_from(m.AttemptQuestion)
                                     .where(m.AttemptQuestion.chosen.is_not(None)))
        assert answered == 6 and attempt.finished_at is None
        db.engine.dispose()


def changed_seed(tmp_path: Path) -> Path:
    """A copy of the seed whose services have other summaries (a real content change)."""
    target = tmp_path / "seed-b"
    shutil.copytree(SEED_DIR, target)
    for services_file in collection_files(target, "services")[:3]:
        data = yaml.safe_load(services_file.read_text(encoding="utf-8"))
        for service in data["services"][:7]:
            service["summary"] = service["summary"] + " (revised)"
        services_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                 encoding="utf-8")
    return target


@pytest.mark.live
def test_reloading_the_seed_while_serving_causes_no_error_and_keeps_history(
        seeded_db_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "reseed.db"
    shutil.copy(seeded_db_file, path)
    app = make_app(path, WTF_CSRF_ENABLED=True, RENDER_CACHE=True)
    loader_app = make_app(path)  # the `flask seed` of another process
    other_seed = changed_seed(tmp_path)
    urls = [u for u in crawl_urls(app, limit=40, per_endpoint=2)]
    failures: list[str] = []
    reseeds = {"n": 0}
    stop = threading.Event()

    with LiveServer(app) as server:
        browser = Browser(server.url)
        first = start_attempt(browser, kind="exam")
        assert first
        base = first.rsplit("/", 1)[0]
        assert answer(browser, f"{base}/1").status_code in (200, 303)
        history_before = snapshot_history(app)

        def reseed_loop() -> None:
            seeds = [other_seed, SEED_DIR]
            with loader_app.app_context():
                while not stop.is_set() and reseeds["n"] < 6:
                    seed_database(db.session, seeds[reseeds["n"] % 2])
                    reseeds["n"] += 1
                db.engine.dispose()

        def browse(i: int) -> None:
            client = Browser(server.url, cookies=browser.cookies if i % 2 else None)
            deadline = time.monotonic() + 20
            k = i
            while not stop.is_set() and time.monotonic() < deadline:
                url = urls[k % len(urls)]
                k += 3
                response = client.get(url, headers={"Accept-Encoding": "gzip"}
                                      if k % 2 else {"HX-Request": "true"})
                if response.status_code >= 500:
                    failures.append(f"{url}: {response.status_code}")

        loader = threading.Thread(target=reseed_loop)
        with ThreadPoolExecutor(4) as pool:
            browsing = [pool.submit(browse, i) for i in range(4)]
            loader.start()
            for n in range(2, 8):  # answers keep working during the reloads
                response = answer(browser, f"{base}/{n}")
                if response.status_code >= 500:
                    failures.append(f"answer {n}: {response.status_code}")
            loader.join(120)
            stop.set()
            for future in browsing:
                future.result()
    assert not loader.is_alive()
    assert reseeds["n"] == 6
    assert not failures, failures
    history_after = snapshot_history(app)
    # Questions answered before the reloads are exactly as they were; later answers added.
    before = {row[3]: row for row in history_before}
    for row in history_after:
        old = before[row[3]]
        assert row[4:7] == old[4:7]  # prompt, options, correct: the snapshot as asked
        if old[7] is not None:
            assert row[7] == old[7] and row[8] == old[8]
    assert sum(1 for row in history_after if row[7] is not None) == 7
    with app.app_context():
        version = db.session.scalar(sa.select(m.ContentMeta.version))
        db.engine.dispose()
    assert version  # the last reload (the original seed) is in place
    with loader_app.app_context():
        db.engine.dispose()


def test_pages_answer_a_styled_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    app = make_app(tmp_path / "gone" / "missing.db")
    client = app.test_client()
    for url in ("/", "/compare", "/quiz", "/providers/aws"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "5"
        assert response.headers["Cache-Control"] == "no-store"
        assert 'class="site-header"' in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
