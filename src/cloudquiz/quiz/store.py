"""The quiz store: who the learner is, what they were asked, what they answered.

Everything a learner does lives in the database, keyed by the random id in the signed session
cookie; nothing that matters is kept in process memory, so any worker can serve any request.

Promises:

* An attempt keeps a snapshot of every question (prompt, options, correct indexes, explanation),
  so reseeding the hub never rewrites history.
* An answer is recorded exactly once, even under concurrent requests: the write is a conditional
  ``UPDATE ... WHERE chosen IS NULL`` whose row count decides, and the attempt row is then
  updated under the condition that it is still open and within its deadline, in the same
  transaction. Whoever loses gets :class:`Conflict` and nothing changes.
* Answering is lean (docs/performance.md): the question page reads its attempt, its question and
  the attempt's tallies in one query, as plain values (:class:`AttemptState`,
  :class:`QuestionState`) that a commit does not expire; an answer is one transaction of two
  or three statements (the attempt ``UPDATE`` returns the new tallies) and one commit.
* Finishing is the same kind of conditional update (``WHERE finished_at IS NULL``), so an attempt
  is scored once, with exactly the answers recorded before it closed.
* Leitner review: a wrong answer puts the question's card in box 1 (due at once); a right answer
  in a review attempt moves the card up one box, due again after 1 day (box 2) or 2 days (box 3);
  a right answer in box 3, which can only happen on a third day, retires the card
  (box :data:`LEARNED_BOX`). A wrong answer in a review attempt sends the card back to box 1,
  due the next day.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import session
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import models as m
from ..models import db
from . import engine
from .types import Question

LEARNED_BOX = 4  # a card answered right in box 3 is learned and leaves the queue
REVIEW_BATCH = 20  # questions in one review attempt at most
PRACTICE_COUNTS = (10, 20, 30, 50)
_LEARNER_RE = re.compile(r"^[0-9a-f]{32}$")


class Conflict(Exception):
    """The action no longer applies (already answered, attempt finished, time is up)."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.expired = expired


def now() -> dt.datetime:
    """The current UTC time (naive, like the database columns); patched by tests."""
    return m.utcnow()


def today() -> dt.date:
    """The learner's day for Leitner scheduling (UTC); patched by tests to simulate days."""
    return now().date()


# ----------------------------------------------------------------------------- learner


def learner_id() -> str | None:
    """The id in the signed session cookie, or None for a browser that never started a quiz."""
    value = session.get("learner_id")
    return value if isinstance(value, str) and _LEARNER_RE.match(value) else None


def ensure_learner() -> str:
    """The learner of this browser, created on the first POST that needs one."""
    lid = learner_id()
    if lid is None:
        lid = secrets.token_hex(16)
        session["learner_id"] = lid
    session.permanent = True
    if db.session.get(m.Learner, lid) is None:
        # The cookie is signed, so an id we do not know was issued by us (e.g. before a DB reset).
        # ON CONFLICT DO NOTHING: a concurrent request of the same browser may create it first.
        db.session.execute(_insert(m.Learner).values(id=lid, created_at=now())
                           .on_conflict_do_nothing(index_elements=["id"]))
    return lid


def _insert(model: type[Any]) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (SQLite and PostgreSQL, the two we run on)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(model)
    return sqlite_insert(model)


# ----------------------------------------------------------------------------- attempts


def get_attempt(public_id: str, lid: str | None) -> m.Attempt | None:
    """The attempt if it belongs to this learner; None otherwise (never reveal existence)."""
    if lid is None or len(public_id) > 32:
        return None
    attempt = db.session.scalar(sa.select(m.Attempt).where(m.Attempt.public_id == public_id))
    if attempt is None or attempt.learner_id != lid:
        return None
    return attempt


def load_questions(attempt: m.Attempt) -> list[m.AttemptQuestion]:
    return list(db.session.scalars(
        sa.select(m.AttemptQuestion).where(m.AttemptQuestion.attempt_id == attempt.id)
        .order_by(m.AttemptQuestion.position)
    ))


def get_question(attempt: m.Attempt, position: int) -> m.AttemptQuestion | None:
    return db.session.scalar(sa.select(m.AttemptQuestion).where(
        m.AttemptQuestion.attempt_id == attempt.id, m.AttemptQuestion.position == position))


# ----------------------------------------------------------------------------- question pages


@dataclass(frozen=True, slots=True)
class AttemptState:
    """What the question pages need of an attempt, read with Core as a plain value.

    Unlike an ORM instance it is not expired by the answer's commit, so rendering the panel
    after the commit reads nothing again. Same attribute names as :class:`models.Attempt`, so the
    helpers here (``scoring_of``, ``is_expired``, ``finish_attempt``) take either.
    """

    id: int
    public_id: str
    learner_id: str
    mode: str
    title: str
    config: dict[str, Any]
    question_count: int
    deadline: dt.datetime | None
    finished_at: dt.datetime | None
    max_points: float


@dataclass(frozen=True, slots=True)
class QuestionState:
    """One asked question and its answer, as :class:`AttemptState` is for the attempt."""

    id: int
    position: int
    kind: str
    card_key: str
    domain: str
    tags: dict[str, Any]
    prompt: str
    options: list[Any]
    correct: list[Any]
    multi: bool
    explanation: str
    hub_url: str
    chosen: list[Any] | None
    is_correct: bool | None
    points: float
    flagged: bool


@dataclass(frozen=True, slots=True)
class Tallies:
    """An attempt's counts for the question panel."""

    answered: int
    flagged: int
    first_open: int | None = None  # position of the first unanswered question, None if none


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
        tallies = [tally(sa.func.count(other.c.chosen)).label("t_answered"),
                   tally(sa.func.count(), other.c.flagged.is_(True)).label("t_flagged"),
                   tally(sa.func.min(other.c.position), other.c.chosen.is_(None))
                   .label("t_first_open")]
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
                  "answered_at": p("v_at", type_=aq.c.answered_at.type)}
        self.answer_any_order = sa.update(aq).where(*unanswered).values(answer)
        self.answer_in_order = sa.update(aq).where(*unanswered, in_order).values(answer)

        # The attempt row orders answers against finishing (finish_attempt locks it too); its
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

        # A mistake puts the card in box 1, due today, whether it exists or not (upsert; a
        # concurrent request of the same learner may insert it first).
        rc = m.ReviewCard.__table__
        self.reset_card: dict[str, Any] = {}
        for dialect, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert)):
            stmt = insert(rc).values(
                learner_id=p("b_learner_id"), card_key=p("b_card_key"), box=1,
                due_on=p("b_day", type_=rc.c.due_on.type),
                last_seen=p("b_at", type_=rc.c.last_seen.type),
                snapshot=p("b_snapshot", type_=rc.c.snapshot.type))
            self.reset_card[dialect] = stmt.on_conflict_do_update(
                index_elements=["learner_id", "card_key"],
                set_={"box": 1, "due_on": stmt.excluded.due_on,
                      "last_seen": stmt.excluded.last_seen, "snapshot": stmt.excluded.snapshot})


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
    counts = Tallies(int(row[q] or 0), int(row[q + 1] or 0), row[q + 2]) if tallies else None
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
        explanation=q.explanation, hub_url=q.hub_url,
    )


def create_attempt(lid: str, *, mode: str, title: str, questions: Sequence[Question],
                   config: dict[str, Any], rng_seed: int, content_version: str,
                   duration_minutes: int | None = None,
                   exam_slug: str | None = None) -> m.Attempt:
    """Persist a new attempt with a snapshot of its questions, and commit."""
    scoring = str(config.get("scoring") or "practice")
    started = now()
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


# ----------------------------------------------------------------------------- answers


def is_expired(attempt: m.Attempt | AttemptState) -> bool:
    return attempt.finished_at is None and attempt.deadline is not None and now() >= attempt.deadline


class Recorded(NamedTuple):
    """What :func:`record_answer` wrote, and the attempt's tallies right after it."""

    points: float
    correct: bool
    answered: int
    flagged: int


def record_answer(attempt: m.Attempt | AttemptState, question: m.AttemptQuestion | QuestionState,
                  chosen: Sequence[int]) -> Recorded:
    """Record ``chosen`` for ``question`` exactly once, in one transaction.

    Raises :class:`Conflict` (and changes nothing, except closing an attempt whose time is up)
    when the question was already answered, an earlier one is unanswered in an in-order mode,
    the attempt is finished, or its deadline has passed.

    No commit before the first ``UPDATE``: SQLite (pysqlite) opens the transaction at the first
    write, so that write is what takes the write lock (others wait for it instead of failing),
    and PostgreSQL at READ COMMITTED gives every statement a fresh snapshot. Core statements on
    the tables (not ORM instances) keep the commit from expiring anything the panel renders.
    """
    scoring = scoring_of(attempt)
    chosen_list = sorted({int(c) for c in chosen})
    points, _max = engine.score(tuple(question.correct), tuple(chosen_list), scoring)
    points = float(points)
    correct = points >= question_max(question, scoring) and points > 0
    at = now()
    sql = _sql()
    # Core statements on the session's connection (same transaction; skips the ORM layer).
    conn = db.session.connection()
    result = conn.execute(
        sql.answer_any_order if attempt.mode == "exam" else sql.answer_in_order,
        {"b_question_id": question.id, "b_attempt_id": attempt.id,
         "b_position": question.position,
         "v_chosen": chosen_list, "v_correct": correct, "v_points": points, "v_at": at})
    if result.rowcount != 1:
        db.session.rollback()
        aq = m.AttemptQuestion.__table__
        if db.session.scalar(sa.select(aq.c.chosen).where(aq.c.id == question.id)) is not None:
            raise Conflict("You already answered this question; your first answer counts.")
        if attempt.mode != "exam":
            raise Conflict("Answer the questions in order: an earlier question is still open.")
        raise Conflict("This answer could not be recorded; reload the question and try again.")
    tallies = conn.execute(
        sql.add_points, {"b_attempt_id": attempt.id, "b_now": at, "v_points": points}).first()
    if tallies is None:
        db.session.rollback()
        ma = m.Attempt.__table__
        finished_at, deadline = db.session.execute(
            sa.select(ma.c.finished_at, ma.c.deadline).where(ma.c.id == attempt.id)).one()
        if finished_at is None and deadline is not None:
            finish_attempt(attempt)
            raise Conflict("Time is up: the answer arrived after the deadline and was not "
                           "recorded. The exam is closed and scored with the answers given "
                           "in time.", expired=True)
        raise Conflict("This attempt is finished; answers can no longer be changed.")
    _update_card(attempt, question, correct, at)
    db.session.commit()
    return Recorded(points, correct, int(tallies[0]), int(tallies[1]))


def set_flag(attempt: m.Attempt | AttemptState, question: m.AttemptQuestion | QuestionState,
             flagged: bool) -> None:
    """Flag or unflag a question of an open attempt (idempotent)."""
    at = now()
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
            finish_attempt(attempt)
            raise Conflict("Time is up: the exam is closed and scored.", expired=True)
        raise Conflict("This attempt is finished; flags can no longer be changed.")
    db.session.commit()


def finish_attempt(attempt: m.Attempt | AttemptState) -> bool:
    """Close and score the attempt once; False if it was already finished.

    An ORM instance is refreshed; for an :class:`AttemptState`, read the attempt again."""
    db.session.commit()
    at = now()
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
    points = float(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(m.AttemptQuestion.points), 0.0))
        .where(m.AttemptQuestion.attempt_id == attempt.id)) or 0.0)
    cfg = attempt.config or {}
    scaled: int | None = None
    passed: bool | None = None
    if attempt.mode == "exam":
        lo, hi = int(cfg.get("scale_min", 0)), int(cfg.get("scale_max", 1000))
        scaled = (int(engine.scaled_score(points, attempt.max_points, lo, hi))
                  if attempt.max_points > 0 else lo)
        mark = cfg.get("pass_mark") or cfg.get("readiness_mark")
        passed = scaled >= int(mark) if mark is not None else None
    db.session.execute(
        sa.update(ma).where(ma.id == attempt.id)
        .values(score_points=points, scaled_score=scaled, passed=passed)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if isinstance(attempt, m.Attempt):
        db.session.refresh(attempt)
    return True


def finish_if_expired(attempt: m.Attempt | AttemptState) -> bool:
    if is_expired(attempt):
        finish_attempt(attempt)
        return True
    return False


def finish_if_complete(attempt: m.Attempt | AttemptState, answered: int | None = None) -> bool:
    """Practice and review attempts end when their last question is answered.

    ``answered`` is the attempt's answered count when the caller knows it (``Recorded``)."""
    if attempt.mode == "exam" or attempt.finished_at is not None:
        return False
    if answered is None:
        answered = db.session.scalar(
            sa.select(sa.func.count(m.AttemptQuestion.chosen))
            .where(m.AttemptQuestion.attempt_id == attempt.id))
    return bool(answered >= attempt.question_count and finish_attempt(attempt))


# ----------------------------------------------------------------------------- Leitner review


def _card_snapshot(q: m.AttemptQuestion | QuestionState) -> dict[str, Any]:
    return {"kind": q.kind, "domain": q.domain, "tags": dict(q.tags or {}), "prompt": q.prompt,
            "options": list(q.options), "correct": list(q.correct), "multi": q.multi,
            "explanation": q.explanation, "hub_url": q.hub_url}


def _update_card(attempt: m.Attempt | AttemptState,
                 q: m.AttemptQuestion | QuestionState, correct: bool, at: dt.datetime) -> None:
    """Move the question's card between Leitner boxes (inside the answer's transaction)."""
    lid, day = attempt.learner_id, today()
    if attempt.mode != "review":
        if not correct:  # only review attempts move cards up; a mistake resets to box 1
            _insert_card(lid, q, day, at)
        return
    card = db.session.scalar(sa.select(m.ReviewCard).where(
        m.ReviewCard.learner_id == lid, m.ReviewCard.card_key == q.card_key))
    if card is None:
        return
    if correct:
        card.box = min(card.box + 1, LEARNED_BOX)
        card.due_on = day + dt.timedelta(days=2 ** (card.box - 2))
    else:
        card.box, card.due_on = 1, day + dt.timedelta(days=1)
    card.last_seen = at


def _insert_card(lid: str, q: m.AttemptQuestion | QuestionState, day: dt.date,
                 at: dt.datetime) -> None:
    """Put the card in box 1, due today: one upsert, whether the card exists or not (or a
    concurrent request inserts it meanwhile)."""
    stmt = _sql().reset_card[db.session.get_bind().dialect.name]
    db.session.connection().execute(stmt, {
        "b_learner_id": lid, "b_card_key": q.card_key, "b_day": day, "b_at": at,
        "b_snapshot": _card_snapshot(q)})


def review_queue_size(lid: str | None) -> int:
    if lid is None:
        return 0
    return int(db.session.scalar(
        sa.select(sa.func.count()).select_from(m.ReviewCard).where(
            m.ReviewCard.learner_id == lid, m.ReviewCard.box < LEARNED_BOX,
            m.ReviewCard.due_on <= today())) or 0)


@dataclass(frozen=True)
class QueueStats:
    due: int = 0
    waiting: int = 0  # in the queue but not due yet
    learned: int = 0
    next_due: dt.date | None = None


def review_stats(lid: str | None) -> QueueStats:
    if lid is None:
        return QueueStats()
    rc = m.ReviewCard
    day = today()
    row = db.session.execute(sa.select(
        sa.func.count().filter(rc.box < LEARNED_BOX, rc.due_on <= day),
        sa.func.count().filter(rc.box < LEARNED_BOX, rc.due_on > day),
        sa.func.count().filter(rc.box >= LEARNED_BOX),
        sa.func.min(rc.due_on).filter(rc.box < LEARNED_BOX, rc.due_on > day),
    ).where(rc.learner_id == lid)).one()
    return QueueStats(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), row[3])


def due_cards(lid: str, limit: int = REVIEW_BATCH) -> list[m.ReviewCard]:
    rc = m.ReviewCard
    return list(db.session.scalars(
        sa.select(rc).where(rc.learner_id == lid, rc.box < LEARNED_BOX, rc.due_on <= today())
        .order_by(rc.due_on, rc.box, rc.id).limit(limit)))


def card_question(card: m.ReviewCard, rng: random.Random) -> Question:
    """The card's question with its options reshuffled (so position is no hint)."""
    snap = card.snapshot or {}
    options = list(snap.get("options") or [])
    correct_texts = {options[i] for i in snap.get("correct") or [] if 0 <= i < len(options)}
    rng.shuffle(options)
    return Question(
        kind=str(snap.get("kind", "")), card_key=card.card_key, prompt=str(snap.get("prompt", "")),
        options=tuple(options),
        correct=tuple(i for i, o in enumerate(options) if o in correct_texts),
        explanation=str(snap.get("explanation", "")), hub_url=str(snap.get("hub_url", "")),
        domain=str(snap.get("domain", "")), tags=dict(snap.get("tags") or {}),
    )


# ----------------------------------------------------------------------------- progress


@dataclass
class Tally:
    label: str
    key: str
    answered: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def percent(self) -> int:
        return round(self.accuracy * 100)


@dataclass
class Progress:
    attempts: list[m.Attempt] = field(default_factory=list)
    answered: dict[int, int] = field(default_factory=dict)  # attempt id -> answered count
    by_provider: list[Tally] = field(default_factory=list)
    by_category: list[Tally] = field(default_factory=list)
    by_kind: list[Tally] = field(default_factory=list)
    total_answered: int = 0
    total_correct: int = 0


def progress(lid: str | None, provider_names: dict[str, str],
             category_names: dict[str, str], kind_names: dict[str, str]) -> Progress:
    """Everything /progress shows, in two queries: the attempts, then the answered questions."""
    result = Progress()
    if lid is None:
        return result
    result.attempts = list(db.session.scalars(
        sa.select(m.Attempt).where(m.Attempt.learner_id == lid)
        .order_by(m.Attempt.created_at, m.Attempt.id)))
    rows = db.session.execute(
        sa.select(m.AttemptQuestion.attempt_id, m.AttemptQuestion.kind, m.AttemptQuestion.tags,
                  m.AttemptQuestion.is_correct)
        .join(m.Attempt, m.Attempt.id == m.AttemptQuestion.attempt_id)
        .where(m.Attempt.learner_id == lid, m.AttemptQuestion.chosen.is_not(None))
    ).all()
    tallies: dict[str, dict[str, Tally]] = defaultdict(dict)
    names = {"provider": provider_names, "category": category_names, "kind": kind_names}
    answered: dict[int, int] = defaultdict(int)
    for attempt_id, kind, tags, is_correct in rows:
        answered[attempt_id] += 1
        result.total_answered += 1
        result.total_correct += bool(is_correct)
        tags = tags or {}
        for dim, value in (("provider", tags.get("provider")), ("category", tags.get("category")),
                           ("kind", kind)):
            if not value:
                continue
            tally = tallies[dim].get(value)
            if tally is None:
                tally = tallies[dim][value] = Tally(names[dim].get(value, value), value)
            tally.answered += 1
            tally.correct += bool(is_correct)
    result.answered = dict(answered)

    def ordered(dim: str) -> list[Tally]:
        order = list(names[dim])
        return sorted(tallies[dim].values(),
                      key=lambda t: (order.index(t.key) if t.key in order else len(order), t.label))

    result.by_provider = ordered("provider")
    result.by_category = ordered("category")
    result.by_kind = ordered("kind")
    return result


def weakest(prog: Progress, limit: int = 3, min_answers: int = 2) -> list[tuple[str, Tally]]:
    """The areas with the lowest accuracy (and at least ``min_answers``), below 100 %."""
    areas = [(dim, t) for dim, tallies in (("provider", prog.by_provider),
                                           ("category", prog.by_category),
                                           ("kind", prog.by_kind))
             for t in tallies if t.answered >= min_answers and t.correct < t.answered]
    areas.sort(key=lambda a: (a[1].accuracy, -a[1].answered, a[0], a[1].label))
    return areas[:limit]

