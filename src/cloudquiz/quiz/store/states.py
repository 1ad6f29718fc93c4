"""The plain values the question pages read: an attempt, one of its questions, its tallies.

Read with Core as frozen values (:mod:`.attempts`), so an answer's commit expires nothing the
panel renders; :mod:`.review` takes them too, which is why they live below both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AttemptState:
    """What the question pages need of an attempt, read with Core as a plain value.

    Unlike an ORM instance it is not expired by the answer's commit, so rendering the panel
    after the commit reads nothing again. Same attribute names as :class:`models.Attempt`, so the
    helpers here (``scoring_of``, ``is_expired``, ``finish``) take either.
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
    rationale: list[Any]  # why each option is right or wrong, parallel to options
    sources: list[Any]
    chosen: list[Any] | None
    is_correct: bool | None
    points: float
    flagged: bool
    version: int = 0  # bumped by every write of the answer; forms carry it (stale = 409)


@dataclass(frozen=True, slots=True)
class Tallies:
    """An attempt's counts for the question panel (read with the question, in the same query),
    and whether the question's right answer must stay hidden for now."""

    answered: int
    flagged: int
    first_open: int | None = None  # position of the first unanswered question, None if none
    # The question's card is also in another exam of this learner that is still running: its
    # right answer is not shown anywhere until that exam is submitted.
    held: bool = False
    # The learner's report of this item ("open:wrong_key"), None when not reported: the panel
    # shows "Reported — under review" instead of the report link.
    report: str | None = None
