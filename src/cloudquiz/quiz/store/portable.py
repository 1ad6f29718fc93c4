"""Portable progress: a learner's history as a signed JSON file, and importing it elsewhere.

The file holds the finished attempts (each with every question as it was asked and answered)
and the FSRS review cards. It is versioned (``format`` and ``version``), validated on import by
the pydantic models below, and signed: an HMAC-SHA256 of its canonical JSON with the server's
secret key, so a file edited by hand (a changed score, a faked pass) is refused and changes
nothing. Import is idempotent: an attempt already in this browser's history — the same public
id, or one imported from it before — is skipped, and a review card keeps whichever copy was
reviewed last, so importing the same file twice adds nothing the second time. Everything is
written in one transaction: a file that fails anywhere leaves the history as it was.

Attempts in progress are not exported: an exam would otherwise run in two browsers at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ... import models as m
from ...models import db
from . import clock

FORMAT = "cloudquiz-progress"
VERSION = 1
MAX_QUESTIONS = 200  # no attempt asks more (exams ask at most 65)


class Refused(Exception):
    """The file cannot be imported; ``message`` says why in a learner's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ----------------------------------------------------------------------------- the schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class QuestionIn(_Strict):
    position: int = Field(ge=1, le=MAX_QUESTIONS)
    kind: str = Field(max_length=40)
    card_key: str = Field(min_length=1, max_length=200)
    domain: str = Field(default="", max_length=160)
    tags: dict[str, Any] = {}
    prompt: str = Field(max_length=5000)
    options: list[str] = Field(min_length=2, max_length=12)
    correct: list[int] = Field(min_length=1, max_length=12)
    multi: bool = False
    explanation: str = Field(default="", max_length=10000)
    hub_url: str = Field(default="", max_length=300)
    rationale: list[str] = Field(default=[], max_length=12)
    sources: list[str] = Field(default=[], max_length=50)
    chosen: list[int] | None = None
    is_correct: bool | None = None
    points: float = Field(default=0.0, ge=0, le=10)
    flagged: bool = False
    answered_at: dt.datetime | None = None
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _indexes(self) -> QuestionIn:
        n = len(self.options)
        for i in [*self.correct, *(self.chosen or [])]:
            if not 0 <= i < n:
                raise ValueError(f"question {self.position}: option {i} does not exist")
        return self


class AttemptIn(_Strict):
    public_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    mode: Literal["practice", "exam", "review"]
    exam_slug: str | None = Field(default=None, max_length=80)
    title: str = Field(default="", max_length=200)
    config: dict[str, Any] = {}
    rng_seed: int = 0
    content_version: str = Field(default="", max_length=64)
    question_count: int = Field(ge=0, le=MAX_QUESTIONS)
    created_at: dt.datetime
    deadline: dt.datetime | None = None
    finished_at: dt.datetime
    score_points: float = Field(ge=0)
    max_points: float = Field(ge=0)
    scaled_score: int | None = None
    passed: bool | None = None
    questions: list[QuestionIn] = Field(max_length=MAX_QUESTIONS)

    @model_validator(mode="after")
    def _consistent(self) -> AttemptIn:
        positions = [q.position for q in self.questions]
        if sorted(positions) != list(range(1, self.question_count + 1)):
            raise ValueError(f"attempt {self.public_id}: its questions are not 1..{self.question_count}")
        if self.finished_at < self.created_at:
            raise ValueError(f"attempt {self.public_id}: finished before it started")
        return self


class CardIn(_Strict):
    card_key: str = Field(min_length=1, max_length=200)
    state: int = Field(ge=1, le=3)
    step: int | None = Field(default=None, ge=0)
    stability: float | None = Field(default=None, ge=0)
    difficulty: float | None = Field(default=None, ge=1, le=10)
    due_at: dt.datetime
    last_review: dt.datetime | None = None
    reps: int = Field(default=0, ge=0)
    lapses: int = Field(default=0, ge=0)
    last_seen: dt.datetime
    snapshot: dict[str, Any] = {}


class ProgressFile(_Strict):
    format: Literal["cloudquiz-progress"]
    version: Literal[1]
    exported_at: dt.datetime
    attempts: list[AttemptIn] = Field(max_length=5000)
    review_cards: list[CardIn] = Field(max_length=20000)


# ----------------------------------------------------------------------------- signing


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _signature(payload: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, b"cloudquiz-progress/1\n" + _canonical(payload),
                    hashlib.sha256).hexdigest()


# ----------------------------------------------------------------------------- export

_ATTEMPT = ("public_id", "mode", "exam_slug", "title", "config", "rng_seed", "content_version",
            "question_count", "created_at", "deadline", "finished_at", "score_points",
            "max_points", "scaled_score", "passed")
_QUESTION = tuple(QuestionIn.model_fields)
_CARD = tuple(CardIn.model_fields)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def export(lid: str | None, key: bytes) -> dict[str, Any]:
    """This learner's finished attempts and review cards, signed with ``key``."""
    attempts: list[dict[str, Any]] = []
    cards: list[dict[str, Any]] = []
    if lid is not None:
        rows = db.session.scalars(sa.select(m.Attempt).where(
            m.Attempt.learner_id == lid, m.Attempt.finished_at.is_not(None))
            .order_by(m.Attempt.created_at, m.Attempt.id))
        by_id = {a.id: {**{f: _plain(getattr(a, f)) for f in _ATTEMPT}, "questions": []}
                 for a in rows}
        if by_id:
            for q in db.session.scalars(sa.select(m.AttemptQuestion).where(
                    m.AttemptQuestion.attempt_id.in_(list(by_id)))
                    .order_by(m.AttemptQuestion.attempt_id, m.AttemptQuestion.position)):
                by_id[q.attempt_id]["questions"].append(
                    {f: _plain(getattr(q, f)) for f in _QUESTION})
        attempts = list(by_id.values())
        cards = [{f: _plain(getattr(c, f)) for f in _CARD} for c in db.session.scalars(
            sa.select(m.ReviewCard).where(m.ReviewCard.learner_id == lid)
            .order_by(m.ReviewCard.card_key))]
    payload = {"format": FORMAT, "version": VERSION,
               "exported_at": clock.now().replace(microsecond=0).isoformat(),
               "attempts": attempts, "review_cards": cards}
    return {**payload, "signature": _signature(payload, key)}


# ----------------------------------------------------------------------------- import


@dataclass(frozen=True)
class Imported:
    attempts: int  # new attempts added
    skipped: int  # attempts already in this history
    cards: int  # review cards added or replaced by a later review
    cards_kept: int  # review cards whose copy here was as recent or more


def read(data: bytes, key: bytes) -> ProgressFile:
    """Parse, check the signature, validate; :class:`Refused` with the reason otherwise."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Refused("This file is not a progress file: it is not JSON.") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise Refused("This file is not a progress file exported from Cloud Ecosystem Hub.")
    if raw.get("version") != VERSION:
        raise Refused(f"This progress file has format version {raw.get('version')!r}; this "
                      f"server reads version {VERSION}. Export it again from the same server.")
    signature = raw.pop("signature", None)
    try:
        expected = _signature(raw, key)
    except ValueError:  # NaN or infinity: never in a file we wrote
        expected = ""
    if not isinstance(signature, str) or not hmac.compare_digest(signature, expected):
        raise Refused("This file was changed after it was exported, or it was exported from "
                      "another server: its signature does not match. Nothing was imported.")
    try:
        return ProgressFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise Refused(f"This progress file does not hold valid data ({where}: "
                      f"{first.get('msg')}). Nothing was imported.") from None


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _question(q: QuestionIn) -> m.AttemptQuestion:
    values = {**q.model_dump(), "answered_at": _naive(q.answered_at)}
    if values["chosen"] is None:  # SQL NULL (not answered), not the JSON value null
        del values["chosen"]
    return m.AttemptQuestion(**values)


def apply(lid: str, progress: ProgressFile) -> Imported:
    """Add the file's history to this learner's, in one transaction."""
    mine = db.session.execute(sa.select(m.Attempt.public_id, m.Attempt.config).where(
        m.Attempt.learner_id == lid)).all()
    known = {pid for pid, _ in mine} | {
        str(cfg.get("imported_from")) for _, cfg in mine
        if isinstance(cfg, dict) and cfg.get("imported_from")}
    added = skipped = 0
    try:
        for a in progress.attempts:
            # Where the attempt was first made: a file exported from a browser that had
            # imported it names the original, so it never comes back as a copy of itself.
            origin = str(a.config.get("imported_from") or a.public_id)
            if a.public_id in known or origin in known:
                skipped += 1
                continue
            known.update((a.public_id, origin))
            values = a.model_dump(exclude={"questions", "public_id"})
            for name in ("created_at", "deadline", "finished_at"):
                values[name] = _naive(values[name])
            attempt = m.Attempt(**values, learner_id=lid, public_id=secrets.token_hex(16))
            attempt.config = {**a.config, "imported_from": origin}
            attempt.questions = [_question(q) for q in sorted(a.questions,
                                                              key=lambda q: q.position)]
            db.session.add(attempt)
            added += 1
        cards = {c.card_key: c for c in db.session.scalars(
            sa.select(m.ReviewCard).where(m.ReviewCard.learner_id == lid))}
        changed = kept = 0
        for c in progress.review_cards:
            values = c.model_dump()
            for name in ("due_at", "last_review", "last_seen"):
                values[name] = _naive(values[name])
            here = cards.get(c.card_key)
            if here is None:
                cards[c.card_key] = card = m.ReviewCard(learner_id=lid, **values)
                db.session.add(card)
                changed += 1
            elif (values["last_review"] or dt.datetime.min) > (here.last_review or dt.datetime.min):
                for name, value in values.items():
                    setattr(here, name, value)
                changed += 1
            else:
                kept += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Imported(added, skipped, changed, kept)
