"""Review mistakes: one FSRS card per question the learner got wrong, scheduled by the ``fsrs``
package (the Free Spaced Repetition Scheduler).

A wrong answer anywhere is rated *Again*; a right answer in a review attempt is rated *Good*
(right answers in a practice or an exam move no card: only reviews are reviews). FSRS keeps, per
card, its memory *stability* (days until the chance of recall falls to 90 %) and *difficulty*,
and schedules the next review when the predicted recall falls to the desired retention
(``REVIEW_DESIRED_RETENTION``, 0.9 by default). The package's defaults hold, with two
exceptions: the first learning step is 0 minutes instead of 1, so a question just answered
wrong can be reviewed at once, and fuzzing is off, so the same answers always give the same
schedule. A card never retires: a well-known question comes back after weeks, then months.

A card keeps a snapshot of its question, so a review asks what was asked. :func:`update_card`
runs inside the answer's transaction (``attempts.answer``) of a practice or review; an exam's
mistakes wait until it is submitted (:func:`record_mistakes`, inside the finishing
transaction), so nothing of a running exam reaches the queue. A card whose question is in a
running exam of the learner is *held*: it is not due, and no review draws it, until that exam
ends (a review shows the right answer). The rest reads the queue for the pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from fsrs import Card, Rating, Scheduler, State
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ... import models as m
from ...models import db
from ..types import Question
from . import clock

if TYPE_CHECKING:
    from .states import AttemptState, QuestionState

REVIEW_BATCH = 20  # questions in one review attempt at most
DEFAULT_RETENTION = 0.9
WEEK = 7  # days the forecast on /progress covers after today
STRONG_DAYS = 21  # a card whose stability reaches three weeks counts as well remembered
STATE_NAMES = {State.Learning: "learning", State.Review: "review",
               State.Relearning: "relearning"}


_retention = DEFAULT_RETENTION


def configure(retention: float) -> None:
    """Set the desired retention (the app factory passes ``REVIEW_DESIRED_RETENTION``; the
    store reads no Flask config itself). One value per process: every app of a process
    schedules alike."""
    global _retention
    if not 0 < retention < 1:
        raise ValueError(f"desired retention must lie between 0 and 1, not {retention!r}")
    _retention = float(retention)


@functools.lru_cache(maxsize=8)
def _scheduler_for(retention: float) -> Scheduler:
    return Scheduler(desired_retention=retention, enable_fuzzing=False,
                     learning_steps=(dt.timedelta(0), dt.timedelta(minutes=10)))


def scheduler() -> Scheduler:
    """The scheduler for the configured desired retention (one per value, built once)."""
    return _scheduler_for(_retention)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.timezone.utc) if value is not None else None


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None) if value is not None else None


def fsrs_card(row: Any) -> Card:
    """The ``fsrs`` card of a stored card (an ORM row or a row with the same columns)."""
    return Card(card_id=int(row.id or 0), state=State(int(row.state)), step=row.step,
                stability=row.stability, difficulty=row.difficulty, due=_aware(row.due_at),
                last_review=_aware(row.last_review))


def _reviewed(row: Any | None, correct: bool, at: dt.datetime) -> dict[str, Any]:
    """The columns of ``row``'s card (a new card when None) after one review at ``at``."""
    card = Card(card_id=0, due=_aware(at)) if row is None else fsrs_card(row)
    before = card.state
    card, _log = scheduler().review_card(card, Rating.Good if correct else Rating.Again,
                                         _aware(at))
    lapse = not correct and before == State.Review
    return {"state": int(card.state), "step": card.step, "stability": card.stability,
            "difficulty": card.difficulty, "due_at": _naive(card.due),
            "last_review": _naive(card.last_review),
            "reps": (int(row.reps) if row is not None else 0) + 1,
            "lapses": (int(row.lapses) if row is not None else 0) + lapse}


_COLUMNS = ("state", "step", "stability", "difficulty", "due_at", "last_review", "reps",
            "lapses")


@functools.cache
def _upsert() -> dict[str, Any]:
    """The write of a reviewed card, per dialect, built once per process: one upsert, whether
    the card exists or not (or a concurrent request inserts it meanwhile)."""
    p = sa.bindparam
    rc = m.ReviewCard.__table__
    statements: dict[str, Any] = {}
    for dialect, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert)):
        values = {name: p(f"b_{name}", type_=rc.c[name].type) for name in _COLUMNS}
        stmt = insert(rc).values(
            learner_id=p("b_learner_id"), card_key=p("b_card_key"),
            last_seen=p("b_at", type_=rc.c.last_seen.type),
            snapshot=p("b_snapshot", type_=rc.c.snapshot.type), **values)
        statements[dialect] = stmt.on_conflict_do_update(
            index_elements=["learner_id", "card_key"],
            set_={**{name: getattr(stmt.excluded, name) for name in _COLUMNS},
                  "last_seen": stmt.excluded.last_seen, "snapshot": stmt.excluded.snapshot})
    return statements


def _card_snapshot(q: m.AttemptQuestion | QuestionState) -> dict[str, Any]:
    return {"kind": q.kind, "domain": q.domain, "tags": dict(q.tags or {}), "prompt": q.prompt,
            "options": list(q.options), "correct": list(q.correct), "multi": q.multi,
            "explanation": q.explanation, "hub_url": q.hub_url,
            "rationale": list(getattr(q, "rationale", None) or []),
            "sources": list(getattr(q, "sources", None) or [])}


def _stored(lid: str, keys: list[str]) -> dict[str, Any]:
    rc = m.ReviewCard
    rows = db.session.execute(sa.select(
        rc.id, rc.card_key, rc.state, rc.step, rc.stability, rc.difficulty, rc.due_at,
        rc.last_review, rc.reps, rc.lapses).where(rc.learner_id == lid, rc.card_key.in_(keys)))
    return {row.card_key: row for row in rows}


def _write(lid: str, reviews: list[tuple[m.AttemptQuestion | QuestionState, dict[str, Any]]],
           at: dt.datetime) -> None:
    stmt = _upsert()[db.session.get_bind().dialect.name]
    db.session.connection().execute(stmt, [
        {"b_learner_id": lid, "b_card_key": q.card_key, "b_at": at,
         "b_snapshot": _card_snapshot(q), **{f"b_{k}": v for k, v in values.items()}}
        for q, values in reviews])


def update_card(attempt: m.Attempt | AttemptState,
                q: m.AttemptQuestion | QuestionState, correct: bool, at: dt.datetime) -> None:
    """Review the question's card (inside the answer's transaction): a mistake rates it Again
    (creating the card), a right answer in a review attempt rates it Good."""
    lid = attempt.learner_id
    if correct and attempt.mode != "review":
        return
    row = _stored(lid, [q.card_key]).get(q.card_key)
    if row is None and correct:  # a review of a card that is gone: nothing to move
        return
    _write(lid, [(q, _reviewed(row, correct, at))], at)


def record_mistakes(attempt: m.Attempt | AttemptState, at: dt.datetime) -> None:
    """Rate Again the card of every question the (finished) exam got wrong: one read of the
    questions, one of their cards and one batched upsert, inside the finishing transaction.
    Unanswered questions are not mistakes (nothing was answered), as in practice."""
    aq = m.AttemptQuestion
    wrong = list(db.session.scalars(sa.select(aq).where(
        aq.attempt_id == attempt.id, aq.chosen.is_not(None), aq.is_correct.is_not(True))))
    if not wrong:
        return
    unique = list({q.card_key: q for q in wrong}.values())
    stored = _stored(attempt.learner_id, [q.card_key for q in unique])
    _write(attempt.learner_id,
           [(q, _reviewed(stored.get(q.card_key), False, at)) for q in unique], at)


def _held(lid: str) -> Any:
    """The card keys of the learner's running exams (a subquery)."""
    ma, aq = m.Attempt, m.AttemptQuestion
    return (sa.select(aq.card_key).join(ma, ma.id == aq.attempt_id)
            .where(ma.learner_id == lid, ma.mode == "exam", ma.finished_at.is_(None)))


def queue_size(lid: str | None) -> int:
    """How many cards are due now (none a running exam holds)."""
    if lid is None:
        return 0
    rc = m.ReviewCard
    return int(db.session.scalar(
        sa.select(sa.func.count()).select_from(rc).where(
            rc.learner_id == lid, rc.due_at <= clock.now(),
            rc.card_key.not_in(_held(lid)))) or 0)


@dataclass(frozen=True)
class DayDue:
    day: dt.date
    count: int


@dataclass(frozen=True)
class QueueStats:
    due: int = 0  # due now, and not held
    today: int = 0  # due before the end of today (UTC), the ones due now included
    waiting: int = 0  # in the queue but not due yet
    held: int = 0  # due, but asked by an exam in progress: back once it is submitted
    total: int = 0
    strong: int = 0  # stability of three weeks or more
    next_due: dt.datetime | None = None
    week: tuple[DayDue, ...] = field(default_factory=tuple)  # the 7 days after today
    recall: int | None = None  # mean predicted recall now of the cards past learning, percent
    reviewing: int = 0  # cards past learning (review state): what ``recall`` averages

    @property
    def week_total(self) -> int:
        return sum(d.count for d in self.week)

    @property
    def week_peak(self) -> int:
        return max((d.count for d in self.week), default=0)


def stats(lid: str | None) -> QueueStats:
    """The queue as /quiz and /progress show it: due now, due today, each of the next 7 days,
    held back by a running exam, and the mean predicted recall (FSRS retrievability)."""
    if lid is None:
        return QueueStats()
    rc = m.ReviewCard
    now = clock.now()
    today = clock.today()
    held_keys = set(db.session.scalars(_held(lid)))
    rows = db.session.execute(sa.select(
        rc.id, rc.card_key, rc.state, rc.step, rc.stability, rc.difficulty, rc.due_at,
        rc.last_review).where(rc.learner_id == lid)).all()
    end_of_today = dt.datetime.combine(today + dt.timedelta(days=1), dt.time())
    per_day = dict.fromkeys((today + dt.timedelta(days=i) for i in range(1, WEEK + 1)), 0)
    due = due_today = held = strong = 0
    next_due: dt.datetime | None = None
    recalls: list[float] = []
    sched = scheduler()
    for row in rows:
        if row.due_at <= now:
            if row.card_key in held_keys:
                held += 1
            else:
                due += 1
        else:
            next_due = row.due_at if next_due is None else min(next_due, row.due_at)
        if row.due_at < end_of_today and row.card_key not in held_keys:
            due_today += 1
        elif row.due_at.date() in per_day:
            per_day[row.due_at.date()] += 1
        if row.stability is not None and row.stability >= STRONG_DAYS:
            strong += 1
        if row.state == State.Review and row.last_review is not None:  # past learning
            recalls.append(sched.get_card_retrievability(fsrs_card(row), _aware(now)))
    return QueueStats(
        due=due, today=due_today, waiting=sum(1 for r in rows if r.due_at > now), held=held,
        total=len(rows), strong=strong, next_due=next_due,
        week=tuple(DayDue(d, n) for d, n in per_day.items()),
        recall=round(100 * sum(recalls) / len(recalls)) if recalls else None,
        reviewing=len(recalls))


def due_cards(lid: str, limit: int = REVIEW_BATCH) -> list[m.ReviewCard]:
    """The due cards, longest overdue first, but none a running exam asks (a review shows
    answers)."""
    rc = m.ReviewCard
    return list(db.session.scalars(
        sa.select(rc).where(rc.learner_id == lid, rc.due_at <= clock.now(),
                            rc.card_key.not_in(_held(lid)))
        .order_by(rc.due_at, rc.id).limit(limit)))


def card_question(card: m.ReviewCard, rng: random.Random) -> Question:
    """The card's question with its options reshuffled (so position is no hint)."""
    snap = card.snapshot or {}
    options = list(snap.get("options") or [])
    correct_texts = {options[i] for i in snap.get("correct") or [] if 0 <= i < len(options)}
    reasons = dict(zip(options, snap.get("rationale") or [], strict=False))
    rng.shuffle(options)
    return Question(
        kind=str(snap.get("kind", "")), card_key=card.card_key, prompt=str(snap.get("prompt", "")),
        options=tuple(options),
        correct=tuple(i for i, o in enumerate(options) if o in correct_texts),
        explanation=str(snap.get("explanation", "")), hub_url=str(snap.get("hub_url", "")),
        domain=str(snap.get("domain", "")), tags=dict(snap.get("tags") or {}),
        rationale=tuple(reasons.get(o, "") for o in options) if reasons else (),
        sources=tuple(snap.get("sources") or ()),
    )
