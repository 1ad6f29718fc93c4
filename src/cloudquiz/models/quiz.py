"""Quiz history: learners, attempts, asked questions (snapshots), review cards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow

# --------------------------------------------------------------------------- quiz history


class Learner(db.Model):
    """An anonymous browser session: the signed cookie holds only this random id."""

    __tablename__ = "learner"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Attempt(db.Model):
    __tablename__ = "attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    learner_id: Mapped[str] = mapped_column(sa.ForeignKey("learner.id"), index=True)
    mode: Mapped[str] = mapped_column(sa.String(20))
    exam_slug: Mapped[str | None] = mapped_column(sa.String(80), default=None)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    config: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    rng_seed: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    content_version: Mapped[str] = mapped_column(sa.String(64), default="")
    question_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deadline: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    score_points: Mapped[float] = mapped_column(default=0.0)
    max_points: Mapped[float] = mapped_column(default=0.0)
    scaled_score: Mapped[int | None] = mapped_column(default=None)
    passed: Mapped[bool | None] = mapped_column(default=None)

    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position",
        cascade="all, delete-orphan",
    )


class AttemptQuestion(db.Model):
    """A question as it was asked (snapshot), and the learner's answer once given."""

    __tablename__ = "attempt_question"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"), index=True)
    position: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(40))
    card_key: Mapped[str] = mapped_column(sa.String(200))
    domain: Mapped[str] = mapped_column(sa.String(160), default="")
    tags: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    prompt: Mapped[str] = mapped_column(sa.Text)
    options: Mapped[list[Any]] = mapped_column(sa.JSON)
    correct: Mapped[list[Any]] = mapped_column(sa.JSON)
    multi: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    hub_url: Mapped[str] = mapped_column(sa.String(300), default="")
    # why each option is right or wrong (parallel to options) and the facts' sources
    rationale: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    sources: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    chosen: Mapped[list[Any] | None] = mapped_column(sa.JSON, default=None)
    is_correct: Mapped[bool | None] = mapped_column(default=None)
    points: Mapped[float] = mapped_column(default=0.0)
    flagged: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Bumped by every write of the answer (save, change, clear): a form carries the version it
    # was rendered from, so a stale or replayed form cannot overwrite a newer answer.
    version: Mapped[int] = mapped_column(default=0)

    attempt: Mapped[Attempt] = relationship(back_populates="questions")


class ReviewCard(db.Model):
    """One question (by its stable card key) in one learner's review queue: its FSRS state
    (``quiz/store/review.py`` schedules it through the ``fsrs`` package) and a snapshot of the
    question, so a review asks what was asked."""

    __tablename__ = "review_card"
    __table_args__ = (sa.UniqueConstraint("learner_id", "card_key"),
                      sa.Index("ix_review_card_learner_id_due_at", "learner_id", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[str] = mapped_column(sa.ForeignKey("learner.id"), index=True)
    card_key: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[int] = mapped_column(default=1)  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: Mapped[int | None] = mapped_column(default=0)  # learning or relearning step
    stability: Mapped[float | None] = mapped_column(sa.Float, default=None)  # days to 90 % recall
    difficulty: Mapped[float | None] = mapped_column(sa.Float, default=None)  # 1 (easy) to 10
    due_at: Mapped[dt.datetime] = mapped_column()
    last_review: Mapped[dt.datetime | None] = mapped_column(default=None)
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)  # forgotten after reaching review state
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class ItemReport(db.Model):
    """A learner's report of a problem with a question (``quiz/store/reports.py``): what is
    wrong, their comment, and everything a maintainer needs to judge it without the learner —
    the item as it was asked (snapshot), the content version it was generated from and the one
    current when reported, and the source record of its facts. One per learner and item: the
    item shows "Reported — under review" to its reporter wherever it comes back."""

    __tablename__ = "item_report"
    __table_args__ = (sa.UniqueConstraint("learner_id", "card_key"),
                      sa.Index("ix_item_report_status_created_at", "status", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[str] = mapped_column(sa.ForeignKey("learner.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"), index=True)
    position: Mapped[int] = mapped_column()
    card_key: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    item: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    source: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    content_version: Mapped[str] = mapped_column(sa.String(64), default="")  # the item's
    reported_version: Mapped[str] = mapped_column(sa.String(64), default="")  # when reported
    status: Mapped[str] = mapped_column(sa.String(20), default="open")  # open / resolved
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)


QUIZ_MODELS = (Learner, Attempt, AttemptQuestion, ReviewCard, ItemReport)
