"""Attempts: creating one, reading its question pages, answering, flagging and finishing.

Promises:

* An attempt keeps a snapshot of every question (prompt, options, correct indexes, explanation),
  so reseeding the hub never rewrites history.
* An answer is recorded exactly once, even under concurrent requests: the write is a conditional
  ``UPDATE`` whose row count decides — ``WHERE chosen IS NULL`` in practice and review (one
  answer per question), ``WHERE version = <the version the form was rendered from>`` in an
  exam, where an answer can be changed or cleared until the exam is submitted and every write
  bumps the version — and the attempt row is then updated under the condition that it is still
  open and within its deadline, in the same transaction. Whoever loses (a concurrent request, a
  stale or replayed form) gets :class:`Conflict` and nothing changes.
* Answering is lean (docs/performance.md): the question page reads its attempt, its question and
  the attempt's tallies in one query, as plain values (:class:`AttemptState`,
  :class:`QuestionState`) that a commit does not expire; an answer (:func:`answer`) is one
  transaction of two or three statements (the attempt ``UPDATE`` returns the new tallies) and
  one commit, plus the finishing of a practice or review whose last question it was.
* Finishing is the same kind of conditional update (``WHERE finished_at IS NULL``), so an attempt
  is scored once, with exactly the answers recorded before it closed.
* Nothing leaks from a running exam: its answers move no review card until it is finished
  (then its mistakes do, in the finishing transaction); :func:`held_cards` names the cards of a
  learner's running exams so new attempts avoid them, and the question pages read, with the
  question, whether its right answer must stay hidden because a running exam asks it too.

Every function takes the learner id (``lid``) or an attempt already looked up with it; nothing
here reads the session.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Sequence
from dataclasses import fields
from typing import Any, NamedTuple

import sqlalchemy as sa

from ... import models as m
from ...models import db
from .. import engine, timing
from ..types import Question
from . import clock, review
from .states import AttemptState, QuestionState, Tallies

PRACTICE_COUNTS = (10, 20, 30, 50)


class Conflict(Exception):
    """The action no longer applies (already answered, attempt finished, time is up, or the
    form is stale: the answer changed since it was rendered)."""

    def __init__(self, message: str, *, expired: bool = False, stale: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.expired = expired
        self.stale = stale


STALE = ("This answer changed after this page was loaded (in another tab, or by an earlier "
         "submit of the same form), so this form was not applied: the newer answer is kept. "
         "Open the question again to see it and change it if you want.")


def get(public_id: str, lid: str | None) -> m.Attempt | None:
    """The attempt if it belongs to this learner; None otherwise (never reveal existence)."""
    if lid is None or len(public_id) > 32:
        return None
    attempt = db.session.scalar(sa.select(m.Attempt).where(m.Attempt.public_id == public_id))
    if attempt is None or attempt.learner_id != lid:
        return None
    return attempt


def questions_of(attempt: m.Attempt) -> list[m.AttemptQuestion]:
    """Every question of the attempt, in order (the exam's review screen, the results)."""
    return list(db.session.scalars(
        sa.select(m.AttemptQuestion).where(m.AttemptQuestion.attempt_id == attempt.id)
        .order_by(m.AttemptQuestion.position)
    ))


def question_at(attempt: m.Attempt, position: int) -> m.AttemptQuestion | None:
    return db.session.scalar(sa.select(m.AttemptQuestion).where(
        m.AttemptQuestion.attempt_id == attempt.id, m.AttemptQuestion.position == position))


_ATTEMPT_FIELDS = tuple(f.name for f in fields(AttemptState))
_QUESTION_FIELDS = tuple(f.name for f in fields(QuestionState))
_MAX_POSITION = 2 ** 31 - 1  # route integers beyond this would overflow the database integer


class _Statements:
    """The statements of the question pages and of answering, built once per process.

    Values travel as bound parameters, so every request executes the same statement objects:
    SQLAlchemy finds their compiled form in its cache instead of building, hashing and
    compiling a new expression tree (with aliases and subqueries) per request.
    """

    def __init__(self) -> None:
        ma, aq = m.Attempt.__table__, m.AttemptQuestion.__table__
        p = sa.bindparam
        other = aq.alias("other")

        def tally(expr: Any, *where: Any) -> Any:
            """One count over the attempt's questions (an index range of ~65 rows)."""
            return (sa.select(expr).where(other.c.attempt_id == ma.c.id, *where)
                    .scalar_subquery())

        columns = [ma.c[name] for name in _ATTEMPT_FIELDS]
        columns += [aq.c[name].label(f"q_{name}") for name in _QUESTION_FIELDS]
        # Is the question's card in another running exam of this learner? (Not asked of a
        # running exam's own pages: they show no right answer anyway.)
        held_a, held_q = ma.alias("held_attempt"), aq.alias("held_question")

        def held_by_running_exam(learner: Any, card_key: Any, attempt_id: Any) -> Any:
            # No join: RETURNING renders column names unqualified, so each level of the
            # subquery reads one table.
            running = sa.select(held_a.c.id).where(
                held_a.c.learner_id == learner, held_a.c.mode == "exam",
                held_a.c.finished_at.is_(None), held_a.c.id != attempt_id)
            return sa.exists(sa.select(held_q.c.id).where(
                held_q.c.attempt_id.in_(running), held_q.c.card_key == card_key))

        ir = m.ItemReport.__table__

        def report_of(learner: Any, card_key: Any) -> Any:
            """The learner's report of the item, as "status:reason" (None: not reported)."""
            return (sa.select(ir.c.status + ":" + ir.c.reason)
                    .where(ir.c.learner_id == learner, ir.c.card_key == card_key)
                    .scalar_subquery())

        running_exam = sa.and_(ma.c.mode == "exam", ma.c.finished_at.is_(None))
        tallies = [tally(sa.func.count(other.c.chosen)).label("t_answered"),
                   tally(sa.func.count(), other.c.flagged.is_(True)).label("t_flagged"),
                   tally(sa.func.min(other.c.position), other.c.chosen.is_(None))
                   .label("t_first_open"),
                   sa.case((running_exam, sa.false()), else_=held_by_running_exam(
                       ma.c.learner_id, aq.c.card_key, ma.c.id)).label("t_held"),
                   report_of(ma.c.learner_id, aq.c.card_key).label("t_report")]
        joined = ma.outerjoin(aq, sa.and_(aq.c.attempt_id == ma.c.id,
                                          aq.c.position == p("b_position")))
        mine = (ma.c.public_id == p("b_public_id"), ma.c.learner_id == p("b_learner_id"))
        self.load = sa.select(*columns).select_from(joined).where(*mine)
        self.load_with_tallies = sa.select(*columns, *tallies).select_from(joined).where(*mine)

        # The exactly-once write: its row count decides who answered first.
        unanswered = (aq.c.id == p("b_question_id"), aq.c.chosen.is_(None))
        earlier = aq.alias("earlier")
        in_order = ~sa.exists(sa.select(earlier.c.id).where(
            earlier.c.attempt_id == p("b_attempt_id"), earlier.c.position < p("b_position"),
            earlier.c.chosen.is_(None)))
        answer = {"chosen": p("v_chosen", type_=aq.c.chosen.type),
                  "is_correct": p("v_correct", type_=aq.c.is_correct.type),
                  "points": p("v_points", type_=aq.c.points.type),
                  "answered_at": p("v_at", type_=aq.c.answered_at.type),
                  "version": aq.c.version + 1}
        self.answer_in_order = sa.update(aq).where(*unanswered, in_order).values(answer)
        # Exams: any order, and a change or a clear applies only to the version it was made on.
        current = (aq.c.id == p("b_question_id"), aq.c.version == p("b_version"))
        self.answer_exam = sa.update(aq).where(*current).values(answer)
        self.clear_exam = sa.update(aq).where(*current).values(
            chosen=sa.null(), is_correct=sa.null(), points=0.0, answered_at=sa.null(),
            version=aq.c.version + 1)

        # The attempt row orders answers against finishing (finish locks it too); its
        # RETURNING clause reads the tallies inside the transaction: nothing to read after it.
        def of_attempt(expr: Any, *where: Any) -> Any:
            return (sa.select(expr).where(other.c.attempt_id == p("b_attempt_id"), *where)
                    .scalar_subquery())

        self.add_points = (
            sa.update(ma)
            .where(ma.c.id == p("b_attempt_id"), ma.c.finished_at.is_(None),
                   sa.or_(ma.c.deadline.is_(None),
                          ma.c.deadline > p("b_now", type_=ma.c.deadline.type)))
            .values(score_points=ma.c.score_points + p("v_points", type_=ma.c.score_points.type))
            .returning(of_attempt(sa.func.count(other.c.chosen)),
                       of_attempt(sa.func.count(), other.c.flagged.is_(True))))
        # Practice and review show the right answer with the answer, unless a running exam
        # asks the same question: the RETURNING clause says so, still without a read after.
        self.add_points_held = self.add_points.returning(held_by_running_exam(
            p("b_learner_id"), p("b_card_key"), p("b_attempt_id")),
            report_of(p("b_learner_id"), p("b_card_key")))


@functools.cache
def _sql() -> _Statements:
    return _Statements()


def question_state(public_id: str, lid: str | None, position: int, *, tallies: bool = True
                   ) -> tuple[AttemptState, QuestionState | None, Tallies | None] | None:
    """This learner's attempt, its question at ``position`` (None if it has none) and, with
    ``tallies``, its counts — in one query. None when the attempt is not this learner's."""
    if lid is None or len(public_id) > 32:
        return None
    if not 1 <= position <= _MAX_POSITION:
        position = 0  # no such question; still look the attempt up (404 either way)
    sql = _sql()
    row = db.session.connection().execute(
        sql.load_with_tallies if tallies else sql.load,
        {"b_public_id": public_id, "b_learner_id": lid, "b_position": position},
    ).first()
    if row is None:
        return None
    # The columns are in the dataclasses' field order: attempt, question, tallies.
    a, q = len(_ATTEMPT_FIELDS), len(_ATTEMPT_FIELDS) + len(_QUESTION_FIELDS)
    attempt = AttemptState(*row[:a])
    question = QuestionState(*row[a:q]) if row[a] is not None else None
    counts = (Tallies(int(row[q] or 0), int(row[q + 1] or 0), row[q + 2], bool(row[q + 3]),
                      row[q + 4]) if tallies else None)
    return attempt, question, counts


def scoring_of(attempt: m.Attempt | AttemptState) -> str:
    return str(attempt.config.get("scoring") or "practice")


def question_max(q: m.AttemptQuestion | QuestionState | Question, scoring: str) -> float:
    correct = tuple(q.correct)
    return float(engine.score(correct, correct, scoring)[1])


def _question_row(position: int, q: Question) -> m.AttemptQuestion:
    return m.AttemptQuestion(
        position=position, kind=q.kind, card_key=q.card_key, domain=q.domain, tags=dict(q.tags),
        prompt=q.prompt, options=list(q.options), correct=list(q.correct), multi=q.multi,
        explanation=q.explanation, hub_url=q.hub_url, rationale=list(q.rationale),
        sources=list(q.sources),
    )


def create(lid: str, *, mode: str, title: str, questions: Sequence[Question],
           config: dict[str, Any], rng_seed: int, content_version: str,
           duration_minutes: int | None = None, exam_slug: str | None = None) -> m.Attempt:
    """Persist a new attempt with a snapshot of its questions, and commit."""
    scoring = str(config.get("scoring") or "practice")
    started = clock.now()
    attempt = m.Attempt(
        public_id=secrets.token_hex(16), learner_id=lid, mode=mode, exam_slug=exam_slug,
        title=title[:200],
        config=config, rng_seed=rng_seed, content_version=content_version,
        question_count=len(questions), created_at=started,
        deadline=started + dt.timedelta(minutes=duration_minutes) if duration_minutes else None,
        score_points=0.0, max_points=sum(question_max(q, scoring) for q in questions),
    )
    attempt.questions = [_question_row(i, q) for i, q in enumerate(questions, start=1)]
    db.session.add(attempt)
    db.session.commit()
    return attempt


def new_seed() -> int:
    return secrets.randbits(48)


def is_expired(attempt: m.Attempt | AttemptState) -> bool:
    return (attempt.finished_at is None and attempt.deadline is not None
            and clock.now() >= attempt.deadline)


class Recorded(NamedTuple):
    """What :func:`answer` (or :func:`clear`) wrote, the attempt's tallies right after it,
    whether that answer finished the attempt (the last question of a practice or review), the
    question's new version (what the next form must carry), and whether its right answer must
    stay hidden because a running exam asks the same question."""

    points: float
    correct: bool
    answered: int
    flagged: int
    finished: bool
    version: int = 0
    held: bool = False
    report: str | None = None  # the learner's report of the item: "status:reason"


def answer(attempt: m.Attempt | AttemptState, question: m.AttemptQuestion | QuestionState,
           chosen: Sequence[int], *, version: int | None = None) -> Recorded:
    """Record ``chosen`` for ``question`` exactly once, in one transaction, move the question's
    review card (FSRS), and finish a practice or review attempt whose last question this was.

    In an exam the answer may replace an earlier one until the exam is submitted: ``version``
    is the version of the question the form was rendered from, and the write applies only if
    the question still has it (so a stale or replayed form never overwrites a newer answer).

    Raises :class:`Conflict` (and changes nothing, except closing an attempt whose time is up)
    when the question was already answered (practice, review), an earlier one is unanswered in
    an in-order mode, the form is stale (exam), the attempt is finished, or its deadline has
    passed.

    No commit before the first ``UPDATE``: SQLite (pysqlite) opens the transaction at the first
    write, so that write is what takes the write lock (others wait for it instead of failing),
    and PostgreSQL at READ COMMITTED gives every statement a fresh snapshot. Core statements on
    the tables (not ORM instances) keep the commit from expiring anything the panel renders.
    """
    scoring = scoring_of(attempt)
    new_version = int(question.version) + 1  # read now: a commit expires an ORM instance
    chosen_list = sorted({int(c) for c in chosen})
    points, _max = engine.score(tuple(question.correct), tuple(chosen_list), scoring)
    points = float(points)
    correct = points >= question_max(question, scoring) and points > 0
    at = clock.now()
    sql = _sql()
    exam = attempt.mode == "exam"
    params = {"b_question_id": question.id, "v_chosen": chosen_list, "v_correct": correct,
              "v_points": points, "v_at": at}
    if exam:
        _check_version(question, version)
        statement = sql.answer_exam
        params["b_version"] = question.version
        delta = points - float(question.points or 0.0)  # the row is still at that version
    else:
        statement = sql.answer_in_order
        params.update(b_attempt_id=attempt.id, b_position=question.position)
        delta = points
    tallies = _write(attempt, question, statement, params, delta, at)
    if not exam:  # an exam's mistakes reach the review queue when it is submitted (finish)
        review.update_card(attempt, question, correct, at)
    db.session.commit()
    answered, flagged = int(tallies[0]), int(tallies[1])
    held = bool(tallies[2]) if len(tallies) > 2 else False
    report = tallies[3] if len(tallies) > 3 else None
    return Recorded(points, correct, answered, flagged, _finish_if_complete(attempt, answered),
                    new_version, held, report)


def clear(attempt: m.Attempt | AttemptState, question: m.AttemptQuestion | QuestionState,
          *, version: int | None) -> Recorded:
    """Clear the answer of an exam question (until the exam is submitted), under the same
    version rule as changing it. Practice and review answers are final: :class:`Conflict`."""
    if attempt.mode != "exam":
        raise Conflict("Practice and review answers are final once checked.")
    _check_version(question, version)
    new_version = int(question.version) + 1
    at = clock.now()
    tallies = _write(attempt, question, _sql().clear_exam,
                     {"b_question_id": question.id, "b_version": question.version},
                     -float(question.points or 0.0), at)
    db.session.commit()
    return Recorded(0.0, False, int(tallies[0]), int(tallies[1]), False, new_version)


def _check_version(question: m.AttemptQuestion | QuestionState, version: int | None) -> None:
    """The form's version against the question as just read: an older (or made-up) one is a
    stale form, refused before anything is written."""
    if version is None or version != question.version:
        raise Conflict(STALE, stale=True)


def _write(attempt: m.Attempt | AttemptState, question: m.AttemptQuestion | QuestionState,
           statement: Any, params: dict[str, Any], delta: float, at: dt.datetime) -> Any:
    """The conditional write of the question, then the attempt's points and tallies, in the
    answer's transaction; :class:`Conflict` (rolled back) when either finds nothing to update.
    Returns the attempt's (answered, flagged) counts right after the write."""
    sql = _sql()
    # Core statements on the session's connection (same transaction; skips the ORM layer).
    conn = db.session.connection()
    if conn.execute(statement, params).rowcount != 1:
        db.session.rollback()
        if attempt.mode == "exam":
            raise Conflict(STALE, stale=True)
        aq = m.AttemptQuestion.__table__
        if db.session.scalar(sa.select(aq.c.chosen).where(aq.c.id == question.id)) is not None:
            raise Conflict("You already answered this question; your first answer counts.")
        raise Conflict("Answer the questions in order: an earlier question is still open.")
    points = {"b_attempt_id": attempt.id, "b_now": at, "v_points": delta}
    if attempt.mode == "exam":
        tallies = conn.execute(sql.add_points, points).first()
    else:
        tallies = conn.execute(sql.add_points_held, {
            **points, "b_learner_id": attempt.learner_id, "b_card_key": question.card_key}
        ).first()
    if tallies is None:
        db.session.rollback()
        ma = m.Attempt.__table__
        finished_at, deadline = db.session.execute(
            sa.select(ma.c.finished_at, ma.c.deadline).where(ma.c.id == attempt.id)).one()
        if finished_at is None and deadline is not None:
            finish(attempt)
            raise Conflict("Time is up: the answer arrived after the deadline and was not "
                           "recorded. The exam is closed and scored with the answers given "
                           "in time.", expired=True)
        raise Conflict("This attempt is finished; answers can no longer be changed.")
    return tallies


def flag(attempt: m.Attempt | AttemptState, question: m.AttemptQuestion | QuestionState,
         flagged: bool) -> None:
    """Flag or unflag a question of an open attempt (idempotent)."""
    at = clock.now()
    ma = m.Attempt.__table__
    aq = m.AttemptQuestion.__table__
    still_open = sa.exists(sa.select(ma.c.id).where(
        ma.c.id == attempt.id, ma.c.finished_at.is_(None),
        sa.or_(ma.c.deadline.is_(None), ma.c.deadline > at)))
    result = db.session.execute(
        sa.update(aq).where(aq.c.id == question.id, still_open).values(flagged=flagged))
    if result.rowcount != 1:
        db.session.rollback()
        finished_at = db.session.scalar(sa.select(ma.c.finished_at).where(ma.c.id == attempt.id))
        if finished_at is None and attempt.deadline is not None:
            finish(attempt)
            raise Conflict("Time is up: the exam is closed and scored.", expired=True)
        raise Conflict("This attempt is finished; flags can no longer be changed.")
    db.session.commit()


def finish(attempt: m.Attempt | AttemptState) -> bool:
    """Close and score the attempt once; False if it was already finished.

    An exam is scored over all its questions (unanswered ones score 0, as in the real exams).
    A practice or review ended early is scored over the questions answered: the others are
    skipped, not wrong, so ``max_points`` becomes the answered questions' maximum.

    An ORM instance is refreshed; for an :class:`AttemptState`, read the attempt again."""
    db.session.commit()
    at = clock.now()
    closed_at = min(at, attempt.deadline) if attempt.deadline is not None else at
    ma = m.Attempt
    result = db.session.execute(
        sa.update(ma).where(ma.id == attempt.id, ma.finished_at.is_(None))
        .values(finished_at=closed_at).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        if isinstance(attempt, m.Attempt):
            db.session.refresh(attempt)
        return False
    # The attempt row is now locked by this transaction: no answer can slip in while we score.
    aq = m.AttemptQuestion
    max_points = float(attempt.max_points)
    if attempt.mode == "exam":
        points = float(db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(aq.points), 0.0))
            .where(aq.attempt_id == attempt.id)) or 0.0)
    else:
        scoring = scoring_of(attempt)
        answered = db.session.execute(sa.select(aq.points, aq.correct).where(
            aq.attempt_id == attempt.id, aq.chosen.is_not(None))).all()
        points = float(sum(p for p, _ in answered))
        max_points = float(sum(engine.score(tuple(c), tuple(c), scoring)[1]
                               for _, c in answered))
    cfg = attempt.config or {}
    scaled: int | None = None
    passed: bool | None = None
    if attempt.mode == "exam":
        lo, hi = int(cfg.get("scale_min", 0)), int(cfg.get("scale_max", 1000))
        scaled = (int(engine.scaled_score(points, max_points, lo, hi))
                  if max_points > 0 else lo)
        mark = cfg.get("pass_mark") or cfg.get("readiness_mark")
        passed = scaled >= int(mark) if mark is not None else None
    db.session.execute(
        sa.update(ma).where(ma.id == attempt.id)
        .values(score_points=points, max_points=max_points, scaled_score=scaled, passed=passed)
        .execution_options(synchronize_session=False)
    )
    if attempt.mode == "exam":  # held back while it ran; in the same transaction as the score
        review.record_mistakes(attempt, at)
    db.session.commit()
    if isinstance(attempt, m.Attempt):
        db.session.refresh(attempt)
    return True


def held_cards(lid: str | None, *, except_attempt: int | None = None) -> frozenset[str]:
    """The cards of this learner's exams still running (not finished), but ``except_attempt``:
    new attempts avoid them and no page shows their right answers until those exams end."""
    if lid is None:
        return frozenset()
    ma, aq = m.Attempt, m.AttemptQuestion
    stmt = (sa.select(aq.card_key).join(ma, ma.id == aq.attempt_id)
            .where(ma.learner_id == lid, ma.mode == "exam", ma.finished_at.is_(None)))
    if except_attempt is not None:
        stmt = stmt.where(ma.id != except_attempt)
    return frozenset(db.session.scalars(stmt))


def close_expired(lid: str | None) -> int:
    """Close and score this learner's attempts whose time is up (one query when there are
    none), so their answers count in progress and their mistakes reach the review queue."""
    if lid is None:
        return 0
    ma = m.Attempt
    expired = list(db.session.scalars(sa.select(ma).where(
        ma.learner_id == lid, ma.finished_at.is_(None), ma.deadline.is_not(None),
        ma.deadline <= clock.now())))
    return sum(finish(a) for a in expired)


def extend(attempt: m.Attempt | AttemptState, shown_deadline: dt.datetime) -> dt.datetime:
    """Add :data:`timing.EXTENSION_MINUTES` to a running exam whose learner asked to be able to
    extend (up to :data:`timing.MAX_EXTENSIONS` times); returns the new deadline.

    ``shown_deadline`` is the deadline the page showed: the update applies only while the
    deadline is still that one, so a double click or a replayed form adds the time once
    (:class:`Conflict` with ``stale``). After the deadline nothing can be extended: the exam is
    closed and scored (:class:`Conflict` with ``expired``)."""
    if attempt.mode != "exam" or attempt.finished_at is not None or attempt.deadline is None:
        raise Conflict("This attempt has no running time limit to extend.")
    if not timing.can_extend(attempt.config):
        raise Conflict("This exam's time cannot be extended: extension was not chosen when it "
                       f"started, or it was already extended {timing.MAX_EXTENSIONS} times.")
    now = clock.now()
    if attempt.deadline <= now:
        finish(attempt)
        raise Conflict("Time is up: the exam is closed and scored.", expired=True)
    if shown_deadline != attempt.deadline:
        raise Conflict("The time was already extended from another page or an earlier click; "
                       "the countdown shows the current deadline.", stale=True)
    new_deadline = attempt.deadline + dt.timedelta(minutes=timing.EXTENSION_MINUTES)
    ma = m.Attempt
    result = db.session.execute(
        sa.update(ma).where(ma.id == attempt.id, ma.finished_at.is_(None),
                            ma.deadline == attempt.deadline, ma.deadline > now)
        .values(deadline=new_deadline, config=timing.extended(attempt.config))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("The time was already extended from another page or an earlier click; "
                       "the countdown shows the current deadline.", stale=True)
    db.session.commit()
    if isinstance(attempt, m.Attempt):
        db.session.refresh(attempt)
    return new_deadline


def finish_if_expired(attempt: m.Attempt | AttemptState) -> bool:
    if is_expired(attempt):
        finish(attempt)
        return True
    return False


def _finish_if_complete(attempt: m.Attempt | AttemptState, answered: int) -> bool:
    """Practice and review attempts end when their last question is answered (``answered`` is
    the attempt's answered count right after the answer)."""
    if attempt.mode == "exam" or attempt.finished_at is not None:
        return False
    return bool(answered >= attempt.question_count and finish(attempt))
