"""The quiz store: answers recorded exactly once under concurrency, scoring, FSRS review, progress."""

from __future__ import annotations

import ast
import datetime as dt
import random
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from fsrs import State

from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.quiz import engine, snapshot
from cloudquiz.quiz.store import attempts, clock, progress, review
from cloudquiz.quiz.types import Question
from tests.support.paths import PACKAGE_DIR

THREADS = 8


def make_learner(app: Flask) -> str:
    with app.app_context():
        lid = "ab" * 16
        db.session.add(m.Learner(id=lid))
        db.session.commit()
        return lid


def make_attempt(app: Flask, lid: str, *, mode: str = "practice", count: int = 10,
                 scoring: str = "practice", minutes: int | None = None) -> str:
    with app.app_context():
        rng = random.Random(7)
        snap = snapshot.get_snapshot()
        questions = engine.practice_questions(snap, rng, count=count)
        attempt = attempts.create(
            lid, mode=mode, title="test", questions=questions,
            config={"scoring": scoring, "scale_min": 100, "scale_max": 1000, "pass_mark": 700},
            rng_seed=7, content_version=snap.version, duration_minutes=minutes)
        return attempt.public_id


def load(lid: str, pid: str, n: int) -> tuple[m.Attempt, m.AttemptQuestion]:
    attempt = attempts.get(pid, lid)
    assert attempt is not None
    question = attempts.question_at(attempt, n)
    assert question is not None
    return attempt, question


def run_concurrently(app: Flask, jobs: list[Callable[[], object]]) -> list[object]:
    """Run each job in its own thread and app context (own DB session), all released at once."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = jobs[i]()
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_answers_to_one_question_are_recorded_exactly_once(app: Flask) -> None:
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")  # a real file
    lid = make_learner(app)
    pid = make_attempt(app, lid)
    with app.app_context():
        _, q = load(lid, pid, 1)
        n_options, correct = len(q.options), list(q.correct)
    # Half the threads send the right answer, half a wrong one: whichever wins, it wins alone.
    choices = [correct if i % 2 else [next(j for j in range(n_options) if j not in correct)]
               for i in range(THREADS)]

    def job(choice: list[int]) -> Callable[[], object]:
        def run() -> object:
            attempt, question = load(lid, pid, 1)
            return attempts.answer(attempt, question, choice)
        return run

    results = run_concurrently(app, [job(c) for c in choices])
    winners = [r for r in results if isinstance(r, tuple)]
    losers = [r for r in results if isinstance(r, attempts.Conflict)]
    assert len(winners) == 1 and len(losers) == THREADS - 1, results
    assert all("already answered" in c.message for c in losers)
    with app.app_context():
        attempt, q = load(lid, pid, 1)
        assert q.chosen is not None and q.answered_at is not None
        won_points = winners[0][0]
        assert q.points == won_points and q.is_correct == (q.chosen == correct)
        assert attempt.score_points == won_points  # added once, not THREADS times
        cards = db.session.scalars(sa.select(m.ReviewCard)).all()
        assert len(cards) == (0 if q.is_correct else 1)


def test_concurrent_answers_through_the_app_are_recorded_once(app: Flask) -> None:
    """Several browsers of the same learner (same cookie) submit the same question at once."""
    client = app.test_client()
    response = client.post("/quiz/practice", data={"count": "10"})
    url = response.headers["Location"]
    pid = url.split("/")[3]
    with client.session_transaction() as sess:
        lid = sess["learner_id"]
    with app.app_context():
        _, q = load(lid, pid, 1)
        correct = [str(i) for i in q.correct]
    clients = []
    for _ in range(THREADS):
        c = app.test_client()
        with c.session_transaction() as sess:
            sess["learner_id"] = lid
        clients.append(c)

    def job(c) -> Callable[[], object]:
        return lambda: c.post(url, data={"choice": correct}).status_code

    # The test client pushes its own contexts; run_concurrently's context is only a holder.
    statuses = run_concurrently(app, [job(c) for c in clients])
    assert sorted(statuses) == [303] + [409] * (THREADS - 1), statuses
    with app.app_context():
        attempt, q = load(lid, pid, 1)
        assert attempt.score_points == 1.0 and q.points == 1.0


def test_concurrent_answers_and_finish_keep_the_score_exact(app: Flask) -> None:
    """Answers racing the end of an exam: the score is exactly the sum of recorded answers."""
    lid = make_learner(app)
    pid = make_attempt(app, lid, mode="exam", count=THREADS, scoring="no_partial", minutes=60)
    with app.app_context():
        rows = attempts.questions_of(attempts.get(pid, lid))
        correct = {q.position: list(q.correct) for q in rows}

    def answer_job(n: int) -> Callable[[], object]:
        def run() -> object:
            attempt, question = load(lid, pid, n)
            return attempts.answer(attempt, question, correct[n], version=0)
        return run

    def finish_job() -> object:
        attempt = attempts.get(pid, lid)
        assert attempt is not None
        return attempts.finish(attempt)

    results = run_concurrently(app, [answer_job(n) for n in correct] + [finish_job])
    assert results[-1] is True
    recorded = sum(1 for r in results[:-1] if isinstance(r, tuple))
    refused = [r for r in results[:-1] if isinstance(r, attempts.Conflict)]
    assert recorded + len(refused) == THREADS, results
    with app.app_context():
        attempt = attempts.get(pid, lid)
        rows = attempts.questions_of(attempt)
        answered = [q for q in rows if q.chosen is not None]
        assert len(answered) == recorded
        assert attempt.finished_at is not None
        assert attempt.score_points == float(recorded)
        assert attempt.scaled_score == engine.scaled_score(recorded, THREADS, 100, 1000)


def test_concurrent_changes_of_an_exam_answer_apply_exactly_once(app: Flask) -> None:
    """Several tabs change the same saved exam answer at once, all from the same version: one
    change wins, the others are stale; the score moves by that one change only."""
    lid = make_learner(app)
    pid = make_attempt(app, lid, mode="exam", count=3, scoring="no_partial", minutes=60)
    with app.app_context():
        attempt, q = load(lid, pid, 1)
        wrong = [i for i in range(len(q.options)) if i not in q.correct][:len(q.correct)]
        attempts.answer(attempt, q, wrong, version=0)
        n_options, correct = len(q.options), list(q.correct)
    choices = [correct if i % 2 else [(i + j) % n_options for j in range(len(correct))]
               for i in range(THREADS)]
    choices = [c if len(set(c)) == len(c) else correct for c in choices]

    def job(choice: list[int]) -> Callable[[], object]:
        def run() -> object:
            attempt, question = load(lid, pid, 1)
            return attempts.answer(attempt, question, choice, version=1)
        return run

    results = run_concurrently(app, [job(c) for c in choices])
    winners = [r for r in results if isinstance(r, attempts.Recorded)]
    stale = [r for r in results if isinstance(r, attempts.Conflict) and r.stale]
    assert len(winners) == 1 and len(stale) == THREADS - 1, results
    with app.app_context():
        attempt, q = load(lid, pid, 1)
        assert q.version == 2 and q.points == winners[0].points
        assert attempt.score_points == winners[0].points  # the delta of one change, not more
        assert attempts.finish(attempt) and attempt.score_points == winners[0].points


def test_finishing_twice_scores_once(app: Flask) -> None:
    lid = make_learner(app)
    pid = make_attempt(app, lid, mode="exam", scoring="no_partial", minutes=10)
    with app.app_context():
        attempt, q = load(lid, pid, 1)
        attempts.answer(attempt, q, list(q.correct), version=q.version)
        assert attempts.finish(attempt) is True
        assert attempts.finish(attempt) is False
        assert attempt.score_points == 1 and attempt.scaled_score == engine.scaled_score(
            1, 10, 100, 1000)
        with pytest.raises(attempts.Conflict, match="finished"):
            _, q2 = load(lid, pid, 2)
            attempts.answer(attempt, q2, list(q2.correct), version=q2.version)


def test_an_answer_after_the_deadline_closes_the_attempt(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    lid = make_learner(app)
    pid = make_attempt(app, lid, mode="exam", scoring="no_partial", minutes=30)
    with app.app_context():
        attempt, q = load(lid, pid, 1)
        attempts.answer(attempt, q, list(q.correct), version=q.version)
        later = attempt.deadline + dt.timedelta(seconds=1)
        monkeypatch.setattr(clock, "now", lambda: later)
        _, q2 = load(lid, pid, 2)
        with pytest.raises(attempts.Conflict) as info:
            attempts.answer(attempt, q2, list(q2.correct), version=q2.version)
        assert info.value.expired
        attempt, q2 = load(lid, pid, 2)
        assert q2.chosen is None
        assert attempt.finished_at == attempt.deadline and attempt.score_points == 1


def test_the_last_answer_of_a_practice_finishes_it_in_the_same_call(app: Flask) -> None:
    lid = make_learner(app)
    pid = make_attempt(app, lid, count=10)
    with app.app_context():
        for n in range(1, 11):
            attempt, q = load(lid, pid, n)
            done = attempts.answer(attempt, q, list(q.correct))
            assert (done.answered, done.finished) == (n, n == 10)
        attempt = attempts.get(pid, lid)
        assert attempt is not None and attempt.finished_at is not None
        assert attempt.score_points == 10
        _, q = load(lid, pid, 10)
        with pytest.raises(attempts.Conflict, match="already answered"):
            attempts.answer(attempt, q, list(q.correct))


def test_the_last_answer_of_an_exam_leaves_it_open_for_review(app: Flask) -> None:
    lid = make_learner(app)
    pid = make_attempt(app, lid, mode="exam", count=3, scoring="no_partial", minutes=30)
    with app.app_context():
        for n in (3, 1, 2):  # any order in an exam
            attempt, q = load(lid, pid, n)
            assert attempts.answer(attempt, q, list(q.correct), version=q.version
                                   ).finished is False
        attempt = attempts.get(pid, lid)
        assert attempt is not None and attempt.finished_at is None


def test_review_cards_keep_a_snapshot_and_reshuffle_their_options(app: Flask) -> None:
    lid = make_learner(app)
    pid = make_attempt(app, lid)
    with app.app_context():
        attempt, q = load(lid, pid, 1)
        wrong = [next(i for i in range(len(q.options)) if i not in q.correct)]
        attempts.answer(attempt, q, wrong)
        card = db.session.scalar(sa.select(m.ReviewCard))
        # a mistake is rated Again: a learning card, due at once (FSRS's first step is 0 min)
        assert card is not None and card.state == State.Learning and card.reps == 1
        assert card.due_at <= clock.now() and card.difficulty is not None
        assert card.snapshot["prompt"] == q.prompt
        orders = set()
        for seed in range(20):
            asked: Question = review.card_question(card, random.Random(seed))
            assert sorted(asked.options) == sorted(q.options)
            assert {asked.options[i] for i in asked.correct} == {q.options[i] for i in q.correct}
            orders.add(asked.options)
        assert len(orders) > 1
        assert review.queue_size(lid) == 1


def test_progress_aggregates_per_provider_category_and_kind(app: Flask) -> None:
    lid = make_learner(app)
    pid = make_attempt(app, lid, count=20)
    with app.app_context():
        attempt = attempts.get(pid, lid)
        rows = attempts.questions_of(attempt)
        expected: dict[str, list[int]] = {}
        for i, q in enumerate(rows):
            ok = i % 3 != 0
            chosen = list(q.correct) if ok else [
                next(j for j in range(len(q.options)) if j not in q.correct)]
            if q.multi and not ok:
                chosen = [j for j in range(len(q.options)) if j not in q.correct][:len(q.correct)]
            attempts.answer(attempt, q, chosen)
            tally = expected.setdefault(q.kind, [0, 0])
            tally[0] += 1
            tally[1] += ok
        prog = progress.summary(lid, {}, {}, {})
        assert prog.total_answered == 20
        assert {t.key: [t.answered, t.correct] for t in prog.by_kind} == expected
        assert sum(t.answered for t in prog.by_provider) <= 20
        weak = progress.weakest(prog)
        assert all(t.correct < t.answered for _, t in weak)
        assert weak == sorted(weak, key=lambda a: a[1].accuracy)
    assert progress.summary(None, {}, {}, {}).attempts == []


def test_concurrent_mistakes_on_one_card_make_one_review_card(app: Flask) -> None:
    """The same question wrong in several attempts at once: one card, rated Again (upsert)."""
    lid = make_learner(app)
    pids = [make_attempt(app, lid) for _ in range(4)]  # same seed: the same questions
    with app.app_context():
        _, q = load(lid, pids[0], 1)
        wrong = [i for i in range(len(q.options)) if i not in q.correct][:len(q.correct)]

    def job(pid: str) -> Callable[[], object]:
        def run() -> object:
            attempt, question = load(lid, pid, 1)
            return attempts.answer(attempt, question, wrong)
        return run

    results = run_concurrently(app, [job(p) for p in pids])
    assert all(isinstance(r, tuple) for r in results), results
    with app.app_context():
        cards = db.session.scalars(sa.select(m.ReviewCard)).all()
        assert [(c.card_key, c.state) for c in cards] == [(q.card_key, State.Learning)]
        assert 1 <= cards[0].reps <= 4 and cards[0].due_at <= clock.now()


def test_a_learner_row_is_created_once_for_concurrent_first_posts(app: Flask) -> None:
    """A signed cookie whose learner row is gone (e.g. after a reset) recreates it exactly once."""
    lid = "cd" * 16
    clients = []
    for _ in range(4):
        c = app.test_client()
        with c.session_transaction() as sess:
            sess["learner_id"] = lid
        clients.append(c)
    statuses = run_concurrently(
        app, [lambda c=c: c.post("/quiz/practice", data={"count": "10"}).status_code
              for c in clients])
    assert statuses == [303] * 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Learner)
                                 .where(m.Learner.id == lid)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Attempt)
                                 .where(m.Attempt.learner_id == lid)) == 4


def _imports(path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
            found.update("." * node.level + (node.module or "") + ":" + a.name
                         for a in node.names)
    return found


def test_the_store_never_touches_the_session_and_only_views_read_it() -> None:
    """The store takes a learner id; reading the cookie is ``quiz/identity.py``'s job alone."""
    quiz = PACKAGE_DIR / "quiz"
    store_modules = sorted((quiz / "store").glob("*.py"))
    assert {p.stem for p in store_modules} >= {"attempts", "review", "progress", "learners"}
    for path in store_modules:
        imported = _imports(path)
        assert not any(i == "flask" or i.startswith(("flask:", "flask.")) for i in imported), (
            path.name, imported)
        assert not any("identity" in i for i in imported), path.name
    readers = {p.name for p in quiz.rglob("*.py")
               if any(i.endswith(":session") and i.split(":")[0] in ("flask", "flask.globals")
                      for i in _imports(p))}
    assert readers == {"identity.py"}, readers
    importers = {p.name for p in quiz.rglob("*.py") if any(
        i in (".:identity", ".identity") for i in _imports(p))}
    assert importers <= {"views.py", "results.py", "reporting.py", "transfer.py",
                         "blueprint.py"}, importers


@pytest.mark.postgres
def test_concurrent_answers_are_recorded_exactly_once_on_postgresql(pg_url: str) -> None:
    from flask_migrate import upgrade

    from cloudquiz import create_app
    from cloudquiz.seeding import seed_database
    from tests.support.app import SEED_DIR

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": pg_url, "SEED_DIR": str(SEED_DIR)})
    with app.app_context():
        upgrade()
        seed_database(db.session, SEED_DIR)
    try:
        lid = make_learner(app)
        pid = make_attempt(app, lid, mode="exam", count=THREADS, scoring="no_partial",
                           minutes=60)
        with app.app_context():
            _, q = load(lid, pid, 1)
            wrong = [i for i in range(len(q.options)) if i not in q.correct][:len(q.correct)]

        def job() -> object:
            # Every request carries the version its form was rendered at (0, unanswered), even
            # when it reads the question after another request has answered it.
            attempt, question = load(lid, pid, 1)
            return attempts.answer(attempt, question, wrong, version=0)

        results = run_concurrently(app, [job] * THREADS)
        assert sum(isinstance(r, tuple) for r in results) == 1, results
        assert sum(isinstance(r, attempts.Conflict) for r in results) == THREADS - 1, results
        with app.app_context():
            attempt, q = load(lid, pid, 1)
            assert q.chosen == sorted(wrong) and attempt.score_points == 0
            cards = sa.select(sa.func.count()).select_from(m.ReviewCard)
            assert db.session.scalar(cards) == 0  # an exam's mistakes wait for its end
            assert attempts.finish(attempt) and attempt.scaled_score == 100
            assert db.session.scalar(cards) == 1
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.postgres
def test_a_running_exam_holds_its_cards_back_on_postgresql(pg_url: str) -> None:
    """The statements of the running-exam rules on PostgreSQL: the held flag in the answer's
    RETURNING and the page's read, the queue's FILTERs, the batched upsert when it ends."""
    from flask_migrate import upgrade

    from cloudquiz import create_app
    from cloudquiz.seeding import seed_database
    from tests.support.app import SEED_DIR

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": pg_url, "SEED_DIR": str(SEED_DIR)})
    with app.app_context():
        upgrade()
        seed_database(db.session, SEED_DIR)
    try:
        lid = make_learner(app)
        practice = make_attempt(app, lid)
        exam = make_attempt(app, lid, mode="exam", scoring="no_partial", minutes=60)
        with app.app_context():  # same seed, same questions: the exam asks them all
            attempt, q = load(lid, practice, 1)
            wrong = [i for i in range(len(q.options)) if i not in q.correct][:len(q.correct)]
            assert attempts.answer(attempt, q, wrong).held is True
            state = attempts.question_state(practice, lid, 1)
            assert state is not None and state[2] is not None and state[2].held
            queue = review.stats(lid)
            assert (queue.due, queue.today, queue.held, queue.total) == (0, 0, 1, 1)
            assert review.due_cards(lid) == []
            exam_attempt, eq = load(lid, exam, 2)
            attempts.answer(exam_attempt, eq, wrong if eq.card_key == q.card_key else [
                i for i in range(len(eq.options)) if i not in eq.correct][:len(eq.correct)],
                version=0)
            assert db.session.scalar(sa.select(sa.func.count()).select_from(m.ReviewCard)) == 1
            assert attempts.finish(exam_attempt)
            assert review.stats(lid).due == 2 and len(review.due_cards(lid)) == 2
            assert attempts.question_state(practice, lid, 1)[2].held is False
    finally:
        with app.app_context():
            db.engine.dispose()
