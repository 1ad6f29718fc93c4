"""Review mistakes: the learner's Leitner cards, one per question asked wrong.

A wrong answer puts the question's card in box 1 (due at once); a right answer in a review
attempt moves the card up one box, due again after 1 day (box 2) or 2 days (box 3); a right
answer in box 3, which can only happen on a third day, retires the card (box
:data:`LEARNED_BOX`). A wrong answer in a review attempt sends the card back to box 1, due the
next day. A card keeps a snapshot of its question, so a review asks what was asked.

:func:`update_card` runs inside the answer's transaction (``attempts.answer``) of a practice or
review; an exam's mistakes wait until it is submitted (:func:`record_mistakes`, inside the
finishing transaction), so nothing of a running exam reaches the queue. A card whose question
is in a running exam of the learner is *held*: it is not due, and no review draws it, until
that exam ends (a review shows the right answer). The rest reads the queue for the pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ... import models as m
from ...models import db
from ..types import Question
from . import clock

if TYPE_CHECKING:
    from .states import AttemptState, QuestionState

LEARNED_BOX = 4  # a card answered right in box 3 is learned and leaves the queue
REVIEW_BATCH = 20  # questions in one review attempt at most


@functools.cache
def _reset_card() -> dict[str, Any]:
    """The upsert of a mistake, per dialect, built once per process (like the answer's
    statements: bound parameters, so SQLAlchemy reuses its compiled form)."""
    p = sa.bindparam
    rc = m.ReviewCard.__table__
    statements: dict[str, Any] = {}
    for dialect, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert)):
        stmt = insert(rc).values(
            learner_id=p("b_learner_id"), card_key=p("b_card_key"), box=1,
            due_on=p("b_day", type_=rc.c.due_on.type),
            last_seen=p("b_at", type_=rc.c.last_seen.type),
            snapshot=p("b_snapshot", type_=rc.c.snapshot.type))
        statements[dialect] = stmt.on_conflict_do_update(
            index_elements=["learner_id", "card_key"],
            set_={"box": 1, "due_on": stmt.excluded.due_on,
                  "last_seen": stmt.excluded.last_seen, "snapshot": stmt.excluded.snapshot})
    return statements


def _card_snapshot(q: m.AttemptQuestion | QuestionState) -> dict[str, Any]:
    return {"kind": q.kind, "domain": q.domain, "tags": dict(q.tags or {}), "prompt": q.prompt,
            "options": list(q.options), "correct": list(q.correct), "multi": q.multi,
            "explanation": q.explanation, "hub_url": q.hub_url,
            "rationale": list(getattr(q, "rationale", None) or []),
            "sources": list(getattr(q, "sources", None) or [])}


def update_card(attempt: m.Attempt | AttemptState,
                q: m.AttemptQuestion | QuestionState, correct: bool, at: dt.datetime) -> None:
    """Move the question's card between Leitner boxes (inside the answer's transaction)."""
    lid, day = attempt.learner_id, clock.today()
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
    stmt = _reset_card()[db.session.get_bind().dialect.name]
    db.session.connection().execute(stmt, {
        "b_learner_id": lid, "b_card_key": q.card_key, "b_day": day, "b_at": at,
        "b_snapshot": _card_snapshot(q)})


def record_mistakes(attempt: m.Attempt | AttemptState, at: dt.datetime) -> None:
    """Put the card of every question the (finished) exam got wrong in box 1, due today: one
    read and one batched upsert, inside the finishing transaction. Unanswered questions are not
    mistakes (nothing was answered), as in practice."""
    aq = m.AttemptQuestion
    wrong = list(db.session.scalars(sa.select(aq).where(
        aq.attempt_id == attempt.id, aq.chosen.is_not(None), aq.is_correct.is_not(True))))
    if not wrong:
        return
    day = clock.today()
    stmt = _reset_card()[db.session.get_bind().dialect.name]
    db.session.connection().execute(stmt, [
        {"b_learner_id": attempt.learner_id, "b_card_key": q.card_key, "b_day": day,
         "b_at": at, "b_snapshot": _card_snapshot(q)} for q in wrong])


def _held(lid: str) -> Any:
    """The card keys of the learner's running exams (a subquery)."""
    ma, aq = m.Attempt, m.AttemptQuestion
    return (sa.select(aq.card_key).join(ma, ma.id == aq.attempt_id)
            .where(ma.learner_id == lid, ma.mode == "exam", ma.finished_at.is_(None)))


def queue_size(lid: str | None) -> int:
    if lid is None:
        return 0
    rc = m.ReviewCard
    return int(db.session.scalar(
        sa.select(sa.func.count()).select_from(rc).where(
            rc.learner_id == lid, rc.box < LEARNED_BOX, rc.due_on <= clock.today(),
            rc.card_key.not_in(_held(lid)))) or 0)


@dataclass(frozen=True)
class QueueStats:
    due: int = 0
    waiting: int = 0  # in the queue but not due yet
    learned: int = 0
    next_due: dt.date | None = None
    held: int = 0  # due, but asked by an exam in progress: back once it is submitted


def stats(lid: str | None) -> QueueStats:
    if lid is None:
        return QueueStats()
    rc = m.ReviewCard
    day = clock.today()
    held = rc.card_key.in_(_held(lid))
    row = db.session.execute(sa.select(
        sa.func.count().filter(rc.box < LEARNED_BOX, rc.due_on <= day, ~held),
        sa.func.count().filter(rc.box < LEARNED_BOX, rc.due_on > day),
        sa.func.count().filter(rc.box >= LEARNED_BOX),
        sa.func.min(rc.due_on).filter(rc.box < LEARNED_BOX, rc.due_on > day),
        sa.func.count().filter(rc.box < LEARNED_BOX, rc.due_on <= day, held),
    ).where(rc.learner_id == lid)).one()
    return QueueStats(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), row[3],
                      int(row[4] or 0))


def due_cards(lid: str, limit: int = REVIEW_BATCH) -> list[m.ReviewCard]:
    """The due cards, oldest first, but none a running exam asks (a review shows answers)."""
    rc = m.ReviewCard
    return list(db.session.scalars(
        sa.select(rc).where(rc.learner_id == lid, rc.box < LEARNED_BOX, rc.due_on <= clock.today(),
                            rc.card_key.not_in(_held(lid)))
        .order_by(rc.due_on, rc.box, rc.id).limit(limit)))


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
